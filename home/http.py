"""What every page view shares about its HTTP answer: how long it may be
cached, and structured data in a <script> element."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from wagtail.models import Site

# A public page is kept at most this long by browsers and proxies (seconds).
MAX_AGE = 5 * 60


def set_cache_lifetime(request, response, seconds: int | None, cap: int = MAX_AGE):
    """Cache-Control: public for at most `cap` seconds and `seconds` (the
    time until what the page shows changes, None: no such change); private
    and not stored for people logged in (the page carries their editing bar)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True, max_age=0)
        return response
    lifetime = cap if seconds is None else min(cap, seconds)
    patch_cache_control(response, public=True, max_age=max(0, lifetime))
    return response


def json_for_script(data) -> str:
    """JSON safe inside a <script> element: « < », « > » and « & » escaped,
    as Django's `json_script` does (which only writes application/json), so
    no stored value can end the element or open a comment."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def json_ld(data) -> str:
    """The <script type="application/ld+json"> element of schema.org `data`."""
    return mark_safe(  # noqa: S308 - escaped for a script element by json_for_script
        f'<script type="application/ld+json">{json_for_script(data)}</script>'
    )


def site_key(request) -> str:
    """The request's Wagtail site in cache keys (what absolute URLs in a
    cached fragment or feed depend on); "-" without a request or site."""
    site = Site.find_for_request(request) if request is not None else None
    return str(site.pk) if site else "-"
