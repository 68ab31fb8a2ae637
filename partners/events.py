"""Events proposed by the public or a partner organisation: the form (the
fields of `events.EventPage` a visitor can know, with one to three time
slots in Paris time), and how an approved proposal becomes an event page,
or a new revision of one (an update, a postponement, a cancellation: a
cancelled event is published with its status, never deleted).

Shaped like `partners.calls`: the proposal is a `Submission` in moderation;
nothing reaches the agenda before a moderator approves it
(`partners.services.apply_submission`).
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.dateparse import parse_date, parse_time
from django.utils.translation import gettext_lazy as _

from .forms import (
    MESSAGE_FIELDSET,
    POSTCODE_VALIDATOR,
    AccessibleFormMixin,
    FieldsetsMixin,
    PartnerActorMixin,
    ProposalFormMixin,
    SubmitterFormMixin,
    message_field,
    text_field,
)
from .validation import (
    plain_to_richtext,
    richtext_to_plain,
    validate_no_control_characters,
    validate_plausible_year,
)

SLOT_COUNT = 3
SLOT_PARTS = ("start_date", "start_time", "end_date", "end_time")
RICH_FIELDS = ("description",)
# The event's own fields a proposal carries (besides `slots` and `themes`).
EVENT_FIELDS = (
    "title",
    "event_type",
    "summary",
    "description",
    "audience",
    "mode",
    "place_name",
    "address",
    "postcode",
    "city",
    "online_url",
    "price",
    "price_note",
    "registration",
    "registration_url",
    "registration_email",
    "capacity",
    "accessible",
    "accessibility",
)
STATUS_FIELDS = ("status", "status_note")


def _vocab():
    from events import vocab

    return vocab


def refuse_control_characters(form) -> None:
    """Every text field of `form` refuses control characters (the shared
    validator of `partners.validation`)."""
    for field in form.fields.values():
        if (
            isinstance(field, forms.CharField)
            and not isinstance(field.widget, forms.HiddenInput)
            and validate_no_control_characters not in field.validators
        ):
            field.validators.append(validate_no_control_characters)


def _date_field(label, help_text=""):
    return forms.DateField(
        label=label,
        required=False,
        help_text=help_text,
        validators=[validate_plausible_year],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _time_field(label):
    return forms.TimeField(
        label=label,
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


def slot_field_name(number: int, part: str) -> str:
    return f"slot{number}_{part}"


def _slot_names(number: int) -> tuple[str, ...]:
    return (*(slot_field_name(number, part) for part in SLOT_PARTS), f"slot{number}_all_day")


def _slot_label(label, number: int) -> str:
    """« Date de début », then « Date de début (date 2) »: each label names
    its slot, in the error summary too."""
    if number == 1:
        return label
    return _("%(label)s (date %(number)s)") % {"label": label, "number": number}


def slot_fields(number: int, *, required: bool = False) -> dict:
    """The five fields of the slot `number` (1 to 3); `required`: its start
    date must be given."""
    fields = {
        slot_field_name(number, "start_date"): _date_field(_slot_label(_("Date de début"), number)),
        slot_field_name(number, "start_time"): _time_field(
            _slot_label(_("Heure de début"), number)
        ),
        slot_field_name(number, "end_date"): _date_field(
            _slot_label(_("Date de fin"), number), help_text=_("Vide : le même jour.")
        ),
        slot_field_name(number, "end_time"): _time_field(_slot_label(_("Heure de fin"), number)),
        f"slot{number}_all_day": forms.BooleanField(
            label=_slot_label(_("Toute la journée (sans horaire)"), number), required=False
        ),
    }
    start = fields[slot_field_name(number, "start_date")]
    start.required = required
    start.error_messages["required"] = _("Indiquez la date de l'événement.")
    for field in fields.values():
        if not isinstance(field, forms.BooleanField):
            field.widget.attrs["class"] = "field__input"
    return fields


def _slot_legend(number: int) -> str:
    if number == 1:
        return _("Date et horaires (heure de Paris)")
    if number == 2:
        return _("Deuxième date (facultatif)")
    return _("Troisième date (facultatif)")


# --- Slots as stored in a proposal -------------------------------------------------
# A proposal's slots are a list of dicts of ISO strings ("" when not given):
# the same text in the submission's JSON, in the live event's initial values,
# so `services.changed_fields` compares them as they are.


def _iso(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def slot_dict(start_date, start_time=None, end_date=None, end_time=None) -> dict:
    return {
        "start_date": _iso(start_date),
        "start_time": _iso(start_time),
        "end_date": _iso(end_date if end_date != start_date else None),
        "end_time": _iso(end_time),
    }


def slot_model(data: dict):
    """An unsaved `EventSlot` from a stored slot dict."""
    from events.models import EventSlot

    def day(name):
        return parse_date(data.get(name) or "") if data.get(name) else None

    def hour(name):
        return parse_time(data.get(name) or "") if data.get(name) else None

    return EventSlot(
        start_date=day("start_date"),
        start_time=hour("start_time"),
        end_date=day("end_date"),
        end_time=hour("end_time"),
    )


def slots_text(slots: list[dict]) -> str:
    """The proposed slots in words, one a line (follow page, moderators)."""
    from events.display import slot_text

    lines = []
    for data in slots or []:
        try:
            lines.append(slot_text(slot_model(data), all_day_note=True))
        except (TypeError, ValueError, AttributeError):
            lines.append(" ".join(str(value) for value in data.values() if value))
    return "\n".join(lines)


# --- The forms ------------------------------------------------------------------------


class EventFieldsForm(FieldsetsMixin, AccessibleFormMixin):
    title = text_field(_("Titre de l'événement"), max_length=255, required=True)
    event_type = forms.ChoiceField(label=_("Type d'événement"), choices=())
    organiser_name = text_field(
        _("Structure organisatrice"),
        max_length=250,
        required=True,
        help_text=_("Le nom de l'organisateur, tel qu'il doit apparaître."),
    )
    summary = text_field(
        _("Résumé"),
        max_length=1000,
        rows=3,
        help_text=_("Deux ou trois phrases : ce qui se passe, pour qui."),
    )
    description = text_field(
        _("Description"),
        rows=8,
        help_text=_(
            "Texte simple : séparez les paragraphes par une ligne vide ; les adresses web "
            "deviennent des liens."
        ),
    )
    audience = text_field(
        _("Public"),
        max_length=250,
        help_text=_("Par exemple « élus et agents des collectivités », « tout public »."),
    )
    mode = forms.ChoiceField(label=_("Participation"), choices=())
    place_name = text_field(
        _("Lieu"), max_length=200, help_text=_("Par exemple « Salle des fêtes ».")
    )
    address = text_field(_("Adresse"), max_length=250)
    postcode = forms.CharField(
        label=_("Code postal"), max_length=10, required=False, validators=[POSTCODE_VALIDATOR]
    )
    city = text_field(_("Commune"), max_length=120)
    online_url = forms.URLField(
        label=_("Lien pour suivre en ligne"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Pour un événement en ligne ou hybride."),
    )
    price = forms.ChoiceField(label=_("Tarif"), choices=(), required=False)
    price_note = text_field(_("Précisions sur le tarif"), max_length=250)
    registration = forms.ChoiceField(label=_("Inscription"), choices=())
    registration_url = forms.URLField(
        label=_("Lien d'inscription"), max_length=500, required=False, assume_scheme="https"
    )
    registration_email = forms.EmailField(
        label=_("Courriel d'inscription"), max_length=254, required=False
    )
    capacity = forms.IntegerField(
        label=_("Nombre de places"), required=False, min_value=1, max_value=1_000_000
    )
    accessible = forms.BooleanField(
        label=_("Accessible aux personnes à mobilité réduite"), required=False
    )
    accessibility = text_field(
        _("Informations d'accessibilité"),
        max_length=2000,
        rows=3,
        help_text=_("Accès, boucle magnétique, interprétation LSF, documents adaptés…"),
    )
    themes = forms.MultipleChoiceField(
        label=_("Thèmes"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )

    # Whether the first slot's start date is required (an update of an
    # event announced without a date may keep it undated).
    require_dates = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, SLOT_COUNT + 1):
            required = number == 1 and self.require_dates
            self.fields.update(slot_fields(number, required=required))
        vocab = _vocab()
        self.fields["event_type"].choices = [("", _("Choisissez un type"))] + list(
            vocab.EventType.choices
        )
        self.fields["mode"].choices = list(vocab.Mode.choices)
        self.fields["price"].choices = [("", _("Non précisé"))] + list(vocab.Price.choices)
        self.fields["registration"].choices = list(vocab.Registration.choices)
        self.fields["themes"].choices = theme_choices()
        for name in ("themes", "accessible"):
            self.fields[name].widget.attrs.pop("class", None)
        if not self.is_bound:
            self.initial.setdefault("mode", vocab.ON_SITE)
            self.initial.setdefault("registration", vocab.Registration.NONE)
            self._expand_slots_initial()
        refuse_control_characters(self)

    def _expand_slots_initial(self) -> None:
        """Stored slots (a proposal's, a live event's) as the slot fields."""
        for number, data in enumerate(self.initial.get("slots") or [], start=1):
            if number > SLOT_COUNT:
                break
            for part in SLOT_PARTS:
                self.initial.setdefault(slot_field_name(number, part), data.get(part) or "")
            if data.get("start_date") and not data.get("start_time"):
                self.initial.setdefault(f"slot{number}_all_day", True)

    def fieldsets(self):
        """As `FieldsetsMixin`, each slot in a fieldset of its own; a group
        the form does not have (the status, on a new event) is left out."""
        for legend, names in self.FIELDSETS:
            if names == "SLOTS":
                for number in range(1, SLOT_COUNT + 1):
                    yield _slot_legend(number), [self[name] for name in _slot_names(number)]
                continue
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                yield legend, fields

    FIELDSETS = (
        (
            _("L'événement"),
            ("title", "event_type", "organiser_name", "summary", "description", "audience"),
        ),
        (_("Statut"), STATUS_FIELDS),
        (_("Dates"), "SLOTS"),
        (
            _("Lieu"),
            ("mode", "place_name", "address", "postcode", "city", "online_url"),
        ),
        (
            _("Infos pratiques"),
            (
                "price",
                "price_note",
                "registration",
                "registration_url",
                "registration_email",
                "capacity",
                "accessible",
                "accessibility",
            ),
        ),
        (_("Thèmes"), ("themes",)),
    )

    def clean_postcode(self):
        return re.sub(r"\s+", "", self.cleaned_data.get("postcode", "")).upper()

    def clean(self):
        cleaned = super().clean()
        self.slots = self._clean_slots(cleaned)
        vocab = _vocab()
        mode, registration = cleaned.get("mode"), cleaned.get("registration")
        self._require(
            mode in (vocab.ONLINE, vocab.HYBRID),
            "online_url",
            _("Un événement en ligne a besoin d'un lien pour le suivre."),
        )
        self._require(
            mode in (vocab.ON_SITE, vocab.HYBRID) and not cleaned.get("place_name"),
            "city",
            _("Indiquez au moins le lieu ou la commune."),
        )
        self._require(
            registration == vocab.Registration.LINK,
            "registration_url",
            _("Indiquez le lien d'inscription."),
        )
        self._require(
            registration == vocab.Registration.EMAIL,
            "registration_email",
            _("Indiquez le courriel d'inscription."),
        )
        return cleaned

    def _require(self, needed: bool, name: str, message) -> None:
        """`name` must be filled when `needed` (the rules of EventPage.clean,
        said before the moderators see the proposal)."""
        if needed and not self.cleaned_data.get(name) and name not in self.errors:
            self.add_error(name, message)

    def _clean_slots(self, cleaned) -> list[dict]:
        """Each filled slot checked on its own (end not before start); the
        first one required when `require_dates`."""
        slots = []
        for number in range(1, SLOT_COUNT + 1):
            slot = check_slot(self, cleaned, number, required=number == 1 and self.require_dates)
            if slot is not None:
                slots.append(slot)
        return slots

    def proposal_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in EVENT_FIELDS}
        data["themes"] = sorted(self.cleaned_data.get("themes") or [])
        data["slots"] = self.slots
        data["organiser_name"] = self.cleaned_data.get("organiser_name", "")
        for name in STATUS_FIELDS:
            if name in self.fields:
                data[name] = self.cleaned_data.get(name)
        return {key: ("" if value is None else value) for key, value in data.items()}


def check_slot(form, cleaned, number: int, *, required: bool) -> dict | None:
    """The slot `number` of `form` as a stored dict, or None when left empty;
    errors are added to the form's fields (kept with what was typed)."""
    names = {part: slot_field_name(number, part) for part in SLOT_PARTS}
    values = {part: cleaned.get(name) for part, name in names.items()}
    typed = any(form.data.get(form.add_prefix(name)) for name in names.values()) or any(
        values.values()
    )
    if any(name in form.errors for name in names.values()):
        return None  # already refused (not a date, implausible year…)
    if not typed:
        if required:
            form.add_error(names["start_date"], _("Indiquez la date de l'événement."))
        return None
    if values["start_date"] is None:
        form.add_error(names["start_date"], _("Indiquez la date de début de ce créneau."))
        return None
    if cleaned.get(f"slot{number}_all_day"):
        values["start_time"] = values["end_time"] = None
    start_date, start_time = values["start_date"], values["start_time"]
    end_date, end_time = values["end_date"], values["end_time"]
    if end_time is not None and start_time is None:
        form.add_error(names["start_time"], _("Indiquez l'heure de début avant l'heure de fin."))
        return None
    if end_date is not None and end_date < start_date:
        form.add_error(names["end_date"], _("La date de fin précède la date de début."))
        return None
    last_date = end_date or start_date
    if start_time and end_time and last_date == start_date and end_time < start_time:
        form.add_error(names["end_time"], _("L'heure de fin précède l'heure de début."))
        return None
    if (last_date - start_date).days > 366:
        form.add_error(names["end_date"], _("Un créneau dure au plus un an."))
        return None
    return slot_dict(start_date, start_time, end_date, end_time)


