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


# --- Listings (templates/includes/listing/) -------------------------------------


def soup(html):
    """The page parsed by BeautifulSoup (a response or its text)."""
    from bs4 import BeautifulSoup

    if hasattr(html, "content"):
        html = html.content.decode()
    return BeautifulSoup(html, "html.parser")


def _text(node) -> str:
    return " ".join(node.get_text(" ").split())


def notices(html) -> list[str]:
    """The listing's notices (rejected values, missing page), as read."""
    return [_text(li) for li in soup(html).select(".listing-notices li")]


def chips(html) -> list[str]:
    """The active filters, as « label : value » texts (without the remove link)."""
    return [_text(chip.select_one(".chip__text")) for chip in soup(html).select(".chips .chip")]


def facets(html) -> dict[str, dict[str, int]]:
    """Each facet's title → {label: count} (nested items included)."""
    found = {}
    for title in soup(html).select(".facets__title"):
        items = {}
        listing = title.find_next_sibling("ul")
        for item in listing.select(".facets__item") if listing else []:
            link = item.select_one(".facets__link")
            count = item.select_one(".facets__count")
            digits = re.sub(r"\D", "", count.get_text()) if count else ""
            items[_text(link)] = int(digits) if digits else 0
        found[_text(title)] = items
    return found


def texts(html, selector: str) -> list[str]:
    """The text of every element matching a CSS selector (card titles...)."""
    return [_text(node) for node in soup(html).select(selector)]


def links(html, selector: str) -> list[str]:
    """The address of every link matching a CSS selector (cards' links...)."""
    return [node["href"] for node in soup(html).select(selector)]
