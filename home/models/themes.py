"""Themes: the site's one controlled vocabulary, shared by every content type.

A `Theme` is a taggit tag that editors cannot create on the fly
(`free_tagging = False`): they pick from the list managed in the admin
("Thèmes" snippets). Every page type tags through `PageTheme`, whose parental
key points at `wagtailcore.Page`, so a single query lists every actor, call or
minutes page of a theme.
"""

import unicodedata

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from taggit.models import ItemBase, TagBase

from ..admin_forms import BaseSnippetForm


class Theme(TagBase):
    free_tagging = False
    # The snippet form refuses control characters (home/admin_forms.py).
    base_form_class = BaseSnippetForm

    name_en = models.CharField(_("nom en anglais"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description en anglais"), blank=True)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["name"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (French is the reference)."""
        if (get_language() or "fr").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    @property
    def display_description(self) -> str:
        if (get_language() or "fr").startswith("en") and self.description_en:
            return self.description_en
        return self.description

    @property
    def sort_key(self) -> str:
        """The display name without accents or case, for alphabetical lists."""
        return "".join(
            ch
            for ch in unicodedata.normalize("NFKD", self.display_name.casefold())
            if not unicodedata.combining(ch)
        )

    def get_absolute_url(self) -> str:
        return reverse("theme_detail", kwargs={"slug": self.slug})


class PageTheme(ItemBase):
    tag = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="tagged_pages")
    content_object = ParentalKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="themed_items"
    )

    class Meta:
        verbose_name = _("thème d'une page")
        verbose_name_plural = _("thèmes des pages")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_page_theme")
        ]
