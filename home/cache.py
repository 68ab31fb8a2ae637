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

Where the versions live (setting CACHE_VERSIONS, issue 17):
- "database" (the default without Redis): in the `home.CacheVersion` table,
  renewed in the same transaction as the change. The values stay in the
  fast cache of each process (LocMem), keyed by the version: a worker that
  did not see the change itself reads the new version at its next request
  and computes the values again, never a stale one.
- "cache" (with REDIS_URL): in the cache itself, shared by every process;
  renewed at once and again when the transaction commits (a worker that read
  the new version before the commit may have cached values computed from the
  old rows).
Either way a request reads all the versions once, the first time it needs
one (one query, or one `get_many` round trip), and keeps them until it ends:
one consistent snapshot per request. Outside a request (commands, tasks),
every `version()` reads them again.

Values are fetched in one round trip per request (issue 17): a page reads
a dozen values (menus, ancestors, listing counts…), one `get` each, and
with Redis each costs a network round trip. Each process keeps, per route
(host, path and query string, `ROUTES_KEPT` at most), the names the last
request for that route read through `get_or_set`; the next request for it
fetches all of them with one `get_many` at its first `get_or_set`, under
the versions of its own snapshot, and reads the others one by one. The
names are only a guess: a name read that was not guessed is read alone, a
value guessed but not read costs nothing else, a missing one is computed.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from home.request_scope import RequestLocal

DEFAULT_TIMEOUT = 10 * 60
# Returned by cache.get() for a missing key, told apart from a cached None.
_MISSING = object()
# Returned by _Fetched.take() for a key the request did not fetch at once.
_NOT_FETCHED = object()

_registry: dict[str, VersionedCache] = {}
# The versions read by the current request (`_request.versions`), while one
# runs (`_request.active`).
# The values fetched at once for this request (`_request.fetched`: {key:
# value}, None until its first get_or_set) and the names it read
# (`_request.names`, the list kept for its route).
_request = RequestLocal("versioned-cache", versions=None, fetched=None, names=None)
# {route: [(namespace, name), …]}: what the last request for each route read.
_routes: dict[str, list[tuple[str, str]]] = {}
ROUTES_KEPT = 2000
NAMES_KEPT = 100
# The version of a namespace that was never renewed (no row yet).
INITIAL = "0"


def in_database() -> bool:
    """Whether the versions live in the database (CACHE_VERSIONS)."""
    return getattr(settings, "CACHE_VERSIONS", "database") == "database"


def _read_versions() -> dict[str, str]:
    """Every namespace's version, in one query or one cache round trip."""
    if in_database():
        from home.models import CacheVersion

        stored = dict(CacheVersion.objects.values_list("namespace", "token"))
        return {name: stored.get(name, INITIAL) for name in _registry}
    keys = {versioned.version_key: name for name, versioned in _registry.items()}
    found = cache.get_many(list(keys))
    missing = [key for key in keys if found.get(key) is None]
    if missing:
        # Created with `add`, so two workers starting together agree on one.
        for key in missing:
            cache.add(key, uuid.uuid4().hex, timeout=None)
        found.update(cache.get_many(missing))
    # A version missing still (cache unavailable: home/cache_backends.py):
    # a new one for this request, so every value is computed, never stale.
    return {name: found.get(key) or uuid.uuid4().hex for key, name in keys.items()}


# Values a request may share between its reads (a second read of a mutable
# value gets its own copy from the cache).
_IMMUTABLE = (str, bytes, int, float, bool, tuple, frozenset, type(None))


