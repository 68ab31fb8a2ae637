"""Announcements (« petites annonces ») published by the public or a partner
organisation: the form (the fields of `events.announcements.AnnouncementPage`
a poster knows), and how an approved proposal becomes an announcement page.

Shaped like `partners.calls` and `partners.events`: the proposal is a
`Submission` in moderation; nothing is listed before a moderator approves
it. The announcement's contact address is private: the poster's own email
(the submitter's, or the partner account's) unless they give another one;
the announcement's contact form relays messages to it, it is never shown.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.dateparse import parse_date
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from events.announcements import TEXT_MAX_LENGTH

from .events import index_page_for, refuse_control_characters, theme_choices
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
from .validation import validate_plausible_year

ANNOUNCEMENT_FIELDS = (
    "title",
    "kind",
    "category",
    "text",
    "organisation",
    "postcode",
    "city",
    "expires_on",
    "contact_name",
    "contact_email",
    "themes",
)


def _model_module():
    from events import announcements

    return announcements


def _vocab():
    from events import vocab

    return vocab


class AnnouncementFieldsForm(FieldsetsMixin, AccessibleFormMixin):
    title = text_field(
        _("Titre de l'annonce"),
        max_length=255,
        required=True,
        help_text=_("Par exemple « Bureau à partager à Sceaux » ou « Bénévoles recherchés »."),
    )
    kind = forms.ChoiceField(label=_("Offre ou demande"), choices=(), widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("Catégorie"), choices=())
    text = text_field(_("Texte de l'annonce"), max_length=TEXT_MAX_LENGTH, rows=8, required=True)
    organisation = text_field(
        _("Structure qui publie"),
        max_length=200,
        required=True,
        help_text=_("Le nom affiché avec l'annonce."),
    )
    postcode = forms.CharField(
        label=_("Code postal"), max_length=10, required=False, validators=[POSTCODE_VALIDATOR]
    )
    city = text_field(_("Commune"), max_length=120, required=True)
    expires_on = forms.DateField(
        label=_("Dernier jour de publication"),
        required=False,
        validators=[validate_plausible_year],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    contact_name = text_field(
        _("Nom du contact"),
        max_length=200,
        help_text=_("Jamais affiché : il signe les messages transmis."),
    )
    contact_email = forms.EmailField(
        label=_("Adresse qui reçoit les réponses"),
        max_length=254,
        required=False,
        help_text=_(
            "Jamais affichée : les personnes intéressées vous écrivent par un formulaire "
            "qui vous transmet leur message. Vide : votre propre adresse électronique."
        ),
    )
    themes = forms.MultipleChoiceField(
        label=_("Thèmes"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )

    FIELDSETS = (
        (_("L'annonce"), ("title", "kind", "category", "text", "organisation")),
        (_("Où"), ("postcode", "city")),
        (_("Publication et réponses"), ("expires_on", "contact_name", "contact_email")),
        (_("Thèmes"), ("themes",)),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        module, vocab = _model_module(), _vocab()
        self.max_days = module.MAX_DAYS
        self.fields["kind"].choices = list(vocab.AnnouncementKind.choices)
        self.fields["category"].choices = [("", _("Choisissez une catégorie"))] + list(
            vocab.AnnouncementCategory.choices
        )
        self.fields["themes"].choices = theme_choices()
        self.fields["text"].help_text = _(
            "Texte simple : ce qui est proposé ou recherché, les conditions, les dates "
            "utiles ; %(max)s caractères au plus. N'y écrivez pas votre adresse : le "
            "formulaire de contact la garde privée."
        ) % {"max": TEXT_MAX_LENGTH}
        self.fields["expires_on"].help_text = _(
            "Vide : %(days)s jours après la publication. Au plus un an."
        ) % {"days": module.DEFAULT_DAYS}
        for name in ("kind", "themes"):
            self.fields[name].widget.attrs.pop("class", None)
        if not self.is_bound:
            self.initial.setdefault("kind", vocab.AnnouncementKind.OFFER)
        refuse_control_characters(self)

    def clean_postcode(self):
        return re.sub(r"\s+", "", self.cleaned_data.get("postcode", "")).upper()

    def clean_expires_on(self):
        expires_on = self.cleaned_data.get("expires_on")
        if expires_on is None:
            return None
        today = _model_module().paris_today()
        if expires_on < today:
            raise forms.ValidationError(
                _("Cette date est passée : choisissez aujourd'hui ou une date à venir."),
                code="past",
            )
        last = today + dt.timedelta(days=self.max_days)
        if expires_on > last:
            raise forms.ValidationError(
                _(
                    "Une annonce reste publiée un an au plus : choisissez une date "
                    "jusqu'au %(last)s."
                ),
                code="too_far",
                params={"last": date_format(last)},
            )
        return expires_on

    def proposal_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in ANNOUNCEMENT_FIELDS}
        data["themes"] = sorted(data["themes"] or [])
        expires_on = data["expires_on"]
        data["expires_on"] = expires_on.isoformat() if expires_on else ""
        return {key: ("" if value is None else value) for key, value in data.items()}


class PublicAnnouncementForm(ProposalFormMixin, AnnouncementFieldsForm, SubmitterFormMixin):
    """« Publier une annonce »: anyone, no account."""

    FIELDSETS = (*AnnouncementFieldsForm.FIELDSETS, SubmitterFormMixin.FIELDSET)


class AnnouncementCorrectionForm(ProposalFormMixin, AnnouncementFieldsForm):
    """A public proposal's correction, through its private link."""

    message = message_field()
    FIELDSETS = (*AnnouncementFieldsForm.FIELDSETS, MESSAGE_FIELDSET)


