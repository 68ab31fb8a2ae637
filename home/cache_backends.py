"""Django's Redis cache, made to degrade instead of failing (issue 16).

Redis is an accelerator here, never the source of truth: when it is down or
does not answer, a page is computed without it. Every operation that fails
with a Redis error is logged (once per outage) and answered as a miss: `get`
returns the default, `add` and `set` store nothing, `get_many` returns `{}`,
`has_key` False, `incr` raises `ValueError` (a missing key). After a failure
the cache is *open* for `retry_after` seconds: operations do not touch Redis
at all (one failed connection per outage, not one per operation), then the
next operation tries again.

`is_down()` tells callers that must not fail open: the rate limiter of the
public forms refuses posts while it cannot count them (home/ratelimit.py),
and the health check reports the cache's state (home/views.py).

Settings: CACHES["default"]["BACKEND"] = "home.cache_backends.FaultTolerantRedisCache",
with short socket timeouts in OPTIONS (config/settings/base.py).
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_AFTER = 10.0  # seconds without touching Redis after a failure


class FaultTolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", RETRY_AFTER))
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0

    # --- State ------------------------------------------------------------------

    def is_down(self) -> bool:
        """Whether the last operation failed less than `retry_after` ago."""
        return time.monotonic() < self._down_until

    def _failed(self, operation: str, error: Exception) -> None:
        if not self.is_down():
            logger.error(
                "Cache unavailable (%s: %s: %s); pages are computed without it for %.0f s.",
                operation,
                type(error).__name__,
                error,
                self.retry_after,
            )
        self._down_until = time.monotonic() + self.retry_after

    def _call(self, operation: str, miss, *args, **kwargs):
        import redis

        if self.is_down():
            return miss
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except redis.RedisError as error:
            self._failed(operation, error)
            return miss

    # --- Operations, each answered as a miss when Redis fails -------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._call("incr", missing, key, delta, version)
        if value is missing:
            raise ValueError(f"Key {key!r} not found (cache unavailable).")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)


def cache_is_down(cache) -> bool:
    """Whether `cache` (any backend) is known to be unavailable right now."""
    is_down = getattr(cache, "is_down", None)
    return bool(is_down and is_down())
