"""Bulk creation of live pages for benchmarks, for any page model.

`parent.add_child(instance=page)` + `save_revision().publish()` costs about
100 queries per page (5 minutes for 10,000 pages). This writes the rows in
bulk: treebeard paths computed here, one INSERT per table and chunk, one
revision per page, themes, then the search index with `add_bulk`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, F, OuterRef, Subquery
from django.db.models.functions import Cast, Substr
from wagtail.models import Page, Revision
from wagtail.search.backends import get_search_backend

from bench.registry import register_generator, register_urls
from home.models import PageTheme

CHUNK = 500


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def child_paths(parent: Page, n: int) -> list[str]:
    """Treebeard paths for `n` new last children of `parent`."""
    parent.refresh_from_db()
    last = parent.get_last_child()
    first = Page._str2int(last.path[-Page.steplen :]) + 1 if last else 1
    return [Page._get_path(parent.path, parent.depth + 1, first + i) for i in range(n)]


def bulk_insert_pages(
    model: type[Page],
    pages: list[Page],
    rng: random.Random,
    theme_ids: list[int] | None = None,
    after_insert: Callable[[list[Page]], None] | None = None,
) -> list[Page]:
    """Insert fully built, live `pages` (path, depth, url_path set) of `model`.

    `after_insert(chunk)` runs once the chunk's rows exist (for child rows
    such as contacts)."""
    page_ct = ContentType.objects.get_for_model(Page)
    model_ct = ContentType.objects.get_for_model(model)
    page_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    own_fields = model._meta.local_concrete_fields
    theme_ids = theme_ids or []
    for chunk in chunks(pages, CHUNK):
        for page in chunk:
            page.content_type_id = model_ct.pk
        contents = [p.serializable_data() for p in chunk]
        bases = Page.objects.bulk_create(
            Page(**{f.attname: getattr(p, f.attname) for f in page_fields}) for p in chunk
        )
        for page, base in zip(chunk, bases, strict=True):
            page.id = page.page_ptr_id = base.pk
        # Multi-table inheritance: bulk_create() refuses page subclasses, so
        # insert the child rows the way Model.save_base(raw=True) does.
        for batch in chunks(chunk, 200):
            model._base_manager._insert(batch, fields=own_fields, raw=True)
        if after_insert:
            after_insert(chunk)

        page_themes, revisions = [], []
        for page, content in zip(chunk, contents, strict=True):
            chosen = rng.sample(theme_ids, k=rng.choice((0, 1, 1, 2))) if theme_ids else []
            page_themes += [PageTheme(tag_id=t, content_object_id=page.pk) for t in chosen]
            content.update(
                pk=page.pk,
                themed_items=[{"pk": None, "tag": t, "content_object": page.pk} for t in chosen],
            )
            revisions.append(
                Revision(
                    content_type_id=model_ct.pk,
                    base_content_type_id=page_ct.pk,
                    object_id=str(page.pk),
                    created_at=page.last_published_at,
                    object_str=page.title,
                    content=content,
                )
            )
        PageTheme.objects.bulk_create(page_themes)
        Revision.objects.bulk_create(revisions)
        revision = Revision.objects.filter(
            base_content_type_id=page_ct.pk, object_id=Cast(OuterRef("pk"), CharField())
        ).values("pk")[:1]
        Page.objects.filter(pk__in=[p.pk for p in chunk]).update(
            latest_revision_id=Subquery(revision), live_revision_id=Subquery(revision)
        )

    backend = get_search_backend()
    for chunk in chunks(pages, CHUNK):
        backend.add_bulk(model, chunk)
    return pages


def add_children_count(parent: Page, n: int) -> None:
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + n)


# --- The English tree (issue 14) -------------------------------------------------
#
# On the site every French page has an English counterpart, an alias until it
# is translated (home/locales.py). Generators insert French pages in bulk,
# past the signals that alias them, and aliasing 10,000 fiches one by one
# with copy_for_translation takes many minutes: the pages of a large family
# (a section's fiches) are aliased here in bulk, the few others as the site
# does it.

BULK_ALIAS_MIN = 100


def bulk_alias(parent_fr: Page, locale, rng: random.Random) -> int:
    """Alias into `locale`, in bulk, the children of `parent_fr` that have no
    counterpart there, under the counterpart of `parent_fr`."""
    from home.locales import missing_pages

    parent = parent_fr.get_translation_or_none(locale)
    if parent is None:
        parent = parent_fr.specific.copy_for_translation(locale, copy_parents=True, alias=True)
    sources = list(
        missing_pages(parent_fr.locale, locale)
        .filter(path__startswith=parent_fr.path, depth=parent_fr.depth + 1)
        .specific()
    )
    by_model: dict[type[Page], list[Page]] = {}
    for source in sources:
        by_model.setdefault(type(source), []).append(source)
    for model, items in by_model.items():
        paths = child_paths(parent, len(items))
        fields = [
            f
            for f in model._meta.concrete_fields
            if not f.primary_key and f.attname not in ("id", "page_ptr_id")
        ]
        aliases = []
        for source, path in zip(items, paths, strict=True):
            alias = model(**{f.attname: getattr(source, f.attname) for f in fields})
            alias.path, alias.depth, alias.numchild = path, parent.depth + 1, 0
            alias.url_path = f"{parent.url_path}{source.slug}/"
            alias.locale_id, alias.alias_of_id = locale.pk, source.pk
            alias.latest_revision_id = alias.live_revision_id = None
            aliases.append(alias)
        bulk_insert_pages(model, aliases, rng)
        add_children_count(parent, len(aliases))
    return len(sources)


def generate_english(n: int, rng: random.Random) -> int:
    """The English tree of everything generated so far: large families in
    bulk, the rest and the synchronisation by `home.locales.setup_locales`."""
    from django.db.models import Count
    from wagtail.models import Locale

    from home.locales import SOURCE_LANGUAGE, missing_pages, setup_locales, target_languages

    source = Locale.objects.get_or_create(language_code=SOURCE_LANGUAGE)[0]
    created = 0
    for code in target_languages():
        locale = Locale.objects.get_or_create(language_code=code)[0]
        missing = missing_pages(source, locale).filter(depth__gt=2).order_by()
        families = (
            missing.values("depth", parent_path=Substr("path", 1, (F("depth") - 1) * Page.steplen))
            .annotate(n=Count("pk"))
            .filter(n__gte=BULK_ALIAS_MIN)
        )
        for family in families:
            parent_fr = Page.objects.get(path=family["parent_path"])
            created += bulk_alias(parent_fr, locale, rng)
    setup_locales()
    return created


def english_urls() -> list[tuple[str, str]]:
    """The English directory beside the French one (same run, same data)."""
    from wagtail.models import Locale

    urls = []
    try:
        from directory.models import DirectoryIndexPage
    except ImportError:  # pragma: no cover - the directory app is always there
        return urls
    index = DirectoryIndexPage.objects.filter(locale__language_code="en").first()
    if index is not None and Locale.objects.filter(language_code="en").exists():
        base = index.url
        urls += [
            ("directory index (en)", base),
            ("directory, région + theme (en)", f"{base}?region=44&theme=economie-circulaire"),
            ("search 'economy' (en)", "/en/search/?q=economy"),
        ]
    return urls


register_generator("english", generate_english, depends_on=["actors"])
register_urls(english_urls)