class PartnerAnnouncementForm(PartnerActorMixin, AnnouncementCorrectionForm):
    """In the partner space the poster is one of the account's fiches."""

    actor_field = "organisation"
    actor_label = _("Structure qui publie")


def announcement_form_fields() -> dict:
    """The fields, with their labels and choices (the follow page and the
    moderators' summary read a proposal with them)."""
    return dict(AnnouncementFieldsForm().fields)


# --- Approval ---------------------------------------------------------------------------


def announcements_index(language: str | None = None):
    """The announcements page of the submission's language, else of the
    default one."""
    return index_page_for(_model_module().AnnouncementIndexPage, language)


def expiry_for(data: dict) -> dt.date:
    """The proposed last day, if it is still to come when a moderator
    approves; else the default (DEFAULT_DAYS from the approval)."""
    module = _model_module()
    proposed = parse_date(data.get("expires_on") or "") if data.get("expires_on") else None
    today = module.paris_today()
    if proposed is not None and today <= proposed <= today + dt.timedelta(days=module.MAX_DAYS):
        return proposed
    return module.default_expiry()


def apply_announcement_submission(submission, user):
    """Create the announcement page of an approved proposal (not yet
    published: the caller saves a revision and publishes it)."""
    from wagtail.models import Page

    from home.models.themes import Theme

    from .services import unique_slug

    index = announcements_index(submission.language)
    if index is None:
        raise RuntimeError("No announcements page to add the announcement to.")
    parent = Page.objects.select_for_update().get(pk=index.pk)
    data = submission.data
    page = _model_module().AnnouncementPage(
        owner=None,
        live=False,
        title=data.get("title", ""),
        kind=data.get("kind") or _vocab().AnnouncementKind.OFFER,
        category=data.get("category", ""),
        text=data.get("text", ""),
        postcode=data.get("postcode", ""),
        city=data.get("city", ""),
        actor=submission.actor,
        organisation="" if submission.actor else data.get("organisation", ""),
        expires_on=expiry_for(data),
        contact_email=data.get("contact_email") or submission.submitter_email,
        contact_name=data.get("contact_name") or submission.submitter_name,
    )
    page.themes.set(list(Theme.objects.filter(slug__in=data.get("themes") or [])))
    page.slug = unique_slug(parent, page.title)
    parent.add_child(instance=page)
    return page


def announcements_of_actors(actor_ids) -> list:
    """The partner space's list: the current announcements of these fiches,
    newest first."""
    if not actor_ids:
        return []
    model = _model_module().AnnouncementPage
    # The source pages (an English alias copies the fiche but is not edited).
    announcements = model.objects.live().current().filter(actor_id__in=actor_ids)
    return list(announcements.filter(alias_of__isnull=True).newest_first())
