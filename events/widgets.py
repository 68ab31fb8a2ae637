"""The agenda's embeddable widget (home/widgets.py): the next events of the
selection, for a partner site. Registered in apps.py."""

from .views import prepare_cards, seconds_until_change


def widget_context(request, page, listing, limit: int) -> dict:
    """The first `limit` current events of the selection with what their
    cards show, its total, and the seconds until one of them changes."""
    events = prepare_cards(list(listing.qs.defer_streamfields()[:limit]), listing.now)
    return {
        "events": events,
        "total": listing.total,
        "max_age": seconds_until_change(events, listing.now),
    }
