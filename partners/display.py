"""A submission's proposed values as people read them (labels, choice
names), for the follow pages and the moderators' summary panel; and what
the admin tells a moderator once a proposal is approved."""

from __future__ import annotations

from django.utils import timezone
from django.utils.choices import flatten_choices
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def _fields(submission) -> dict:
    """The fields of the form the submission came from (a call's or an
    actor's: they share names such as « title » with other labels)."""
    from .calls import CallFieldsForm
    from .events import EventFieldsForm, PartnerEventUpdateForm
    from .forms import PublicActorForm

    if submission.kind in (submission.Kind.CALL_NEW, submission.Kind.CALL_UPDATE):
        return dict(CallFieldsForm().fields)  # choices are set per instance
    if submission.is_event:
        fields = dict(PartnerEventUpdateForm().fields)  # with the status
        fields.setdefault("organiser_name", EventFieldsForm.base_fields["organiser_name"])
        return fields
    if submission.kind == submission.Kind.ANNOUNCEMENT_NEW:
        from .announcements import announcement_form_fields

        return announcement_form_fields()
    return dict(PublicActorForm.base_fields)


def _date_text(value: str) -> str | None:
    """A stored ISO date or date-time as people read it, else None."""
    try:
        day = parse_date(value)
        moment = None if day else parse_datetime(value)
    except ValueError:
        return None
    if day is not None:
        return date_format(day)
    if moment is not None:
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "DATETIME_FORMAT")
    return None


def _display(field, value) -> str:
    # Grouped choices (a structure's kind) are flattened: a code is never shown.
    choices = dict(flatten_choices(getattr(field, "choices", None) or ()))
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    if isinstance(value, bool):
        return "✓" if value else ""
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, str) and value[:1].isdigit():
        return _date_text(value) or value
    return str(value)


def proposal_rows(submission) -> list[tuple[str, str]]:
    """Non-empty proposed values with their labels; for an update, the
    fiche's unchanged title is left out."""
    fields = _fields(submission)
    unchanged_title = None
    if submission.is_update and submission.target_page_id and submission.target_page:
        unchanged_title = submission.target_page.title
    rows = []
    for name, value in submission.data.items():
        if value in ("", None, [], False):
            continue
        if name == "title" and value == unchanged_title:
            continue
        if name == "slots":
            from .events import slots_text

            rows.append((_("Dates et horaires"), slots_text(value)))
            continue
        field = fields.get(name)
        label = str(field.label) if field is not None else name
        rows.append((label, _display(field, value) if field is not None else str(value)))
    return rows


def newly_approved(pk):
    """The submission as the database has it now, if it is approved (the
    `published` signal applied it: `partners.signals.on_published`)."""
    from .models import Submission

    return (
        Submission.objects.select_related("result_page")
        .filter(pk=pk, status=Submission.Status.APPROVED)
        .first()
    )


def approval_message(submission) -> str:
    """What an approval did, in the moderator's words."""
    if submission.is_actor:
        return _("Proposition approuvée : la fiche est publiée.")
    if submission.kind == submission.Kind.EVENT_NEW:
        return _("Proposition approuvée : l'événement est publié dans l'agenda.")
    if submission.kind == submission.Kind.EVENT_UPDATE:
        return _("Proposition approuvée : la modification de l'événement est publiée.")
    if submission.kind == submission.Kind.ANNOUNCEMENT_NEW:
        return _("Proposition approuvée : l'annonce est publiée.")
    return _("Proposition approuvée : l'appel à projets est publié.")


def live_url(submission, request=None) -> str | None:
    """The public address of the page an approval published, if it is live."""
    page = submission.result_page
    if page is None or not page.live:
        return None
    return page.get_url(request=request)