class _Fetched:
    """The values a request fetched at once: `values` {key: value} of the
    keys `asked` that the cache held. A mutable value is handed out once; an
    immutable one is kept for the request's next reads of its key."""

    def __init__(self, asked: list[str]):
        self.asked = set(asked) if len(asked) > 1 else set()
        self.values = cache.get_many(asked) if self.asked else {}

    def take(self, key: str):
        """The value fetched for `key`; _MISSING if it was asked and the cache
        did not have it (no need to ask again); _NOT_FETCHED if it was not
        asked."""
        if key not in self.asked:
            return _NOT_FETCHED
        value = self.values.get(key, _MISSING)
        if not isinstance(value, _IMMUTABLE):
            self.asked.discard(key)
            self.values.pop(key, None)
        return value

    def keep(self, key: str, value) -> None:
        """Keep `value`, read or computed, for the request's next reads."""
        if isinstance(value, _IMMUTABLE):
            self.asked.add(key)
            self.values[key] = value


def _fetched(namespace: str, name: str) -> _Fetched | None:
    """What this request fetched at once (see above), fetching it at its
    first call; remembers that the route reads `name`. None outside a
    request."""
    if not _request.active or not _request.route:
        return None
    fetched = _request.fetched
    if fetched is None:
        guessed = _routes.get(_request.route, ())
        fetched = _request.fetched = _Fetched(
            [_registry[ns].key(n) for ns, n in guessed if ns in _registry]
        )
        _request.names = []
        if len(_routes) >= ROUTES_KEPT:
            # The oldest route (the table may be changed by another thread).
            with contextlib.suppress(KeyError, RuntimeError, StopIteration):
                del _routes[next(iter(_routes))]
        _routes[_request.route] = _request.names
    names = _request.names
    if len(names) < NAMES_KEPT and (namespace, name) not in names:
        names.append((namespace, name))
    return fetched


def current_versions() -> dict[str, str]:
    """The versions of every namespace: the request's snapshot while a
    request runs, read anew otherwise."""
    if _request.active:
        versions = getattr(_request, "versions", None)
        if versions is None:
            versions = _request.versions = _read_versions()
        return versions
    return _read_versions()


def forget_versions() -> None:
    """Drop the current request's snapshot (tests simulating another worker)."""
    _request.versions = None


