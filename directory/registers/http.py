"""The registers over HTTP: one small JSON client (urllib, no dependency)
with a timeout, a bounded answer size, clear errors and no retry."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from .errors import RegisterBadAnswer, RegisterNotFound, RegisterTimeout, RegisterUnreachable
from .parsing import parse_address, parse_company

MAX_ANSWER_BYTES = 2 * 1024 * 1024
USER_AGENT = "maison-ess-annuaire/1 (verification de fiche)"


class JsonClient:
    """GET a JSON document. `timeout` (seconds) bounds the connection and
    each read, so a server that never answers fails after `timeout`."""

    def __init__(self, timeout: float):
        self.timeout = timeout

    def get_json(self, base_url: str, path: str, params: dict, *, source: str):
        query = urllib.parse.urlencode({k: v for k, v in params.items() if v})
        url = f"{base_url.rstrip('/')}{path}?{query}"
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise RegisterUnreachable("base URL is not http(s)", source=source)
        request = urllib.request.Request(  # noqa: S310 (scheme checked above)
            url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                raise RegisterNotFound(f"HTTP 404 from {source}", source=source) from error
            if error.code == 429 or error.code >= 500:
                raise RegisterUnreachable(f"HTTP {error.code}", source=source) from error
            raise RegisterBadAnswer(f"HTTP {error.code}", source=source) from error
        except TimeoutError as error:
            raise RegisterTimeout(f"timeout after {self.timeout}s", source=source) from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise RegisterTimeout(f"timeout after {self.timeout}s", source=source) from error
            raise RegisterUnreachable(str(error.reason), source=source) from error
        except (OSError, ValueError) as error:  # reset connection, malformed URL setting
            raise RegisterUnreachable(str(error), source=source) from error
        if len(body) > MAX_ANSWER_BYTES:
            raise RegisterBadAnswer("answer too large", source=source)
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise RegisterBadAnswer("not JSON", source=source) from error


class HttpRegisters:
    """The production backend: the two public APIs at their configured
    base URLs."""

    def __init__(self):
        self.client = JsonClient(timeout=float(getattr(settings, "REGISTERS_TIMEOUT", 5)))
        self.company_url = settings.REGISTERS_COMPANY_URL
        self.address_url = settings.REGISTERS_ADDRESS_URL

    def company(self, identifier: str):
        payload = self.client.get_json(
            self.company_url,
            "/search",
            {"q": identifier, "page": 1, "per_page": 5},
            source="entreprises",
        )
        return parse_company(payload, identifier)

    def geocode(self, query: str, postcode: str = ""):
        payload = self.client.get_json(
            self.address_url,
            "/search/",
            {"q": query[:200], "postcode": postcode, "limit": 1},
            source="adresse",
        )
        return parse_address(payload)