def theme_choices() -> list[tuple[str, str]]:
    from home.models.themes import Theme

    themes = sorted(Theme.objects.all(), key=lambda theme: theme.sort_key)
    return [(theme.slug, theme.display_name) for theme in themes]


class PublicEventForm(ProposalFormMixin, EventFieldsForm, SubmitterFormMixin):
    """« Proposer un événement »: anyone, no account."""

    FIELDSETS = (*EventFieldsForm.FIELDSETS, SubmitterFormMixin.FIELDSET)


class EventCorrectionForm(ProposalFormMixin, EventFieldsForm):
    """A public proposal's correction, through its private link."""

    message = message_field()
    FIELDSETS = (*EventFieldsForm.FIELDSETS, MESSAGE_FIELDSET)


class PartnerEventForm(PartnerActorMixin, EventCorrectionForm):
    """In the partner space the organiser is one of the account's fiches."""

    actor_label = _("Structure organisatrice")


class PartnerEventUpdateForm(PartnerEventForm):
    """« Modifier » a published event: every field, and its status
    (programmé, reporté, annulé, complet); the organiser stays."""

    status = forms.ChoiceField(label=_("Statut"), choices=())
    status_note = text_field(
        _("Précision sur le statut"),
        max_length=250,
        help_text=_("Par exemple « Reporté au printemps, nouvelle date à venir »."),
    )

    def __init__(self, *args, require_dates=True, kept_slots=(), **kwargs):
        self.require_dates = require_dates
        # Slots beyond the form's three (an editor's long programme): kept.
        self.kept_slots = list(kept_slots)
        super().__init__(*args, **kwargs)
        del self.fields["organiser_name"]
        self.fields["status"].choices = list(_vocab().Status.choices)

    def proposal_data(self) -> dict:
        data = super().proposal_data()
        data["slots"] = [*data["slots"], *self.kept_slots]
        return data


