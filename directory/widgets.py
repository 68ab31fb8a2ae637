"""The directory's embeddable widget (home/widgets.py): the map of the
filtered actors and their list, for a partner site. Registered in apps.py."""

from django.conf import settings

from home.listing import with_query


def widget_context(request, page, listing, limit: int) -> dict:
    """The first `limit` actors of the selection (the list under the map),
    their total, how many are on the map and the GeoJSON the map loads (the
    listing's own, with the same filters)."""
    actors = list(listing.qs.defer_streamfields()[:limit])
    base = page.get_url(request) or page.url
    return {
        "actors": actors,
        "total": listing.total,
        "located_count": listing.cached("located", lambda: listing.qs.order_by().located().count()),
        "geojson_url": with_query(
            base + page.reverse_subpage("geojson"), listing.querystring(sort=None)
        ),
        "map_tiles_url": settings.MAP_TILES_URL,
        "map_tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
    }
