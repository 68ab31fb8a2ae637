"""A version number for the conventions index's cached choices and counts.

The partners, authorities and years offered by the index's form cost three
DISTINCT queries over every convention; they are cached per index page under
a key that includes this version. The version changes whenever a convention
is published, unpublished, moved or deleted, or a directory fiche is
published or deleted (its title is a choice's label), or a theme is saved or
deleted, so a cached choice never outlives the content it names. The status
counts and the rendered filter form are cached under the same version (and
today's date: a status changes at midnight).
"""

import uuid

from django.core.cache import cache

VERSION_KEY = "conventions:choices-version"
TIMEOUT = 10 * 60


def current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


def bump_version(**_kwargs) -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def cached(key: str, compute):
    full_key = f"conventions:{current_version()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, TIMEOUT)
    return value


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from directory.models import ActorPage
    from home.models import Theme

    from .models import ConventionPage

    for model in (ConventionPage, ActorPage):
        name = model.__name__
        page_published.connect(bump_version, sender=model, dispatch_uid=f"conventions-pub-{name}")
        page_unpublished.connect(
            bump_version, sender=model, dispatch_uid=f"conventions-unpub-{name}"
        )
        post_delete.connect(bump_version, sender=model, dispatch_uid=f"conventions-del-{name}")
    post_page_move.connect(bump_version, dispatch_uid="conventions-move")
    # The filter form lists the themes.
    post_save.connect(bump_version, sender=Theme, dispatch_uid="conventions-theme")
    post_delete.connect(bump_version, sender=Theme, dispatch_uid="conventions-theme-del")