def update_form_kwargs(event) -> dict:
    """What `PartnerEventUpdateForm` needs to know of the live event."""
    slots = [
        slot_dict(slot.start_date, slot.start_time, slot.end_date, slot.end_time)
        for slot in event.ordered_slots
    ]
    return {"require_dates": bool(slots), "kept_slots": slots[SLOT_COUNT:]}


class PartnerEventCancelForm(FieldsetsMixin, ProposalFormMixin):
    """« Annuler » a published event: cancelled or postponed (with the new
    date when it is known). Published as a status: the event stays in the
    agenda and its feeds, marked as such."""

    status = forms.ChoiceField(
        label=_("Ce qui change"),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez « Annulé » ou « Reporté ».")},
    )
    status_note = text_field(
        _("Précision pour le public"),
        max_length=250,
        help_text=_("Par exemple « Annulé en raison des intempéries »."),
    )
    message = message_field()

    FIELDSETS = (
        (_("Annulation ou report"), ("status", "status_note")),
        (_("Nouvelle date, pour un report (facultatif)"), "SLOTS"),
        MESSAGE_FIELDSET,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        vocab = _vocab()
        self.fields["status"].choices = [
            (vocab.CANCELLED, _("Annulé : l'événement n'aura pas lieu")),
            (vocab.POSTPONED, _("Reporté : il aura lieu à une autre date")),
        ]
        self.fields["status"].widget.attrs.pop("class", None)
        self.fields.update(slot_fields(1))
        refuse_control_characters(self)

    def fieldsets(self):
        for legend, names in self.FIELDSETS:
            if names == "SLOTS":
                yield legend, [self[name] for name in _slot_names(1)]
            else:
                yield legend, [self[name] for name in names]

    def clean(self):
        cleaned = super().clean()
        slot = check_slot(self, cleaned, 1, required=False)
        self.new_slot = slot
        if slot is not None and cleaned.get("status") == _vocab().CANCELLED:
            self.add_error(
                slot_field_name(1, "start_date"),
                _("Une nouvelle date ne concerne qu'un report : choisissez « Reporté »."),
            )
        return cleaned

    def proposal_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) or "" for name in STATUS_FIELDS}
        if self.new_slot is not None:
            data["slots"] = [self.new_slot]
        return data


