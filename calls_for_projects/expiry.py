"""When the calls shown on any page next change by themselves: the full-page
cache (home/page_cache.py) keeps no page past that instant."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min, Q

NEXT_CHANGE = "next-status-change"


def next_status_change(now: dt.datetime) -> dt.datetime | None:
    """The first instant after `now` at which a call's status may change: a
    deadline, the start of its « clôture proche » window, an undated call's
    last publication turning a year old (openings and new years are Paris
    midnights, which the page cache bounds anyway). Kept under the calls'
    version while it lies ahead: one query per change."""
    from . import status as st
    from .models import CALLS, CallForProjectsPage

    def compute():
        undated = Q(
            deadline__isnull=True,
            opens_on__isnull=True,
            is_rolling=False,
            edition_year__isnull=True,
            last_published_at__gt=now - st.NO_SESSION_AFTER,
        )
        found = CallForProjectsPage.objects.filter(discontinued=False).aggregate(
            next_deadline=Min("deadline", filter=Q(deadline__gt=now)),
            next_soon=Min("deadline", filter=Q(deadline__gt=now + st.CLOSING_SOON_WINDOW)),
            next_stale=Min("last_published_at", filter=undated),
        )
        moments = [found["next_deadline"]]
        if found["next_soon"] is not None:
            moments.append(found["next_soon"] - st.CLOSING_SOON_WINDOW)
        if found["next_stale"] is not None:
            moments.append(found["next_stale"] + st.NO_SESSION_AFTER)
        return now, min((m for m in moments if m is not None), default=None)

    since, change = CALLS.get_or_set(NEXT_CHANGE, compute)
    if now < since or (change is not None and change <= now):
        since, change = compute()
        CALLS.set(NEXT_CHANGE, (since, change))
    return change
