"""The site's public address (`SITE_URL`) and the Wagtail Site that carries it.

Wagtail builds every absolute link — a page's `full_url`, the sitemap, the
feeds, the exports' `url` column, JSON-LD, the links in emails — from the
default Site's hostname and port. They come from the `SITE_URL` setting
(`http://127.0.0.1:<PORT>` in development, `https://<first allowed host>` in
production unless set), written to the Site by `manage.py configure_site`,
which the setup runs (`make db`, the production steps in docs/operations.md).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_PORTS = {"http": 80, "https": 443}


def site_address(url: str | None = None) -> tuple[str, int]:
    """(hostname, port) of `url` (default: SITE_URL) as Wagtail's Site stores
    them. Wagtail writes port 80 as http://, 443 as https:// and any other
    port as http://host:port, so https on another port cannot be expressed."""
    url = (url if url is not None else settings.SITE_URL).strip()
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ImproperlyConfigured(
            f"SITE_URL must be an http:// or https:// address such as "
            f"https://www.example.org, got {url!r}"
        )
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError as error:
        raise ImproperlyConfigured(f"SITE_URL has an invalid port: {url!r}") from error
    if parts.scheme == "https" and port != 443:
        raise ImproperlyConfigured(
            f"SITE_URL {url!r}: Wagtail writes https links only for port 443; "
            "serve https on 443 (behind the proxy) or use http:// for a local port."
        )
    if parts.path not in ("", "/"):
        raise ImproperlyConfigured(f"SITE_URL must not have a path: {url!r}")
    return parts.hostname, port


def configure_default_site(site=None) -> tuple[bool, object]:
    """Give the default Site SITE_URL's hostname and port; (changed, site)."""
    from wagtail.models import Site

    hostname, port = site_address()
    site = site or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return False, None
    if (site.hostname, site.port) == (hostname, port):
        return False, site
    site.hostname, site.port = hostname, port
    site.save(update_fields=["hostname", "port"])
    return True, site


def absolute(path: str) -> str:
    """`path` on the site's public address (for emails and anything read
    outside a request)."""
    return settings.SITE_URL.rstrip("/") + path
