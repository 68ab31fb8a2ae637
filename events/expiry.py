"""When the agenda shown on any page next changes by itself (a slot ends, a
Paris midnight): the full-page cache (home/page_cache.py) keeps no page past
that instant, and the listings keep nothing they derive from the time past
it either (`time_window`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min
from django.utils import timezone


def next_agenda_change(now: dt.datetime) -> dt.datetime:
    """The first instant after `now` at which what the agenda derives from
    the time may change: the next end of a slot or the next Paris midnight,
    whichever comes first.

    Which events are current or past, the next start they are ordered by,
    their time statuses and the meaning of « ce mois-ci » change only then.
    The next slot end is kept under the content's version (a published
    change renews it) while it lies ahead: one indexed query per window."""
    from .models import EVENTS, NEXT_SLOT_END, EventSlot, paris, paris_midnight

    def next_end():
        """(now, the first slot end after it): valid from that `now` until
        that end (a request whose `now` is earlier computes its own)."""
        end = EventSlot.objects.filter(ends_at__gt=now).aggregate(first=Min("ends_at"))["first"]
        return now, end

    since, end = EVENTS.get_or_set(NEXT_SLOT_END, next_end)
    if now < since:
        _now, end = next_end()
    elif end is not None and end <= now:
        since, end = next_end()
        EVENTS.set(NEXT_SLOT_END, (since, end))
    today = timezone.localtime(now, paris()).date()
    until = paris_midnight(today + dt.timedelta(days=1))
    if end is not None and end < until:
        until = end
    return until
