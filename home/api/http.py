"""What every answer of the API shares: JSON bodies, errors in French
(`{"detail": ..., "errors": [...]}`), CORS open for GET (no credentials),
the per-IP rate limit (home/ratelimit.py) and the validators (ETag,
Last-Modified) with their 304 answers."""

from __future__ import annotations

import json
import math
from functools import wraps

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.translation import gettext as _

from home import ratelimit

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
DEFAULT_RATE_LIMIT = 300
DEFAULT_RATE_WINDOW = 60
EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After, Link"


def rate_limit() -> tuple[int, int]:
    """(requests, seconds): API_RATE_LIMIT requests per API_RATE_WINDOW seconds."""
    limit = int(getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE_LIMIT))
    window = max(int(getattr(settings, "API_RATE_WINDOW", DEFAULT_RATE_WINDOW)), 1)
    return limit, window


class ApiError(Exception):
    """An answer other than 200, raised anywhere in an endpoint."""

    def __init__(self, status: int, detail: str, errors=(), headers=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers or {}

    def response(self) -> HttpResponse:
        response = json_response({"detail": self.detail, "errors": self.errors}, self.status)
        for name, value in self.headers.items():
            response[name] = value
        return response


def param_error(param: str, message: str) -> dict:
    return {"param": param, "message": message}


def bad_request(errors) -> ApiError:
    errors = list(errors)
    if len(errors) == 1:
        detail = _("Paramètre invalide : %(param)s (%(message)s).") % errors[0]
    else:
        names = ", ".join(error["param"] for error in errors)
        detail = _("Paramètres invalides : %(names)s.") % {"names": names}
    return ApiError(400, detail, errors)


def not_found(detail: str | None = None) -> ApiError:
    return ApiError(404, detail or _("Ressource introuvable."))


def json_response(data, status: int = 200) -> HttpResponse:
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return HttpResponse(body.encode("utf-8"), status=status, content_type=JSON_CONTENT_TYPE)


def with_cors(response: HttpResponse) -> HttpResponse:
    """Open to every origin for reading; no credentials (cookies are never
    read by the API, and a browser sends none with `*`)."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = (
        "Accept, Accept-Language, If-None-Match, If-Modified-Since"
    )
    response["Access-Control-Max-Age"] = "86400"
    response["Allow"] = "GET, HEAD, OPTIONS"
    return with_cors(response)


def check_rate(request) -> ApiError | None:
    """None while the client is within its limit, else the 429 to answer.
    Counted per IP (`client_ip`, trusted proxies as for the forms). Fails
    open: while the cache cannot count, reading stays open (the public
    forms fail closed; a read-only API need not)."""
    if ratelimit.unavailable():
        return None
    limit, window = rate_limit()
    if ratelimit.hit_key("api", ratelimit.client_ip(request), limit, window):
        return None
    retry_after = max(math.ceil(window - ratelimit.now() % window), 1)
    detail = _(
        "Trop de requêtes : au plus %(limit)s par tranche de %(window)s secondes et par "
        "adresse. Réessayez dans %(retry)s secondes."
    ) % {"limit": limit, "window": window, "retry": retry_after}
    return ApiError(429, detail, headers={"Retry-After": str(retry_after)})


def api_view(view):
    """An endpoint: OPTIONS answered (preflight), the rate limit, ApiError
    turned into its JSON answer, CORS headers on everything."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return preflight()
        error = check_rate(request)
        if error is not None:
            return with_cors(error.response())
        try:
            response = view(request, *args, **kwargs)
        except ApiError as error:
            response = error.response()
        if response.status_code == 404:
            # Django's LocaleMiddleware answers a 404 outside the language
            # prefixes with a redirect to /fr/<path> when that path exists,
            # and Wagtail's catch-all makes every path exist: judged against
            # the API's own URLs (no language prefix), the 404 stays one.
            request.urlconf = "home.api.urls"
        return with_cors(response)

    return wrapper


# --- Validators --------------------------------------------------------------------


def not_modified(request, etag: str | None, last_modified=None) -> HttpResponse | None:
    """The 304 answer when the client's copy is current: If-None-Match first
    (a weak comparison, RFC 9110), If-Modified-Since only without it."""
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        if etag is None:
            return None
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        if "*" in tags or quote_etag(etag) in tags:
            return _not_modified(etag, last_modified)
        return None
    since = request.META.get("HTTP_IF_MODIFIED_SINCE")
    if since and last_modified is not None:
        since_ts = parse_http_date_safe(since)
        if since_ts is not None and int(last_modified.timestamp()) <= since_ts:
            return _not_modified(etag, last_modified)
    return None


def _not_modified(etag, last_modified) -> HttpResponse:
    response = HttpResponseNotModified()
    set_validators(response, etag, last_modified)
    return response


def set_validators(response, etag, last_modified, max_age: int = 60) -> None:
    if etag:
        response["ETag"] = quote_etag(etag)
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = f"public, max-age={max_age}"
