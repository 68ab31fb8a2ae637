"""A version number for what every page shows from the page tree: the main
menu, the breadcrumb's ancestors and the language switcher's translations.

Those cost four queries per request (the menu's scan of the home page's
descendants alone took 4 ms on PostgreSQL with 10,000 directory fiches), for
data that changes only when a page is saved, published, unpublished, moved or
deleted. They are cached under a key that includes this version, bumped on
each of those events, so a cached menu never outlives the tree it shows.
"""

import uuid

from django.core.cache import cache

VERSION_KEY = "pagetree:version"
TIMEOUT = 60 * 60
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


def cached(name: str, compute):
    """`compute()`, kept under `name` until the page tree changes."""
    key = f"pagetree:{current_version()}:{name}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def _on_page_change(sender, instance=None, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        bump_version()


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    # Any page row written (a draft revision updates the row too: cheap to
    # over-invalidate, wrong to under-invalidate), and the tree events.
    post_save.connect(_on_page_change, dispatch_uid="pagetree-save")
    post_delete.connect(_on_page_change, dispatch_uid="pagetree-delete")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(bump_version, dispatch_uid=f"pagetree-{id(signal)}")
