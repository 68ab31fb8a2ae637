"""Which pages are private: one rule for every listing, search, feed, export,
sitemap and alert (`public`), the same as the pages' own
(`BasePage.get_view_restrictions`): a page with a view restriction, what is
under it, and the same in every language (its translations and aliases)."""

from __future__ import annotations

from django.db.models import Q

from home.cache import VersionedCache

# The tree paths of the private sections (pages with a view restriction, in
# every language): renewed by a restriction, or a page (a new translation of
# a private page is private too).
RESTRICTIONS = VersionedCache(
    "restrictions",
    timeout=60 * 60,
    invalidated_by=["wagtailcore.PageViewRestriction", "wagtailcore.Page"],
)


def private_paths() -> tuple[str, ...]:
    """Tree paths of the pages with a view restriction, and of their other
    language versions (translations, aliases): wagtail-localize copies a
    page's privacy to its translations only when an editor syncs them, and
    Wagtail's `PageQuerySet.public()` knows nothing of them. Kept in the
    versioned cache (a tuple, read once per request: home/cache.py)."""
    from wagtail.models import Page, PageViewRestriction

    def compute():
        keys = PageViewRestriction.objects.values("page__translation_key")
        private = Page.objects.filter(translation_key__in=keys)
        return tuple(private.order_by("path").values_list("path", flat=True))

    return RESTRICTIONS.get_or_set("private-paths", compute)


def public(queryset):
    """`queryset` without the private pages (`private_paths`): what the site
    uses wherever Wagtail's `.public()` would be called."""
    private = Q()
    for path in private_paths():
        private |= Q(path__startswith=path)
    return queryset.exclude(private) if private else queryset
