"""The agenda's public pages, called by the routes of `AgendaIndexPage` and
`EventPage`: the listing of current events, the archive (all past events, or
one year's), and an event's page.

The listing, its archive, feeds and exports read one filter set
(`EventFilterSet`, filters.py), so a link keeps its meaning from one to the
other. Where an event stands in time is derived for each request (the SQL
annotation `ended` for the partition, and `time_status` from each card's
slots); responses carry a Cache-Control lifetime that ends
before the next change of what they show (a slot ending, the next Paris
midnight), at most `MAX_AGE` seconds.

Dates are written out in words in the active language (« samedi 17 novembre
2018, 9 h 30 – 12 h », « du 2 au 30 novembre 2018 »), in Paris time.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from home import http
from home.listing import with_query
from home.privacy import public
from home.typography import french_spacing

from . import vocab
from .display import place_text, slot_text, undated_text
from .filters import EventFilterSet
from .models import EventOrganiser, paris, paris_midnight
from .related import with_display_slots

LEAD_ROLES = (vocab.Role.ORGANISER, vocab.Role.CO_ORGANISER)
FIRST_YEAR, LAST_YEAR = 1900, 2100


# --- Cache lifetime ------------------------------------------------------------------


def seconds_until_change(events, now: dt.datetime) -> int:
    """Seconds until what `events` show may change: the next end of one of
    their slots (an event leaves « aujourd'hui » or the listing) or the next
    Paris midnight (« à venir » becomes « aujourd'hui », « aujourd'hui »
    becomes « en cours »). Their slots are prefetched."""
    today = timezone.localtime(now, paris()).date()
    change = paris_midnight(today + dt.timedelta(days=1))
    for event in events:
        for slot in event.slots.all():
            if now < slot.ends_at < change:
                change = slot.ends_at
    return max(0, int((change - now).total_seconds()))


# --- The listing and its archive ---------------------------------------------------------


def prepare_cards(events: list, now: dt.datetime) -> list:
    """Set on each event of a listing's page what its card shows: the slot
    to show in words (`when`, `more_slots`), its place, its organisers (two
    queries: the slots, the organisers with their fiches)."""
    with_display_slots(events, now)
    prefetch_related_objects(
        events,
        Prefetch(
            "organisers",
            queryset=EventOrganiser.objects.select_related("actor").order_by("sort_order", "pk"),
        ),
    )
    for event in events:
        event.place = place_text(event)
        event.lead_organisers = [
            link.display_name for link in event.organisers.all() if link.role in LEAD_ROLES
        ]
    return events


def map_data_url(events, request) -> str:
    """The events of `events` that have coordinates, as a GeoJSON
    FeatureCollection in a `data:` URL: what the directory's map script
    (static/js/directory-map.js) loads, without a request of its own."""
    features = []
    for event in events:
        if not event.has_coordinates or event.mode == vocab.ONLINE:
            continue
        details = [event.when, event.type_label]
        if event.status != vocab.SCHEDULED:
            details.insert(0, event.status_label)
        features.append(
            {
                "type": "Feature",
                "id": event.pk,
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(event.longitude), float(event.latitude)],
                },
                "properties": {
                    "name": event.title,
                    "kind_label": " – ".join(str(part) for part in details),
                    "city": event.city,
                    "url": event.get_url(request),
                },
            }
        )
    if not features:
        return ""
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    return "data:application/geo+json;charset=utf-8," + quote(body, safe="")


def listing_context(request, page, listing) -> dict:
    """What the index and the archive share: the listing's partials and the
    links to the other partition, the feeds and the exports, all with the
    valid filters."""
    base = page.get_url(request)
    query = listing.querystring()
    context = page.get_context(request)
    context.update(listing.context(base))
    context.update(
        now=listing.now,
        index_url=base,
        archive_url=base + page.reverse_subpage("archive"),
        archive_years=listing.archive_years,
        other_total=listing.other_total,
        map_tiles_url=settings.MAP_TILES_URL,
        map_tiles_attribution=settings.MAP_TILES_ATTRIBUTION,
        # The filter form holds no time-dependent value: its HTML is cached
        # per content version and set of valid parameters.
        form_fragment=listing.fragment(request, "form"),
        **{
            f"{name}_url": with_query(base + page.reverse_subpage(name), query)
            for name in ("rss", "atom", "ical", "csv", "json")
        },
    )
    return context


def render_listing(request, template, context, listing, queryset, total, year=None):
    """The page of `queryset` asked for (counted already: `total`), its
    cards, pagination and map (templates/events/_results.html), in
    `template`.

    That part is kept like the other listings' cards (`kept_html`, timed:
    nothing in it changes before the time window ends), per selection, page,
    language and site: a listing's page costs its ordering and three
    prefetches only when something changed."""

    def render_results():
        results, page_range = listing.paginate(queryset.defer_streamfields(), total=total)
        events = prepare_cards(list(results.object_list), listing.now)
        located = sum(1 for e in events if e.has_coordinates and e.mode != vocab.ONLINE)
        fragment = {
            **context,
            "results": results,
            "page_range": page_range,
            "events": events,
            "map_url": map_data_url(events, request),
            "located_count": located,
        }
        html = render_to_string("events/_results.html", fragment, request)
        return {"html": html, "number": results.number, "has_map": bool(fragment["map_url"])}

    partition = "past" if listing.archive else "current"
    page_number = listing.page_number or 1
    results = listing.kept_html(
        request, "results", render_results, partition, year or "-", page_number, timed=True
    )
    listing.note_page_shown(results["number"])
    context.update(
        results_html=results["html"], page_number=results["number"], has_map=results["has_map"]
    )
    response = TemplateResponse(request, template, context)
    seconds = max(0, int((listing.window_end - listing.now).total_seconds()))
    return http.set_cache_lifetime(request, response, seconds)


def empty_state(listing, context, year=None) -> dict:
    """The empty state's sentence (naming the criteria when there are
    filters) and the link to the other partition when it has matches."""
    criteria = " ; ".join(f"{chip.label} : {chip.value}" for chip in listing.chips)
    params = {"criteria": criteria, "year": year}
    if listing.has_filters:
        if year:
            message = _("Aucun événement de %(year)s ne correspond à ces critères : %(criteria)s.")
        elif listing.archive:
            message = _("Aucun événement passé ne correspond à ces critères : %(criteria)s.")
        else:
            message = _("Aucun événement à venir ne correspond à ces critères : %(criteria)s.")
    elif listing.archive:
        message = _("Aucun événement passé pour le moment.")
    else:
        message = _("Aucun événement n'est annoncé pour le moment.")
    link = None
    count = listing.other_total
    if count:
        query = listing.querystring()
        if listing.archive:
            url = with_query(context["index_url"], query)
            text = ngettext(
                "Voir l'événement à venir qui correspond",
                "Voir les %(count)s événements à venir qui correspondent",
                count,
            )
        else:
            url = with_query(context["archive_url"], query)
            text = ngettext(
                "Voir l'événement passé qui correspond",
                "Voir les %(count)s événements passés qui correspondent",
                count,
            )
        link = {"url": url, "text": text % {"count": count}}
    return {"empty_message": french_spacing(message % params), "other_link": link}


def agenda_index(request, page):
    """The current events (in progress, then the next, undated last)."""
    listing = EventFilterSet(request.GET, scope=page)
    context = listing_context(request, page, listing)
    context.update(facets=listing.facets, archive=False, **empty_state(listing, context))
    template = "events/agenda_index_page.html"
    return render_listing(request, template, context, listing, listing.qs, listing.total)


def agenda_archive(request, page, year: int | None = None):
    """The past events, newest first: all of them, or one year's. The
    listing's filters apply. A year outside 1900–2100, or one without any
    past event (without filters), does not exist."""
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    listing = EventFilterSet(request.GET, scope=page, archive=True)
    context = listing_context(request, page, listing)
    reset_url = context["archive_url"] + (f"{year}/" if year else "")
    context.update(year=year, archive=True, reset_url=reset_url)
    context.update(empty_state(listing, context, year))
    template = "events/agenda_archive.html"
    if year is None:
        context.update(facets=listing.facets)
        return render_listing(request, template, context, listing, listing.qs, listing.total)
    count = next((item.count for item in listing.archive_years if item.year == year), 0)
    if not count and not listing.has_filters:
        raise Http404
    context.update(facets=[])
    selection = listing.qs.filter(year=year)
    return render_listing(request, template, context, listing, selection, count, year=year)


# --- An event's page -------------------------------------------------------------------


def event_page(request, event):
    now = timezone.now()
    context = event.get_context(request)
    organisers = list(event.organisers.select_related("actor").order_by("sort_order", "pk"))
    slots = event.ordered_slots
    index = event.get_parent().specific
    index_url = index.get_url(request) if index.live else ""
    time_status = event.time_status_at(now)
    context.update(
        now=now,
        time_status=time_status,
        time_status_label=vocab.TimeStatus(time_status).label,
        slots=[
            {"slot": slot, "text": slot_text(slot, all_day_note=True), "past": slot.ends_at <= now}
            for slot in slots
        ],
        undated=undated_text(event) if not slots else "",
        organisers=organisers,
        lead_organisers=[link for link in organisers if link.role in LEAD_ROLES],
        documents=list(event.documents.select_related("document")),
        related_calls=list(public(event.related_calls.live()).defer_streamfields()),
        network=event.network if event.network_id and event.network.live else None,
        minutes=event.minutes if event.minutes_id and event.minutes.live else None,
        themes=list(event.themes.all()),
        index=index,
        index_url=index_url,
        archive_url=index_url + index.reverse_subpage("archive") if index_url else "",
        ical_url=event.url + event.reverse_subpage("ical") if slots else "",
        place=place_text(event),
        map_tiles_url=settings.MAP_TILES_URL,
        map_tiles_attribution=settings.MAP_TILES_ATTRIBUTION,
        json_ld=http.json_ld(event_structured_data(event, request, organisers)),
    )
    response = TemplateResponse(request, event.get_template(request), context)
    return http.set_cache_lifetime(request, response, seconds_until_change([event], now))


# --- Structured data (schema.org Event) -----------------------------------------------------


def _slot_bounds(slot) -> tuple[str, str]:
    """A slot's start and end for schema.org: dates for an all-day slot,
    times with their Paris offset otherwise."""
    if slot.all_day:
        return slot.start_date.isoformat(), slot.last_date.isoformat()
    start = timezone.localtime(slot.starts_at, paris()).isoformat()
    if slot.end_time is None:
        return start, ""
    return start, timezone.localtime(slot.ends_at, paris()).isoformat()


def _organisation(link, request) -> dict:
    data = {"@type": "Organization", "name": link.display_name}
    if link.actor_id and link.actor is not None and link.actor.live:
        url = link.actor.get_full_url(request)
        if url:
            data["url"] = url
    return data


def _location(event, request) -> list[dict]:
    places = []
    if event.has_place or (event.mode != vocab.ONLINE and event.has_coordinates):
        address = {"@type": "PostalAddress"}
        for key, value in (
            ("streetAddress", event.address),
            ("postalCode", event.postcode),
            ("addressLocality", event.city),
            ("addressRegion", event.region_name),
            ("addressCountry", "FR" if event.country in ("", "France") else event.country),
        ):
            if value:
                address[key] = value
        place = {"@type": "Place", "name": event.place_name or event.city, "address": address}
        if event.has_coordinates:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": float(event.latitude),
                "longitude": float(event.longitude),
            }
        places.append(place)
    if event.mode in (vocab.ONLINE, vocab.HYBRID) and event.online_url:
        places.append({"@type": "VirtualLocation", "url": event.online_url})
    return places


def _offers(event, url: str) -> dict | None:
    if not event.price and event.status != vocab.FULL:
        return None
    offer = {"@type": "Offer"}
    if event.price == vocab.FREE:
        offer.update(price=0, priceCurrency="EUR")
    if event.price_note:
        offer["description"] = event.price_note
    if event.registration == vocab.Registration.LINK and event.registration_url:
        offer["url"] = event.registration_url
    elif url:
        offer["url"] = url
    if event.status == vocab.FULL:
        offer["availability"] = "https://schema.org/SoldOut"
    return offer


def event_structured_data(event, request, organisers) -> dict:
    """schema.org `Event`: dates (the first slot's start, the last one's
    end), announced status, attendance mode, location (Place with its postal
    address and coordinates, VirtualLocation), organisers and partners,
    offers, image."""
    url = event.get_full_url(request)
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "eventStatus": vocab.SCHEMA_STATUS[event.status],
        "eventAttendanceMode": vocab.SCHEMA_ATTENDANCE[event.mode],
    }
    if url:
        data["url"] = url
    if event.summary:
        data["description"] = event.summary
    slots = event.ordered_slots
    if slots:
        data["startDate"] = _slot_bounds(slots[0])[0]
        last = max(slots, key=lambda slot: slot.ends_at)
        end = _slot_bounds(last)[1]
        if end:
            data["endDate"] = end
    location = _location(event, request)
    if location:
        data["location"] = location[0] if len(location) == 1 else location
    lead = [_organisation(link, request) for link in organisers if link.role in LEAD_ROLES]
    others = [_organisation(link, request) for link in organisers if link.role not in LEAD_ROLES]
    if lead:
        data["organizer"] = lead
    if others:
        data["sponsor"] = others
    if event.price == vocab.FREE:
        data["isAccessibleForFree"] = True
    offer = _offers(event, url)
    if offer:
        data["offers"] = offer
    if event.audience:
        data["audience"] = {"@type": "Audience", "audienceType": event.audience}
    if event.series:
        data["superEvent"] = {"@type": "EventSeries", "name": event.series}
    if event.image_id:
        rendition = event.image.get_rendition("fill-1200x630")
        data["image"] = request.build_absolute_uri(rendition.url)
    return data
