"""Per-request state of the core: one `RequestLocal` per user, its
attributes reset to their defaults when Django starts and finishes a
request, `active` telling whether one is being served (outside: commands,
tasks, the shell). Used by the versioned cache (the request's snapshot of
the versions, the cache keys it read) and the search (whether a search
failed in this request). `route` names what was asked (host, path and query
string) while a request runs, "" otherwise."""

from __future__ import annotations

from typing import Any

from asgiref.local import Local
from django.core.signals import request_finished, request_started


class RequestLocal:
    """Attributes local to the current request (and thread or task)."""

    def __init__(self, name: str, **defaults: Any):
        object.__setattr__(self, "_local", Local())
        object.__setattr__(self, "_defaults", {**defaults, "active": False, "route": ""})
        request_started.connect(self._start, dispatch_uid=f"request-local:{name}:start", weak=False)
        request_finished.connect(self._end, dispatch_uid=f"request-local:{name}:end", weak=False)

    def _reset(self, active: bool, route: str = "") -> None:
        for key, value in self._defaults.items():
            setattr(self._local, key, value)
        self._local.active = active
        self._local.route = route

    def _start(self, environ=None, scope=None, **_kwargs) -> None:
        self._reset(True, _route(environ, scope))

    def _end(self, **_kwargs) -> None:
        self._reset(False)

    def __getattr__(self, name: str) -> Any:
        defaults = object.__getattribute__(self, "_defaults")
        if name not in defaults:
            raise AttributeError(name)
        return getattr(object.__getattribute__(self, "_local"), name, defaults[name])

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(object.__getattribute__(self, "_local"), name, value)


def _route(environ, scope) -> str:
    """« host path?query » of a WSGI environ or an ASGI scope."""
    if environ is not None:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        return f"{host} {environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}"
    if scope is not None:
        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1")
        query = scope.get("query_string", b"").decode("latin-1")
        return f"{host} {scope.get('path', '')}?{query}"
    return ""
