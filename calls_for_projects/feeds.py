"""The calls' feeds, each with the listing's filter set (filters.py):

- RSS 2.0 and Atom 1.0 of the newly published calls (Django's syndication
  framework), the most recent first;
- an iCalendar feed of the deadlines (RFC 5545, built with `icalendar`);
- the "add to my calendar" `.ics` of one call.

A feed is as fresh as the request: the calls it lists are selected at the
time of the request, and its HTTP lifetime ends before the next status change
of any of them. Only what does not depend on the time is cached: each
deadline event of the iCalendar feed, per content version (`models.CALLS`).
The mechanisms are the core's (home/feeds.py).
"""

from __future__ import annotations

from collections import namedtuple
from datetime import timedelta

import icalendar
from django.http import Http404
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from home import feeds as shared
from home.http import site_key

from . import status as st
from .filters import CallFilterSet
from .models import CALLS, CallForProjectsPage
from .views import set_cache_lifetime

# The feed holds the nearest deadlines only: calendar apps poll feeds often,
# and building an event costs ~0.6 ms (icalendar; cached, see calls_ical).
ICAL_MAX_EVENTS = 300
# The cached events shared by the filtered feeds (cached_events) stay below this.
MAX_CACHED_EVENTS = 3 * ICAL_MAX_EVENTS
PRODID = "-//Maison de l'ESS//Appels à projets//FR"


# --- RSS and Atom --------------------------------------------------------------------


class CallsFeed(shared.ListingFeed):
    """The filtered calls, newest publication first."""

    filterset_class = CallFilterSet
    item_guid_is_permalink = False

    def description(self, obj):
        return obj.introduction or _("Les appels à projets publiés sur le site.")

    def select(self, queryset):
        return queryset.with_organisers()

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

    def item_guid(self, item):
        return f"urn:uuid:{item.translation_key}"

    def item_categories(self, item):
        return [item.type_label, item.status_label]


class CallsAtomFeed(CallsFeed):
    feed_type = shared.AtomFeed


def _feed_response(request, index_page, feed_class):
    feed = feed_class(index_page)  # feed(request) selects the items, then their lifetime
    return set_cache_lifetime(request, feed(request), feed.items(index_page), feed.listing.now)


def calls_rss(request, index_page):
    return _feed_response(request, index_page, CallsFeed)


def calls_atom(request, index_page):
    return _feed_response(request, index_page, CallsAtomFeed)


# --- iCalendar ---------------------------------------------------------------------


def deadline_event(call, request, stamp, reminder: bool = False) -> icalendar.Event:
    """A call's deadline as an event: it starts and ends at the deadline, in
    Europe/Paris; with `reminder`, an alarm a week before (the call's own .ics,
    not a subscribed feed). Without `stamp`, no DTSTAMP (see cached_events)."""
    deadline = timezone.localtime(call.deadline)
    url = call.get_full_url(request)
    description = [call.type_label, strip_tags(call.summary or ""), url or ""]
    event = shared.new_event(
        shared.uid("appel", call.translation_key, "date-limite"),
        _("Date limite : %(title)s") % {"title": call.title},
        stamp,
        url=url,
        description="\n\n".join(part for part in description if part),
        categories=[call.type_short_label],
        transp="TRANSPARENT",
    )
    event.add("dtstart", deadline)
    event.add("dtend", deadline)
    if not reminder:
        return event
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _("Date limite dans une semaine : %(title)s") % {"title": call.title})
    alarm.add("trigger", timedelta(days=-7))
    event.add_component(alarm)
    return event


# What the iCalendar feed reads of a call for each request: its key and the
# dates of its status (`st.CallDates`, for the HTTP lifetime).
DeadlineRow = namedtuple("DeadlineRow", "pk dates")


def calls_ical(request, index_page):
    """The deadlines of the filtered calls that have one, nearest first (their
    events cached per content version, language and site)."""
    listing = CallFilterSet(request.GET, scope=index_page)
    fields = ("opens_on", "deadline", "is_rolling", "discontinued", "has_results")
    rows = [
        DeadlineRow(pk, st.CallDates(**dict(zip(fields, dates, strict=True))))
        for pk, *dates in listing.qs.filter(deadline__isnull=False)
        .order_by("deadline", "pk")
        .values_list("pk", *fields)[:ICAL_MAX_EVENTS]
    ]

    def build(pks):
        calls = CallForProjectsPage.objects.filter(pk__in=pks).defer_streamfields()
        return {call.pk: deadline_event(call, request, stamp=None) for call in calls}

    key = ("vevents", get_language() or "-", site_key(request))
    pks = [row.pk for row in rows]
    events = shared.cached_events(CALLS, key, pks, build, listing.now, limit=MAX_CACHED_EVENTS)
    name = _("%(title)s – dates limites") % {"title": index_page.title}
    body = shared.calendar_bytes(shared.new_calendar(name, PRODID), events)
    response = shared.ical_response(body, "appels-a-projets-dates-limites")
    return set_cache_lifetime(request, response, rows, listing.now)


def call_ical(request, call):
    """The "add to my calendar" file of one call: its deadline."""
    if call.deadline is None:
        raise Http404
    now = timezone.now()
    event = deadline_event(call, request, now, reminder=True)
    body = shared.calendar_bytes(shared.new_calendar(call.title, PRODID), [event])
    return set_cache_lifetime(request, shared.ical_response(body, call.slug, "appel"), [call], now)
