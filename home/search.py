"""Site search over every live, public page of the active locale."""

import re
from dataclasses import dataclass
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Locale, Page


@dataclass
class TypeCount:
    content_type_id: int
    label: str
    count: int


_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def search_terms(query: str) -> str:
    """The words of `query`, without the punctuation and operators that search
    backends would otherwise parse (quotes, colons, ampersands...)."""
    return " ".join(_NON_WORD.sub(" ", query).split())


def specific_in_order(pages):
    """The specific instances of `pages` (base `Page` objects), in the same
    order, with one query per page type, StreamField bodies left unloaded."""
    ids = [page.pk for page in pages]
    if not ids:
        return []
    by_id = {
        page.pk: page for page in Page.objects.filter(pk__in=ids).defer_streamfields().specific()
    }
    return [by_id[pk] for pk in ids if pk in by_id]


class FacetCountedResults:
    """Search results whose total is the sum of their counts per page type.

    The search page shows both, and each costs the database a pass over every
    match: counting them once per type gives the total for free (a page has
    exactly one type). Slicing and iterating are the results' own, still
    lazy and ranked by the backend.
    """

    ordered = True

    def __init__(self, results):
        self.results = results

    @cached_property
    def type_counts(self) -> dict:
        return dict(self.results.facet("content_type_id"))

    def facet(self, field_name):
        if field_name == "content_type_id":
            return self.type_counts
        return self.results.facet(field_name)

    def count(self) -> int:
        return sum(self.type_counts.values())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        return self.results[key]

    def __iter__(self):
        return iter(self.results)


def search_pages(query: str, locale: Locale):
    """Live, public pages of `locale` matching `query`, by relevance.

    The queryset is filtered in the database (locale, live, public) before the
    backend ranks it, and results stay lazy so the paginator only fetches one
    page of them. With the database backends (which rank a page of results in
    a bounded pass, see home/search_backend.py), the total is the sum of the
    counts per page type; other backends (OpenSearch, Elasticsearch) answer
    as they always did.
    """
    results = (
        Page.objects.live()
        .public()
        .filter(locale=locale)
        .exclude(depth=1)
        .search(search_terms(query), operator="and")
    )
    backend = getattr(results, "backend", None)
    if getattr(results, "supports_facet", False) and type(backend).__module__.startswith(
        "modelsearch.backends.database."
    ):
        return FacetCountedResults(results)
    return results


def count_by_type(results) -> list[TypeCount]:
    """How many results per page type, for the facet list."""
    counts = results.facet("content_type_id")
    types = {ct_id: ContentType.objects.get_for_id(ct_id) for ct_id in counts}
    rows = [
        TypeCount(ct_id, str(types[ct_id].model_class()._meta.verbose_name_plural), n)
        for ct_id, n in counts.items()
        if ct_id in types and types[ct_id].model_class() is not None
    ]
    return sorted(rows, key=lambda row: (-row.count, row.label))
