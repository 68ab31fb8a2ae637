"""Every French page exists in English (issue 14).

French is the source language. Each other language of `settings.LANGUAGES`
is « synchronised from » French with wagtail-localize's
`LocaleSynchronization`: every French page has a counterpart in that
language's tree, an *alias* that shows the French content (and follows each
French publication) until an editor translates the page, which turns the
alias into a real translation.

- `setup_locales()` (run by `manage.py setup_roles`, hence by `make db` and
  the tests' session set-up) creates the locales and the synchronisations
  and gives every French page that has none its alias: idempotent.
- wagtail-localize aliases a page created in the admin; the signal handlers
  below do the same for pages created in code (the seed, imports, partners'
  proposals) when they are first published, and make moves and deletions
  follow: a French page moved moves its counterparts under the counterparts
  of its new parent, a French page deleted takes its aliases with it (a real
  translation is the editors' content: it stays). Unpublishing needs nothing
  here: Wagtail unpublishes a page's aliases with it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.signals import pre_delete
from django.utils.translation import get_language
from wagtail.models import Locale, Page
from wagtail.signals import page_published, post_page_move
from wagtail_localize.models import LocaleSynchronization

SOURCE_LANGUAGE = settings.LANGUAGE_CODE


def target_languages() -> list[str]:
    """The languages synchronised from the source language."""
    return [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


def setup_locales() -> list[str]:
    """Create the locales and the synchronisations, then alias every source
    page missing from a synchronised tree. Idempotent; returns the codes of
    the synchronised languages."""
    source, _ = Locale.objects.get_or_create(language_code=SOURCE_LANGUAGE)
    codes = []
    for code in target_languages():
        locale, _ = Locale.objects.get_or_create(language_code=code)
        sync = LocaleSynchronization.objects.filter(locale=locale).first()
        if sync is None:
            # Saving it synchronises the tree (wagtail-localize's post_save).
            LocaleSynchronization.objects.create(locale=locale, sync_from=source)
        elif sync.sync_from_id != source.pk:
            sync.sync_from = source
            sync.save()
        synchronise(source, locale)
        codes.append(code)
    return codes


def missing_pages(source: Locale, target: Locale):
    """The source locale's pages that have no counterpart (translation or
    alias) in `target`, parents first."""
    present = Page.objects.filter(locale=target).values("translation_key")
    return (
        Page.objects.filter(locale=source, depth__gt=1)
        .exclude(translation_key__in=present)
        .order_by("path")
    )


def synchronise(source: Locale, target: Locale) -> int:
    """Alias into `target` every page of `source` it lacks; returns how many
    were created. One query when nothing is missing (wagtail-localize's own
    `synchronize_tree` reads every page of the site each time)."""
    created = 0
    for page in missing_pages(source, target).specific():
        # An earlier page's `copy_parents` may have created it meanwhile.
        if not Page.objects.filter(translation_key=page.translation_key, locale=target).exists():
            with transaction.atomic():
                page.copy_for_translation(target, copy_parents=True, alias=True)
            created += 1
    return created


def _synchronised_locales(locale_id: int) -> list[Locale]:
    return list(
        Locale.objects.filter(
            pk__in=LocaleSynchronization.objects.filter(sync_from_id=locale_id).values("locale_id")
        )
    )


def create_missing_aliases(page) -> None:
    """Aliases of `page`, parents included, in every locale synchronised from
    its own where it has no counterpart yet; then the same for each new alias
    (synchronisations can chain). Idempotent: the admin's « Publier » on a
    new page publishes it (`alias_on_publish`) before it runs the
    `after_create_page` hooks (`aliases_for_new_page`)."""
    for locale in _synchronised_locales(page.locale_id):
        if Page.objects.filter(translation_key=page.translation_key, locale=locale).exists():
            continue
        specific = page.specific if hasattr(page, "specific") else page
        create_missing_aliases(specific.copy_for_translation(locale, copy_parents=True, alias=True))


def alias_on_publish(sender, instance, **kwargs):
    """A source page published for the first time without counterparts (made
    in code, not in the admin) gets its aliases, parents included."""
    if kwargs.get("alias") or instance.alias_of_id:
        return
    create_missing_aliases(instance)


def aliases_for_new_page(request, page) -> None:
    """The `after_create_page` hook, in place of wagtail-localize's
    (`wagtail_localize.synctree.after_create_page`), which creates the
    aliases without looking: after a « Publier » they exist already and it
    failed (« Translation key et Région existe déjà », a 500 to the editor)."""
    create_missing_aliases(page)


def replace_localize_creation_hook() -> None:
    """Swap wagtail-localize's `after_create_page` hook for ours (Wagtail has
    no public way to unregister a hook)."""
    from wagtail import hooks
    from wagtail_localize import synctree

    registered = hooks._hooks.setdefault("after_create_page", [])
    registered[:] = [
        (fn, order) for fn, order in registered if fn is not synctree.after_create_page
    ]
    if (aliases_for_new_page, 0) not in registered:
        registered.append((aliases_for_new_page, 0))


def follow_move(sender, instance, parent_page_before, parent_page_after, **kwargs):
    """A source page moved to another parent: its counterparts that sat under
    the counterparts of the old parent move under those of the new one.
    (The admin's move view does the same afterwards and finds nothing left.)"""
    if parent_page_before.pk == parent_page_after.pk:
        return
    targets = _synchronised_locales(instance.locale_id)
    if not targets:
        return
    from wagtail.actions.move_page import MovePageAction

    counterparts = Page.objects.filter(
        translation_key=instance.translation_key, locale__in=targets
    ).select_related("locale")
    for counterpart in counterparts:
        old_parent = counterpart.get_parent()
        if old_parent.translation_key != parent_page_before.translation_key:
            continue  # an editor put it elsewhere in that tree: leave it there
        new_parent = parent_page_after.get_translation_or_none(counterpart.locale)
        if new_parent is None:
            new_parent = parent_page_after.specific.copy_for_translation(
                counterpart.locale, copy_parents=True, alias=True
            )
        MovePageAction(counterpart, new_parent, pos="last-child").execute(
            skip_permission_checks=True
        )


def delete_aliases(sender, instance, **kwargs):
    """A page deleted takes its aliases in the other languages with it (a
    page's subtree sends this for each of its pages; the aliases of the
    children go with the alias of their parent)."""
    if not isinstance(instance, Page) or not instance.pk:
        return
    for alias in Page.objects.filter(alias_of_id=instance.pk).exclude(locale_id=instance.locale_id):
        alias.delete()


def connect() -> None:
    page_published.connect(alias_on_publish, dispatch_uid="home.locales.alias_on_publish")
    post_page_move.connect(follow_move, dispatch_uid="home.locales.follow_move")
    pre_delete.connect(delete_aliases, sender=Page, dispatch_uid="home.locales.delete_aliases")


def localized_page(page):
    """`page.localized` (its live translation in the active language, or the
    page itself) from the page-tree cache: a link to a chosen page (a call
    to action) costs no query in any language."""
    if page is None or getattr(page, "pk", None) is None:
        return page
    from home.cache import PAGE_TREE

    language = (get_language() or SOURCE_LANGUAGE).split("-")[0]
    return PAGE_TREE.get_or_set(f"localized:{page.pk}:{language}", lambda: page.localized)


def relations_subject(page):
    """The page as other pages' relations name it.

    An organiser of a call, a participant in a meeting, a partner of a
    convention point at the French fiche, and keep pointing at it in the
    English copies of those pages (aliases copy their rows as they are). So
    what lists « the calls of this actor » on an English fiche looks in the
    English tree (`locale_id`, urls: the English page's) for rows naming the
    French fiche (`pk`: its source's). Used by the section registries
    (home/registry.py); no query for an alias, none for a translation whose
    source the page-tree cache knows (one the first time)."""
    if page is None or getattr(page, "pk", None) is None:
        return page
    source_pk = page.alias_of_id
    if source_pk is None:
        # A page served in French is its own source: no query on French pages.
        if (get_language() or SOURCE_LANGUAGE).split("-")[0] == SOURCE_LANGUAGE:
            return page
        from home.cache import PAGE_TREE

        source_pk = PAGE_TREE.get_or_set(
            f"source-page:{page.translation_key}",
            lambda: (
                Page.objects.filter(
                    translation_key=page.translation_key,
                    locale__language_code=SOURCE_LANGUAGE,
                )
                .values_list("pk", flat=True)
                .first()
            ),
        )
    if source_pk is None or source_pk == page.pk:
        return page
    from copy import copy

    stand_in = copy(page)
    stand_in.pk = source_pk  # the multi-table parent link and Page.id alike
    stand_in.id = source_pk
    return stand_in
