"""What other pages show of the calls: the section of an actor's directory
fiche and the home page's « open calls » (registered in apps.py with
`home.registry`). Each runs a fixed number of queries."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from home.listing import public_index
from home.privacy import public
from home.registry import SECTION_LIMIT, bounded, page_url_with_query

from . import vocab
from .models import CallForProjectsPage, CallOrganiser, CallsIndexPage

HOME_CALLS = 3  # one row of cards on a wide screen


def calls_index(locale_id: int) -> CallsIndexPage | None:
    """The live, public calls index of a locale (cached)."""
    return public_index(CallsIndexPage, locale_id)


def actor_calls_section(actor, request):
    """The calls an actor organises, funds or partners, and those it won:
    the first `SECTION_LIMIT` in the listing's order (open first), and a
    link to the listing filtered on the actor when there are more. Two
    queries whatever the number of calls: the calls, then the actor's roles
    in them (and the calls index, cached, when there are more)."""
    now = timezone.now()
    calls = public(CallForProjectsPage.objects.live().filter(locale_id=actor.locale_id))
    calls, more = bounded(
        calls.involving(actor).defer_streamfields().with_status(now).in_default_order()
    )
    if not calls:
        return None
    roles: dict[int, list[str]] = {}
    for call_id, role in CallOrganiser.objects.filter(
        actor=actor, call_id__in=[call.pk for call in calls]
    ).values_list("call_id", "role"):
        roles.setdefault(call_id, []).append(vocab.label(vocab.Role, role))
    organised, won = [], []
    for call in calls:
        call.actor_roles = roles.get(call.pk, [])
        (organised if call.actor_roles else won).append(call)
    # The listing filters on the calls an actor organises, funds or partners.
    more_url = ""
    if more and organised:
        more_url = page_url_with_query(
            calls_index(actor.locale_id), request, f"organiser={actor.slug}&status=tous"
        )
    return {
        "template": "calls_for_projects/_actor_calls.html",
        "organised": organised,
        "won": won,
        "now": now,
        "more": more,
        "limit": SECTION_LIMIT,
        "more_url": more_url,
    }


def closing_soonest(home_page, limit: int = HOME_CALLS):
    """The open calls of the home page's locale with the nearest deadlines,
    then the rolling grants (always open to applications) to fill the list,
    and the calls index (for the "all calls" link, cached). Two queries."""
    now = timezone.now()
    index = calls_index(home_page.locale_id)
    if index is None:
        return {"index": None, "calls": [], "now": now}
    calls = (
        public(CallForProjectsPage.objects.live().descendant_of(index))
        .open_at(now)
        .with_status(now)
        .with_organisers()
        .order_by(F("deadline").asc(nulls_last=True), "title", "pk")
    )
    return {"index": index, "calls": list(calls[:limit]), "now": now}


def home_calls_section(home_page, request):
    """The home page's « open calls » section (home/registry.py)."""
    found = closing_soonest(home_page)
    if found["index"] is None:
        return None
    return {
        "template": "calls_for_projects/_home_calls.html",
        "stylesheets": ["css/directory.css", "css/calls.css"] if found["calls"] else [],
        **found,
    }
