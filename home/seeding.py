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


def _string_segments(instance, field_names) -> dict[str, list]:
    """The translatable text segments of `instance` (wagtail-localize's own
    extraction: one per paragraph, list item, heading, field), by field."""
    from wagtail_localize.segments import StringSegmentValue
    from wagtail_localize.segments.extract import extract_segments

    by_field: dict[str, list] = {name: [] for name in field_names}
    for segment in extract_segments(instance):
        name = segment.path.split(".")[0]
        if isinstance(segment, StringSegmentValue) and name in by_field:
            by_field[name].append(segment)
    return by_field


def _paired_strings(source: Page, fields: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(segment path, French text) → English text, for the `fields` the seed
    translates. The English value of a field mirrors the French one (same
    blocks, paragraphs and list items in the same order), so the two
    extractions pair segment by segment; a seed file that does not mirror its
    French is refused rather than mistranslated."""
    from copy import copy

    english = copy(source)
    for name, value in fields.items():
        setattr(english, name, value)
    french_segments = _string_segments(source, fields)
    english_segments = _string_segments(english, fields)
    pairs = {}
    for name in fields:
        french, translated = french_segments[name], english_segments[name]
        if not french and not translated and fields[name]:
            raise ValueError(f"{type(source).__name__}.{name} has no text to translate.")
        if len(french) != len(translated):
            raise ValueError(
                f"The English {name!r} of {source.url_path} has {len(translated)} text "
                f"segment(s), the French {len(french)}: the seed must mirror the French."
            )
        for fr_segment, en_segment in zip(french, translated, strict=True):
            if fr_segment.path.count(".") != en_segment.path.count("."):
                raise ValueError(
                    f"The English {name!r} of {source.url_path} does not mirror the French "
                    f"block structure ({fr_segment.path} / {en_segment.path})."
                )
            pairs[(fr_segment.path, fr_segment.string.data)] = en_segment.string.data
    return pairs


# Tree and publishing bookkeeping in a TranslationSource's content: a French
# page gaining children or a revision has nothing new to translate.
_BOOKKEEPING = {
    "path",
    "depth",
    "numchild",
    "url_path",
    "live",
    "has_unpublished_changes",
    "latest_revision",
    "live_revision",
    "latest_revision_created_at",
    "first_published_at",
    "last_published_at",
    "locked",
    "locked_at",
    "locked_by",
}


def _content(content_json: str | None) -> dict | None:
    import json

    if content_json is None:
        return None
    return {k: v for k, v in json.loads(content_json).items() if k not in _BOOKKEEPING}


@transaction.atomic
def upsert_translation(
    report: SeedReport, source: Page, locale: Locale, fields: dict[str, Any]
) -> Page:
    """The `locale` translation of the published `source` page, made as an
    editor makes one with wagtail-localize's « Translate this page »: a
    `TranslationSource` of the French page, a `Translation` to `locale`, one
    `StringTranslation` per text segment given in `fields` (English values
    mirroring the French ones: title, slug, rich text, StreamField bodies), and
    the target page saved from them (`create_or_update_translation`), which
    turns the alias of the synchronised tree (home/locales.py) into the
    translation. Segments the seed does not translate show the French text
    and count as untranslated in the translation editor's status; the
    admin's « Sync translated pages » and PO export/import work on it.

    An existing translation belongs to its editors, as in `upsert_page`: it is
    brought back to the seed data only with `--update`, and then gets a new
    revision only when its French source or its English text changed.
    """
    from wagtail_localize.models import (
        StringSegment,
        StringTranslation,
        Translation,
        TranslationLog,
        TranslationSource,
    )

    # As stored: the TranslationSource compares its content with the next
    # run's, which reads the page from the database.
    source = Page.objects.get(pk=source.pk).specific
    model = type(source)
    for name in fields:
        model._meta.get_field(name)  # a typo in a seed file fails loudly
    target = source.get_translation_or_none(locale)
    is_alias = target is None or target.alias_of_id is not None
    if not is_alias and not report.update:
        report.log("unchanged")
        return target.specific

    fields = as_editor_saves(model, fields)
    previous = TranslationSource.objects.filter(
        object_id=source.translation_key, locale_id=source.locale_id
    ).first()
    previous_content = previous.content_json if previous else None
    translation_source, _ = TranslationSource.update_or_create_from_instance(source)
    changed = is_alias or _content(previous_content) != _content(translation_source.content_json)
    translation, created = Translation.objects.get_or_create(
        source=translation_source, target_locale=locale, defaults={"enabled": True}
    )
    changed = changed or created

    english = _paired_strings(source, fields)
    segments = StringSegment.objects.filter(source=translation_source).select_related(
        "string", "context"
    )
    for segment in segments:
        text = english.get((segment.context.path, segment.string.data))
        if text is None:
            continue
        existing = StringTranslation.objects.filter(
            translation_of=segment.string, locale=locale, context=segment.context
        ).first()
        if existing is None:
            StringTranslation.objects.create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                data=text,
                translation_type=StringTranslation.TRANSLATION_TYPE_MANUAL,
            )
            changed = True
        elif existing.data != text:
            existing.data = text
            existing.translation_type = StringTranslation.TRANSLATION_TYPE_MANUAL
            existing.save(update_fields=["data", "translation_type"])
            changed = True

    if not changed and target is not None:
        # Edited in the admin since the last save from its strings (the
        # translation log names the revision wagtail-localize made)?
        last_sync = (
            TranslationLog.objects.filter(source=translation_source, locale=locale)
            .order_by("-created_at", "-pk")
            .first()
        )
        target = target.specific
        edited = last_sync is None or last_sync.revision_id != target.latest_revision_id
        if not edited and target.live and not target.has_unpublished_changes:
            report.log("unchanged")
            return target

    # publish=False then publish here: wagtail-localize publishes on commit,
    # which never comes inside a test's transaction.
    translation_source.create_or_update_translation(
        locale, publish=False, copy_parent_pages=True, fallback=True
    )
    page = source.get_translation(locale).specific
    page.get_latest_revision().publish()
    report.log("created" if is_alias else "updated")
    return page


ENGLISH = "en"


def upsert_english(
    report: SeedReport,
    source: Page,
    english: dict[str, Any] | None,
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Page | None:
    """The English translation of the seeded French page `source`, from the
    item's `[en]` table in the same seed file (English values of the
    translatable fields, mirroring the French ones; `prepare` turns them into
    field values as the app's loader does for the French). The one way every
    app's loader ships English content; nothing when the item has no `[en]`."""
    if not english:
        return None
    fields = dict(english)
    if prepare is not None:
        fields = prepare(fields)
    return upsert_translation(report, source, get_locale(ENGLISH), fields)


INDEX_FIELDS = ("title", "introduction", "show_in_menus")


def upsert_index_page(report: SeedReport, model: type[Page], data: dict[str, Any]) -> Page:
    """A section's index page (`model`, an `IndexPage`) under the default
    site's home page, from seed data with a "fr" and an "en" table (slug,
    title, introduction, show_in_menus), and its English translation. The
    French slug an editor chose is kept."""
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    existing = model.objects.child_of(home).first()
    slug = existing.slug if existing else data["fr"]["slug"]
    fields = {key: data["fr"][key] for key in INDEX_FIELDS if key in data["fr"]}
    index = upsert_page(report, home, model, slug, fields)
    english = data.get("en")
    if english:
        upsert_english(
            report,
            index,
            {key: english[key] for key in ("title", "introduction", "slug") if key in english},
        )
    return index


def themes_by_slug(slugs: list[str]):
    from home.models import Theme

    found = list(Theme.objects.filter(slug__in=slugs))
    missing = set(slugs) - {theme.slug for theme in found}
    if missing:
        raise ValueError(f"Unknown theme slug(s) in seed data: {sorted(missing)}")
    return found
