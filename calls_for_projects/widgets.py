"""The calls' embeddable widget (home/widgets.py): the filtered calls' cards
(open and upcoming by default, as on the listing), for a partner site.
Registered in apps.py."""

from . import status as st
from .cards import render_cards


def widget_context(request, page, listing, limit: int) -> dict:
    """The first `limit` cards of the selection, its total, and the seconds
    until one of the cards shown changes status."""
    calls = list(listing.qs.defer_streamfields()[:limit])
    changes = [st.seconds_until_change(call.dates, listing.now) for call in calls]
    return {
        "cards": render_cards(calls, listing.now, request),
        "total": listing.total,
        "showing_current": listing.showing_current,
        "max_age": min((s for s in changes if s is not None), default=None),
    }
