"""The agenda's feeds, each with the listing's filter set (filters.py), so
that a link keeps its meaning (`?region=44&period=ce-mois-ci` lists, feeds
and exports the same events):

- RSS 2.0 (and Atom 1.0) of the filtered current events, newest publication
  first; a cancelled, postponed or full event says so at the start of its
  title (« [Annulé] Forum… ») and stays in the feed;
- an iCalendar feed of the filtered events, current ones and those ended in
  the last `PAST_DAYS` days: each time slot of an event is a VEVENT (all-day
  slots as dates, the others in Europe/Paris), with the event's STATUS
  (`vocab.ICAL_STATUS`: a cancelled one stays, CANCELLED; a postponed one is
  TENTATIVE), LOCATION, GEO, URL and type as CATEGORIES;
- the « add to my calendar » `.ics` of one event: all its slots.

A slot's UID is stable: the event's translation key (shared by its
translations) and the slot's rank in the editor's order. A feed is as fresh
as the request: the events it lists are selected at its time; only the
serialised VEVENTs, which do not depend on the time, are cached per content
version (`models.EVENTS`), language and site. The mechanisms are the core's
(home/feeds.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, namedtuple

import icalendar
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from home import feeds as shared
from home.forms import clean_query_text
from home.http import site_key

from . import vocab
from .display import slot_text, undated_text
from .filters import EventFilterSet
from .models import EVENTS, EventSlot

# The iCalendar feed holds at most this many events (the nearest first, then
# the most recently ended) and this many slots: calendar apps poll feeds
# often, and building a VEVENT costs ~0.6 ms (cached, see agenda_ical).
ICAL_MAX_EVENTS = 300
ICAL_MAX_SLOTS = 1000
# The cached VEVENTs shared by the filtered feeds (cached_events) stay below this.
MAX_CACHED_EVENTS = 3 * ICAL_MAX_SLOTS
# Events (and slots) ended since this many days stay in the iCalendar feed.
PAST_DAYS = 90
PRODID = "-//Maison de l'ESS//Agenda//FR"
# What an event's title starts with in the feeds, by announced status.
FLAGGED = (vocab.CANCELLED, vocab.POSTPONED, vocab.FULL)


# --- Texts shared by the feeds -----------------------------------------------------


def flagged_title(event) -> str:
    """The title, after « [Annulé] », « [Reporté] » or « [Complet] »."""
    title = clean_query_text(event.title)
    if event.status in FLAGGED:
        return f"[{event.status_label}] {title}"
    return title


def location_text(event) -> str:
    """Where, on one line: the place (name, address, postcode and commune)
    unless the event is online only, then « En ligne » and its link."""
    parts = []
    if event.has_place:
        town = " ".join(part for part in (event.postcode, event.city) if part)
        parts.append(", ".join(part for part in (event.place_name, event.address, town) if part))
    if event.mode in (vocab.ONLINE, vocab.HYBRID):
        online = _("En ligne")
        parts.append(f"{online} : {event.online_url}" if event.online_url else online)
    return clean_query_text(" ; ".join(parts))


# --- RSS and Atom --------------------------------------------------------------------


class AgendaFeed(shared.ListingFeed):
    """The filtered current events, newest publication first."""

    filterset_class = EventFilterSet
    item_guid_is_permalink = False

    def title(self, obj):
        return clean_query_text(obj.title)

    def description(self, obj):
        return obj.introduction or _("Les événements annoncés sur le site.")

    def select(self, queryset):
        return queryset.defer_streamfields().prefetch_related("slots")

    def item_title(self, item):
        return flagged_title(item)

    def item_description(self, item):
        slots = item.ordered_slots
        if slots:
            when = _("Date : %(date)s") % {"date": slot_text(slots[0])}
            if len(slots) > 1:
                others = len(slots) - 1
                when += " " + ngettext(
                    "(et une autre date)", "(et %(count)s autres dates)", others
                ) % {"count": others}
        else:
            when = undated_text(item)
        where = location_text(item)
        parts = [
            item.status_note if item.status != vocab.SCHEDULED else "",
            item.summary,
            when,
            _("Lieu : %(place)s") % {"place": where} if where else "",
        ]
        return "\n".join(clean_query_text(part) for part in parts if part)

    def item_guid(self, item):
        return f"urn:uuid:{item.translation_key}"

    def item_categories(self, item):
        if item.status == vocab.SCHEDULED:
            return [item.type_label]
        return [item.type_label, item.status_label]


class AgendaAtomFeed(AgendaFeed):
    feed_type = shared.AtomFeed


def agenda_rss(request, index_page):
    return AgendaFeed(index_page)(request)


def agenda_atom(request, index_page):
    return AgendaAtomFeed(index_page)(request)


# --- iCalendar ---------------------------------------------------------------------


def slot_numbers(slots) -> dict:
    """{slot pk: its rank in the editor's order (its sort order when the
    admin set it, else by creation)}: the stable part of its UID."""
    ordered = sorted(
        slots, key=lambda s: (s.sort_order is None, s.sort_order or 0, s.pk is None, s.pk or 0)
    )
    return {slot.pk: number for number, slot in enumerate(ordered)}


def slot_event(event, slot, number: int, request, stamp) -> icalendar.Event:
    """One slot of `event` as a VEVENT. Without `stamp`, no DTSTAMP (see
    cached_events)."""
    url = event.get_full_url(request)
    note = event.status_note if event.status != vocab.SCHEDULED else ""
    description = [clean_query_text(note), event.summary, url or ""]
    geo = (float(event.latitude), float(event.longitude)) if event.has_coordinates else None
    vevent = shared.new_event(
        shared.uid("evenement", event.translation_key, "creneau", number),
        flagged_title(event),
        stamp,
        url=url,
        description="\n\n".join(part.strip() for part in description if part),
        location=location_text(event),
        geo=geo,
        status=vocab.ICAL_STATUS[event.status],
        categories=[event.type_label],
    )
    # A timed slot whose end precedes its start (not saved through the admin)
    # lasts until the end of its last day, as the listing counts it.
    starts, ends = slot.instants()
    end = slot.end_time if ends > starts else None
    shared.add_times(vevent, slot.start_date, slot.start_time, end, last_day=slot.end_date)
    return vevent


# What the iCalendar feed reads of a slot for each request.
SlotRow = namedtuple("SlotRow", "pk event_id sort_order start_date start_time ends_at")


def feed_slots(event_pks, since: dt.datetime) -> tuple[list[int], dict[int, int]]:
    """The slots of the events `event_pks` ended after `since`, event by
    event in that order, each by date (at most ICAL_MAX_SLOTS), and the
    number of every slot of those events (`slot_numbers`). One query."""
    by_event = defaultdict(list)
    fields = SlotRow._fields
    for values in EventSlot.objects.filter(event_id__in=event_pks).values_list(*fields):
        row = SlotRow(*values)
        by_event[row.event_id].append(row)
    numbers, keys = {}, []
    for pk in event_pks:
        slots = by_event.get(pk, [])
        numbers.update(slot_numbers(slots))
        by_date = sorted(slots, key=lambda s: (s.start_date, s.start_time or dt.time.min, s.pk))
        keys.extend(slot.pk for slot in by_date if slot.ends_at > since)
    return keys[:ICAL_MAX_SLOTS], numbers


def agenda_ical(request, index_page):
    """The slots of the filtered events, current or ended in the last
    PAST_DAYS days: the nearest events first, then the latest ended (their
    VEVENTs cached per content version, language and site)."""
    listing = EventFilterSet(request.GET, scope=index_page)
    since = listing.now - dt.timedelta(days=PAST_DAYS)
    selection = (
        listing.filter_queryset(listing.queryset.all())
        .filter(ends_at__gt=since)
        .with_next_start(listing.now)
    )
    event_pks = list(
        selection.order_by(F("next_start").asc(nulls_last=True), "-ends_at", "pk").values_list(
            "pk", flat=True
        )[:ICAL_MAX_EVENTS]
    )
    keys, numbers = feed_slots(event_pks, since)

    def build(pks):
        slots = EventSlot.objects.filter(pk__in=pks).select_related("event")
        return {
            slot.pk: slot_event(slot.event, slot, numbers[slot.pk], request, stamp=None)
            for slot in slots
        }

    key = ("vevents", get_language() or "-", site_key(request))
    events = shared.cached_events(EVENTS, key, keys, build, listing.now, limit=MAX_CACHED_EVENTS)
    body = shared.calendar_bytes(shared.new_calendar(index_page.title, PRODID), events)
    return shared.ical_response(body, "agenda", inline=True)


def event_ical(request, event):
    """The « add to my calendar » file of one event: each of its slots."""
    slots = event.ordered_slots
    if not slots:
        raise Http404
    numbers = slot_numbers(slots)
    now = timezone.now()
    vevents = [slot_event(event, slot, numbers[slot.pk], request, now) for slot in slots]
    body = shared.calendar_bytes(shared.new_calendar(event.title, PRODID), vevents)
    return shared.ical_response(body, event.slug, "evenement")
