"""Site search over every live, public page of the active locale."""

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, cached_property

from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst
from wagtail.models import Locale, Page, get_page_models

from home.registry import HIDDEN_PAGES


@dataclass
class TypeCount:
    content_type_id: int
    label: str
    count: int
    # The page type's code in the `type` parameter (see `page_types`).
    code: str = ""


@cache
def page_types() -> dict[str, type]:
    """Every page model by its code in the search's `type` parameter: the
    model's name (« callforprojectspage »), or « app.model » if two apps
    share a model name. Codes, not content type ids, so a link works on every
    database."""
    models = get_page_models()
    names = Counter(model._meta.model_name for model in models)
    codes = {}
    for model in models:
        name = model._meta.model_name
        codes[name if names[name] == 1 else model._meta.label_lower] = model
    return codes


def page_type_code(model) -> str:
    """The code of a page model in the `type` parameter."""
    return next((code for code, item in page_types().items() if item is model), "")


def page_type_label(model) -> str:
    """« Appels à projets »: how a page type is named in a list of results."""
    return str(capfirst(model._meta.verbose_name_plural))


_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def search_terms(query: str) -> str:
    """The words of `query`, without the punctuation and operators that search
    backends would otherwise parse (quotes, colons, ampersands...)."""
    return " ".join(_NON_WORD.sub(" ", query).split())


def ranked_ids(results) -> list:
    """The primary keys of a (sliced) ranked search's results, best first.

    Our database backends rank by primary key and can stop there (building
    500 page objects to read their keys cost a listing 6 ms); any other
    backend (Elasticsearch, OpenSearch) gives its objects' keys."""
    compiler = getattr(results, "query_compiler", None)
    if getattr(results, "_score_field", None) is None and hasattr(compiler, "ranked_ids"):
        ids = compiler.ranked_ids(compiler.get_config(results.backend), results.start, results.stop)
        if ids is not None:
            return ids
    return [item.pk for item in results]


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


def searchable_pages(locale: Locale):
    """The pages the site search looks into: live and public pages of
    `locale`, the tree's root left out. (`public()` reads the view
    restrictions: build this once per request, then narrow it.) The pages
    an app hides (`HIDDEN_PAGES`: expired announcements) are left out."""
    pages = Page.objects.live().public().filter(locale=locale).exclude(depth=1)
    return HIDDEN_PAGES.exclude_from(pages)


def search_pages(query: str, pages):
    """The pages of `pages` (from `searchable_pages`, possibly narrowed to a
    page type) matching `query`, by relevance.

    The queryset is filtered in the database (locale, live, public) before the
    backend ranks it, and results stay lazy so the paginator only fetches one
    page of them. With the database backends (which rank a page of results in
    a bounded pass, see home/search_backend.py), the total is the sum of the
    counts per page type; other backends (OpenSearch, Elasticsearch) answer
    as they always did.
    """
    results = pages.search(search_terms(query), operator="and")
    backend = getattr(results, "backend", None)
    if getattr(results, "supports_facet", False) and type(backend).__module__.startswith(
        "modelsearch.backends.database."
    ):
        return FacetCountedResults(results)
    return results


def count_by_type(results) -> list[TypeCount]:
    """How many results per page type, for the type filters."""
    counts = results.facet("content_type_id")
    models = {ct_id: ContentType.objects.get_for_id(ct_id).model_class() for ct_id in counts}
    rows = [
        TypeCount(
            ct_id,
            str(models[ct_id]._meta.verbose_name_plural),
            n,
            page_type_code(models[ct_id]),
        )
        for ct_id, n in counts.items()
        if models.get(ct_id) is not None
    ]
    return sorted(rows, key=lambda row: (-row.count, row.label))
