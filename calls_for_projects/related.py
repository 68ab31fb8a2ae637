"""What other pages show of the calls: the section of an actor's directory
fiche and the home page's « open calls » (registered in apps.py with
`home.registry`). Each runs a fixed number of queries."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from home.listing import public

from . import vocab
from .models import CallForProjectsPage, CallOrganiser, CallsIndexPage

HOME_CALLS = 3  # one row of cards on a wide screen


def actor_calls_section(actor, request):
    """The calls an actor organises, funds or partners, and those it won.
    Two queries: the calls, then the actor's roles in them."""
    now = timezone.now()
    calls = public(CallForProjectsPage.objects.live().filter(locale_id=actor.locale_id))
    calls = list(calls.involving(actor).defer_streamfields().with_status(now).in_default_order())
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
    return {
        "template": "calls_for_projects/_actor_calls.html",
        "organised": organised,
        "won": won,
        "now": now,
    }


def closing_soonest(home_page, limit: int = HOME_CALLS):
    """The open calls of the home page's locale with the nearest deadlines,
    then the rolling grants (always open to applications) to fill the list,
    and the calls index (for the "all calls" link). Three queries."""
    now = timezone.now()
    index = public(CallsIndexPage.objects.live().filter(locale_id=home_page.locale_id)).first()
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
