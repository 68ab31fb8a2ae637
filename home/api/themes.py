"""The themes' resource of the public API (`/api/v1/themes/`): the site's
controlled vocabulary, named in the language asked for, with the link to
each theme's page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from home.models import Theme

from .registry import API_RESOURCES, ApiResource


class ThemeOut(Schema):
    id: int
    slug: str
    name: str
    description: str = ""
    url: str
    lang: str


def theme_data(theme, context) -> dict:
    return {
        "id": theme.pk,
        "slug": theme.slug,
        "name": theme.display_name,
        "description": theme.display_description,
        "url": context.absolute(reverse("theme_detail", kwargs={"slug": theme.slug})),
        "lang": context.lang,
    }


def register() -> None:
    API_RESOURCES.register(
        ApiResource(
            "themes",
            _("Thèmes"),
            schema=ThemeOut,
            serialize=theme_data,
            description=_("Les thèmes du site, le vocabulaire commun à tous les contenus."),
            queryset=lambda scope: Theme.objects.order_by("name", "pk"),
            invalidated_by=["home.Theme"],
            order=80,
        )
    )
