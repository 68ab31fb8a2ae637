"""The cards of the calls' listings (index, archive, home page), rendered
once per content version and status, then served from the cache.

A card shows facts that change only when content is published (title, type,
organisers, dates, territory) and two things that depend on the time of the
request: the status and the time left. The status is derived for each request
(`status.py`) and is part of the cache key, so a cached card always carries
the status of the request's instant; the time left is inserted for each
request into the cached HTML. The key also holds the content version
(`models.CALLS`: renewed when a call or a directory fiche is saved,
published, unpublished, moved or deleted), the language and the site.

The cache is read with one `get_many` per listing (none when the request
fetched the cards with its other values, home/cache.py); the organisers (one
query) are fetched only for the cards missing from it.
"""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from home.http import site_key

from . import status as st
from .models import CALLS, CallOrganiser

CARD_TEMPLATE = "calls_for_projects/_call_card_static.html"
# Where the time left goes in a card's cached HTML.
TIME_LEFT_MARK = "<!--time-left-->"


def status_facts(call, now) -> dict:
    """The status of `call` at `now`: {code, label, prefix, time_left,
    undated}. The listing's SQL value when the row carries it (same rule, same
    instant)."""
    code = call.__dict__.get("status_now") or call.status_at(now)
    return {
        "code": code,
        "label": st.Status(code).label,
        "prefix": _("Statut :"),
        "time_left": st.time_left(call.deadline, now) if code in st.CURRENT else "",
        "undated": code in st.UNDATED,
    }


def _organisers_prefetch():
    return Prefetch("organisers", queryset=CallOrganiser.objects.select_related("actor"))


def render_cards(calls, now, request=None) -> list[SafeString]:
    """The HTML of each call's card at `now`, in the order of `calls`."""
    calls = list(calls)
    if not calls:
        return []
    prefix = f"card:{get_language() or '-'}:{site_key(request)}"
    # (call, its status now, its name in the cache), in the listing's order.
    items = []
    for call in calls:
        status = status_facts(call, now)
        items.append((call, status, f"{prefix}:{call.pk}:{status['code']}"))

    def render_missing(names) -> dict:
        wanted = set(names)
        missing = [item for item in items if item[2] in wanted]
        prefetch_related_objects([call for call, _s, _n in missing], _organisers_prefetch())
        rendered = {}
        for call, status, name in missing:
            html = render_to_string(
                CARD_TEMPLATE,
                {"call": call, "status": status, "url": call.get_url(request)},
            )
            head, _mark, tail = html.partition(TIME_LEFT_MARK)
            rendered[name] = (head, tail)
        return rendered

    parts = CALLS.get_many_or_set([name for _call, _status, name in items], render_missing)
    cards = []
    for _call, status, name in items:
        head, tail = parts[name]
        left = ""
        if status["time_left"]:
            left = format_html(' <span class="call-card__left">({})</span>', status["time_left"])
        cards.append(mark_safe(head + left + tail))  # noqa: S308 - rendered by templates
    return cards
