"""The calls' public pages, called by the routes of `CallsIndexPage` and
`CallForProjectsPage`: the listing, its archive by year and a call's page.

The selection, the statuses and the counts are computed for each request
(filters.py): they depend on its time. What does not is cached per content
version (`models.CALLS`): the filter form's HTML and each card's HTML but its
status badge and time left (cards.py, where the status is part of the key).
Responses carry a Cache-Control lifetime that ends before the next status
change of the calls they show (at most `MAX_AGE` seconds), so no HTTP cache
serves "open" after a deadline either.
"""

from __future__ import annotations

from django.http import Http404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from home import http
from home.listing import with_query

from . import status as st
from . import vocab
from .cards import call_rows, read_rows, render_cards
from .filters import CallFilterSet

FACETS_TEMPLATE = "includes/listing/facets.html"


def set_cache_lifetime(request, response, calls, now):
    """Cache-Control until the next status change of any of `calls` (at
    most `MAX_AGE`; home/http.py)."""
    changes = [st.seconds_until_change(call.dates, now) for call in calls]
    seconds = min((s for s in changes if s is not None), default=None)
    return http.set_cache_lifetime(request, response, seconds)


def listing_context(request, page, listing) -> dict:
    """What the index and the archive share: the listing, its notices and
    links (the feeds keep the filters)."""
    base = page.get_url(request)
    query = listing.querystring()
    context = page.get_context(request)
    context.update(
        filters=listing,
        notices=listing.notices,
        archive_years=listing.archive_years,
        now=listing.now,
        reset_url=base,
        archive_url=base + page.reverse_subpage("archive"),
        **{
            f"{feed}_url": with_query(base + page.reverse_subpage(feed), query)
            for feed in ("rss", "atom", "ical", "csv", "subventions")
        },
    )
    return context


def render_listing(request, template, context, listing, results, page_range):
    """The page of cards `results` holds (calls or `CallRow`s), in
    `template`."""
    cards = render_cards(results.object_list, listing.now, request)
    context.update(results=results, page_range=page_range, cards=cards)
    response = TemplateResponse(request, template, context)
    return set_cache_lifetime(request, response, results.object_list, listing.now)


def calls_index(request, page):
    """The listing. Its counts and each page's rows are kept per selection
    and time window (`ListingFilterSet.cached(timed=True)`): nothing a
    status depends on changes before the window ends, and a content change
    renews the calls' version. The queryset is built only when they are
    missing."""
    listing = CallFilterSet(request.GET, scope=page)
    context = listing_context(request, page, listing)
    results, page_range = listing.paginate_kept(
        lambda: listing.qs.defer_streamfields(), read_rows, listing.total
    )
    results.object_list = call_rows(results.object_list)
    context.update(
        # Built only when the cached form fragment has to be rendered again.
        form=SimpleLazyObject(listing.display_form),
        chips=listing.chips,
        facets=SimpleLazyObject(lambda: listing.facets),
        # Kept per selection and time window, like the counts they show.
        facets_html=listing.kept_html(
            request,
            "facets",
            lambda: render_to_string(FACETS_TEMPLATE, {"facets": listing.facets}),
            timed=True,
        ),
        showing_current=listing.showing_current,
        # The filter form holds no status nor count: its HTML is cached per
        # content version and set of valid parameters.
        form_fragment=listing.fragment(request, "form"),
    )
    template = "calls_for_projects/calls_index_page.html"
    return render_listing(request, template, context, listing, results, page_range)


def calls_archive(request, page, year: int | None = None):
    """The finished calls, by year: the list of years, or one year's calls.
    The listing's filters apply (except the status)."""
    if year is not None and not 1900 <= year <= 2100:
        raise Http404
    listing = CallFilterSet(request.GET, scope=page)
    context = listing_context(request, page, listing)
    context.update(year=year)
    template = "calls_for_projects/calls_archive.html"
    if year is None:
        response = TemplateResponse(request, template, context)
        return set_cache_lifetime(request, response, [], listing.now)
    calls = listing.without("status").archived_in(year, listing.now).in_default_order()
    results, page_range = listing.paginate(calls.defer_streamfields())
    return render_listing(request, template, context, listing, results, page_range)


def call_page(request, call):
    now = timezone.now()
    context = call.get_context(request)
    organisers = list(call.organisers.select_related("actor"))
    laureates = list(call.laureates.select_related("actor"))
    context.update(
        now=now,
        status=call.status_at(now),
        time_left=st.time_left(call.deadline, now),
        lead_organisers=[o for o in organisers if o.role in vocab.LEAD_ROLES],
        partners=[o for o in organisers if o.role not in vocab.LEAD_ROLES],
        organisers=organisers,
        juries=list(call.juries.all()),
        laureate_groups=group_laureates(laureates),
        documents=list(call.documents.select_related("document")),
        applicants=list(call.applicants.all()),
        index=call.get_parent(),
        ical_url=call.url + call.reverse_subpage("ical") if call.deadline else "",
        json_ld=call_json_ld(call, request, organisers, now),
    )
    response = TemplateResponse(request, call.get_template(request), context)
    return set_cache_lifetime(request, response, [call], now)


def group_laureates(laureates):
    """Consecutive laureates of one project as one entry: (project, rows)."""
    groups = []
    for laureate in laureates:
        if groups and laureate.project and groups[-1]["project"] == laureate.project:
            groups[-1]["rows"].append(laureate)
        else:
            groups.append({"project": laureate.project, "rows": [laureate]})
    return groups


# --- Structured data ---------------------------------------------------------------


def _organisation(link, request) -> dict:
    data = {"@type": "Organization", "name": link.display_name}
    if link.actor_id and link.actor is not None:
        if link.actor.is_local_authority:
            data["@type"] = "GovernmentOrganization"
        url = link.actor.get_full_url(request)
        if url:
            data["url"] = url
    return data


def call_structured_data(call, request, organisers, now) -> dict:
    """schema.org MonetaryGrant: funders and sponsors from the organisers, the
    maximum amount, and an ApplyAction ending at the deadline."""
    data = {
        "@context": "https://schema.org",
        "@type": "MonetaryGrant",
        "name": call.title,
        "additionalType": call.type_label,
    }
    url = call.get_full_url(request)
    if url:
        data["url"] = url
    if call.summary:
        data["description"] = call.summary
    funders = [_organisation(o, request) for o in organisers if o.role in vocab.LEAD_ROLES]
    sponsors = [_organisation(o, request) for o in organisers if o.role not in vocab.LEAD_ROLES]
    if funders:
        data["funder"] = funders
    if sponsors:
        data["sponsor"] = sponsors
    amount = call.max_per_project if call.max_per_project is not None else call.total_envelope
    if amount is not None:
        data["amount"] = {"@type": "MonetaryAmount", "currency": "EUR", "value": float(amount)}
    if call.territory_label:
        data["areaServed"] = call.territory_label
    action = {"@type": "ApplyAction", "actionStatus": "PotentialActionStatus"}
    if call.application_url:
        action["target"] = call.application_url
    elif url:
        action["target"] = url
    if call.opens_on:
        action["startTime"] = call.opens_on.isoformat()
    if call.deadline:
        action["endTime"] = timezone.localtime(call.deadline).isoformat()
    if call.status_at(now) in st.CURRENT:
        data["potentialAction"] = action
    return data


def call_json_ld(call, request, organisers, now) -> str:
    return http.json_ld(call_structured_data(call, request, organisers, now))
