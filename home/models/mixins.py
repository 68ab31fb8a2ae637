"""Small page mixins, combined into `BasePage` which every page type extends."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail_localize.fields import SynchronizedField, TranslatableField

from ..admin_forms import BasePageForm
from .themes import PageTheme


class SeoMixin(models.Model):
    """SEO and social sharing: Wagtail's own seo_title/search_description plus
    an image for social networks (Open Graph)."""

    social_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image de partage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Affichée lors du partage sur les réseaux sociaux (1200 × 630 px idéalement)."),
    )

    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel("slug"),
                FieldPanel("seo_title"),
                FieldPanel("search_description"),
                FieldPanel("social_image"),
            ],
            _("Référencement et partage"),
        ),
        FieldPanel("show_in_menus"),
    ]

    class Meta:
        abstract = True

    def get_meta_title(self) -> str:
        return self.seo_title or self.title

    def get_meta_description(self) -> str:
        """The editor's description, else the start of the page's summary text."""
        if self.search_description:
            return self.search_description
        text = strip_tags(str(self.get_summary_text() or ""))
        return Truncator(" ".join(text.split())).chars(160)

    def get_summary_text(self) -> str:
        return getattr(self, "introduction", "") or ""


class ThemesMixin(models.Model):
    themes = ClusterTaggableManager(
        through=PageTheme,
        blank=True,
        verbose_name=_("thèmes"),
        help_text=_("Choisissez dans la liste des thèmes du site."),
    )

    class Meta:
        abstract = True


def _alias_sources(page_ids: set[int]) -> set[int]:
    """The pages that `page_ids` (aliases) show, following aliases of aliases."""
    sources, pending = set(), set(page_ids)
    for _step in range(10):  # Wagtail never chains aliases that deep
        if not pending:
            break
        rows = Page.objects.filter(pk__in=pending).values_list("pk", "alias_of_id")
        pending = set()
        for pk, alias_of_id in rows:
            if alias_of_id and alias_of_id not in sources:
                pending.add(alias_of_id)
            else:
                sources.add(pk)
    return sources


class BasePage(SeoMixin, ThemesMixin, Page):
    """Base for every page type of the site."""

    promote_panels = SeoMixin.promote_panels + [FieldPanel("themes")]
    # Control characters and implausible dates refused in every field.
    base_form_class = BasePageForm

    # Declared explicitly for wagtail-localize: text is translated, structure
    # (themes, images) is synchronised from the source page.
    translatable_fields = [
        TranslatableField("title"),
        TranslatableField("slug"),
        TranslatableField("seo_title"),
        TranslatableField("search_description"),
        SynchronizedField("social_image"),
        SynchronizedField("themes"),
    ]

    class Meta:
        abstract = True

    @property
    def is_searchable(self) -> bool:
        return True

    def get_view_restrictions(self):
        """Wagtail's rule — the restrictions of this page and its ancestors,
        an alias taking those of its source page — and those of their other
        language versions, with the ids of the restrictions kept per page
        until a page or a restriction changes: a public page (nearly all of
        them) costs no query here, instead of two (its ancestors, then their
        restrictions). An alias's source pages come from the page-tree
        cache, aliases of aliases resolved to the end (issue 14).

        Language versions: wagtail-localize copies a page's privacy to its
        translations only when an editor syncs them, so the English version
        of a section made private in French would stay public until then. A
        page (or ancestor) without a restriction of its own takes those of
        its translations; one with its own (a synced copy) keeps only its
        own, so that a visitor is asked for one password, not two."""
        from wagtail.models import PageViewRestriction

        from home.cache import VIEW_RESTRICTIONS

        ids = VIEW_RESTRICTIONS.get_or_set(f"page:{self.pk}", self._view_restriction_ids)
        if not ids:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(pk__in=ids)

    def _view_restriction_ids(self) -> list[int]:
        from wagtail.models import PageViewRestriction

        from home.cache import PAGE_TREE

        chain = [self, *self.get_ancestors().only("alias_of", "translation_key")]
        page_ids, alias_sources = set(), set()
        for page in chain:
            if page.alias_of_id:
                alias_sources.add(page.alias_of_id)
            else:
                page_ids.add(page.pk)
        if alias_sources:
            key = "alias-sources:" + ",".join(map(str, sorted(alias_sources)))
            page_ids |= PAGE_TREE.get_or_set(key, lambda: _alias_sources(alias_sources))
        keys = {page.translation_key for page in chain}
        rows = PageViewRestriction.objects.filter(
            Q(page_id__in=page_ids) | Q(page__translation_key__in=keys)
        ).values_list("pk", "page_id", "page__translation_key")
        own = {pk for pk, page_id, _key in rows if page_id in page_ids}
        # A chain page's own restrictions (or its alias source's) stand for
        # its language versions' (a synced copy of the same); without any,
        # its translations' apply.
        covered = {key for pk, page_id, key in rows if page_id in page_ids}
        versions = {pk for pk, _page_id, key in rows if key in keys and key not in covered}
        return sorted(own | versions)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["listing_per_page"] = settings.LISTING_PER_PAGE
        return context
