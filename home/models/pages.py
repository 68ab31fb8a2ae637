from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index
from wagtail_localize.fields import TranslatableField

from home.blocks import body_blocks
from home.fields import LeanStreamField

from .mixins import BasePage


class HomePage(BasePage):
    """The root of each locale's tree (one French, one English)."""

    introduction = models.TextField(_("introduction"), blank=True)
    body = LeanStreamField(body_blocks(), blank=True, verbose_name=_("contenu"))

    content_panels = BasePage.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("body"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]
    translatable_fields = BasePage.translatable_fields + [
        TranslatableField("introduction"),
        TranslatableField("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    # Content apps add their index pages here as they arrive.
    subpage_types = [
        "home.StandardPage",
        "directory.DirectoryIndexPage",
        "calls_for_projects.CallsIndexPage",
        "network_minutes.NetworksIndexPage",
        "conventions.ConventionIndexPage",
        "events.AgendaIndexPage",
        "events.AnnouncementIndexPage",
    ]
    max_count_per_parent = 1

    template = "home/home_page.html"

    class Meta:
        verbose_name = _("page d'accueil")
        verbose_name_plural = _("pages d'accueil")

    @property
    def localized(self):
        """This home page in the active language, as Wagtail's `localized`
        finds it (the live translation, or itself), from the page-tree cache:
        Wagtail routes every request from the site's root page `.localized`
        (home/routing.py), so no request pays for finding the English home
        page (issue 14: the English pages cost no more queries than the
        French ones)."""
        from home.cache import PAGE_TREE

        language = translation.get_language() or settings.LANGUAGE_CODE
        return PAGE_TREE.get_or_set(
            f"localized-home:{self.pk}:{language}",
            lambda: super(HomePage, self).localized.specific,
        )

    def get_context(self, request, *args, **kwargs):
        from home.registry import HOME_SECTIONS, section_context

        context = super().get_context(request, *args, **kwargs)
        # What the content apps show on the home page (home/registry.py).
        context.update(section_context(HOME_SECTIONS, self, request, name="sections"))
        return context


class StandardPage(BasePage):
    """A free page: presentation of an approach, legal notice, accessibility statement..."""

    introduction = models.TextField(_("introduction"), blank=True)
    body = LeanStreamField(body_blocks(), blank=True, verbose_name=_("contenu"))

    content_panels = BasePage.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("body"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("introduction", boost=2),
        index.SearchField("body"),
        index.AutocompleteField("title"),
    ]
    translatable_fields = BasePage.translatable_fields + [
        TranslatableField("introduction"),
        TranslatableField("body"),
    ]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    template = "home/standard_page.html"

    class Meta:
        verbose_name = _("page standard")
        verbose_name_plural = _("pages standard")