def digest(text: str) -> str:
    """A short, stable, key-safe digest of `text` (a query string, a filter set)."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class KeptFragment:
    """A part of a template kept as HTML: `{% kept fragment extra... %}…
    {% endkept %}` (home/templatetags/site_tags.py) renders its content once
    per `name` and extra values, then reads it with the request's other
    cached values (one round trip). `keep(name, render)` keeps it (a
    versioned cache; `name` holds whatever else the HTML depends on: site,
    language, a listing's selection...)."""

    keep: Callable[[str, Callable[[], str]], str]
    name: str

    def get_or_render(self, render, *extra) -> str:
        return self.keep(":".join(map(str, [self.name, *extra])), render)


class VersionedCache:
    def fragment(self, name: str) -> KeptFragment:
        """A template fragment kept under this cache's version (`name`: what
        the HTML depends on besides the content)."""
        return KeptFragment(self.get_or_set, name)

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
        """The current version (the request's snapshot, see above)."""
        versions = current_versions()
        version = versions.get(self.namespace)
        if version is None:  # declared during this request
            version = versions[self.namespace] = _read_versions()[self.namespace]
        return version

    def bump(self, **_signal_kwargs) -> None:
        """Renew the version: every value cached so far is out of date."""
        token = uuid.uuid4().hex
        if in_database():
            from django.utils import timezone

            from home.models import CacheVersion

            # One upsert, in the transaction of the change: the new version
            # is seen by other workers exactly when the change is.
            CacheVersion.objects.bulk_create(
                [CacheVersion(namespace=self.namespace, token=token, changed_at=timezone.now())],
                update_conflicts=True,
                unique_fields=["namespace"],
                update_fields=["token", "changed_at"],
            )
        else:
            from django.db import connection, transaction

            cache.set(self.version_key, token, timeout=None)
            if connection.in_atomic_block:
                transaction.on_commit(self._renew_in_cache)
        versions = getattr(_request, "versions", None)
        if versions is not None:
            versions[self.namespace] = token

    def _renew_in_cache(self) -> None:
        token = uuid.uuid4().hex
        cache.set(self.version_key, token, timeout=None)
        versions = getattr(_request, "versions", None)
        if versions is not None:
            versions[self.namespace] = token

    def key(self, *parts, version: str | None = None) -> str:
        """A key under the current version (or `version`), for callers that
        read and write the cache themselves (template fragments, get_many)."""
        return ":".join([self.namespace, version or self.version(), *map(str, parts)])

    def get_or_set(self, name, compute, *, version: str | None = None, timeout: int | None = None):
        """`compute()`, kept under `name` until the content changes (or the
        timeout passes)."""
        key = self.key(name, version=version)
        fetched = _fetched(self.namespace, str(name)) if version is None else None
        value = fetched.take(key) if fetched is not None else _NOT_FETCHED
        if value is _NOT_FETCHED:  # asked alone
            value = cache.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            cache.set(key, value, self.timeout if timeout is None else timeout)
        if fetched is not None:
            fetched.keep(key, value)
        return value

    def get_many_or_set(self, names, compute_missing, *, timeout: int | None = None) -> dict:
        """{name: value} for each of `names` (str), those the cache lacks
        computed together by `compute_missing(missing_names)`, which returns
        {name: value}, and kept. One round trip for all of them, none for
        those the request fetched at once (the cards of a listing)."""
        names = list(dict.fromkeys(names))
        keys = {name: self.key(name) for name in names}
        fetched = None
        found, ask = {}, []
        for name in names:
            fetched = _fetched(self.namespace, name)
            value = fetched.take(keys[name]) if fetched is not None else _NOT_FETCHED
            if value is _NOT_FETCHED:
                ask.append(name)
            elif value is not _MISSING:
                found[name] = value
        if ask:
            got = cache.get_many([keys[name] for name in ask])
            found.update((name, got[keys[name]]) for name in ask if keys[name] in got)
        missing = [name for name in names if name not in found]
        if missing:
            computed = compute_missing(missing)
            cache.set_many(
                {keys[name]: computed[name] for name in missing},
                self.timeout if timeout is None else timeout,
            )
            found.update((name, computed[name]) for name in missing)
        if fetched is not None:
            for name in names:
                fetched.keep(keys[name], found[name])
        return found

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

        for label, model in self._models(apps, Page):
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

    def _models(self, apps, page_model):
        """(label, model) of `invalidated_by`: "app_label.*" stands for every
        model of the app except its pages (name "wagtailcore.Page" too for
        them) and the versions themselves."""
        for label in self.invalidated_by:
            if not label.endswith(".*"):
                yield label, apps.get_model(label)
                continue
            for model in apps.get_app_config(label[:-2]).get_models():
                if issubclass(model, page_model) or model._meta.label == "home.CacheVersion":
                    continue
                yield model._meta.label, model

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

# The view restrictions that apply to each page (its own, its ancestors', an
# alias's source's): renewed by any change of a page or a restriction.
VIEW_RESTRICTIONS = VersionedCache(
    "viewrestrictions",
    timeout=60 * 60,
    invalidated_by=["wagtailcore.Page", "wagtailcore.PageViewRestriction"],
)

# Everything a public page may show: the version of the full-page cache
# (home/page_cache.py). Renewed by any change of a page (saved, published,
# unpublished, moved, deleted), of a model of the content apps (snippets,
# settings, themes, related rows) and of what Wagtail serves with them. The
# apps whose rows never show on a public page (partners' submissions,
# alerts' subscriptions) are left out: a visitor's form would empty the cache.
CONTENT_MODELS = [
    "wagtailcore.Page",
    "wagtailcore.PageViewRestriction",
    "wagtailcore.Site",
    "wagtailcore.Locale",
    "wagtailimages.Image",
    "wagtaildocs.Document",
    "wagtailredirects.Redirect",
    "taggit.*",
    "home.*",
    "directory.*",
    "calls_for_projects.*",
    "network_minutes.*",
    "conventions.*",
    "events.*",
]
CONTENT = VersionedCache("content", timeout=60 * 60, invalidated_by=CONTENT_MODELS)
