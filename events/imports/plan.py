"""Which event each line of a file updates: the same identifier (the CSV's
« id », our iCalendar UID: the event's translation key), else the same title
and first start in the agenda; otherwise a new event. A file that names one
event twice is reported, line by line."""

from __future__ import annotations

from django.utils.translation import gettext as _

from home.imports import ImportPlan

from .. import vocab
from ..models import EventPage
from .rows import fold

# The fields of the rules an event must follow (EventPage.clean), checked in
# the dry run so that the report shows what the import would refuse.
RULE_FIELDS = ["mode", "online_url", "registration", "registration_url", "registration_email"]


def _defaults() -> dict:
    return {name: EventPage._meta.get_field(name).get_default() for name in RULE_FIELDS}


def check_rules(row, current: dict) -> None:
    """Report on `row` what EventPage.clean would refuse once its values
    are set on `current` (the event's values, or the defaults of a new one)."""
    values = {**current, **row.create_values, **row.values}
    if values["mode"] in (vocab.ONLINE, vocab.HYBRID) and not values["online_url"]:
        row.error("online_url", _("Un événement en ligne a besoin d'un lien pour le suivre."))
    if values["registration"] == vocab.Registration.LINK and not values["registration_url"]:
        row.error("registration_url", _("Indiquez le lien d'inscription."))
    if values["registration"] == vocab.Registration.EMAIL and not values["registration_email"]:
        row.error("registration_url", _("Indiquez le courriel d'inscription."))


def resolve_plan(plan: ImportPlan, agenda) -> ImportPlan:
    """Mark each valid line of `plan` as a creation or an update of an
    event of `agenda` (drafts included); one query."""
    plan.index_page_id = agenda.pk
    events = list(
        EventPage.objects.child_of(agenda)
        .only("id", "title", "translation_key", "starts_at", *RULE_FIELDS)
        .order_by("path")
    )
    by_key = {str(event.translation_key): event for event in events}
    by_title_start: dict[tuple, EventPage] = {}
    for event in events:
        by_title_start.setdefault((fold(event.title), event.starts_at), event)
    targeted: dict[int, int] = {}
    created: dict[tuple, int] = {}
    defaults = _defaults()
    for row in plan.rows:
        row.target_id, row.action = None, ""
        if not row.is_valid:
            continue
        identity = (fold(row.title), row.first_start)
        target = by_key.get(row.key) if row.key else None
        if target is None:
            target = by_title_start.get(identity)
        earlier = targeted.get(target.pk) if target is not None else created.get(identity)
        if earlier is not None:
            row.error(
                "",
                _("Cette ligne désigne le même événement que la ligne %(line)s.")
                % {"line": earlier},
            )
            continue
        current = {name: getattr(target, name) for name in RULE_FIELDS} if target else defaults
        check_rules(row, current)
        if not row.is_valid:
            continue
        if target is not None:
            targeted[target.pk] = row.line
            row.target_id, row.action = target.pk, "update"
        else:
            created[identity] = row.line
            row.action = "create"
    return plan
