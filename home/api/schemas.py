"""Schemas shared by the API's resources (the OpenAPI document's
components): the error body and the fields every page item has."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class ParamErrorOut(Schema):
    param: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ParamErrorOut] = []


class ThemeRef(Schema):
    slug: str
    name: str


class PageItemOut(Schema):
    """What every item that is a page shows: its id and slug, its title, its
    absolute URL on the site, its language, its themes and when it was last
    published."""

    id: int
    slug: str
    title: str
    url: str
    lang: str
    themes: list[ThemeRef] = []
    last_published_at: dt.datetime | None = None


def page_fields(page, context) -> dict:
    """The `PageItemOut` fields of `page` (its themes prefetched)."""
    return {
        "id": page.pk,
        "slug": page.slug,
        "title": page.title,
        "url": context.url(page),
        "lang": context.lang,
        "themes": [{"slug": theme.slug, "name": theme.display_name} for theme in page.themes.all()],
        "last_published_at": page.last_published_at,
    }


def territory(item) -> dict:
    """A région and a département (codes and names), as most items show them."""
    return {
        "region": {"code": item.region, "name": item.region_name} if item.region else None,
        "departement": (
            {"code": item.departement, "name": item.departement_name} if item.departement else None
        ),
    }


class Area(Schema):
    code: str
    name: str
