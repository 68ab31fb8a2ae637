"""The directory's public views, called by the routes of `DirectoryIndexPage`:
the listing, its map, the GeoJSON the map loads and the CSV and JSON exports.

All of them select actors with `DirectoryFilterSet`, so a link keeps its
meaning from one to the other (`?region=44&theme=...` lists, maps and exports
the same actors). Exports stream: rows are read as plain values in chunks of
`EXPORT_CHUNK_SIZE`, with one query per related table and chunk
(directory/csv/export.py `actor_rows`), so memory does not grow with the
number of actors. The GeoJSON is kept whole per filter set and content
version (`directory_geojson`).
"""

import json

from django.conf import settings
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from home import http
from home.cache import digest
from home.exports import JSON_CONTENT_TYPE, descendant_urls, export_response, json_chunks
from home.listing import with_query

from .csv.export import DIRECTORY_CSV, actor_rows
from .filters import DirectoryFilterSet
from .kinds import KIND_LABELS

MAP_LIST_PER_PAGE = 100
EXPORT_CHUNK_SIZE = 500
GEOJSON_CONTENT_TYPE = "application/geo+json"


def _context(request, page, listing, per_page=None) -> dict:
    """The page of actors asked for (counted by the facet query), the shared
    listing context and the links to the other views, with the same filters."""
    results, page_range = listing.paginate(
        listing.qs.defer_streamfields(), per_page=per_page, total=listing.total
    )
    base = page.get_url(request)
    query, filters_only = listing.querystring(), listing.querystring(sort=None)
    context = page.get_context(request)
    context.update(
        listing.context(base),
        results=results,
        page_range=page_range,
        index_url=with_query(base, query),
        map_url=with_query(base + page.reverse_subpage("map"), query),
        geojson_url=with_query(base + page.reverse_subpage("geojson"), filters_only),
        csv_url=with_query(base + page.reverse_subpage("export_csv"), query),
        json_url=with_query(base + page.reverse_subpage("export_json"), query),
        csv_schema_url=base + page.reverse_subpage("export_csv_schema"),
    )
    return context


def directory_index(request, page):
    listing = DirectoryFilterSet(request.GET, scope=page)
    context = _context(request, page, listing)
    # The facets are computed when the template renders them, i.e. only when
    # its cached fragment (the form, the toolbar, the cards and the facets of
    # a filter set, sort and page, per content version) is missing.
    context.update(
        facets=SimpleLazyObject(lambda: listing.facets),
        listing_fragment=listing.fragment(request, "listing"),
    )
    return TemplateResponse(request, "directory/directory_index_page.html", context)


def directory_map(request, page):
    listing = DirectoryFilterSet(request.GET, scope=page)
    context = _context(request, page, listing, per_page=MAP_LIST_PER_PAGE)
    context.update(
        reset_url=page.get_url(request) + page.reverse_subpage("map"),
        located_count=listing.cached("located", lambda: listing.qs.order_by().located().count()),
        map_tiles_url=settings.MAP_TILES_URL,
        map_tiles_attribution=settings.MAP_TILES_ATTRIBUTION,
    )
    return TemplateResponse(request, "directory/map.html", context)


def directory_geojson(request, page):
    """The filtered actors that have coordinates, as a GeoJSON FeatureCollection.
    Names, kinds, towns and links only: no contact of any kind.

    The encoded body is kept in the directory's versioned cache (`DIRECTORY`,
    renewed by any change of an actor, the index, a network, a theme or a
    private section: a publication shows at once) per filter set, sort,
    language and address of the index. When the cache fails it answers a
    miss (home/cache_backends.py): the body is computed, as before."""
    listing = DirectoryFilterSet(request.GET, scope=page)
    base_url = request.build_absolute_uri(page.get_url(request))
    # The sort asked for (as the index's cached fragments): the order applied
    # follows from it and the selection (`cached` adds `filters_key`).
    sort = listing.params.get("sort", "")
    name = f"geojson:{get_language()}:{sort}:{digest(base_url)}"
    body = listing.cached(name, lambda: _geojson_body(listing, page, base_url))
    return HttpResponse(body, content_type=GEOJSON_CONTENT_TYPE)


