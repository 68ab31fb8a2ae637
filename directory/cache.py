"""A version number for the directory's cached facet counts.

Facet counts over thousands of actors cost a GROUP BY each; they are cached
per filter combination under a key that includes this version, and the
version changes whenever an actor is published, unpublished, moved or
deleted, or a theme or network is saved, so a cached count (or the cached
cards and facet lists of the index, see the template) never outlives the
content it shows.
"""

import uuid

from django.core.cache import cache

VERSION_KEY = "directory:facets-version"
FACETS_TIMEOUT = 10 * 60


def current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_version(**_kwargs) -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from home.models import Theme

    from .models import ActorPage, Network

    page_published.connect(bump_version, sender=ActorPage, dispatch_uid="directory-facets-pub")
    page_unpublished.connect(bump_version, sender=ActorPage, dispatch_uid="directory-facets-unpub")
    post_delete.connect(bump_version, sender=ActorPage, dispatch_uid="directory-facets-del")
    post_page_move.connect(bump_version, dispatch_uid="directory-facets-move")
    # Facet labels show theme and network names.
    for model in (Theme, Network):
        post_save.connect(bump_version, sender=model, dispatch_uid=f"directory-{model.__name__}")
        post_delete.connect(
            bump_version, sender=model, dispatch_uid=f"directory-{model.__name__}-del"
        )
