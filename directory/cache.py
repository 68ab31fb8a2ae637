"""A version number for the directory's cached data.

Facet counts over thousands of actors cost a GROUP BY each; they are cached
per filter combination under a key that includes this version, and the
version changes whenever an actor is published, unpublished, moved or
deleted, a theme or network is saved, or a page's view restrictions change,
so a cached value (facet counts, the theme and network lists, the private
sections, the rendered listing of the index, see the template) never
outlives the content it shows.
"""

import uuid

from django.core.cache import cache

VERSION_KEY = "directory:facets-version"
FACETS_TIMEOUT = 10 * 60
# Returned by cache.get() for a missing key, told apart from a cached None.
_MISSING = object()


def current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_version(**_kwargs) -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def cached(name: str, compute, version: str | None = None, timeout: int = FACETS_TIMEOUT):
    """`compute()`, kept under `name` until the content changes (or `timeout`)."""
    key = f"directory:{version or current_version()}:{name}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, timeout)
    return value


def private_paths(version: str | None = None) -> list[str]:
    """Tree paths of the pages with a view restriction (private sections):
    what `PageQuerySet.public()` reads from the database on every call."""
    from wagtail.models import PageViewRestriction

    return cached(
        "private-paths",
        lambda: list(PageViewRestriction.objects.values_list("page__path", flat=True)),
        version=version,
    )


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import PageViewRestriction
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from home.models import Theme

    from .models import ActorPage, Network

    page_published.connect(bump_version, sender=ActorPage, dispatch_uid="directory-facets-pub")
    page_unpublished.connect(bump_version, sender=ActorPage, dispatch_uid="directory-facets-unpub")
    post_delete.connect(bump_version, sender=ActorPage, dispatch_uid="directory-facets-del")
    post_page_move.connect(bump_version, dispatch_uid="directory-facets-move")
    # Facet labels show theme and network names; private sections hide actors.
    for model in (Theme, Network, PageViewRestriction):
        post_save.connect(bump_version, sender=model, dispatch_uid=f"directory-{model.__name__}")
        post_delete.connect(
            bump_version, sender=model, dispatch_uid=f"directory-{model.__name__}-del"
        )
