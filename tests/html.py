"""Reading the rendered pages the way a visitor's browser shows them."""

import re
from html import unescape

_BREADCRUMB = re.compile(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', re.S)
_ITEM = re.compile(r'<li class="breadcrumb__item">(.*?)</li>', re.S)
_LINK = re.compile(r'<a(?: href="([^"]*)")?( aria-current="page")?>(.*?)</a>', re.S)


def breadcrumb(html: str) -> list[tuple[str, str | None]]:
    """The breadcrumb as (label, link) pairs; the current page's link is None."""
    nav = _BREADCRUMB.search(html)
    if nav is None:
        return []
    items = []
    for item in _ITEM.findall(nav.group(1)):
        link = _LINK.search(item)
        href, current, label = link.groups()
        items.append((unescape(label).strip(), None if current else unescape(href)))
    return items
