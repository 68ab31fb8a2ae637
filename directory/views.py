"""The directory's public views, called by the routes of `DirectoryIndexPage`:
the listing, its map, the GeoJSON the map loads and the CSV and JSON exports.

All of them select actors with `filters.filtered_actors`, so a link keeps its
meaning from one to the other (`?region=44&theme=...` lists, maps and exports
the same actors). Exports stream: rows are read in chunks of
`EXPORT_CHUNK_SIZE`, with the related objects prefetched chunk by chunk, so
memory does not grow with the number of actors.
"""

import json

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe

from home.listing import CountedQuerySet, page_notices
from home.search import paginate

from .csv_io import CSV_COLUMNS, actor_to_row, iter_csv
from .filters import PER_PAGE, filtered_actors
from .kinds import KIND_LABELS

MAP_LIST_PER_PAGE = 100
EXPORT_CHUNK_SIZE = 500
GEOJSON_CONTENT_TYPE = "application/geo+json"


# --- Shared ------------------------------------------------------------------


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _links(request, page, result) -> dict[str, str]:
    """The listing, its map and its exports, all with the same filters."""
    base = page.get_url(request)
    query = result.querystring()
    filters_only = result.querystring(sort=None)
    return {
        "reset_url": base,
        "index_url": _with_query(base, query),
        "map_url": _with_query(base + page.reverse_subpage("map"), query),
        "geojson_url": _with_query(base + page.reverse_subpage("geojson"), filters_only),
        "csv_url": _with_query(base + page.reverse_subpage("export_csv"), query),
        "json_url": _with_query(base + page.reverse_subpage("export_json"), query),
    }


def _context(request, page, result, results, page_range):
    context = page.get_context(request)
    context.update(
        filters=result,
        # Built when a template uses it: the index's cached fragment needs none.
        form=result.display_form,
        results=results,
        page_range=page_range,
        notices=page_notices(result, results),
        chips=result.chips,
        **_links(request, page, result),
    )
    return context


# --- Pages -------------------------------------------------------------------


def directory_index(request, page):
    result = filtered_actors(page, request.GET)
    # The facets' query already counted the actors: the paginator reuses it.
    actors = CountedQuerySet(result.queryset.defer_streamfields(), result.total)
    results, page_range = paginate(actors, result.page_number, PER_PAGE)
    context = _context(request, page, result, results, page_range)
    # Computed when the template renders them, i.e. only when its cached
    # fragment is missing.
    context["facets"] = SimpleLazyObject(lambda: result.facets)
    # The filter form, the toolbar, the cards and the facet lists of a filter
    # set, sort and page are rendered once per content version
    # (directory/cache.py): a publication renews them.
    context["listing_cache_key"] = ":".join(
        [result.version, result.cache_key or "", result.sort, str(results.number)]
    )
    return TemplateResponse(request, "directory/directory_index_page.html", context)


def directory_map(request, page):
    result = filtered_actors(page, request.GET)
    actors = result.queryset.defer_streamfields()
    results, page_range = paginate(actors, result.page_number, MAP_LIST_PER_PAGE)
    context = _context(request, page, result, results, page_range)
    context.update(
        reset_url=page.get_url(request) + page.reverse_subpage("map"),
        located_count=result.queryset.order_by()
        .filter(latitude__isnull=False, longitude__isnull=False)
        .count(),
        map_tiles_url=settings.MAP_TILES_URL,
        map_tiles_attribution=settings.MAP_TILES_ATTRIBUTION,
    )
    return TemplateResponse(request, "directory/map.html", context)


# --- Data --------------------------------------------------------------------


def directory_geojson(request, page):
    """The filtered actors that have coordinates, as a GeoJSON FeatureCollection.
    Names, kinds, towns and links only: no contact of any kind."""
    result = filtered_actors(page, request.GET)
    base_url = request.build_absolute_uri(page.get_url(request))
    prefix = len(page.url_path)
    rows = result.queryset.filter(latitude__isnull=False, longitude__isnull=False).values_list(
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
    return HttpResponse(body.encode("utf-8"), content_type=GEOJSON_CONTENT_TYPE)


def _export_actors(result):
    """The filtered actors, read in chunks with what a row needs prefetched."""
    return (
        result.queryset.defer_streamfields()
        .prefetch_related("contacts", "networks", "themes")
        .iterator(chunk_size=EXPORT_CHUNK_SIZE)
    )


def _export_filename(extension: str) -> str:
    return f"annuaire-acteurs-{timezone.localdate():%Y-%m-%d}.{extension}"


def directory_csv(request, page):
    """The filtered actors as CSV (UTF-8 with a byte order mark so that
    spreadsheets read it as such, comma-separated), in the import's columns
    (directory/csv_io.py), published contacts only."""
    result = filtered_actors(page, request.GET)
    response = StreamingHttpResponse(
        iter_csv(_export_actors(result), request, delimiter=";"),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_filename("csv")}"'
    return response


def _json_chunks(actors, request):
    separator = "\n"
    yield "["
    for actor in actors:
        row = actor_to_row(actor, request, protect=False)
        data = {column: row.get(column, "") for column in CSV_COLUMNS}
        yield separator + json.dumps(data, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def directory_json(request, page):
    """The filtered actors as a JSON list of objects with the CSV's columns."""
    result = filtered_actors(page, request.GET)
    response = StreamingHttpResponse(
        _json_chunks(_export_actors(result), request),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{_export_filename("json")}"'
    return response


# --- The fiche's structured data ----------------------------------------------


def json_for_script(data) -> str:
    """JSON safe inside a <script> element: no "</script>", no "<!--"."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


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
    data = actor_structured_data(actor, request, contacts=contacts, networks=networks)
    return mark_safe(  # noqa: S308 - JSON escaped for a script element by json_for_script
        f'<script type="application/ld+json">{json_for_script(data)}</script>'
    )
