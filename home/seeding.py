"""The seed content mechanism shared by every app.

Each app that brings seed content has a `seed.py` module calling
`register_seed(name, loader, order)`. `manage.py load_seed_content` imports
those modules and runs the loaders in order. Loaders read data files kept in
the app (`<app>/seed_data/*.toml`) and use the helpers below, which create what
is missing, update what differs, and leave everything else untouched: running
the command twice creates no page, no revision and no theme the second time.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from wagtail.models import Locale, Page


@dataclass(frozen=True)
class SeedLoader:
    name: str
    loader: Callable[[SeedReport], None]
    order: int


@dataclass
class SeedReport:
    """Counts what a loader did. With `update=False` (the default) existing
    content is left as editors made it; `--update` brings it back to the data
    files, with a new revision for each changed page."""

    update: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def log(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


_registry: dict[str, SeedLoader] = {}


def register_seed(name: str, loader: Callable[[SeedReport], None], order: int = 100) -> None:
    _registry[name] = SeedLoader(name, loader, order)


def registered_loaders() -> list[SeedLoader]:
    return sorted(_registry.values(), key=lambda item: (item.order, item.name))


def load_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def get_locale(code: str) -> Locale:
    locale, _ = Locale.objects.get_or_create(language_code=code)
    return locale


# --- StreamField comparison ----------------------------------------------------


def _strip_ids(value):
    """StreamField JSON without block ids and with list items unwrapped, so a
    stored body and the same body built from seed data compare equal."""
    if isinstance(value, list):
        return [_strip_ids(item) for item in value]
    if isinstance(value, dict):
        if set(value) <= {"type", "value", "id"} and value.get("type") == "item":
            return _strip_ids(value.get("value"))
        return {key: _strip_ids(val) for key, val in value.items() if key != "id"}
    return value


def _field_value_for_compare(page: Page, name: str, value):
    field = page._meta.get_field(name)
    if hasattr(field, "stream_block"):
        stream = field.to_python(value) if not hasattr(value, "raw_data") else value
        return _strip_ids(field.get_prep_value(stream))
    return value


def _differs(page: Page, name: str, new_value) -> bool:
    current = getattr(page, name)
    return _field_value_for_compare(page, name, current) != _field_value_for_compare(
        page, name, new_value
    )


# --- Pages ---------------------------------------------------------------------


@transaction.atomic
def upsert_page(
    report: SeedReport,
    parent: Page,
    model: type[Page],
    slug: str,
    fields: dict[str, Any],
    themes: list[str] | None = None,
    force_update: bool = False,
) -> Page:
    """Create `model` under `parent` with `slug` if it is missing.

    An existing page belongs to its editors: it is only brought back to the
    seed data when the report asks for it (`--update`) or `force_update` is
    set. A change publishes a new revision, so the previous content stays in
    the history; an unchanged page is not touched at all.
    """
    existing = Page.objects.child_of(parent).filter(slug=slug).first()
    if existing is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        if themes is not None:
            page.themes.set(themes_by_slug(themes))
        page.save_revision().publish()
        report.log("created")
        return page

    page = existing.specific
    if not isinstance(page, model):
        raise TypeError(f"{page!r} at {page.url_path} is not a {model.__name__}")
    if not (report.update or force_update):
        report.log("unchanged")
        return page
    changed = [name for name, value in fields.items() if _differs(page, name, value)]
    theme_change = themes is not None and set(page.themes.values_list("slug", flat=True)) != set(
        themes
    )
    if changed or theme_change or not page.live or page.has_unpublished_changes:
        for name in changed:
            setattr(page, name, fields[name])
        if theme_change:
            page.themes.set(themes_by_slug(themes))
        page.save_revision().publish()
        report.log("updated")
    else:
        report.log("unchanged")
    return page


def upsert_object(report: SeedReport, model, lookup: dict[str, Any], values: dict[str, Any]):
    """Create a plain model row (a theme, a network, site settings) if it is
    missing; bring it back to `values` only with `--update`."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.log("created")
    elif report.update and any(getattr(obj, key) != value for key, value in values.items()):
        for key, value in values.items():
            setattr(obj, key, value)
        obj.save()
        report.log("updated")
    else:
        report.log("unchanged")
    return obj


def upsert_translation(
    report: SeedReport, source: Page, locale: Locale, fields: dict[str, Any]
) -> Page:
    """The translation of `source` in `locale`, made with copy_for_translation
    when missing and then filled with `fields` (which may include its slug).
    An existing translation belongs to its editors, as in `upsert_page`."""
    translation = source.get_translation_or_none(locale)
    created = translation is None
    if created:
        translation = source.copy_for_translation(locale)
    return upsert_page(
        report,
        translation.get_parent(),
        type(source.specific),
        translation.slug,
        fields,
        force_update=created,
    )


INDEX_FIELDS = ("title", "introduction", "show_in_menus")


def upsert_index_page(report: SeedReport, model: type[Page], data: dict[str, Any]) -> Page:
    """A section's index page (`model`, an `IndexPage`) under the default
    site's home page, from seed data with a "fr" and an "en" table (slug,
    title, introduction, show_in_menus); its English translation when the
    English home page exists. The French slug an editor chose is kept."""
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    existing = model.objects.child_of(home).first()
    slug = existing.slug if existing else data["fr"]["slug"]
    fields = {key: data["fr"][key] for key in INDEX_FIELDS if key in data["fr"]}
    index = upsert_page(report, home, model, slug, fields)
    english = data.get("en")
    if english and home.get_translation_or_none(get_locale("en")) is not None:
        fields = {key: english[key] for key in (*INDEX_FIELDS, "slug") if key in english}
        upsert_translation(report, index, get_locale("en"), fields)
    return index


def themes_by_slug(slugs: list[str]):
    from home.models import Theme

    found = list(Theme.objects.filter(slug__in=slugs))
    missing = set(slugs) - {theme.slug for theme in found}
    if missing:
        raise ValueError(f"Unknown theme slug(s) in seed data: {sorted(missing)}")
    return found
