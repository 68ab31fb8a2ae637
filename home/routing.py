"""Wagtail's page serving, routed from a cached root page.

Wagtail routes a request from `site.root_page.localized.specific`: a query
for the root page's specific row, one for the active locale, and in English
one more for the English home page, on every request although they change
only when a page does. Here the site's root page comes from the versioned
page-tree cache (home/cache.py) as its specific `HomePage`, whose
`localized` is cached the same way (home/models/pages.py): routing starts
without a query, in French and in English alike.

`urlpatterns` are Wagtail's own (`wagtail.urls`) with this `serve` in place of
Wagtail's, under the same name (`wagtail_serve`).
"""

from __future__ import annotations

from django.urls import re_path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.models import Site

from home.cache import PAGE_TREE


def cached_root(site):
    """The site's root page, specific, from the page-tree cache."""
    return PAGE_TREE.get_or_set(f"site-root:{site.root_page_id}", lambda: site.root_page.specific)


def serve(request, path):
    site = Site.find_for_request(request)
    if site is not None and site.root_page_id is not None:
        # The same page (same id) as Wagtail would load, only specific already.
        site.root_page = cached_root(site)
    return wagtail_views.serve(request, path)


urlpatterns = [
    *[pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"],
    re_path(wagtail_urls.serve_pattern, serve, name="wagtail_serve"),
]
