"""One versioned cache for everything the site computes from its content.

A `VersionedCache` keeps values under keys that include a version number
(a random token stored in the cache itself). The version is renewed when any
of the models it is `invalidated_by` changes, so a cached value never
outlives the content it was computed from, whatever its timeout, and no key
has to be deleted one by one.

    tree = VersionedCache("pagetree", timeout=3600, invalidated_by=["wagtailcore.Page"])
    rows = tree.get_or_set("menu:3", lambda: list(...))

The rules, the same for every namespace:
- A page model (a `wagtailcore.Page` subclass) renews the version when a page
  of that type (subclasses included) is saved (a draft revision writes the
  row too: cheap to over-invalidate, wrong to under-invalidate), deleted,
  published, unpublished or moved. Any other model renews it when a row is
  saved or deleted.
- On a miss the value is computed and stored, a cached `None` included
  (`get_or_set` tells a missing key from a stored `None`).
- A missing version (cache cleared, evicted, a new server) is created with
  `add`, so two workers starting together agree on one.

Declare a cache in a module every process imports at start-up (the app's
`models` or `apps.ready`): a worker that never imported it would not renew the
version when it publishes, and another worker would serve stale values. The
instances register themselves; `connect_all()` (home's `AppConfig.ready`)
connects the signals of those declared before the models were loaded, the
others connect as they are created.
"""

from __future__ import annotations

import hashlib
import uuid

from django.core.cache import cache

DEFAULT_TIMEOUT = 10 * 60
# Returned by cache.get() for a missing key, told apart from a cached None.
_MISSING = object()

_registry: dict[str, VersionedCache] = {}


def digest(text: str) -> str:
    """A short, stable, key-safe digest of `text` (a query string, a filter set)."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class VersionedCache:
    def __init__(self, namespace: str, timeout: int = DEFAULT_TIMEOUT, invalidated_by=()):
        if namespace in _registry:
            raise ValueError(f"A versioned cache named {namespace!r} already exists.")
        self.namespace = namespace
        self.timeout = timeout
        # Model labels ("app_label.ModelName"), resolved when signals connect.
        self.invalidated_by = tuple(invalidated_by)
        self.version_key = f"{namespace}:version"
        _registry[namespace] = self
        from django.apps import apps

        if apps.models_ready:  # declared in (or after) an AppConfig.ready()
            self.connect()

    def __repr__(self) -> str:
        return f"<VersionedCache {self.namespace}>"

    def version(self) -> str:
        """The current version, created if the cache has none."""
        version = cache.get(self.version_key)
        if version is None:
            cache.add(self.version_key, uuid.uuid4().hex, timeout=None)
            version = cache.get(self.version_key)
        # None when the cache is unavailable (home/cache_backends.py): a new
        # version each time, so every value is computed, never a stale one.
        return version or uuid.uuid4().hex

    def bump(self, **_signal_kwargs) -> None:
        """Renew the version: every value cached so far is out of date."""
        cache.set(self.version_key, uuid.uuid4().hex, timeout=None)

    def key(self, *parts, version: str | None = None) -> str:
        """A key under the current version (or `version`), for callers that
        read and write the cache themselves (template fragments, get_many)."""
        return ":".join([self.namespace, version or self.version(), *map(str, parts)])

    def get_or_set(self, name, compute, *, version: str | None = None, timeout: int | None = None):
        """`compute()`, kept under `name` until the content changes (or the
        timeout passes)."""
        key = self.key(name, version=version)
        value = cache.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            cache.set(key, value, self.timeout if timeout is None else timeout)
        return value

    def set(self, name, value, *, timeout: int | None = None) -> None:
        """Keep `value` under `name` for the current version (a value whose
        validity the caller checks, such as an instant that has passed)."""
        cache.set(self.key(name), value, self.timeout if timeout is None else timeout)

    # --- Signals -------------------------------------------------------------

    def connect(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page
        from wagtail.signals import page_published, page_unpublished, post_page_move

        for label in self.invalidated_by:
            model = apps.get_model(label)
            uid = f"versioned-cache:{self.namespace}:{label}"
            if issubclass(model, Page):
                # Sent with each concrete page class as sender: listen to all
                # and keep the pages of this type.
                handler = self._page_handler(model)
                for signal in (post_save, post_delete, page_published, page_unpublished):
                    signal.connect(handler, dispatch_uid=f"{uid}:{id(signal)}", weak=False)
                post_page_move.connect(handler, dispatch_uid=f"{uid}:move", weak=False)
            else:
                for signal in (post_save, post_delete):
                    signal.connect(
                        self.bump, sender=model, dispatch_uid=f"{uid}:{id(signal)}", weak=False
                    )

    def _page_handler(self, model):
        def handler(sender=None, instance=None, **kwargs):
            if isinstance(instance, model) or (
                instance is None and isinstance(sender, type) and issubclass(sender, model)
            ):
                self.bump()

        return handler


def connect_all() -> None:
    """Connect the invalidation signals of every versioned cache declared so far."""
    for versioned in _registry.values():
        versioned.connect()


def registered() -> dict[str, VersionedCache]:
    return dict(_registry)


# The core's own namespace: what every page shows from the page tree (the main
# menu, the breadcrumb's ancestors, the language links).
PAGE_TREE = VersionedCache("pagetree", timeout=60 * 60, invalidated_by=["wagtailcore.Page"])