# --- Mapping between the form and the event page --------------------------------------


def event_model():
    from events.models import EventPage

    return EventPage


def is_event(page) -> bool:
    return isinstance(page, event_model())


def event_initial(page) -> dict:
    """A live event's values as the update form shows them (and as
    `services.changed_fields` compares a proposal with)."""
    initial = {name: getattr(page, name) for name in EVENT_FIELDS if name not in RICH_FIELDS}
    for name in RICH_FIELDS:
        initial[name] = richtext_to_plain(getattr(page, name))
    for name in STATUS_FIELDS:
        initial[name] = getattr(page, name)
    initial["slots"] = [
        slot_dict(slot.start_date, slot.start_time, slot.end_date, slot.end_time)
        for slot in page.ordered_slots
    ]
    initial["themes"] = sorted(page.themes.values_list("slug", flat=True))
    organiser = page.organisers.first()
    initial["organiser_name"] = organiser.display_name if organiser else ""
    return {key: ("" if value is None else value) for key, value in initial.items()}


def apply_event_data(page, data: dict) -> None:
    """Set the proposed values on an event page (not saved)."""
    from home.models.themes import Theme

    for name, value in data.items():
        if name in ("slots", "themes", "organiser_name"):
            continue
        if name in RICH_FIELDS:
            value = plain_to_richtext(value)
        elif name == "capacity":
            value = int(value) if value not in ("", None) else None
        elif name == "accessible":
            value = bool(value)
        elif value is None:
            value = ""
        setattr(page, name, value)
    if "slots" in data:
        page.slots = [slot_model(slot) for slot in data["slots"] or []]
        page.__dict__.pop("ordered_slots", None)
    if "themes" in data:
        page.themes.set(list(Theme.objects.filter(slug__in=data["themes"] or [])))
    if "postcode" in data:
        # EventPage.clean() derives the département and région again.
        page.departement = ""
        page.region = ""


