"""Site search over every live, public page of the active locale, and the
one guarded place where any search reaches the backend (`searching`).

When the search backend is a cluster (OpenSearch, Elasticsearch:
SEARCH_BACKEND), the site keeps serving while it fails. A search run inside
`searching()` whose client raises a cluster or transport error (connection
refused, timeout, an HTTP error such as a 5xx or a missing index) is logged
(a warning of logger "home.search" naming the exception's class, no
traceback), recorded, and answered by `SearchUnavailable`; the callers show
« no result, search unavailable »: the site search a notice (home/views.py),
a listing its other filters' selection with a notice (home/listing.py).
After a failure the cluster is left alone for RETRY_AFTER seconds (the
searches of that time fail at once: one failed connection per outage and
process, not one per search, so a cluster that hangs does not hold every
worker for its timeout); `/healthz` then says `search: unavailable`.

Database errors are never caught (the database backends raise only those):
an error inside a transaction must still abort the request.

A page computed while the search was unavailable is never kept by the
full-page cache (its `PAGE_EXPIRY` says it changes at once), and a
listing's caches do not keep what it computed without its text query
(home/listing.py).
"""

import datetime as dt
import logging
import re
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, cached_property

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.utils.text import capfirst
from wagtail.models import Locale, Page, get_page_models

from home.page_cache import PAGE_EXPIRY
from home.privacy import public
from home.registry import HIDDEN_PAGES
from home.request_scope import RequestLocal

logger = logging.getLogger(__name__)


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
    pages = public(Page.objects.live()).filter(locale=locale).exclude(depth=1)
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


# --- When the search backend fails ----------------------------------------------

# Seconds during which a failed search cluster is not asked again.
RETRY_AFTER = 10.0
# The health check's question to the cluster waits at most this long.
PROBE_TIMEOUT = 1.0


class SearchUnavailable(Exception):
    """The search backend failed (or failed less than RETRY_AFTER seconds
    ago): there is no result to give."""


@cache
def cluster_errors() -> tuple[type[BaseException], ...]:
    """The exceptions by which the cluster clients report a failure of the
    cluster or of the way to it: opensearch-py's TransportError (its
    ConnectionError, ConnectionTimeout, NotFoundError for a missing index and
    the other HTTP errors) and SerializationError (an answer that is not the
    cluster's); elasticsearch's ApiError (HTTP errors) and elastic-transport's
    TransportError (connection, timeout, TLS, serialization); urllib3's and
    requests' errors, should one get through a client. None of them is a
    database error. A client that cannot be imported adds nothing."""
    errors: list[type[BaseException]] = []
    try:
        from opensearchpy import exceptions as opensearch

        errors += [opensearch.TransportError, opensearch.SerializationError]
    except ImportError:
        pass
    try:
        import elasticsearch

        errors += [elasticsearch.ApiError, elasticsearch.TransportError]
    except ImportError:
        pass
    try:
        import urllib3

        errors.append(urllib3.exceptions.HTTPError)
    except ImportError:
        pass
    try:
        import requests

        errors.append(requests.RequestException)
    except ImportError:
        pass
    return tuple(errors)


def _backend_conf(alias: str = "default") -> dict:
    from modelsearch.conf import get_app_config

    return get_app_config().get_search_backend_config().get(alias, {})


def _backend_key() -> str:
    """The configured backend, for the record of its failures (a test that
    points the backend elsewhere starts with a clean record)."""
    conf = _backend_conf()
    return repr((conf.get("BACKEND"), conf.get("URLS"), conf.get("HOSTS")))


# When each configured backend may be asked again (time.monotonic()).
_down_until: dict[str, float] = {}


def forget_failures() -> None:
    """Forget the recorded failures: the next search asks the backend (tests;
    an operator's shell once the cluster is back)."""
    _down_until.clear()


@cache
def _is_cluster(backend_path: str) -> bool:
    from modelsearch.backends import import_backend

    try:
        backend_class = import_backend(backend_path)
    except ImportError:
        # A cluster's client that cannot be imported (docs/operations.md).
        return True
    # The backends that index into an external service say so.
    return bool(getattr(backend_class, "catch_indexing_errors", False))


def uses_cluster() -> bool:
    """Whether the search backend is a cluster rather than the database."""
    return _is_cluster(_backend_conf().get("BACKEND", "modelsearch.backends.database"))


# Whether a request is being served, and whether a search failed in it.
_request = RequestLocal("home-search", degraded=False)


def serving_request() -> bool:
    """Whether a request is being served (between Django's request_started
    and request_finished, streamed answers included): its visitor gets a
    degraded answer when the search fails; a command or a task (the alert
    digests) gets `SearchUnavailable` and tries again later."""
    return _request.active


def degraded_request() -> bool:
    """Whether a search failed during the current request."""
    return _request.degraded


def _degraded_until(now: dt.datetime) -> dt.datetime | None:
    """PAGE_EXPIRY: a page computed without its search changes as soon as
    the search is back, so the full-page cache does not keep it (an entry
    lifetime under a second is never stored)."""
    return now + dt.timedelta(microseconds=1) if degraded_request() else None


PAGE_EXPIRY.register("search-unavailable", _degraded_until)


@contextmanager
def searching():
    """The guarded place where a search runs against the backend: inside the
    block a cluster's failure becomes `SearchUnavailable` (logged once,
    recorded); while the backend is known down, the block does not run.

        try:
            with searching():
                results = pages.search(terms)
                ids = [page.pk for page in results[:20]]  # evaluated inside
        except SearchUnavailable:
            ...  # no result, search unavailable

    Search results are lazy: slice, count, facet or iterate them inside the
    block; what is evaluated after it is not guarded."""
    key = _backend_key()
    if time.monotonic() < _down_until.get(key, 0.0):
        _request.degraded = True
        raise SearchUnavailable("The search backend failed less than a moment ago.")
    try:
        yield
    except cluster_errors() as error:
        _down_until[key] = time.monotonic() + RETRY_AFTER
        _request.degraded = True
        logger.warning(
            "Search unavailable (%s: %s); searches answer without results for %.0f s.",
            type(error).__name__,
            str(error)[:300],
            RETRY_AFTER,
        )
        raise SearchUnavailable(f"{type(error).__name__}: {error}") from error


def probe() -> bool:
    """Whether the search cluster answers (the health check): False while it
    is known down, without asking it; else one request bounded by
    PROBE_TIMEOUT, its failure recorded as a search's. True with a database
    backend (the database line of the health check says it)."""
    if not uses_cluster():
        return True
    try:
        with searching():
            from modelsearch.backends import get_search_backend

            client = get_search_backend().es
            if hasattr(client, "options"):  # elasticsearch
                client.options(request_timeout=PROBE_TIMEOUT, max_retries=0).info()
            else:  # opensearch-py
                client.info(request_timeout=PROBE_TIMEOUT)
    except SearchUnavailable:
        return False
    except (ImportError, ImproperlyConfigured) as error:
        logger.error("Search backend cannot be loaded (%s: %s)", type(error).__name__, error)
        return False
    return True
