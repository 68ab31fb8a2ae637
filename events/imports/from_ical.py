"""Reading an iCalendar (.ics) file of events: the agenda's own feeds and
« add to my calendar » files (events/feeds.py), and typical ones from
OpenAgenda or Google Calendar.

- Each VEVENT is an event; the VEVENTs that share a UID (a recurring
  event's master and its RECURRENCE-ID exceptions), or that are slots of
  one of our events (UID « evenement-<key>-creneau-<n>@… »), are the slots of
  one event. Its line in the report is that of its first BEGIN:VEVENT.
- DTSTART/DTEND (or DURATION) with a TZID, in UTC, floating (the
  calendar's X-WR-TIMEZONE, else Paris) or as DATEs (all day, DTEND being
  the day after the last): converted to Paris dates and times.
- RRULE: expanded into at most `MAX_OCCURRENCES` slots (EXDATE removes
  dates, RDATE adds some, an exception moves or cancels one); a rule
  without COUNT or UNTIL, or with more dates, is reported as « récurrence
  non prise en charge » for its event.
- STATUS CANCELLED → cancelled, TENTATIVE → postponed (our feeds' « [Annulé] »
  or « [Complet] » at the start of SUMMARY also says the status); SUMMARY →
  title; DESCRIPTION → summary (HTML reduced to text, our feeds' trailing
  link removed); LOCATION → place, address, postcode and commune, « En
  ligne : <url> » → the online link; GEO → coordinates; CATEGORIES → event
  type and themes, when they match; URL → a link in a new event's
  description.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import logging
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from dateutil import rrule
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from home.forms import clean_query_text
from home.imports import ImportPlan, RowError, decode_text

from .. import vocab
from ..models import paris
from .rows import SUMMARY_MAX_LENGTH, EventRow, Lookups, RowChecker, fold

logger = logging.getLogger(__name__)

MAX_OCCURRENCES = 52
OUR_UID = re.compile(r"evenement-([0-9a-f-]{36})-creneau-\d+@", re.IGNORECASE)
_FLAG = re.compile(r"\[([^\]]{1,30})\]\s*")
_POSTCODE_TOWN = re.compile(r"(\d{5})\s+(.+)")
_ONLINE = re.compile(r"(?:en ligne|online)\s*(?::\s*(\S+))?", re.IGNORECASE)
ICAL_STATUS = {"CANCELLED": vocab.CANCELLED, "TENTATIVE": vocab.POSTPONED}


def _unsupported(check: RowChecker, reason: str) -> None:
    check.fail("RRULE", _("Récurrence non prise en charge : %(reason)s.") % {"reason": reason})


def _html_to_text(value: str) -> str:
    value = re.sub(r"<br\s*/?>|</p\s*>|</li\s*>", "\n", value, flags=re.IGNORECASE)
    return html.unescape(strip_tags(value))


def _moment_key(value):
    """Comparable: an aware instant in UTC, or a date."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    return value


