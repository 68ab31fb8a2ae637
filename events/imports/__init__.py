"""The agenda's bulk import: events from a CSV file (the agenda's own
export, or French headers) or an iCalendar file (our feeds, OpenAgenda,
Google Calendar), checked as a dry run (`parse_file`), then applied as
drafts (`apply_plan`). The shared plan, report and admin flow are
home/imports.py; the formats: from_csv.py and from_ical.py."""

from __future__ import annotations

from home.imports import ImportPlan

from .apply import EventImportReport, apply_plan
from .from_csv import parse_csv
from .from_ical import MAX_OCCURRENCES, parse_ics
from .plan import resolve_plan
from .rows import EventRow, Lookups

FORMATS = ("csv", "ics")
ICS_EXTENSIONS = (".ics", ".ical", ".ifb", ".icalendar")

__all__ = [
    "FORMATS",
    "MAX_OCCURRENCES",
    "EventImportReport",
    "EventRow",
    "apply_plan",
    "detect_format",
    "parse_file",
    "resolve_plan",
]


def detect_format(name: str, content: bytes) -> str:
    """« ics » for a .ics file or one that starts as a calendar, else « csv »."""
    if name.lower().endswith(ICS_EXTENSIONS):
        return "ics"
    head = content[:200] if isinstance(content, bytes) else content[:200].encode()
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip().upper()
    return "ics" if head.startswith(b"BEGIN:VCALENDAR") else "csv"


def parse_file(
    content: bytes, agenda, *, name: str = "", file_format: str | None = None
) -> ImportPlan:
    """Read and check a file (`file_format`, else guessed from its name and
    content) against `agenda`, without changing anything: each line's
    action (create, update) or errors."""
    lookups = Lookups(agenda.locale_id)
    if (file_format or detect_format(name, content)) == "ics":
        plan = parse_ics(content, lookups)
    else:
        plan = parse_csv(content, lookups)
    if not plan.file_errors:
        resolve_plan(plan, agenda)
    return plan
