"""What other pages show of the calls: the section of an actor's directory
fiche (registered with `directory.related` in apps.py) and the home page's
"closing soonest" list. Each runs a fixed number of queries."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q
from django.utils import timezone

from . import status as st
from . import vocab
from .filters import annotate_status, default_ordering
from .models import CallForProjectsPage, CallLaureate, CallOrganiser, CallsIndexPage

HOME_CALLS = 3  # one row of cards on a wide screen


def actor_calls_section(actor, request):
    """The calls an actor organises, funds or partners, and those it won.
    Two queries: the calls, then the actor's roles in them."""
    now = timezone.now()
    calls = (
        CallForProjectsPage.objects.live()
        .public()
        .filter(locale_id=actor.locale_id)
        .filter(
            Q(pk__in=CallOrganiser.objects.filter(actor=actor).values("call_id"))
            | Q(pk__in=CallLaureate.objects.filter(actor=actor).values("call_id"))
        )
        .defer_streamfields()
    )
    calls = list(annotate_status(calls, now).order_by(*default_ordering()))
    if not calls:
        return None
    roles: dict[int, list[str]] = {}
    for call_id, role in CallOrganiser.objects.filter(
        actor=actor, call_id__in=[call.pk for call in calls]
    ).values_list("call_id", "role"):
        roles.setdefault(call_id, []).append(str(vocab.ROLE_LABELS.get(role, role)))
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
    index = CallsIndexPage.objects.live().public().filter(locale_id=home_page.locale_id).first()
    if index is None:
        return {"index": None, "calls": [], "now": now}
    calls = (
        CallForProjectsPage.objects.live()
        .public()
        .descendant_of(index)
        .filter(st.status_q([st.OPEN, st.CLOSING_SOON, st.ROLLING], now))
        .annotate(status_now=st.status_expression(now))
        .defer_streamfields()
        .prefetch_related(
            Prefetch("organisers", queryset=CallOrganiser.objects.select_related("actor"))
        )
        .order_by(F("deadline").asc(nulls_last=True), "title", "pk")
    )
    calls = list(calls[:limit])
    return {"index": index, "calls": calls, "now": now}