class _Reader:
    """The VEVENTs of one event, read into one `EventRow`."""

    def __init__(self, row: EventRow, lookups: Lookups, zone):
        self.row, self.zone = row, zone
        self.check = RowChecker(row, lookups)

    def moment(self, vevent, name: str):
        """The date or aware instant of a property (floating → the calendar's zone)."""
        prop = vevent.get(name)
        if prop is None:
            return None
        try:
            value = prop.dt
        except Exception:  # a broken value (icalendar keeps it, unparsed)
            raw = str(prop)[:60]
            message = _("Date illisible : « %(value)s ».") % {"value": raw}
            self.check.fail(name, message)
            return False
        if not isinstance(value, dt.date):
            self.check.fail(name, _("Date attendue : « %(value)s ».") % {"value": str(prop)[:60]})
            return False
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=self.zone)
        if not self.check.year_ok(name, value):
            return False
        return value

    def times(self, vevent):
        """(start, end or None) of one VEVENT; None after an error."""
        start = self.moment(vevent, "DTSTART")
        if start is None:
            self.check.fail("DTSTART", _("Date de début (DTSTART) absente."))
            return None
        end = self.moment(vevent, "DTEND")
        if start is False or end is False:
            return None
        if end is None and vevent.get("DURATION") is not None:
            try:
                duration = vevent.get("DURATION").dt
                end = start + duration
            except (AttributeError, TypeError, OverflowError):
                self.check.fail("DURATION", _("Durée illisible."))
                return None
            if not self.check.year_ok("DURATION", end):
                return None
        if end is None and not isinstance(start, dt.datetime):
            end = start + dt.timedelta(days=1)
        return start, end

    def occurrences(self, vevent, start, end) -> list | None:
        """The (start, end) of each date of a VEVENT, its RRULE expanded."""
        rules = vevent.get("RRULE")
        if rules is None:
            found = [start]
        else:
            rules = rules if isinstance(rules, list) else [rules]
            if len(rules) > 1:
                _unsupported(self.check, _("plusieurs règles"))
                return None
            rule = rules[0]
            if "COUNT" not in rule and "UNTIL" not in rule:
                _unsupported(self.check, _("règle sans fin (COUNT ou UNTIL attendu)"))
                return None
            all_day = not isinstance(start, dt.datetime)
            first = dt.datetime.combine(start, dt.time.min) if all_day else start
            try:
                dates = rrule.rrulestr(rule.to_ical().decode(), dtstart=first)
                found = list(itertools.islice(dates, MAX_OCCURRENCES + 1))
            except (ValueError, TypeError, OverflowError):
                text = rule.to_ical().decode(errors="replace")[:100]
                _unsupported(self.check, _("règle illisible (%(rule)s)") % {"rule": text})
                return None
            if len(found) > MAX_OCCURRENCES:
                _unsupported(self.check, _("plus de %(count)s dates") % {"count": MAX_OCCURRENCES})
                return None
            if all_day:
                found = [value.date() for value in found]
        for value in self.listed(vevent, "RDATE"):
            if value is False:
                return None
            found.append(value)
        excluded = set()
        for value in self.listed(vevent, "EXDATE"):
            if value is False:
                return None
            excluded.add(_moment_key(value))
        duration = end - start if end is not None else None
        result = []
        for value in found:
            if not self.check.year_ok("RRULE", value):
                return None
            if _moment_key(value) not in excluded:
                result.append((value, value + duration if duration is not None else None))
        return result

    def listed(self, vevent, name: str):
        """The dates of EXDATE or RDATE properties (False for a bad one)."""
        props = vevent.get(name)
        if props is None:
            return []
        values = []
        for prop in props if isinstance(props, list) else [props]:
            for item in getattr(prop, "dts", []):
                value = item.dt
                if isinstance(value, dt.datetime) and value.tzinfo is None:
                    value = value.replace(tzinfo=self.zone)
                if not isinstance(value, dt.date) or not self.check.year_ok(name, value):
                    values.append(False)
                else:
                    values.append(value)
        return values

    def slots(self, vevents) -> list | None:
        masters = [event for event in vevents if event.get("RECURRENCE-ID") is None]
        exceptions = [event for event in vevents if event.get("RECURRENCE-ID") is not None]
        dates: list = []
        for vevent in masters:
            times = self.times(vevent)
            if times is None:
                return None
            occurrences = self.occurrences(vevent, *times)
            if occurrences is None:
                return None
            dates.extend(occurrences)
        for vevent in exceptions:
            original = self.moment(vevent, "RECURRENCE-ID")
            if original is False:
                return None
            key = _moment_key(original)
            dates = [pair for pair in dates if _moment_key(pair[0]) != key]
            if str(vevent.get("STATUS", "")).upper() != "CANCELLED" or not masters:
                times = self.times(vevent)
                if times is None:
                    return None
                dates.append(times)
        slots = []
        for start, end in dates:
            all_day = not isinstance(start, dt.datetime)
            slot = self.check.slot("DTEND", start, end, end_exclusive=all_day)
            if slot is None:
                return None
            if slot not in slots:
                slots.append(slot)
        return sorted(slots, key=lambda slot: slot.instants())

    def location(self, text: str) -> None:
        values, check = self.row.values, self.check
        if not check.safe("LOCATION", text):
            return
        place_parts, online = [], None
        for part in (part.strip() for part in text.split(" ; ")):
            if match := _ONLINE.fullmatch(part):
                online = match.group(1) or ""
            elif re.fullmatch(r"https?://\S+", part):
                online = part
            elif part:
                place_parts.append(part)
        segments = [s.strip() for s in ", ".join(place_parts).split(",") if s.strip()]
        if segments and fold(segments[-1]) == "france":
            segments.pop()
        postcode = city = ""
        if segments and (match := _POSTCODE_TOWN.fullmatch(segments[-1])):
            postcode, city = match.groups()
            segments.pop()
        place_name, address = "", ""
        if postcode and segments and segments[0][:1].isdigit():
            address = ", ".join(segments)
        elif postcode:
            place_name, address = segments[0] if segments else "", ", ".join(segments[1:])
        else:
            place_name = ", ".join(segments)
        for column, name, value in [
            ("LOCATION", "place_name", place_name),
            ("LOCATION", "address", address),
            ("LOCATION", "postcode", postcode),
            ("LOCATION", "city", city),
        ]:
            cleaned = check.field_text(column, value, name)
            if cleaned is not None:
                values[name] = cleaned
        if online is not None:
            url = check.url("LOCATION", online) if online else ""
            if url is not None:
                values["online_url"] = url
            values["mode"] = vocab.HYBRID if place_parts else vocab.ONLINE
        else:
            values["mode"] = vocab.ON_SITE

    def read(self, vevents, our_key: str) -> None:
        row, check, values = self.row, self.check, self.row.values
        masters = [event for event in vevents if event.get("RECURRENCE-ID") is None]
        main = (masters or vevents)[0]

        status = ICAL_STATUS.get(str(main.get("STATUS", "")).upper(), vocab.SCHEDULED)
        title = str(main.get("SUMMARY", ""))
        if flag := _FLAG.match(title):  # our feeds' « [Annulé] Forum… »
            for code, label in vocab.Status.choices:
                if fold(flag.group(1)) == fold(label):
                    status, title = code, title[flag.end() :]
        cleaned = check.text("SUMMARY", title, 255)
        if cleaned == "":
            check.fail("SUMMARY", _("Le titre (SUMMARY) est obligatoire."))
        row.title = cleaned or clean_query_text(title)[:80]
        values["status"] = status

        url = str(main.get("URL", "")).strip()
        if main.get("DESCRIPTION") is not None:
            description = str(main.get("DESCRIPTION"))
            if check.safe("DESCRIPTION", description):
                paragraphs = [p.strip() for p in _html_to_text(description).split("\n\n")]
                paragraphs = [p for p in paragraphs if p]
                if url and paragraphs and paragraphs[-1] == url:
                    paragraphs.pop()
                if our_key and status != vocab.SCHEDULED and len(paragraphs) > 1:
                    note = check.field_text("DESCRIPTION", paragraphs.pop(0), "status_note")
                    if note is not None:
                        values["status_note"] = note
                summary = check.text(
                    "DESCRIPTION", "\n\n".join(paragraphs), SUMMARY_MAX_LENGTH, multiline=True
                )
                if summary is not None:
                    values["summary"] = summary
        if url and not our_key:
            link = check.url("URL", url)
            if link:
                label = html.escape(_("L'événement sur le site de sa source"))
                row.create_values["description"] = (
                    f'<p><a href="{html.escape(link)}">{label}</a></p>'
                )

        if main.get("LOCATION") is not None:
            self.location(str(main.get("LOCATION")))
        geo = main.get("GEO")
        if geo is not None:
            latitude = check.decimal("GEO", str(geo.latitude), 90)
            longitude = check.decimal("GEO", str(geo.longitude), 180)
            if latitude is not None and longitude is not None:
                values["latitude"], values["longitude"] = latitude, longitude

        categories = main.get("CATEGORIES")
        names = [
            str(name)
            for prop in (categories if isinstance(categories, list) else [categories])
            if prop is not None
            for name in getattr(prop, "cats", [])
        ]
        for name in names:
            code = next(
                (
                    code
                    for code, label in vocab.EventType.choices
                    if fold(name) in (fold(code), fold(label))
                ),
                None,
            )
            if code:
                values["event_type"] = code
                break
        else:
            row.create_values["event_type"] = vocab.EventType.OTHER
        themes = check.themes("CATEGORIES", names, strict=False)
        row.themes = themes or None

        row.slots = self.slots(vevents)


