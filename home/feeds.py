"""The feeds of every listing (docs/architecture.md): RSS and Atom with
Django's syndication framework, iCalendar (RFC 5545) with `icalendar`, in
the site's time zone. What a feed selects and its HTTP lifetime stay in the
apps: only they know when their items change status."""

import functools
import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.text import slugify

from .sites import absolute

ICAL_CONTENT_TYPE = "text/calendar; charset=utf-8"
# Not in iCalendar text: control characters but HTAB and line breaks, lone surrogates.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean_text(value):
    """`value` without the characters XML and iCalendar refuse (a string, or
    each string of a list); anything else as it is."""
    if isinstance(value, str):
        return _FORBIDDEN.sub("", value)
    if isinstance(value, list | tuple):
        return [clean_text(item) for item in value]
    return value


class _CleanText:
    """A feed generator that drops the characters XML refuses from every
    text it is given: one stored title with a control character must not
    turn a shared feed into a server error."""

    def __init__(self, title, link, description, *args, **kwargs):
        kwargs = {key: clean_text(value) for key, value in kwargs.items()}
        super().__init__(clean_text(title), link, clean_text(description), *args, **kwargs)

    def add_item(self, title, link, description, *args, **kwargs):
        kwargs = {key: clean_text(value) for key, value in kwargs.items()}
        super().add_item(clean_text(title), link, clean_text(description), *args, **kwargs)


class RssFeed(_CleanText, Rss201rev2Feed):
    pass


class AtomFeed(_CleanText, Atom1Feed):
    pass


class ListingFeed(Feed):
    """RSS 2.0 of `index_page`'s listing (`filterset_class` over the request's
    query, unless given), newest publication first. A subclass sets
    `filterset_class`, `max_items`, what an item shows, and may narrow the
    query in `select`; with `feed_type = AtomFeed`, it is Atom."""

    feed_type = RssFeed
    filterset_class = None
    max_items = 50

    def __init__(self, index_page, listing=None):
        super().__init__()
        self.index_page, self.listing, self.request, self._items = index_page, listing, None, None

    def get_object(self, request, *args, **kwargs):
        self.request = request
        if self.listing is None:
            self.listing = self.filterset_class(request.GET, scope=self.index_page)
        return self.index_page

    def title(self, obj):
        return obj.title

    # Absolute links on the site's address (SITE_URL, through the Wagtail
    # Site), not on whichever host name the request came in on.
    def link(self, obj):
        return obj.get_full_url(self.request)

    def description(self, obj):
        return obj.get_meta_description() or self.title(obj)

    def subtitle(self, obj):  # Atom's description; RSS leaves it out
        return self.description(obj)

    def feed_url(self, obj):
        return absolute(self.request.get_full_path())

    def select(self, queryset):
        return queryset.defer_streamfields()

    def items(self, obj):
        if self._items is None:
            queryset = self.listing.qs.order_by("-first_published_at", "-pk")
            self._items = list(self.select(queryset)[: self.max_items])
        return self._items

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at


def uid(*parts, domain: str = "maison-ess") -> str:
    """A stable event identifier: `parts` joined by dashes, @`domain`."""
    return f"{'-'.join(map(str, parts))}@{domain}"


def new_calendar(name: str, prodid: str) -> icalendar.Calendar:
    """A calendar without events named `name` (on one line: X-WR-CALNAME is raw)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", re.sub(r"[\t\n\r]", " ", _FORBIDDEN.sub("", name)))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def new_event(identifier: str, summary: str, stamp=None, **properties) -> icalendar.Event:
    """An event with its UID, DTSTAMP (none without `stamp`: see `stamped`),
    SUMMARY and `properties` (url=, location=...), empty ones left out."""
    event = icalendar.Event()
    event.add("uid", identifier)
    if stamp is not None:
        event.add("dtstamp", stamp)
    for key, value in {"summary": summary, **properties}.items():
        if value:
            event.add(key, _FORBIDDEN.sub("", value) if isinstance(value, str) else value)
    return event


def add_times(event, day, start=None, end=None, *, last_day=None, duration=None) -> None:
    """DTSTART and DTEND of an event from the date `day` to `last_day` (default:
    the same), in the site's time zone. Without the time `start`, all day (it
    ends, exclusively, the day after the last); otherwise until the time `end`
    of the last day, else for the timedelta `duration`, else all the last day."""
    last_day = last_day or day
    if start is None:
        event.add("dtstart", day)
        event.add("dtend", last_day + timedelta(days=1))
        return
    zone = ZoneInfo(settings.TIME_ZONE)
    begins = datetime.combine(day, start, tzinfo=zone)
    if end is not None:
        ends = datetime.combine(last_day, end, tzinfo=zone)
    elif duration is not None:
        ends = begins + duration
    else:
        ends = datetime.combine(last_day + timedelta(days=1), time.min, zone)
    event.add("dtstart", begins)
    event.add("dtend", ends)


@functools.cache
def vtimezone() -> bytes:
    """The site's VTIMEZONE, as `Calendar.add_missing_timezones` adds it; built once."""
    return icalendar.Timezone.from_tzid(settings.TIME_ZONE).to_ical()


def stamped(events, stamp: datetime) -> list[bytes]:
    """Serialised events, built without DTSTAMP, stamped with `stamp`."""
    line = b"BEGIN:VEVENT\r\nDTSTAMP:" + icalendar.vDatetime(stamp.astimezone(UTC)).to_ical()
    return [event.replace(b"BEGIN:VEVENT", line, 1) for event in events]


def calendar_bytes(calendar: icalendar.Calendar, events) -> bytes:
    """`calendar` with `events` (serialised or not), after the VTIMEZONE when
    one of them has a time in the site's zone."""
    events = [e if isinstance(e, bytes) else e.to_ical() for e in events]
    head, end = calendar.to_ical().rsplit(b"END:VCALENDAR", 1)
    zone = [vtimezone()] if any(b";TZID=" in event for event in events) else []
    return b"".join([head, *zone, *events, b"END:VCALENDAR", end])


def ical_response(calendar, name: str, default="calendrier", inline=False) -> HttpResponse:
    """`calendar` (serialised or not) as `<name slugified or default>.ics`, a
    download, or `inline` (a feed to subscribe to)."""
    body = calendar if isinstance(calendar, bytes) else calendar.to_ical()
    response = HttpResponse(body, content_type=ICAL_CONTENT_TYPE)
    filename = f"{slugify(name)[:80] or default}.ics"
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def cached_events(versioned, key_parts, keys, build, stamp, *, limit: int) -> list[bytes]:
    """The events of `keys`, serialised, in that order, stamped with `stamp`.
    Building one costs ~0.6 ms: they are kept without DTSTAMP in one entry of
    `versioned` (a VersionedCache) per version and `key_parts` (language,
    site...), shared by every feed, of at most `limit` events. `build(missing)`
    returns {key: event} in one query; a key it leaves out is left out."""
    key = versioned.key(*key_parts)
    events = cache.get(key) or {}
    missing = [k for k in keys if k not in events]
    if missing:
        if len(events) + len(missing) > limit:  # the events of this feed only
            events = {k: events[k] for k in keys if k in events}
        events.update({k: event.to_ical() for k, event in build(missing).items()})
        cache.set(key, events, versioned.timeout)
    return stamped([events[k] for k in keys if k in events], stamp)
