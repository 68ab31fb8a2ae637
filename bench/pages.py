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
from django.db.models.functions import Cast
from wagtail.models import Page, Revision
from wagtail.search.backends import get_search_backend

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