def calendar_zone(calendar):
    """The zone of the calendar's floating times: X-WR-TIMEZONE, else Paris."""
    name = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    try:
        return ZoneInfo(name) if name else paris()
    except (ZoneInfoNotFoundError, ValueError):
        return paris()


def parse_ics(content, lookups: Lookups) -> ImportPlan:
    """Read and check an iCalendar file, without changing anything."""
    plan = ImportPlan()
    try:
        text = decode_text(content, kind="iCalendar")
    except ValueError as exc:
        plan.file_errors.append(RowError(0, "", str(exc)))
        return plan
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        plan.file_errors.append(
            RowError(
                1, "", _("Ce fichier n'est pas un fichier iCalendar (BEGIN:VCALENDAR attendu).")
            )
        )
        return plan
    try:
        calendars = icalendar.Calendar.from_ical(text.encode("utf-8"), multiple=True)
    except Exception as exc:  # icalendar raises ValueError, KeyError, IndexError...
        message = _("Ce fichier iCalendar est illisible : %(error)s") % {"error": str(exc)[:200]}
        plan.file_errors.append(RowError(0, "", message))
        return plan

    lines = [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip().upper() == "BEGIN:VEVENT"
    ]
    groups: dict[tuple, list] = {}
    zones = {}
    index = 0
    for calendar in calendars:
        zone = calendar_zone(calendar)
        for vevent in calendar.walk("VEVENT"):
            line = lines[index] if index < len(lines) else 0
            index += 1
            uid = str(vevent.get("UID", "")).strip()
            ours = OUR_UID.match(uid)
            if ours:
                key = ("ours", ours.group(1).lower())
            else:
                key = ("uid", uid) if uid else ("line", line)
            groups.setdefault(key, []).append((line, vevent))
            zones.setdefault(key, zone)

    for key, items in groups.items():
        row = EventRow(items[0][0])
        if key[0] == "ours":
            row.key = key[1]
        elif key[0] == "uid":
            row.external_uid = key[1]
        try:
            _Reader(row, lookups, zones[key]).read([vevent for _line, vevent in items], row.key)
        except Exception:  # a value icalendar let through and nothing here expects
            logger.exception("Unreadable VEVENT at line %s", row.line)
            row.error("VEVENT", _("Événement illisible."))
        plan.rows.append(row)
    if not plan.rows:
        plan.file_errors.append(
            RowError(0, "", _("Le fichier ne contient aucun événement (VEVENT)."))
        )
    return plan
