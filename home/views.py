from django.conf import settings
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page, never_cache
from django.views.decorators.http import require_safe
from wagtail.models import Locale, Page

from .forms import SearchForm
from .listing import paginate
from .models import Theme
from .search import count_by_type, search_pages, specific_in_order
from .sitemaps import AllLocalesSitemap


@require_safe
def search(request):
    form = SearchForm(request.GET or None)
    context = {"form": form, "query": "", "results": None, "type_counts": []}
    status = 200
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        results = search_pages(query, Locale.get_active())
        # Paginator.get_page() turns a bad page number into the first or last page.
        page, elided = paginate(results, request.GET.get("page"), settings.SEARCH_RESULTS_PER_PAGE)
        # Fetch the specific pages of this result page only, in one query per type.
        specific = specific_in_order(page.object_list)
        context.update(
            query=query,
            results=page,
            result_pages=specific,
            page_range=elided,
            type_counts=count_by_type(results),
        )
    elif form.is_bound and not form.is_valid():
        status = 400
    return render(request, "home/search.html", context, status=status)


def _theme_pages(theme, locale):
    return (
        Page.objects.live()
        .public()
        .filter(locale=locale, themed_items__tag=theme)
        # No distinct(): the unique (page, theme) constraint rules out duplicates.
        .order_by("-first_published_at", "pk")
    )


@require_safe
def theme_index(request):
    visible = Page.objects.live().public().filter(locale=Locale.get_active()).values("pk")
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


@cache_page(15 * 60)
def sitemap(request):
    # Cached: at 10,000 pages building it takes over a second (docs/performance.md).
    return django_sitemap(request, sitemaps={"pages": AllLocalesSitemap(request)})


@never_cache
@require_safe
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors, no database: the 500 page must render even when
    # the database is the reason for the error.
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"title": _("Erreur du serveur")}), status=500)
