from django import template
from django.urls import NoReverseMatch, reverse

from home.registry import ALERT_SOURCES

register = template.Library()


@register.simple_tag
def alert_subscribe_url(filters) -> str:
    """The « Recevoir une alerte » link of a listing: its source, its scope
    page and its valid filters (no sort, no page); "" when the listing
    cannot be followed."""
    source = ALERT_SOURCES.for_filterset(type(filters)) if filters is not None else None
    scope = getattr(filters, "scope", None)
    if source is None or scope is None:
        return ""
    try:
        url = reverse("alerts:subscribe", args=[source.key, scope.pk])
    except NoReverseMatch:
        return ""
    query = filters.querystring(sort=None, page=None)
    return f"{url}?{query}" if query else url