def agenda_index(language: str | None = None):
    """The agenda of the submission's language, else of the default one."""
    from events.models import AgendaIndexPage

    return index_page_for(AgendaIndexPage, language)


def index_page_for(model, language: str | None):
    """The first `model` page of `language`, else of the default language
    (one query when it exists)."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant

    default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    pages = model.objects.order_by("path")
    if language and language != default:
        index = pages.filter(locale__language_code=language).first()
        if index is not None:
            return index
    return pages.filter(locale__language_code=default).first()


def organiser_roles() -> tuple[str, ...]:
    """The roles that make an event a fiche's own (a partner or a funder of
    the event does not edit it)."""
    vocab = _vocab()
    return (vocab.ORGANISER, vocab.Role.CO_ORGANISER)


def own_events(actor_ids):
    """Published events one of these fiches organises or co-organises (the
    source pages: an English alias copies its organisers but is not edited)."""
    from events.models import EventOrganiser

    links = EventOrganiser.objects.filter(actor_id__in=actor_ids, role__in=organiser_roles())
    return (
        event_model().objects.live().filter(pk__in=links.values("event_id"), alias_of__isnull=True)
    )


def events_of_actors(actor_ids) -> list:
    """The partner space's list: newest first, undated last."""
    if not actor_ids:
        return []
    from django.db.models import F

    return list(own_events(actor_ids).order_by(F("starts_at").desc(nulls_last=True), "title", "pk"))


def organising_actor(event, actors):
    """The first of `actors` that organises `event`."""
    ids = set(
        event.organisers.filter(role__in=organiser_roles()).values_list("actor_id", flat=True)
    )
    return next((actor for actor in actors if actor.pk in ids), None)


def apply_event_submission(submission, user):
    """Create or update the event page of an approved proposal (not yet
    published: the caller saves a revision and publishes it)."""
    from wagtail.models import Page

    from events.models import EventOrganiser

    from .services import changed_fields, unique_slug

    model = event_model()
    if submission.kind == submission.Kind.EVENT_NEW:
        index = agenda_index(submission.language)
        if index is None:
            raise RuntimeError("No agenda page to add the event to.")
        parent = Page.objects.select_for_update().get(pk=index.pk)
        page = model(owner=None, live=False)
        apply_event_data(page, submission.data)
        page.slug = unique_slug(parent, page.title)
        page.organisers = [
            EventOrganiser(
                actor=submission.actor,
                name="" if submission.actor else submission.data.get("organiser_name", ""),
                role=_vocab().ORGANISER,
            )
        ]
        parent.add_child(instance=page)
        return page
    page = model.objects.select_for_update().get(pk=submission.target_page_id)
    apply_event_data(page, changed_fields(page, submission.data))
    return page
