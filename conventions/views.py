"""Public views of the conventions, called by `ConventionIndexPage`'s routes:
the filtered listing and the SCDL « Délibérations » CSV export. Both select
conventions with `filters.filtered_conventions`."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from home.search import paginate

from . import scdl
from .cache import current_version
from .filters import PER_PAGE, filtered_conventions
from .models import ConventionPartner
from .typography import french_spacing

EXPORT_CHUNK_SIZE = 500


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def listing_queryset(queryset):
    """The conventions of a page of cards, with their authority's name (one
    join). The partners' names come from `attach_partner_names`."""
    return queryset.defer_streamfields().annotate(authority_title=F("authority__title"))


class CardSource:
    """What the paginator reads: the count from the filtered set as it is,
    the slice of cards from `listing_queryset` (so the count does not join
    the authority)."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        return listing_queryset(self.queryset)[key]


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
    result = filtered_conventions(page, request.GET)
    results, page_range = paginate(CardSource(result.queryset), result.page_number, PER_PAGE)
    results.object_list = attach_partner_names(results.object_list)
    notices = list(result.notices)
    if result.page_number and results.number != result.page_number:
        notices.append(
            _("La page %(asked)s n'existe pas : page %(shown)s affichée.")
            % {"asked": result.page_number, "shown": results.number}
        )
    notices = [french_spacing(notice) for notice in notices]
    base = page.get_url(request)
    context = page.get_context(request)
    context.update(
        filters=result,
        # Built only when the cached form below has to be rendered again.
        form=SimpleLazyObject(result.display_form),
        results=results,
        page_range=page_range,
        notices=notices,
        chips=result.chips,
        status_counts=result.status_counts,
        today=result.today,
        # The rendered filter form of a filter set, per content version.
        form_cache_key=f"{current_version()}:{result.cache_key}",
        reset_url=base,
        csv_url=_with_query(base + page.reverse_subpage("export_csv"), result.querystring()),
        scdl_columns=[(column, scdl.COLUMN_HELP[column]) for column in scdl.SCDL_COLUMNS],
        scdl_version=scdl.SCDL_VERSION,
    )
    return TemplateResponse(request, "conventions/convention_index_page.html", context)


def deliberations_csv(request, page):
    """Adopted deliberations only (a session date, on or before today), in the
    SCDL columns, streamed in chunks of plain values."""
    result = filtered_conventions(page, request.GET)
    adopted = result.queryset.filter(decision_date__lte=result.today)
    document_urls = scdl.deliberation_documents(adopted, request)
    rows = adopted.values(*scdl.VALUE_FIELDS).iterator(chunk_size=EXPORT_CHUNK_SIZE)
    response = StreamingHttpResponse(
        scdl.iter_csv(rows, document_urls), content_type="text/csv; charset=utf-8"
    )
    filename = f"deliberations-conventions-{result.today:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
