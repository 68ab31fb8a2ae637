"""What other pages show of the agenda, registered in apps.py with
`home.registry`: the home page's next events, the events a directory fiche
organises or partners, a network's meetings and a call's information
sessions. Each runs a fixed number of queries whatever the content."""

from __future__ import annotations

from django.db.models import F, prefetch_related_objects
from django.utils import timezone

from home.listing import public_index
from home.page_cache import time_window
from home.privacy import public

from . import vocab
from .display import slot_text, undated_text
from .models import EVENTS, AgendaIndexPage, EventOrganiser, EventPage

HOME_EVENTS = 4  # one row of cards on a wide screen
UPCOMING_SHOWN = 10
PAST_SHOWN = 3


def agenda_index(locale_id: int) -> AgendaIndexPage | None:
    """The live, public agenda index of a locale (cached: the home page asks
    for it on every request)."""
    return public_index(AgendaIndexPage, locale_id)


def live_events(**lookups):
    return public(EventPage.objects.live().filter(**lookups)).defer_streamfields()


def with_display_slots(events: list[EventPage], now) -> list[EventPage]:
    """Fetch the slots of `events` in one query and set on each the slot to
    show (`display_slot`: in progress or next for a current event, the first
    for a past one), that slot in words (`when`, `when_datetime`) and how
    many other slots it has (`more_slots`): what templates/events/_when.html
    shows."""
    prefetch_related_objects(events, "slots")
    for event in events:
        slots = event.ordered_slots
        coming = [slot for slot in slots if slot.ends_at > now]
        slot = (coming or slots or [None])[0]
        event.display_slot = slot
        event.when = slot_text(slot) if slot else undated_text(event)
        event.when_datetime = slot.start_date.isoformat() if slot else ""
        event.more_slots = max(len(slots) - 1, 0)
        # From the slots just fetched: no SQL subquery per event.
        event.time_status = event.time_status_at(now)
    return events


def current_and_past(events, now, upcoming: int = UPCOMING_SHOWN, past: int = PAST_SHOWN):
    """The first `upcoming` current events of `events` (slot in progress or
    next first, undated last) and the `past` most recent past ones, each list
    with a flag saying whether more exist. Three queries: the current events,
    the past ones, their slots."""
    current = list(events.current(now).with_next_start(now).in_default_order()[: upcoming + 1])
    older = list(
        events.past(now)
        .with_archive_year()
        .order_by(F("year").desc(nulls_last=True), F("starts_at").desc(nulls_last=True), "pk")[
            : past + 1
        ]
    )
    with_display_slots(current[:upcoming] + older[:past], now)
    return {
        "upcoming": current[:upcoming],
        "more_upcoming": len(current) > upcoming,
        "past": older[:past],
        "more_past": len(older) > past,
        "now": now,
    }


def _agenda_urls(index, request, query: str = "") -> dict:
    if index is None:
        return {"index": None, "agenda_url": "", "archive_url": ""}
    base = index.get_url(request)
    suffix = f"?{query}" if query else ""
    return {
        "index": index,
        "agenda_url": base + suffix,
        "archive_url": base + index.reverse_subpage("archive") + suffix,
    }


# --- The home page ---------------------------------------------------------------


def next_events(home_page, now, limit: int = HOME_EVENTS) -> dict:
    """The next current events of the home page's locale and the agenda
    index (cached). Their ids are kept for the time window (sorting every
    current event by its next start cost 10 ms at 5,000 events): two
    queries, the events and their slots, and none without events."""
    index = agenda_index(home_page.locale_id)
    if index is None:
        return {"index": None, "events": [], "now": now}
    window = time_window(now).isoformat()

    key = f"home-next:{index.pk}:{limit}:{window}"
    ids = EVENTS.get_or_set(key, lambda: None)
    if ids is None:
        current = live_events().descendant_of(index).current(now).with_next_start(now)
        events = list(current.in_default_order()[:limit])
        EVENTS.set(key, [event.pk for event in events])
    else:
        by_pk = live_events().in_bulk(ids) if ids else {}
        events = [by_pk[pk] for pk in ids if pk in by_pk]
    return {"index": index, "events": with_display_slots(events, now), "now": now}


def home_events_section(home_page, request):
    """The home page's « Prochains événements » (home/registry.py)."""
    found = next_events(home_page, timezone.now())
    if found["index"] is None:
        return None
    return {
        "template": "events/sections/home.html",
        "stylesheets": ["css/events.css"],
        **found,
        **_agenda_urls(found["index"], request),
    }


# --- A directory fiche -------------------------------------------------------------


def actor_events_section(actor, request):
    """The events a fiche organises or partners, upcoming first, then the
    most recent past ones, with the fiche's roles. Four queries: the current
    events, the past ones, their slots, the roles (and the agenda index, cached)."""
    now = timezone.now()
    found = current_and_past(live_events(locale_id=actor.locale_id).involving(actor), now)
    events = found["upcoming"] + found["past"]
    if not events:
        return None
    roles: dict[int, list[str]] = {}
    for event_id, role in EventOrganiser.objects.filter(
        actor=actor, event_id__in=[event.pk for event in events]
    ).values_list("event_id", "role"):
        roles.setdefault(event_id, []).append(vocab.Role(role).label)
    for event in events:
        event.actor_roles = roles.get(event.pk, [])
    return {
        "template": "events/sections/actor.html",
        "stylesheets": ["css/events.css"],
        **found,
        **_agenda_urls(agenda_index(actor.locale_id), request, f"organiser={actor.slug}"),
    }


# --- A network page ----------------------------------------------------------------


def network_events_section(network_page, request):
    """The network's meetings in the agenda: those to come (announced
    before their minutes exist), then the last ones held, linked to their
    minutes once published. Three queries."""
    now = timezone.now()
    # In the page's locale: the English copies of the events name the French
    # network page too (home/locales.py).
    events = live_events(locale_id=network_page.locale_id, network=network_page).select_related(
        "minutes"
    )
    found = current_and_past(events, now)
    if not (found["upcoming"] or found["past"]):
        return None
    return {"template": "events/sections/network.html", "stylesheets": ["css/events.css"], **found}


# --- A call for projects -----------------------------------------------------------


def call_events_section(call, request):
    """The events related to a call (information sessions, prize-givings):
    those to come, then the last ones held. Three queries."""
    now = timezone.now()
    found = current_and_past(live_events(locale_id=call.locale_id, related_calls=call), now)
    if not (found["upcoming"] or found["past"]):
        return None
    return {"template": "events/sections/call.html", "stylesheets": ["css/events.css"], **found}
