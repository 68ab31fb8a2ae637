"""Content-Security-Policy on every response (issue 16, item 7), with
django-csp 4's middleware.

Two policies, built per request from the settings (config/settings/base.py,
« Content-Security-Policy » block):

- the public policy, on every page that is not the Wagtail admin (the pages,
  the listings and their maps, search, themes, the public forms and the
  partner space): scripts and styles from the site only, no 'unsafe-inline';
  images from the site, `data:`, the map's tile server and the media storage;
  frames from the video providers only; the site may only be framed by
  itself (Wagtail's preview shows our pages in a same-origin iframe), except
  the embeddable widgets' routes (home/widgets.py), whose responses replace
  `frame-ancestors` with `widget_frame_ancestors()` (WIDGET_FRAME_ANCESTORS);
- the admin policy, under `CSP_RELAXED_PATHS` (Wagtail's admin): Wagtail
  8's admin still writes inline scripts, style attributes and `blob:`
  images, so 'unsafe-inline' (scripts and styles) and `blob:` are allowed
  there and only there, plus Gravatar (users' avatars), Wagtail's release
  check (connect-src) and its preview panel's same-origin iframe.

A page's preview or draft, although under /admin/, gets the public policy:
Wagtail renders it through the site's middleware on a request for the page's
own URL, so the editor's browser enforces what the visitors' will. Editors
logged in on public pages get the public policy too: Wagtail's userbar loads
its script and stylesheet from the site (tests/browser/test_csp.py).

`CSP_REPORT_ONLY_MODE` sends the same policy as
Content-Security-Policy-Report-Only, to roll the policy out first; a view
decorated with django-csp's `@csp`, `@csp_update`, `@csp_replace` or
`@csp_exempt` keeps that decoration's meaning.
"""

from urllib.parse import urlsplit

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DATA = "data:"
BLOB = "blob:"
# Wagtail's admin dashboard asks this address for the latest release.
WAGTAIL_RELEASES = "https://releases.wagtail.org"
GRAVATAR = "//www.gravatar.com/avatar"


def origin_source(url: str) -> str | None:
    """The CSP source of an absolute URL's origin (`https://host[:port]`;
    `host` for a protocol-relative URL); None for a relative URL, which the
    site serves itself ('self')."""
    parts = urlsplit(url.strip())
    if not parts.netloc:
        return None
    host = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{host}" if parts.scheme else host


def tile_source(url: str) -> str | None:
    """The CSP source of a Leaflet tile URL template: its placeholders in the
    host (`{s}`, the subdomain) become a wildcard over the labels they sit in,
    `https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png` giving
    `https://*.tile.openstreetmap.fr`. None for tiles served by the site."""
    parts = urlsplit(url.strip())
    if not parts.netloc:
        return None
    host, _sep, port = parts.netloc.rsplit("@", 1)[-1].partition(":")
    labels = host.split(".")
    templated = [index for index, label in enumerate(labels) if "{" in label]
    if templated:
        rest = labels[templated[-1] + 1 :]
        if len(rest) < 2:
            raise ImproperlyConfigured(
                f"MAP_TILES_URL: a placeholder may only stand for subdomains, got {url!r}"
            )
        host = "*." + ".".join(rest)
    if port:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}" if parts.scheme else host


def media_sources() -> list[str]:
    """Where uploaded images come from when they are not served by the site:
    an absolute MEDIA_URL, the S3 bucket's custom domain or its endpoint
    (path-style and virtual-hosted), or AWS S3 itself."""
    sources = [origin_source(settings.MEDIA_URL)]
    if getattr(settings, "AWS_STORAGE_BUCKET_NAME", ""):
        bucket = settings.AWS_STORAGE_BUCKET_NAME
        domain = getattr(settings, "AWS_S3_CUSTOM_DOMAIN", None)
        endpoint = getattr(settings, "AWS_S3_ENDPOINT_URL", None)
        if domain:
            # django-storages writes https:// links to the custom domain.
            sources.append(origin_source("https://" + domain.split("/")[0]))
        elif endpoint:
            parts = urlsplit(endpoint)
            sources.append(origin_source(endpoint))
            sources.append(origin_source(f"{parts.scheme}://{bucket}.{parts.netloc}"))
        else:
            region = getattr(settings, "AWS_S3_REGION_NAME", None)
            sources.append(f"https://{bucket}.s3.amazonaws.com")
            if region:
                sources.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return [source for source in sources if source]


