"""The abstract index page: the page of a section (the directory, the calls,
the networks, the conventions) that lists its children. Each section's
listing is a `ListingFilterSet` (home/listing.py) served from the index's
routes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.search import index
from wagtail_localize.fields import TranslatableField

from .mixins import BasePage


class IndexPage(RoutablePageMixin, BasePage):
    introduction = models.TextField(_("introduction"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("introduction")]
    search_fields = BasePage.search_fields + [index.SearchField("introduction")]
    translatable_fields = BasePage.translatable_fields + [TranslatableField("introduction")]

    parent_page_types = ["home.HomePage"]
    max_count_per_parent = 1

    class Meta:
        abstract = True

    def get_summary_text(self) -> str:
        return self.introduction
