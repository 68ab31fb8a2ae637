"""Calls for projects proposed by the public or a partner organisation:
the form (the fields of `calls_for_projects.CallForProjectsPage` a visitor
can know), and how an approved proposal becomes, or updates, a call page.
"""

from __future__ import annotations

from datetime import date, datetime

from django import forms
from django.core.files.base import File
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from .forms import (
    MESSAGE_FIELDSET,
    AccessibleFormMixin,
    FieldsetsMixin,
    PartnerActorMixin,
    ProposalFormMixin,
    SubmitterFormMixin,
    message_field,
    text_field,
)
from .validation import plain_to_richtext, richtext_to_plain, validate_document

RICH_FIELDS = ("description", "how_to_apply")
CALL_FIELDS = (
    "title",
    "call_type",
    "summary",
    "description",
    "opens_on",
    "deadline",
    "is_rolling",
    "applicants",
    "scope",
    "application_url",
    "application_email",
    "how_to_apply",
)


def _vocab():
    from calls_for_projects import vocab

    return vocab


class CallFieldsForm(FieldsetsMixin, AccessibleFormMixin):
    title = text_field(_("Intitulé de l'appel"), max_length=255, required=True)
    call_type = forms.ChoiceField(label=_("Type"), choices=())
    organiser_name = text_field(
        _("Structure qui porte l'appel"),
        max_length=250,
        required=True,
        help_text=_("Le nom de l'organisateur, tel qu'il doit apparaître."),
    )
    summary = text_field(
        _("Résumé"), max_length=1000, rows=3, help_text=_("Deux ou trois phrases.")
    )
    description = text_field(
        _("Description"),
        rows=8,
        help_text=_(
            "Texte simple : séparez les paragraphes par une ligne vide ; les adresses web "
            "deviennent des liens."
        ),
    )
    opens_on = forms.DateField(
        label=_("Date d'ouverture"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    deadline = forms.DateTimeField(
        label=_("Date et heure limites de dépôt"),
        required=False,
        help_text=_("Heure de Paris. Laissez vide si elle n'est pas encore annoncée."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    is_rolling = forms.BooleanField(
        label=_("Les demandes sont instruites au fil de l'eau (sans date limite)"), required=False
    )
    applicants = forms.MultipleChoiceField(
        label=_("Qui peut candidater"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scope = forms.ChoiceField(label=_("Territoire couvert"), choices=(), required=False)
    application_url = forms.URLField(
        label=_("Lien pour candidater"), max_length=500, required=False, assume_scheme="https"
    )
    application_email = forms.EmailField(
        label=_("Courriel pour candidater"), max_length=254, required=False
    )
    how_to_apply = text_field(_("Modalités de candidature"), rows=5)
    rules = forms.FileField(
        label=_("Règlement (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    FIELDSETS = (
        (_("L'appel"), ("title", "call_type", "organiser_name", "summary", "description")),
        (_("Calendrier"), ("opens_on", "deadline", "is_rolling")),
        (_("Candidats et territoire"), ("applicants", "scope")),
        (_("Candidater"), ("application_url", "application_email", "how_to_apply", "rules")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        vocab = _vocab()
        self.fields["call_type"].choices = [("", _("Choisissez un type"))] + list(
            vocab.CallType.choices
        )
        self.fields["applicants"].choices = list(vocab.Applicant.choices)
        self.fields["scope"].choices = [("", _("Non précisé"))] + list(vocab.Scope.choices)
        for name in ("applicants", "is_rolling"):
            self.fields[name].widget.attrs.pop("class", None)

    def clean_rules(self):
        upload = self.cleaned_data.get("rules")
        if upload:
            validate_document(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        opens_on, deadline = cleaned.get("opens_on"), cleaned.get("deadline")
        if opens_on and deadline and timezone.localtime(deadline).date() < opens_on:
            self.add_error("deadline", _("La date limite précède la date d'ouverture."))
        vocab = _vocab()
        if cleaned.get("is_rolling") and cleaned.get("call_type") not in (
            vocab.ROLLING_GRANT,
            vocab.OTHER,
        ):
            self.add_error(
                "is_rolling",
                _("Une instruction au fil de l'eau correspond au type « aide au fil de l'eau »."),
            )
        return cleaned

    def proposal_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in CALL_FIELDS}
        data["organiser_name"] = self.cleaned_data.get("organiser_name", "")
        return {key: ("" if value is None else value) for key, value in data.items()}


class PublicCallForm(ProposalFormMixin, CallFieldsForm, SubmitterFormMixin):
    FIELDSETS = (*CallFieldsForm.FIELDSETS, SubmitterFormMixin.FIELDSET)


class CallCorrectionForm(ProposalFormMixin, CallFieldsForm):
    """A public proposal's correction, through its private link: the call
    and a message, not the submitter's details again."""

    message = message_field()
    FIELDSETS = (*CallFieldsForm.FIELDSETS, MESSAGE_FIELDSET)


class PartnerCallForm(PartnerActorMixin, CallCorrectionForm):
    """In the partner space the organiser is one of the account's fiches."""

    actor_label = _("Structure qui porte l'appel")


class PartnerCallUpdateForm(PartnerCallForm):
    """An update: the organiser stays as it is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["organiser_name"]


# --- Mapping between the form and the call page -------------------------------------


def call_model():
    from calls_for_projects.models import CallForProjectsPage

    return CallForProjectsPage


def is_call(page) -> bool:
    try:
        return isinstance(page, call_model())
    except ImportError:
        return False


def call_initial(page) -> dict:
    initial = {name: getattr(page, name) for name in CALL_FIELDS if name not in RICH_FIELDS}
    for name in RICH_FIELDS:
        initial[name] = richtext_to_plain(getattr(page, name))
    initial["applicants"] = sorted(page.applicants.values_list("code", flat=True))
    organiser = page.organisers.first()
    initial["organiser_name"] = organiser.display_name if organiser else ""
    initial["deadline"] = timezone.localtime(page.deadline) if page.deadline else None
    return {key: ("" if value is None else value) for key, value in initial.items()}


def _as_date(value):
    if isinstance(value, date) or not value:
        return value or None
    return parse_date(str(value))


def _as_datetime(value):
    if isinstance(value, datetime) or not value:
        return value or None
    parsed = parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def apply_call_data(page, data: dict) -> None:
    from calls_for_projects.models import ApplicantType

    for name, value in data.items():
        if name in ("applicants", "organiser_name"):
            continue
        if name in RICH_FIELDS:
            value = plain_to_richtext(value)
        elif name == "opens_on":
            value = _as_date(value)
        elif name == "deadline":
            value = _as_datetime(value)
        elif name == "is_rolling":
            value = bool(value)
        setattr(page, name, value if value is not None else None)
    if "applicants" in data:
        page.applicants.set(ApplicantType.objects.filter(code__in=data["applicants"] or []))


def calls_index():
    from wagtail.models import Locale

    from calls_for_projects.models import CallsIndexPage

    return CallsIndexPage.objects.filter(locale=Locale.get_default()).order_by("path").first()


def calls_of_actors(actor_ids):
    """Calls whose organisers include one of these fiches."""
    if not actor_ids:
        return []
    return list(
        call_model().objects.filter(organisers__actor_id__in=actor_ids).distinct().order_by("title")
    )


def apply_call_submission(submission, user):
    """Create or update the call page of an approved proposal (not yet
    published: the caller saves a revision and publishes it)."""
    from wagtail.documents import get_document_model
    from wagtail.models import Page

    from calls_for_projects import vocab
    from calls_for_projects.models import CallDocument, CallOrganiser

    from .services import changed_fields, unique_slug

    model = call_model()
    if submission.kind == submission.Kind.CALL_NEW:
        index = calls_index()
        if index is None:
            raise RuntimeError("No calls index page to add the call to.")
        parent = Page.objects.select_for_update().get(pk=index.pk)
        page = model(owner=None, live=False)
        apply_call_data(page, submission.data)
        page.slug = unique_slug(parent, page.title)
        page.organisers.add(
            CallOrganiser(
                actor=submission.actor,
                name="" if submission.actor else submission.data.get("organiser_name", ""),
                role=vocab.ORGANISER,
            )
        )
    else:
        page = model.objects.select_for_update().get(pk=submission.target_page_id)
        apply_call_data(page, changed_fields(page, submission.data))
        parent = None
    if submission.document:
        with submission.document.open("rb") as fh:
            document = get_document_model()(title=page.title[:255], uploaded_by_user=user)
            document.file.save(submission.document.name.rsplit("/", 1)[-1], File(fh), save=False)
            document.save()
        page.documents.add(CallDocument(document=document, kind=CallDocument.RULES))
    if parent is not None:
        parent.add_child(instance=page)
    return page
