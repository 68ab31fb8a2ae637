"""Warm a freshly loaded application up before it serves (issue 17).

A new process pays, on its first request, for what Django and Wagtail build
lazily: the URL patterns (`config.urls` imports Wagtail's admin and builds
every viewset's patterns), the compiled templates, the translation catalogs,
the content types, the first render of a page. `warm_up()` does that work
once, before any visitor waits for it:

1. the URL resolver: patterns imported and reverse dictionaries populated in
   every language;
2. the translation catalogs and formats of every language;
3. the templates: every file of the project's `templates/` and each page
   model's template, compiled into the cached loader;
4. the database: one query tells whether it is ready (empty or not migrated:
   logged, the rest is skipped); then the content types of the page models
   and the default site's home page rendered in each language, through
   Django's test client and the whole middleware stack.

With gunicorn's preloaded application (config/gunicorn.conf.py) it runs in
the master, before the workers are forked: every worker, the first ones and
those started later by `max_requests` or a HUP, starts warm. Other WSGI
servers ask for it with WARM_UP=1 (config/wsgi.py; never under `runserver`
or pytest).

Caches. The home page is rendered with a `messages` cookie, a request the
full-page cache neither answers nor stores (home/page_cache.py): it is really
rendered, and no page is kept. What the render keeps is the page-tree cache
of home/cache.py, under the content's versions: a publication after the
start renews them, so a worker never shows a value older than the content.
Wagtail's site root paths (kept without a version, renewed only in the
process that saves a Site) are dropped, so a worker forked hours later reads
them from the database.

Fork. Before the workers are forked, the master's database connections are
closed and its Redis connection pools disconnected (`release_connections`,
also gunicorn's `pre_fork`): a connection shared by two processes mixes
their answers.

Nothing here may stop the server from starting: every step catches its own
errors and logs them (logger "home.warmup"); a failed step only means its
work is done by the first request instead.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

# A request the full-page cache bypasses (home/page_cache.py: a messages
# cookie), so the warm-up renders the page and stores none.
BYPASS_COOKIE = ("messages", "warm-up")
TEMPLATE_SUFFIXES = {".html", ".txt", ".xml"}

# The process that warmed up already (gunicorn's hook after config/wsgi.py).
_warmed_in: int | None = None


def warm_up(*, force: bool = False) -> dict:
    """Do the work a first request would do; returns what was done. Never
    raises (but KeyboardInterrupt and SystemExit)."""
    global _warmed_in
    if _warmed_in == os.getpid() and not force:
        return {"skipped": "already warmed up in this process"}
    started = time.perf_counter()
    summary: dict = {"steps": {}, "failed": []}
    _step(summary, "urls", _urls)
    _step(summary, "translations", _translations)
    _step(summary, "templates", _templates, summary)
    if _step(summary, "database", _database_ready, summary):
        _step(summary, "content types", _content_types)
        _step(summary, "pages", _pages, summary)
    _step(summary, "release", release_connections)
    summary["seconds"] = round(time.perf_counter() - started, 3)
    _warmed_in = os.getpid()
    logger.info(
        "Warm-up done in %.2f s: %s",
        summary["seconds"],
        ", ".join(f"{name} {seconds:.2f} s" for name, seconds in summary["steps"].items()),
    )
    return summary


def _step(summary: dict, name: str, function, *args) -> bool:
    """Run one step; False (and logged) when it failed."""
    started = time.perf_counter()
    try:
        result = function(*args)
    except Exception:
        logger.exception("Warm-up: step %r failed; the first request will do its work.", name)
        summary["failed"].append(name)
        result = False
    summary["steps"][name] = round(time.perf_counter() - started, 3)
    return result is not False


# --- Steps ----------------------------------------------------------------------


def _languages() -> list[str]:
    from django.conf import settings

    return [code for code, _name in settings.LANGUAGES]


def _urls() -> None:
    from django.conf import settings
    from django.conf.urls.i18n import is_language_prefix_patterns_used
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    is_language_prefix_patterns_used(settings.ROOT_URLCONF)  # LocaleMiddleware's question
    for language in _languages():
        with translation.override(language):
            # Each language has its own reverse dictionaries (i18n patterns).
            resolver.reverse_dict  # noqa: B018
            resolver.namespace_dict  # noqa: B018
            resolver.app_dict  # noqa: B018


def _translations() -> None:
    from django.utils import formats, translation

    for language in _languages():
        with translation.override(language):
            translation.gettext("Accueil")  # the catalogs of every app, merged once
            formats.get_format("DATE_FORMAT", lang=language)
            formats.get_format("DATETIME_INPUT_FORMATS", lang=language)


def _template_names() -> list[str]:
    """The project's templates (settings TEMPLATES' DIRS) and each page
    model's own template, wherever it lives."""
    from django.template import engines
    from wagtail.models import get_page_models

    names: set[str] = set()
    for engine in engines.all():
        for directory in getattr(getattr(engine, "engine", None), "dirs", []):
            root = Path(directory)
            names.update(
                path.relative_to(root).as_posix()
                for path in root.rglob("*")
                if path.suffix in TEMPLATE_SUFFIXES and path.is_file()
            )
    for model in get_page_models():
        template = getattr(model, "template", None)
        if isinstance(template, str) and not model._meta.abstract:
            names.add(template)
    return sorted(names)


