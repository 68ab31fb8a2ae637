"""The seed content mechanism shared by every app.

Each app that brings seed content has a `seed.py` module calling
`register_seed(name, loader, order)`. `manage.py load_seed_content` imports
those modules and runs the loaders in order. Loaders read data files kept in
the app (`<app>/seed_data/*.toml`) and use the helpers below, which create what
is missing, update what differs, and leave everything else untouched: running
the command twice creates no page, no revision and no theme the second time.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils.html import strip_tags
from wagtail import blocks
from wagtail.blocks import StreamValue
from wagtail.fields import RichTextField, StreamField
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


# --- Rich text as the editor saves it -----------------------------------------
#
# The admin's rich text editor (Draftail) stores its HTML with a block key on
# each paragraph, heading and list item (`data-block-key`), which revision
# comparisons, comments and translations rely on. HTML written by hand in a
# seed file has none, so the first time an editor saved a seeded page, every
# rich text field showed as changed in the revision comparison although nobody
# touched it. The seed therefore stores rich text exactly as the editor saves
# an untouched field: the editor widget's own round trip, HTML → content state
# → HTML, with the features of the field or block. Block keys are random, so
# comparisons with the seed data ignore them.

_BLOCK_KEY = re.compile(r'\sdata-block-key="[^"]*"')


def _as_editor_saves(form_field, html: str) -> str:
    """`html` as the admin saves a rich text `form_field` (a RichTextField's
    or a RichTextBlock's form field) that an editor opened and left untouched.
    Empty stays empty, as in the editor."""
    if not html:
        return html
    widget = form_field.widget
    try:
        saved = form_field.to_python(
            widget.value_from_datadict({"html": widget.format_value(html)}, {}, "html")
        )
    except AssertionError as error:  # the converter's check of unclosed tags (« <br> »)
        message = f"The editor cannot read this seed rich text ({error}): {html!r}"
        raise ValueError(message) from None
    lost = _tags_of(html) - _tags_of(saved)
    if lost or _text_of(saved) != _text_of(html):
        # The editor drops what the field's features do not allow (a heading
        # where only paragraphs and lists are enabled): fix the seed file
        # rather than lose part of it silently.
        raise ValueError(
            f"The editor would drop {sorted(lost) or 'text'} from this seed rich text: {html!r}"
        )
    return saved


# The editor writes <b> and <i> for these; <span> and <div> carry nothing it keeps.
_SAME_TAG = {"strong": "b", "em": "i", "span": None, "div": None}
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")


def _tags_of(html: str) -> set[str]:
    names = {_SAME_TAG.get(name.lower(), name.lower()) for name in _TAG.findall(html)}
    return names - {None}


def _text_of(html: str) -> str:
    """The characters a reader sees (white space between blocks varies)."""
    return "".join(unescape(strip_tags(html)).split())


def _blocks_as_editor_saves(block, raw):
    """The stored JSON `raw` of a StreamField `block` (stream, struct, list or
    field block) with each rich text block's HTML as the editor saves it."""
    if isinstance(block, blocks.RichTextBlock):
        return _as_editor_saves(block.field, raw) if isinstance(raw, str) else raw
    if isinstance(block, blocks.StreamBlock) and isinstance(raw, list):
        return [
            {
                **child,
                "value": _blocks_as_editor_saves(block.child_blocks[child["type"]], child["value"]),
            }
            if isinstance(child, dict) and child.get("type") in block.child_blocks
            else child
            for child in raw
        ]
    if isinstance(block, blocks.ListBlock) and isinstance(raw, list):
        return [
            {**item, "value": _blocks_as_editor_saves(block.child_block, item["value"])}
            if isinstance(item, dict) and item.get("type") == "item"
            else _blocks_as_editor_saves(block.child_block, item)
            for item in raw
        ]
    if isinstance(block, blocks.StructBlock) and isinstance(raw, dict):
        return {
            name: _blocks_as_editor_saves(block.child_blocks[name], value)
            if name in block.child_blocks
            else value
            for name, value in raw.items()
        }
    return raw


def _field_as_editor_saves(model: type[Page], name: str, value):
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if isinstance(field, RichTextField) and isinstance(value, str):
        return _as_editor_saves(field.formfield(), value)
    if isinstance(field, StreamField) and value is not None:
        stream = value if isinstance(value, StreamValue) else field.to_python(value)
        # Reading every block converts it, so that the stored JSON is the
        # editor's (list items as blocks with ids), not the seed's shorthand.
        list(stream)
        return _blocks_as_editor_saves(field.stream_block, field.get_prep_value(stream))
    return value


def as_editor_saves(model: type[Page], fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` (seed values of a `model` page) with every rich text, in a
    RichTextField or in a StreamField's rich text blocks, as the admin's editor
    saves it. `upsert_page` applies it; a loader that sets fields on a page
    itself (to update child rows with `--update`) applies it first."""
    return {name: _field_as_editor_saves(model, name, value) for name, value in fields.items()}


# --- Comparison with the seed data --------------------------------------------


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


def _strip_block_keys(value):
    """`value` (HTML, or StreamField JSON) without the editor's random block keys."""
    if isinstance(value, str):
        return _BLOCK_KEY.sub("", value)
    if isinstance(value, list):
        return [_strip_block_keys(item) for item in value]
    if isinstance(value, dict):
        return {key: _strip_block_keys(val) for key, val in value.items()}
    return value


def _field_value_for_compare(page: Page, name: str, value):
    """A field's value as it compares with seed data: StreamField JSON without
    block ids, rich text without the editor's block keys."""
    field = page._meta.get_field(name)
    if isinstance(field, StreamField):
        stream = value if isinstance(value, StreamValue) else field.to_python(value)
        return _strip_block_keys(_strip_ids(field.get_prep_value(stream)))
    if isinstance(field, RichTextField):
        return _strip_block_keys(value)
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
    fields = as_editor_saves(model, fields)
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
    An existing translation belongs to its editors, as in `upsert_page`.

    Where the page is still an alias of the source (the synchronised tree of
    home/locales.py gives every French page one), the alias becomes the
    translation, as when an editor translates it in the admin."""
    translation = source.get_translation_or_none(locale)
    created = translation is None or translation.alias_of_id is not None
    if translation is None:
        translation = source.copy_for_translation(locale)
    elif translation.alias_of_id is not None:
        # Marked changed, so that `upsert_page` publishes its first revision.
        translation.alias_of_id = None
        translation.has_unpublished_changes = True
        translation.save(update_fields=["alias_of_id", "has_unpublished_changes"], clean=False)
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
