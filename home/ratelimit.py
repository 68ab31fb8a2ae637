"""A per-IP rate limit on the public forms (proposals, the partner space's
login link, the announcements' contact form), counted in Django's cache.

With REDIS_URL set (production) every process and server shares the same
counters; LocMem (dev, tests) counts per process. Fixed windows: at most
`PARTNERS_RATE_LIMIT` posts per `PARTNERS_RATE_WINDOW` seconds.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache

# The settings keep the names they were documented with (docs/partners.md).
DEFAULTS = {"RATE_LIMIT": 10, "RATE_WINDOW": 3600, "TRUSTED_PROXY_COUNT": 0}


def _setting(name: str) -> int:
    return int(getattr(settings, f"PARTNERS_{name}", DEFAULTS[name]))


def now() -> float:
    """The clock of the fixed windows (a function, so tests can fix it)."""
    return time.time()


def window_minutes() -> int:
    """The per-IP window in minutes, for the « try again later » messages."""
    return max(_setting("RATE_WINDOW") // 60, 1)


def client_ip(request) -> str:
    """REMOTE_ADDR, unless PARTNERS_TRUSTED_PROXY_COUNT says how many
    reverse proxies we trust to append to X-Forwarded-For (then the address
    that many hops from the right). A header set by the client alone is
    never trusted."""
    proxies = _setting("TRUSTED_PROXY_COUNT")
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def client_ip_address(request) -> str | None:
    """`client_ip`, or None when it is not an IP address (no REMOTE_ADDR:
    a test request, a Unix socket): django-axes stores it in an IP column."""
    address = client_ip(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def unavailable() -> bool:
    """Whether posts cannot be counted right now (the cache is down): the
    limit then fails closed, and the forms say so (`hit` returns False)."""
    from home.cache_backends import cache_is_down

    return cache_is_down(cache)


def hit(request, scope: str) -> bool:
    """Count one post; False once the limit is exceeded, or while the cache
    that counts is down (a public form must not become unlimited)."""
    return hit_key(scope, client_ip(request), _setting("RATE_LIMIT"), _setting("RATE_WINDOW"))


def hit_key(scope: str, ident: str, limit: int, window: int) -> bool:
    """Count one use of `scope` by `ident` (an address, an email...: stored
    hashed); False once more than `limit` in the current `window` seconds, or
    while the cache is down."""
    if unavailable():
        return False
    window = max(window, 1)
    bucket = int(now() // window)
    ident_hash = hashlib.sha256(ident.encode()).hexdigest()[:32]
    key = f"partners:rate:{scope}:{ident_hash}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr(), or the cache failed
        if unavailable():
            return False
        cache.add(key, 1, timeout=window + 5)
        count = 1
    return count <= limit