def _geojson_body(listing, page, base_url: str) -> bytes:
    prefix = len(page.url_path)
    rows = listing.qs.located().values_list(
        "pk", "title", "kind", "city", "latitude", "longitude", "url_path"
    )
    features = [
        {
            "type": "Feature",
            "id": pk,
            "geometry": {"type": "Point", "coordinates": [float(longitude), float(latitude)]},
            "properties": {
                "name": title,
                "kind": kind,
                "kind_label": str(KIND_LABELS.get(kind, kind)),
                "city": city,
                "url": base_url + url_path[prefix:],
            },
        }
        for pk, title, kind, city, latitude, longitude, url_path in rows
    ]
    body = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    return body.encode("utf-8")


def _rows(request, page, protect: bool):
    """The rows of the filtered actors, streamed (directory/csv/export.py)."""
    actors = DirectoryFilterSet(request.GET, scope=page).qs
    urls = descendant_urls(page, request)
    return actor_rows(actors, urls, chunk_size=EXPORT_CHUNK_SIZE, protect=protect)


def _filename(extension: str) -> str:
    return f"annuaire-acteurs-{timezone.localdate():%Y-%m-%d}.{extension}"


def directory_csv(request, page):
    """The filtered actors as CSV (UTF-8 with a byte order mark so that
    spreadsheets read it as such, semicolon-separated), in the import's
    columns, published contacts only."""
    return DIRECTORY_CSV.response(_rows(request, page, protect=True), _filename("csv"))


def directory_csv_schema(request, page):
    """The Table Schema of the CSV export (home/exports.py)."""
    return DIRECTORY_CSV.schema_response()


def directory_json(request, page):
    """The filtered actors as a JSON list of objects with the CSV's columns."""
    chunks = json_chunks(_rows(request, page, protect=False))
    return export_response(chunks, _filename("json"), JSON_CONTENT_TYPE, inline=True)


# --- The fiche's structured data ----------------------------------------------


def actor_structured_data(actor, request=None, contacts=None, networks=None) -> dict:
    """schema.org data of an actor fiche: GovernmentOrganization for local
    authorities, Organization otherwise. Published contacts only, and of them
    only the name and the function."""
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization" if actor.is_local_authority else "Organization",
        "name": actor.title,
    }
    if actor.acronym:
        data["alternateName"] = actor.acronym
    url = actor.get_full_url(request)
    if url:
        data["url"] = url
    if actor.summary:
        data["description"] = actor.summary
    address = {
        "streetAddress": ", ".join(
            part for part in [actor.address_line1, actor.address_line2] if part
        ),
        "postalCode": actor.postcode,
        "addressLocality": " ".join(part for part in [actor.city, actor.cedex] if part),
        "addressRegion": actor.region_name,
        "addressCountry": actor.country,
    }
    address = {key: value for key, value in address.items() if value}
    if address:
        data["address"] = {"@type": "PostalAddress", **address}
    if actor.has_coordinates:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(actor.latitude),
            "longitude": float(actor.longitude),
        }
    if actor.email:
        data["email"] = actor.email
    if actor.phone:
        data["telephone"] = actor.phone
    if actor.website:
        data["sameAs"] = [actor.website]
    if contacts is None:
        contacts = actor.public_contacts()
    people = [
        {
            "@type": "Person",
            "name": contact.name,
            "jobTitle": contact.function or contact.role_label,
        }
        for contact in contacts
        if contact.is_public
    ]
    if people:
        data["member"] = people
    if networks is None:
        networks = actor.networks.all()
    member_of = []
    for network in networks:
        organisation = {"@type": "Organization", "name": network.name}
        if network.website:
            organisation["url"] = network.website
        member_of.append(organisation)
    if member_of:
        data["memberOf"] = member_of
    return data


def actor_json_ld(actor, request=None, contacts=None, networks=None) -> str:
    """The <script type="application/ld+json"> element of an actor fiche."""
    return http.json_ld(actor_structured_data(actor, request, contacts=contacts, networks=networks))
