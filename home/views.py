import datetime as dt
import logging
from functools import cache

from django.conf import settings
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.contrib.staticfiles import finders
from django.core.cache import cache as django_cache
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, cache_page, never_cache
from django.views.decorators.http import require_safe
from wagtail.models import Locale, Page

from .cache import CONTENT, digest
from .cache_backends import cache_is_down
from .forms import SearchForm
from .listing import ChoiceFilter, KeptSlices, ListingFilterSet, paginate
from .models import Theme
from .page_cache import time_window
from .privacy import public
from .registry import HIDDEN_PAGES
from .search import (
    FacetCountedResults,
    SearchUnavailable,
    count_by_type,
    page_type_label,
    page_types,
    probe,
    ranked_ids,
    search_pages,
    searchable_pages,
    searching,
    specific_in_order,
    uses_cluster,
)
from .sitemaps import AllLocalesSitemap

logger = logging.getLogger(__name__)


class SearchFilters(ListingFilterSet):
    """The search page's parameters, checked by the shared listing core: `q`
    (refused with a message by `SearchForm`, here for the links), `type`
    (a page type code, home/search.py `page_types`) and `page`. A rejected
    type or page is left out with a notice, never a 500; the type filters
    and the pagination link to the valid values only."""

    theme = None
    type = ChoiceFilter(label=gettext_lazy("Type de contenu"))

    class Meta:
        model = Page
        fields = []

    def load_choices(self) -> dict[str, list]:
        return {"type": [(code, page_type_label(model)) for code, model in page_types().items()]}

    @property
    def truncated(self) -> bool:
        # The site search ranks and counts every match itself (home/search.py).
        return False


# What a 503 of the search page tells clients to wait (« quelques minutes »).
SEARCH_RETRY_AFTER_SECONDS = 120


@require_safe
def search(request):
    """The site search. When the search backend is unavailable
    (home/search.py), the page says so with status 503 and keeps the query
    in the form: 503 because the search itself is what is missing (as the
    public forms' 503 when their rate limit cannot count, home/ratelimit.py),
    which no cache keeps; `Cache-Control: private, no-store` and a
    `Retry-After` say the same to the page cache, a CDN and crawlers."""
    form = SearchForm(request.GET or None)
    filters = SearchFilters(request.GET)
    context = {"form": form, "filters": filters, "query": "", "results": None, "type_counts": []}
    status = 200
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        try:
            with searching():
                context.update(_search_results(query, filters))
        except SearchUnavailable:
            context.update(query=query, unavailable=True, notices=filters.notices)
            status = 503
    elif form.is_bound and not form.is_valid():
        status = 400
    response = render(request, "home/search.html", context, status=status)
    if status == 503:
        add_never_cache_headers(response)
        response["Retry-After"] = str(SEARCH_RETRY_AFTER_SECONDS)
    return response


class _Hit:
    """A result as the search page reads it before fetching its page: its key."""

    __slots__ = ("pk",)

    def __init__(self, pk):
        self.pk = pk


def kept_results(results, total: int, name: str, timeout: int) -> KeptSlices:
    """A search's results as the paginator reads them, their total known:
    each slice's keys kept under `name` in the content's cache, for
    `timeout` seconds at most (home/cache.py: renewed by any change of a
    page)."""

    def fetch(key):
        ids = CONTENT.get_or_set(
            f"{name}:{key.start}:{key.stop}",
            lambda: list(ranked_ids(results[key])),
            timeout=timeout,
        )
        return [_Hit(pk) for pk in ids]

    return KeptSlices(total, fetch)


def _search_results(query: str, filters: SearchFilters) -> dict:
    """The search page's results for `query`, every search evaluated here
    (inside the caller's `searching()`).

    With the database backends, the counts per type and each page's ranked
    keys are kept under the content's version until the time window ends
    (home/page_cache.py `time_window`: what the searched pages derive from
    the time, such as an announcement expiring at midnight): a query asked
    again costs its page's rows only. Nothing is kept while the window is
    under a second (a failed search renews it at each request)."""
    locale = Locale.get_active()
    pages = searchable_pages(locale)
    results = search_pages(query, pages)
    now = timezone.now()
    seconds = int((time_window(now) - now).total_seconds())
    kept = isinstance(results, FacetCountedResults) and seconds >= 1
    name = f"search:{locale.pk}:{digest(query)}:{time_window(now).isoformat()}"
    if kept:
        type_counts = CONTENT.get_or_set(
            f"{name}:counts", lambda: count_by_type(results), timeout=seconds
        )
    else:
        type_counts = count_by_type(results)
    shown, total = results, None
    if kept:
        total = sum(row.count for row in type_counts)
        shown = kept_results(results, total, f"{name}:all", seconds)
    type_code = filters.params.get("type")
    if type_code:
        row = next((row for row in type_counts if row.code == type_code), None)
        if row is None:
            shown, total = [], 0
        else:
            # That type's count is the total of its results: no second count.
            shown = search_pages(query, pages.filter(content_type_id=row.content_type_id))
            total = row.count
            if kept:
                shown = kept_results(shown, total, f"{name}:{row.content_type_id}", seconds)
    # A page number past the end shows the last page, with a notice.
    page, elided = filters.paginate(shown, per_page=settings.SEARCH_RESULTS_PER_PAGE, total=total)
    # The results of this page, fetched now rather than when the template reads them.
    # The specific pages of this result page only, in one query per type.
    result_pages = specific_in_order(page.object_list)
    page.object_list = result_pages
    labels = [(row.code, capfirst(row.label)) for row in type_counts]
    return {
        "query": query,
        "results": page,
        "result_pages": result_pages,
        "page_range": elided,
        "type_counts": type_counts,
        "type_facet": filters.facet(
            "type", _("Type de contenu"), {row.code: row.count for row in type_counts}, labels
        ),
        "type_label": filters.describe("type", type_code) if type_code else "",
        "type_chips": [chip for chip in filters.chips if chip.param == "type"],
        "notices": filters.notices,
    }


