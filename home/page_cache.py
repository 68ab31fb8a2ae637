"""A full-page cache for anonymous visitors (issue 17), small, on Django's
cache framework (no maintained page-cache package supports Wagtail 8).

`PageCacheMiddleware` keeps the whole answer of a public page (Wagtail's
`serve`, the search and theme pages: `CACHED_VIEWS`) under a key made of the
scheme, host, path, active language and normalised query string, and of the
version of `home.cache.CONTENT`, renewed by any change of what a page can show
(a page saved, published, unpublished, moved or deleted, a snippet, a setting,
a theme...). A changed content is never served from the cache: the key moves.
The version is shared by every worker (the database, or Redis: home/cache.py),
the entries stay in each worker's cache (or Redis).

Never cached (answered with `X-Page-Cache: bypass`):
- requests other than GET/HEAD, with a session or messages cookie (someone
  logged in, a password-protected page passed, a message to show), with an
  Authorization header, a `preview` parameter, or a query string that is not
  valid UTF-8, holds control characters or is too long;
- answers other than a 200, streamed (exports), setting a cookie, using a
  CSRF token (forms), marked private / no-cache / no-store by their view, or
  from views outside `CACHED_VIEWS` (admin, API, partner space, alerts...).

What a page derives from the time (a call's status flips at its deadline, an
event becomes past, « aujourd'hui ») bounds the lifetime of its entry: at most
PAGE_CACHE_TIMEOUT seconds, the view's own public `max-age` (the calls' and
events' views set it to their next change) and the next change of any
function registered in `PAGE_EXPIRY` by the apps (`now` -> the next instant
something they show may change by itself), and the next Paris midnight.

HTTP: cached pages go out with `Cache-Control: public, max-age,
stale-while-revalidate` (both bounded by the entry's lifetime), an `ETag` (a
digest of the content version and the body) and `Last-Modified` (when the
entry was computed); Django's ConditionalGetMiddleware, placed just before
this one, answers 304 to `If-None-Match` / `If-Modified-Since`. Other answers
without a Cache-Control of their own get `private, no-store`.

Settings: PAGE_CACHE_ENABLED, PAGE_CACHE_TIMEOUT, PAGE_CACHE_MAX_AGE,
PAGE_CACHE_STALE_WHILE_REVALIDATE (docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language

from home.cache import CONTENT, digest

HEADER = "X-Page-Cache"
# The url names whose answers may be cached: Wagtail's pages (routable
# sub-pages and feeds included), the search and theme pages.
CACHED_VIEWS = {"wagtail_serve", "search", "theme_index", "theme_detail"}
MAX_QUERY_LENGTH = 2000
MAX_QUERY_FIELDS = 50
# Response headers never replayed from an entry.
_DROPPED_HEADERS = {"set-cookie", "x-page-cache", "date"}

ExpiryFunc = Callable[[dt.datetime], dt.datetime | None]


class ExpiryRegistry:
    """Functions `now -> datetime | None`: the next instant something an app
    shows on pages may change by itself (None: nothing ahead)."""

    def __init__(self):
        self._funcs: dict[str, ExpiryFunc] = {}

    def register(self, key: str, func: ExpiryFunc) -> None:
        self._funcs[key] = func

    def next_change(self, now: dt.datetime) -> dt.datetime | None:
        moments = [moment for func in self._funcs.values() if (moment := func(now)) is not None]
        moments = [moment for moment in moments if moment > now]
        return min(moments, default=None)


PAGE_EXPIRY = ExpiryRegistry()


def next_midnight(now: dt.datetime) -> dt.datetime:
    """The next Paris midnight (« aujourd'hui », dates shown relative to today)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    tomorrow = timezone.localtime(now, zone).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time.min, tzinfo=zone)


PAGE_EXPIRY.register("midnight", next_midnight)


def time_window(moment: dt.datetime) -> dt.datetime:
    """The end of the stretch of time from `moment` in which nothing the
    pages derive from the time changes (`PAGE_EXPIRY`, midnight at the
    latest): what a value computed at `moment` may be kept for, besides the
    content's version (the sections of home/registry.py, the site search)."""
    return PAGE_EXPIRY.next_change(moment) or next_midnight(moment)


def now() -> dt.datetime:
    """The clock of the page cache (tests move it)."""
    return timezone.now()


def _setting(name: str, default):
    return getattr(settings, name, default)


def normalised_query(raw: str) -> str | None:
    """The query string sorted, or None when it must not be cached (invalid
    UTF-8, control characters, too long, too many fields, `preview`)."""
    if not raw:
        return ""
    if len(raw) > MAX_QUERY_LENGTH:
        return None
    try:
        pairs = parse_qsl(
            raw, keep_blank_values=True, errors="strict", max_num_fields=MAX_QUERY_FIELDS
        )
    except (UnicodeDecodeError, ValueError):
        return None
    for name, value in pairs:
        if name == "preview" or any(ord(char) < 32 or ord(char) == 127 for char in name + value):
            return None
    return urlencode(sorted(pairs))


def request_key(request) -> str | None:
    """The entry's key for `request`, or None when it bypasses the cache."""
    if request.method not in ("GET", "HEAD"):
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    try:  # only the pages that may be cached read the versions (the database)
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    if match.url_name not in CACHED_VIEWS:
        return None
    query = normalised_query(request.META.get("QUERY_STRING", ""))
    if query is None:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    path = request.path
    if any(ord(char) < 32 for char in path):
        return None
    parts = "\n".join(
        [
            request.scheme,
            host,
            path,
            get_language() or "-",
            query,
            request.headers.get("HX-Request", ""),
        ]
    )
    return CONTENT.key("page", digest(parts))


def _view_is_cached(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name in CACHED_VIEWS


def _public_max_age(response) -> int | None:
    """The view's own max-age, if it marked the answer public; -1 if it
    forbids shared caching."""
    header = response.get("Cache-Control", "")
    directives = {part.strip().split("=")[0].lower(): part for part in header.split(",")}
    if {"private", "no-store", "no-cache"} & directives.keys():
        return -1
    if "max-age" in directives:
        try:
            return int(directives["max-age"].split("=", 1)[1])
        except (IndexError, ValueError):
            return -1
    return None


def storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    if _public_max_age(response) == -1:
        return False
    return _view_is_cached(request)


def entry_lifetime(response, moment: dt.datetime) -> int:
    """Seconds the entry may live: the timeout, the view's max-age, the
    next change the apps announce."""
    bounds = [int(_setting("PAGE_CACHE_TIMEOUT", 60))]
    view_max_age = _public_max_age(response)
    if view_max_age is not None:
        bounds.append(view_max_age)
    change = PAGE_EXPIRY.next_change(moment)
    if change is not None:
        bounds.append(int((change - moment).total_seconds()))
    return max(0, min(bounds))


def _make_entry(response, version: str, moment: dt.datetime, lifetime: int) -> dict:
    body = response.content
    etag = '"' + hashlib.sha256(version.encode() + b"\0" + body).hexdigest()[:32] + '"'
    created = moment.timestamp()
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in _DROPPED_HEADERS
    ]
    return {
        "status": response.status_code,
        "headers": headers,
        "content": body,
        "created": created,
        "expires": created + lifetime,
        "etag": etag,
    }


def _response_from(entry: dict) -> HttpResponse:
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    return response


def _http_headers(response, entry: dict, moment: float) -> None:
    """Cache-Control bounded by the entry's remaining life, ETag, Last-Modified."""
    left = max(0, int(entry["expires"] - moment))
    max_age = min(int(_setting("PAGE_CACHE_MAX_AGE", 60)), left)
    stale = min(int(_setting("PAGE_CACHE_STALE_WHILE_REVALIDATE", 30)), left - max_age)
    if "Cache-Control" in response:
        del response["Cache-Control"]
    patch_cache_control(response, public=True, max_age=max_age)
    if stale > 0:
        patch_cache_control(response, stale_while_revalidate=stale)
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(int(entry["created"]))


class PageCacheMiddleware:
    """See the module's docstring. Placed after LocaleMiddleware (the
    language is active) and CommonMiddleware, before CsrfViewMiddleware and
    everything that may set a cookie, right after ConditionalGetMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _setting("PAGE_CACHE_ENABLED", True):
            return self.get_response(request)
        key = request_key(request)
        if key is None:
            return self._bypass(request, self.get_response(request))
        entry = cache.get(key)
        moment = now()
        if entry is not None and entry["expires"] > moment.timestamp():
            response = _response_from(entry)
            _http_headers(response, entry, moment.timestamp())
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if not storable(request, response):
            return self._bypass(request, response)
        lifetime = entry_lifetime(response, moment)
        if lifetime <= 0:
            return self._bypass(request, response)
        version = key.split(":", 2)[1]
        entry = _make_entry(response, version, moment, lifetime)
        cache.set(key, entry, lifetime)
        _http_headers(response, entry, moment.timestamp())
        response[HEADER] = "miss"
        return response

    @staticmethod
    def _bypass(request, response):
        response[HEADER] = "bypass"
        if "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_store=True)
        return response
