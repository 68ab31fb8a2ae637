"""Small page mixins, combined into `BasePage` which every page type extends."""

from django.conf import settings
from django.db import models
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

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["listing_per_page"] = settings.LISTING_PER_PAGE
        return context
