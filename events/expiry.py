"""When the agenda shown on any page next changes by itself (a slot ends, a
Paris midnight): the full-page cache (home/page_cache.py) keeps no page past
that instant."""

from __future__ import annotations

import datetime as dt


def next_agenda_change(now: dt.datetime) -> dt.datetime | None:
    from .models import time_window

    _name, until = time_window(now)
    return until