def _theme_pages(theme, locale):
    pages = public(Page.objects.live()).filter(locale=locale, themed_items__tag=theme)
    # No distinct(): the unique (page, theme) constraint rules out duplicates.
    return HIDDEN_PAGES.exclude_from(pages).order_by("-first_published_at", "pk")


@require_safe
def theme_index(request):
    visible = HIDDEN_PAGES.exclude_from(
        public(Page.objects.live()).filter(locale=Locale.get_active())
    ).values("pk")
    themes = Theme.objects.annotate(
        page_count=Count("tagged_pages", filter=Q(tagged_pages__content_object__in=visible))
    )
    # A few dozen themes: sort in Python, by the name in the visitor's
    # language, accents ignored (SQLite would put « Économie » after « Z »).
    themes = sorted(themes, key=lambda theme: theme.sort_key)
    return render(request, "home/theme_index.html", {"themes": themes})


@require_safe
def theme_detail(request, slug):
    theme = get_object_or_404(Theme, slug=slug)
    pages = _theme_pages(theme, Locale.get_active())
    page_number = request.GET.get("page", "1")
    page, elided = paginate(pages.defer_streamfields(), page_number, settings.LISTING_PER_PAGE)
    return render(
        request,
        "home/theme_detail.html",
        {
            "theme": theme,
            "results": page,
            "result_pages": specific_in_order(page.object_list),
            "page_range": elided,
        },
    )


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/"]
    # Search result pages are endless combinations: keep crawlers out.
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            lines.append(f"Disallow: {reverse('search')}")
    lines += [f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@cache_control(max_age=24 * 60 * 60, public=True)
@require_safe
def security_txt(request):
    """/.well-known/security.txt (RFC 9116): whom to tell of a vulnerability
    (SECURITY_CONTACT, else the site settings' contact address; 404 when the
    site has neither), valid for a year from the request."""
    from wagtail.models import Site

    from .models import SiteSettings

    contact = settings.SECURITY_CONTACT
    if not contact:
        site = Site.find_for_request(request)
        contact = SiteSettings.for_site(site).contact_email if site else ""
    if not contact:
        raise Http404("No security contact.")
    if "@" in contact and not contact.startswith(("mailto:", "https:")):
        contact = f"mailto:{contact}"
    expires = timezone.now().replace(microsecond=0) + dt.timedelta(days=365)
    lines = [
        f"Contact: {contact}",
        f"Expires: {expires.astimezone(dt.UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: fr, en",
        f"Canonical: {request.build_absolute_uri()}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@cache_page(15 * 60)
def sitemap(request):
    # Cached: at 10,000 pages building it takes over a second (docs/performance.md).
    return django_sitemap(request, sitemaps={"pages": AllLocalesSitemap(request)})


# static/img/favicon.ico: static/img/favicon.svg drawn once by Chromium at 16,
# 32 and 48 pixels, packed with Pillow, committed (no build step, no dependency).
FAVICON = "img/favicon.ico"


@cache
def _favicon_bytes() -> bytes:
    with open(finders.find(FAVICON), "rb") as icon:
        return icon.read()


@cache_control(max_age=7 * 24 * 60 * 60, public=True)
@require_safe
def favicon(request):
    """/favicon.ico, which browsers, feed readers and bookmarks ask for
    whatever a page's <link rel="icon"> says."""
    return HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")


@never_cache
@require_safe
def healthz(request):
    """The database and the cache, each on a line, and the search cluster
    when there is one (home/search.py `probe`). 200 while the database
    answers (the site serves, even without its cache: pages are then
    computed each time; even without its search cluster: searches say
    they are unavailable); 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:
        logger.exception("Health check: the database does not answer")
        database = "unavailable"
    django_cache.get("healthz")  # marks a failing Redis as down (home/cache_backends.py)
    cache_state = "unavailable" if cache_is_down(django_cache) else "ok"
    body = f"database: {database}\ncache: {cache_state}\n"
    if uses_cluster():
        body += f"search: {'ok' if probe() else 'unavailable'}\n"
    status = 200 if database == "ok" else 503
    return HttpResponse(body, content_type="text/plain; charset=utf-8", status=status)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors, no database: the 500 page must render even when
    # the database is the reason for the error.
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"title": _("Erreur du serveur")}), status=500)
