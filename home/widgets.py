"""Embeddable widgets (issue 15): a listing that a partner site shows in an
`<iframe>`, or with one `<script>` tag that inserts the iframe and fits its
height (static/js/embed.js). One mechanism for every listing: the directory's
map, the open calls, the agenda.

A widget is a listing's own selection, read by the listing's own filter set
from the same query string (`?region=44&status=ouvert` selects in the widget
what it selects on the page, with the same notices for rejected values), shown
without the site's header and footer (templates/widgets/base.html), with a
link back to the full listing. It is served by a sub-route of the listing's
index page, one line in its model:

    widget_route = view_route("widget/", "home.widgets.serve_widget", name="widget")

and the listing's app registers what its widget shows, from its
`AppConfig.ready()`, with dotted paths (the core imports no content app):

    from home.widgets import WIDGETS, Widget

    WIDGETS.register(Widget(
        "calls", _("Appels à projets"),
        page_model="calls_for_projects.CallsIndexPage",
        filterset="calls_for_projects.filters.CallFilterSet",
        context="calls_for_projects.widgets.widget_context",
        template="widgets/calls.html",
    ))

`context(request, page, listing, limit)` returns what the widget's template
shows (a fixed number of queries), and may name `max_age`, the seconds until
what it shows changes.

Only the widget routes may be framed by other sites: their responses are
exempt from X-Frame-Options and their CSP `frame-ancestors` is
`WIDGET_FRAME_ANCESTORS` (default: any site, `*`); every other page keeps
`frame-ancestors 'self'` and X-Frame-Options (home/csp.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.module_loading import import_string

from home import http
from home.csp import widget_frame_ancestors
from home.listing import with_query
from home.sites import absolute

ROUTE_NAME = "widget"
# Items a widget shows at most; the link back leads to the rest.
DEFAULT_LIMIT = 10
# The iframe's height before embed.js fits it (and without JavaScript).
DEFAULT_HEIGHT = 600
# The script a partner includes, at a stable address (not a hashed name).
EMBED_SCRIPT = "js/embed.js"


@dataclass(frozen=True)
class Widget:
    key: str
    # What the widget is, in the snippet's and the frame's title (lazy French).
    label: Any
    # "app_label.ModelName" of the index page that serves it.
    page_model: str
    # Dotted path of the listing's `ListingFilterSet` subclass.
    filterset: str
    # Dotted path of `context(request, page, listing, limit) -> dict`.
    context: str
    template: str
    limit: int = DEFAULT_LIMIT
    height: int = DEFAULT_HEIGHT
    # Stylesheets of the app the widget reuses (its cards, its map).
    stylesheets: tuple[str, ...] = field(default=())
    scripts: tuple[str, ...] = field(default=())
    order: int = 100

    def filterset_class(self):
        return import_string(self.filterset)

    def context_function(self) -> Callable[..., dict]:
        return import_string(self.context)


class WidgetRegistry:
    def __init__(self):
        self._widgets: dict[str, Widget] = {}

    def __repr__(self) -> str:
        return f"<WidgetRegistry: {', '.join(self._widgets)}>"

    def register(self, widget: Widget) -> None:
        self._widgets[widget.key] = widget

    def get(self, key) -> Widget | None:
        return self._widgets.get(key) if isinstance(key, str) else None

    def widgets(self) -> list[Widget]:
        return sorted(self._widgets.values(), key=lambda w: (w.order, w.key))

    def for_page(self, page) -> Widget | None:
        """The widget of an index page (by its model), or None."""
        label = page._meta.label if page is not None else None
        return next((w for w in self._widgets.values() if w.page_model == label), None)


WIDGETS = WidgetRegistry()


# --- Framing ------------------------------------------------------------------------


def make_framable(response):
    """Let other sites frame `response`: no X-Frame-Options (Django's
    XFrameOptionsMiddleware skips it) and the widgets' `frame-ancestors`
    instead of the site's 'self' (django-csp's replace, read by home/csp.py's
    middleware on top of the public policy)."""
    response.xframe_options_exempt = True
    replace = dict(getattr(response, "_csp_replace", None) or {})
    replace["frame-ancestors"] = widget_frame_ancestors()
    response._csp_replace = replace
    return response


# --- Addresses and snippets --------------------------------------------------------------


def _absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else absolute(url)


def widget_url(page, query: str = "", request=None) -> str:
    """The absolute address of `page`'s widget with `query` (valid filters)."""
    return with_query(_absolute(page.get_url(request) + page.reverse_subpage(ROUTE_NAME)), query)


def embed_script_url() -> str:
    return _absolute(settings.STATIC_URL + EMBED_SCRIPT)


def frame_title(widget: Widget, page) -> str:
    """The frame's title (and the widget's <title>): the listing's, with what
    the widget shows when that says more (« Annuaire – Carte des acteurs »)."""
    label = str(widget.label)
    return page.title if label == page.title else f"{page.title} – {label}"


def _as_text(html) -> str:
    """HTML to show as text (a snippet to copy): a plain str, which templates
    escape, not the SafeString format_html returns."""
    return "".join([html])


def snippets(page, listing, request=None) -> dict[str, str] | None:
    """The two ways to embed `page`'s widget with the listing's valid filters
    (no sort, no page): an iframe and a script tag, as text to copy. None when
    the page has no widget."""
    widget = WIDGETS.for_page(page)
    if widget is None or not page.get_url(request):
        return None
    query = listing.querystring(sort=None, page=None) if listing is not None else ""
    url = widget_url(page, query, request)
    title = frame_title(widget, page)
    iframe = format_html(
        '<iframe src="{}" title="{}" width="100%" height="{}" loading="lazy" '
        'style="border:0;max-width:100%"></iframe>',
        url,
        title,
        widget.height,
    )
    script = format_html(
        '<script src="{}" data-widget-url="{}" data-widget-title="{}" '
        'data-widget-height="{}" async></script>',
        embed_script_url(),
        url,
        title,
        widget.height,
    )
    return {"url": url, "iframe": _as_text(iframe), "script": _as_text(script), "title": title}


# --- The view ----------------------------------------------------------------------------


def serve_widget(request, page):
    """The widget of `page` (an index page whose app registered one): the
    listing's filter set over the request's query, the app's items, in the
    widget's template. Framable by other sites."""
    widget = WIDGETS.for_page(page)
    if widget is None:
        raise Http404
    listing = widget.filterset_class()(request.GET, scope=page)
    page_url = page.get_url(request) or page.url
    query = listing.querystring(sort=None, page=None)
    context = {
        "page": page,
        "self": page,
        "widget": widget,
        "filters": listing,
        "notices": listing.notices,
        "chips": listing.chips,
        "frame_title": frame_title(widget, page),
        "listing_url": with_query(_absolute(page_url), query),
    }
    context.update(widget.context_function()(request, page, listing, widget.limit))
    max_age = context.pop("max_age", None)
    response = TemplateResponse(request, widget.template, context)
    http.set_cache_lifetime(request, response, max_age)
    return make_framable(response)