def _templates(summary: dict) -> None:
    from django.template import TemplateDoesNotExist, engines

    loaded, missing, broken = 0, 0, []
    django_engines = [engine for engine in engines.all() if hasattr(engine, "engine")]
    for name in _template_names():
        for engine in django_engines:
            try:
                engine.get_template(name)
            except TemplateDoesNotExist:
                continue
            except Exception as error:  # a syntax error: the page that uses it fails too
                broken.append(f"{name} ({type(error).__name__}: {error})")
            else:
                loaded += 1
            break
        else:
            missing += 1  # a page model without a template of its own (Wagtail's Page)
    summary["templates"] = loaded
    if broken:
        logger.warning("Warm-up: %d template(s) do not compile: %s", len(broken), "; ".join(broken))


def _database_ready(summary: dict) -> bool:
    """One query: is there a default site? A database that does not answer,
    is not migrated or is empty stops the steps that need it."""
    from django.db import DatabaseError
    from wagtail.models import Site

    try:
        site = Site.objects.filter(is_default_site=True).only("pk").first()
    except DatabaseError as error:
        logger.warning(
            "Warm-up: the database is not ready (%s: %s); pages are not warmed up.",
            type(error).__name__,
            str(error).strip().splitlines()[0] if str(error).strip() else "",
        )
        summary["database"] = "not ready"
        return False
    if site is None:
        logger.info("Warm-up: no default site yet (empty database); pages are not warmed up.")
        summary["database"] = "empty"
        return False
    summary["database"] = "ok"
    return True


def _content_types() -> None:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import get_page_models

    # Cached per process: Wagtail's `specific` looks a page's class up there.
    ContentType.objects.get_for_models(*get_page_models())


def _request_host() -> tuple[str, bool] | None:
    """The host and scheme of SITE_URL when ALLOWED_HOSTS accepts it, else
    the first literal allowed host; None when there is none."""
    from django.conf import settings
    from django.http.request import split_domain_port, validate_host

    parts = urlsplit(getattr(settings, "SITE_URL", "") or "")
    secure = parts.scheme == "https"
    allowed = settings.ALLOWED_HOSTS
    if parts.netloc and validate_host(split_domain_port(parts.netloc)[0], allowed):
        return parts.netloc, secure
    for pattern in allowed:
        if pattern and pattern != "*" and not pattern.startswith("."):
            return pattern, secure
    return None


def _home_paths() -> list[str]:
    """The default site's home page in each language it is live in."""
    from wagtail.models import Site

    site = Site.objects.select_related("root_page").get(is_default_site=True)
    paths = []
    for page in site.root_page.get_translations(inclusive=True).live().order_by("pk"):
        parts = page.get_url_parts()
        if parts is not None and parts[2]:
            paths.append(parts[2])
    return paths


def _pages(summary: dict) -> None:
    from django.test import Client
    from django.utils import translation

    host = _request_host()
    if host is None:
        logger.warning("Warm-up: no host in ALLOWED_HOSTS to render a page with.")
        return
    hostname, secure = host
    client = Client(raise_request_exception=False, headers={"host": hostname})
    client.cookies[BYPASS_COOKIE[0]] = BYPASS_COOKIE[1]
    pages = summary["pages"] = {}
    # A request leaves its language active: the process gets its own back.
    with translation.override(translation.get_language()):
        _render(client, secure, pages)


def _render(client, secure: bool, pages: dict) -> None:
    from wagtail.models import Site

    try:
        for path in _home_paths():
            response = client.get(path, secure=secure)
            pages[path] = response.status_code
            if response.status_code != 200:
                logger.warning("Warm-up: %s answered %s.", path, response.status_code)
    finally:
        # Kept without a version (see the module's docstring).
        Site.clear_site_root_paths_cache()


def release_connections() -> None:
    """Close this process's database connections and Redis connection pools
    before it forks (a connection must not be shared by two processes). A
    connection inside a transaction is left alone: not ours to close."""
    from django.core.cache import caches
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()
    for cache in caches.all(initialized_only=True):
        # Django's RedisCache: a client (created on first use) holding pools.
        client = cache.__dict__.get("_cache")
        pools = getattr(client, "_pools", None)
        if isinstance(pools, dict):
            for pool in pools.values():
                pool.disconnect()
            pools.clear()
        cache.close()
