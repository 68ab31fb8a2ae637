"""Public views of the conventions, called by `ConventionIndexPage`'s routes:
the filtered listing and the SCDL « Délibérations » CSV export. Both select
conventions with `ConventionFilterSet`."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject

from home.listing import with_query

from . import scdl
from .filters import ConventionFilterSet
from .models import ConventionPartner

EXPORT_CHUNK_SIZE = 500
# A page of the listing's cards (kept per day: their status is today's).
CARDS_TEMPLATE = "conventions/_convention_cards.html"


def attach_partner_names(conventions) -> list:
    """Sets `partner_names` (in the editor's order) on each convention of the
    page, in one query. A card shows only names: plain values, not partner
    and fiche objects (a page instance costs ~0.3 ms; a page of 12 cards has
    up to 60 partners)."""
    conventions = list(conventions)
    names = defaultdict(list)
    rows = (
        ConventionPartner.objects.filter(convention_id__in=[c.pk for c in conventions])
        .order_by("convention_id", "sort_order", "pk")
        .values_list("convention_id", "actor__title")
    )
    for convention_id, title in rows:
        names[convention_id].append(title)
    for convention in conventions:
        convention.partner_names = names[convention.pk]
    return conventions


def convention_index(request, page):
    """The listing. Its total is kept per selection and time window, the
    cards' HTML per content version, selection, sort, page and day (their
    status is today's), both read with the page's other cached values: the
    page's conventions are read (with their authority's name, one join, and
    their partners' names, one query) only when the cards are missing."""
    listing = ConventionFilterSet(request.GET, scope=page)
    cards = listing.qs.defer_streamfields().annotate(authority_title=F("authority__title"))
    results, page_range = listing.paginate(cards, total=listing.total)
    today = listing.today

    def render_cards():
        context = {"conventions": attach_partner_names(results.object_list), "today": today}
        return render_to_string(CARDS_TEMPLATE, {**context, "request": request})

    base = page.get_url(request)
    status_facet = listing.status_facet
    context = page.get_context(request)
    context.update(
        listing.context(base),
        # Built only when the cached form fragment has to be rendered again.
        form=SimpleLazyObject(listing.display_form),
        results=results,
        page_range=page_range,
        facets=[status_facet] if status_facet.items else [],
        today=today,
        form_fragment=listing.fragment(request, "form"),
        cards=listing.kept_html(request, "page", render_cards, results.number, today.isoformat()),
        csv_url=with_query(base + page.reverse_subpage("export_csv"), listing.querystring()),
        scdl_columns=[(column, scdl.COLUMN_HELP[column]) for column in scdl.SCDL_COLUMNS],
        scdl_version=scdl.SCDL_VERSION,
        csv_schema_url=base + page.reverse_subpage("export_csv_schema"),
    )
    return TemplateResponse(request, "conventions/convention_index_page.html", context)


def deliberations_csv(request, page):
    """Adopted deliberations only (a session date, on or before today), in the
    SCDL columns, streamed in chunks of plain values (`scdl.convention_rows`)."""
    listing = ConventionFilterSet(request.GET, scope=page)
    adopted = listing.qs.adopted(listing.today)
    rows = scdl.convention_rows(adopted, request, chunk_size=EXPORT_CHUNK_SIZE)
    filename = f"deliberations-conventions-{listing.today:%Y-%m-%d}.csv"
    return scdl.SCDL_CSV.response(rows, filename)


def deliberations_csv_schema(request, page):
    """The official SCDL « Délibérations » Table Schema the export follows."""
    return scdl.SCDL_CSV.schema_response()
