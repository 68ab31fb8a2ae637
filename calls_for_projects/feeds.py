"""The calls' feeds, each with the listing's filter set (filters.py):

- RSS 2.0 and Atom 1.0 of the newly published calls (Django's syndication
  framework), the most recent first;
- an iCalendar feed of the deadlines (RFC 5545, built with `icalendar`);
- the "add to my calendar" `.ics` of one call.

A feed is as fresh as the request: the calls it lists are selected at the
time of the request, and its HTTP lifetime ends before the next status change
of any of them. Only what does not depend on the time is cached: each
deadline event of the iCalendar feed, per content version (`models.CALLS`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, timedelta

import icalendar
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import status as st
from .cards import site_id
from .filters import CallFilterSet
from .models import CALLS, CallForProjectsPage
from .views import set_cache_lifetime

FEED_ITEMS = 50
# The feed holds the nearest deadlines only: calendar apps poll feeds often,
# and building an event costs ~0.6 ms (icalendar; cached, see feed_events).
ICAL_MAX_EVENTS = 300
# The cached events shared by the filtered feeds (feed_events) stay below this.
MAX_CACHED_EVENTS = 3 * ICAL_MAX_EVENTS
ICAL_CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Maison de l'ESS//Appels à projets//FR"


# --- RSS and Atom --------------------------------------------------------------------


class CallsFeed(Feed):
    """The filtered calls, newest publication first."""

    feed_type = Rss201rev2Feed

    def __init__(self, index_page, listing):
        super().__init__()
        self.index_page = index_page
        self.listing = listing

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.index_page

    def title(self, obj):
        return obj.title

    def link(self, obj):
        return obj.get_url(self.request)

    def description(self, obj):
        return obj.introduction or _("Les appels à projets publiés sur le site.")

    def feed_url(self, obj):
        return self.request.get_full_path()

    def items(self, obj):
        if not hasattr(self, "_items"):
            queryset = self.listing.qs.order_by("-first_published_at", "-pk")
            self._items = list(queryset.with_organisers()[:FEED_ITEMS])
        return self._items

    def item_title(self, item):
        return f"{item.type_short_label} – {item.title}"

    def item_description(self, item):
        parts = [item.summary]
        organisers = ", ".join(o.display_name for o in item.organisers.all())
        if organisers:
            parts.append(_("Organisé par : %(names)s") % {"names": organisers})
        if item.deadline:
            deadline = timezone.localtime(item.deadline)
            parts.append(
                _("Date limite : %(date)s à %(time)s")
                % {"date": deadline.strftime("%d/%m/%Y"), "time": deadline.strftime("%H:%M")}
            )
        elif item.is_rolling:
            parts.append(_("Instruction au fil de l'eau."))
        elif item.status in st.UNDATED:
            if item.edition_year:
                parts.append(
                    _("%(status)s (dernière édition connue : %(year)s).")
                    % {"status": item.status_label, "year": item.edition_year}
                )
            else:
                parts.append(f"{item.status_label}.")
        return "\n".join(part for part in parts if part)

    def item_link(self, item):
        return item.get_url(self.request)

    def item_guid(self, item):
        return f"urn:uuid:{item.translation_key}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [item.type_label, item.status_label]


class CallsAtomFeed(CallsFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)


def _feed_response(request, index_page, feed_class):
    listing = CallFilterSet(request.GET, scope=index_page)
    feed = feed_class(index_page, listing)
    response = feed(request)
    return set_cache_lifetime(request, response, feed.items(index_page), listing.now)


def calls_rss(request, index_page):
    return _feed_response(request, index_page, CallsFeed)


def calls_atom(request, index_page):
    return _feed_response(request, index_page, CallsAtomFeed)


# --- iCalendar ---------------------------------------------------------------------


def new_calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    return calendar


def deadline_event(call, request, stamp, reminder: bool = False) -> icalendar.Event:
    """A call's deadline as an event: it starts and ends at the deadline, in
    Europe/Paris; with `reminder`, an alarm a week before (for the call's own
    .ics, not for a subscribed feed). Without `stamp`, no DTSTAMP (the feed
    adds it to the cached event)."""
    deadline = timezone.localtime(call.deadline)
    event = icalendar.Event()
    event.add("uid", f"appel-{call.translation_key}-date-limite@maison-ess")
    if stamp is not None:
        event.add("dtstamp", stamp)
    event.add("dtstart", deadline)
    event.add("dtend", deadline)
    event.add("summary", _("Date limite : %(title)s") % {"title": call.title})
    url = call.get_full_url(request)
    description = [call.type_label]
    if call.summary:
        description.append(strip_tags(call.summary))
    if url:
        event.add("url", url)
        description.append(url)
    event.add("description", "\n\n".join(description))
    event.add("categories", [call.type_short_label])
    event.add("transp", "TRANSPARENT")
    if not reminder:
        return event
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _("Date limite dans une semaine : %(title)s") % {"title": call.title})
    alarm.add("trigger", timedelta(days=-7))
    event.add_component(alarm)
    return event


def _ical_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=ICAL_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@functools.cache
def _paris_timezone() -> bytes:
    """The VTIMEZONE of Europe/Paris (the years icalendar covers by default),
    built once per process."""
    return icalendar.Timezone.from_tzid(settings.TIME_ZONE).to_ical()


def _stamped(event: bytes, stamp: bytes) -> bytes:
    return event.replace(b"BEGIN:VEVENT\r\n", b"BEGIN:VEVENT\r\nDTSTAMP:" + stamp + b"\r\n", 1)


def feed_events(rows, request, stamp) -> list[bytes]:
    """The deadline event of each call of `rows` (`DeadlineRow`s), serialised.
    Building one with `icalendar` costs ~0.6 ms: they are kept in the cache
    without their DTSTAMP (the time of the request, added here), in one entry
    per content version (`models.CALLS`), language and site, shared by every
    filtered feed (a feed lists up to `ICAL_MAX_EVENTS` calls: one key each
    would fill a local-memory cache). The calls whose event is not cached yet
    are loaded in one query."""
    key = CALLS.key("vevents", get_language() or "-", site_id(request))
    events = cache.get(key) or {}
    missing = [row.pk for row in rows if row.pk not in events]
    if missing:
        if len(events) + len(missing) > MAX_CACHED_EVENTS:
            # Bounded: the events of this feed only.
            events = {row.pk: events[row.pk] for row in rows if row.pk in events}
        calls = CallForProjectsPage.objects.filter(pk__in=missing).defer_streamfields()
        events.update(
            {call.pk: deadline_event(call, request, stamp=None).to_ical() for call in calls}
        )
        cache.set(key, events, CALLS.timeout)
    dtstamp = icalendar.vDatetime(stamp.astimezone(UTC)).to_ical()
    # A call deleted since the first query has no event: left out.
    return [_stamped(events[row.pk], dtstamp) for row in rows if row.pk in events]


@dataclass(frozen=True)
class DeadlineRow:
    """What the iCalendar feed reads of a call for each request: its key and
    the dates of its status (for the HTTP lifetime)."""

    pk: int
    dates: st.CallDates


def calls_ical(request, index_page):
    """The deadlines of the filtered calls that have one, nearest first."""
    listing = CallFilterSet(request.GET, scope=index_page)
    fields = ("opens_on", "deadline", "is_rolling", "discontinued", "has_results")
    rows = [
        DeadlineRow(pk, st.CallDates(**dict(zip(fields, dates, strict=True))))
        for pk, *dates in listing.qs.filter(deadline__isnull=False)
        .order_by("deadline", "pk")
        .values_list("pk", *fields)[:ICAL_MAX_EVENTS]
    ]
    calendar = new_calendar(_("%(title)s – dates limites") % {"title": index_page.title})
    head, end = calendar.to_ical().rsplit(b"END:VCALENDAR", 1)
    parts = [head]
    if rows:
        parts.append(_paris_timezone())
        parts += feed_events(rows, request, listing.now)
    parts.append(b"END:VCALENDAR" + end)
    response = _ical_response(b"".join(parts), "appels-a-projets-dates-limites.ics")
    return set_cache_lifetime(request, response, rows, listing.now)


def call_ical(request, call):
    """The "add to my calendar" file of one call: its deadline."""
    if call.deadline is None:
        raise Http404
    now = timezone.now()
    calendar = new_calendar(call.title)
    calendar.add_component(deadline_event(call, request, now, reminder=True))
    calendar.add_missing_timezones()
    response = _ical_response(calendar.to_ical(), f"{slugify(call.slug)[:80] or 'appel'}.ics")
    return set_cache_lifetime(request, response, [call], now)
