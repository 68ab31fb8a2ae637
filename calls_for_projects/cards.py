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

A listing may pass `CallRow`s instead of pages (`call_rows`: a kept page of
its selection, plain values): the pages are then loaded only for the cards
missing from the cache.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from home.http import site_key

from . import status as st
from .models import CALLS, CallForProjectsPage, CallOrganiser

CARD_TEMPLATE = "calls_for_projects/_call_card_static.html"
# Where the time left goes in a card's cached HTML.
TIME_LEFT_MARK = "<!--time-left-->"


# What a listing keeps of each call of a page (`call_rows`), in this order.
ROW_FIELDS = (
    "pk",
    "status_now",
    "opens_on",
    "deadline",
    "is_rolling",
    "discontinued",
    "has_results",
    "edition_year",
    "last_published_at",
)


@dataclass(frozen=True)
class CallRow:
    """A call of a listing's page as plain values: its key, its status at
    the listing's instant (the SQL value) and the dates it derives from (its
    time left, the page's cache lifetime)."""

    pk: int
    status_now: str
    dates: st.CallDates

    @property
    def deadline(self):
        return self.dates.deadline

    def status_at(self, now) -> str:
        return st.derive_status(self.dates, now)


def read_rows(queryset) -> list[tuple]:
    """The rows of `queryset` (annotated `with_status`) a listing keeps:
    tuples of `ROW_FIELDS`, picklable whatever becomes of `CallRow`."""
    return list(queryset.values_list(*ROW_FIELDS))


def call_rows(rows) -> list[CallRow]:
    return [
        CallRow(
            pk,
            status,
            st.CallDates(
                opens_on=opens_on,
                deadline=deadline,
                is_rolling=is_rolling,
                discontinued=discontinued,
                has_results=has_results,
                edition_year=edition_year,
                last_published=last_published,
            ),
        )
        for (
            pk,
            status,
            opens_on,
            deadline,
            is_rolling,
            discontinued,
            has_results,
            edition_year,
            last_published,
        ) in rows
    ]


def status_facts(call, now) -> dict:
    """The status of `call` (a page or a `CallRow`) at `now`: {code, label,
    prefix, time_left, undated}. The listing's SQL value when the row
    carries it (same rule, same instant)."""
    code = getattr(call, "status_now", None) or call.status_at(now)
    return {
        "code": code,
        "label": st.Status(code).label,
        "prefix": _("Statut :"),
        "time_left": st.time_left(call.deadline, now) if code in st.CURRENT else "",
        "undated": code in st.UNDATED,
    }


def _organisers_prefetch():
    return Prefetch("organisers", queryset=CallOrganiser.objects.select_related("actor"))


def _pages(calls) -> dict:
    """{pk: page} of `calls` (pages, or `CallRow`s whose pages are loaded in
    one query), with their organisers (one query)."""
    pages = [call for call in calls if isinstance(call, CallForProjectsPage)]
    keys = [call.pk for call in calls if not isinstance(call, CallForProjectsPage)]
    if keys:
        pages += CallForProjectsPage.objects.filter(pk__in=keys).defer_streamfields()
    prefetch_related_objects(pages, _organisers_prefetch())
    return {page.pk: page for page in pages}


def render_cards(calls, now, request=None) -> list[SafeString]:
    """The HTML of each call's card at `now`, in the order of `calls`
    (pages or `CallRow`s)."""
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
        pages = _pages([call for call, _s, _n in missing])
        rendered = {}
        for call, status, name in missing:
            page = pages[call.pk]
            html = render_to_string(
                CARD_TEMPLATE,
                {"call": page, "status": status, "url": page.get_url(request)},
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
