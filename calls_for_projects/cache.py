"""A version number for what the calls' pages may cache: what does not
depend on the time, only on the published calls and fiches: the list of
organisers offered by the filter form, the form's HTML, the cards' HTML (keyed
by status too, their time left added per request: cards.py) and the iCalendar
events (feeds.py). Selections, statuses and counts are never cached: they
depend on the time of the request.

The version changes whenever a call or a directory fiche is published,
unpublished, moved or deleted.
"""

import uuid

from django.core.cache import cache

VERSION_KEY = "calls:version"
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


def cached(name: str, compute):
    key = f"calls:{current_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def connect_signals() -> None:
    from django.db.models.signals import post_delete
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from directory.models import ActorPage

    from .models import CallForProjectsPage

    for model in (CallForProjectsPage, ActorPage):
        name = model.__name__
        page_published.connect(bump_version, sender=model, dispatch_uid=f"calls-pub-{name}")
        page_unpublished.connect(bump_version, sender=model, dispatch_uid=f"calls-unpub-{name}")
        post_delete.connect(bump_version, sender=model, dispatch_uid=f"calls-del-{name}")
    post_page_move.connect(bump_version, dispatch_uid="calls-move")