def clean_sources(name: str, values) -> list[str]:
    """Sources an operator adds (CSP_EXTRA_IMG_SRC, CSP_EXTRA_FRAME_SRC, the
    report URI): one source each, so none can end the directive and start
    another."""
    for value in values:
        if not value or any(char in value for char in ";,'\"") or value.split() != [value]:
            raise ImproperlyConfigured(
                f"{name}: each entry is one host or origin (https://video.example.org), "
                f"got {value!r}"
            )
    return list(values)


def _unique(*groups) -> list[str]:
    return list(dict.fromkeys(source for group in groups for source in group if source))


def frame_sources() -> list[str]:
    """The video players an embed may frame."""
    return _unique(
        settings.CSP_EMBED_PROVIDERS,
        clean_sources("CSP_EXTRA_FRAME_SRC", settings.CSP_EXTRA_FRAME_SRC),
    )


def widget_frame_ancestors() -> list[str]:
    """Who may frame the embeddable widgets (home/widgets.py), and only them:
    `WIDGET_FRAME_ANCESTORS`, a list of origins (https://partner.example.org)
    or `*` (any site, the default). Every other page keeps 'self'."""
    values = settings.WIDGET_FRAME_ANCESTORS
    if isinstance(values, str):
        values = values.split(",")
    return clean_sources("WIDGET_FRAME_ANCESTORS", list(values)) or [NONE]


def public_directives() -> dict[str, list[str]]:
    images = _unique(
        [SELF, DATA, tile_source(settings.MAP_TILES_URL)],
        media_sources(),
        clean_sources("CSP_EXTRA_IMG_SRC", settings.CSP_EXTRA_IMG_SRC),
    )
    directives = {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": images,
        "frame-src": frame_sources() or [NONE],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
    if settings.CSP_REPORT_ENDPOINT:
        directives["report-uri"] = clean_sources("CSP_REPORT_URI", [settings.CSP_REPORT_ENDPOINT])
    return directives


def admin_directives() -> dict[str, list[str]]:
    """The public policy, relaxed for what Wagtail's admin needs."""
    directives = public_directives()
    gravatar = getattr(settings, "WAGTAIL_GRAVATAR_PROVIDER_URL", GRAVATAR)
    directives.update(
        {
            "script-src": [SELF, UNSAFE_INLINE],
            "style-src": [SELF, UNSAFE_INLINE],
            "img-src": _unique(directives["img-src"], [BLOB, origin_source(gravatar or "")]),
            "connect-src": [SELF, WAGTAIL_RELEASES],
            # The preview panel frames the page preview (same origin).
            "frame-src": _unique([SELF], frame_sources()),
        }
    )
    return directives


def is_relaxed(path: str) -> bool:
    return path.startswith(tuple(settings.CSP_RELAXED_PATHS))


def directives_for(request) -> dict[str, list[str]]:
    return admin_directives() if is_relaxed(request.path_info) else public_directives()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the site's two policies, sent as
    Content-Security-Policy, or as Content-Security-Policy-Report-Only when
    CSP_REPORT_ONLY_MODE is set."""

    def __init__(self, get_response=None):
        super().__init__(get_response)
        # A wrong setting stops the site at start-up, not on the first page.
        public_directives()
        widget_frame_ancestors()

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        # A view's own @csp(...) decoration wins; otherwise one of the two
        # headers carries the site's policy and the other stays empty (no
        # CONTENT_SECURITY_POLICY* setting: django-csp then writes nothing).
        if parts.config is None and report_only == settings.CSP_REPORT_ONLY_MODE:
            parts.config = directives_for(request)
        return parts
