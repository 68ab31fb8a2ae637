"""The abstract index page: the page of a section (the directory, the calls,
the networks, the conventions) that lists its children. Each section's
listing is a `ListingFilterSet` (home/listing.py) served from the index's
routes."""

from importlib import import_module

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.search import index
from wagtail_localize.fields import TranslatableField

from .mixins import BasePage


def view_route(pattern: str, view: str, *, name: str = "index_route"):
    """A route of a routable page served by `view`: the dotted path of a
    function called as `view(request, page, **route_arguments)`, imported on
    first use (an app's views import its models, which declare the routes).

        archive_route = view_route("archives/", "events.views.agenda_archive", name="archive")
    """
    module_name, function_name = view.rsplit(".", 1)

    def serve(self, request, *args, **kwargs):
        function = getattr(import_module(module_name), function_name)
        return function(request, self, *args, **kwargs)

    serve.__name__ = serve.__qualname__ = name
    return path(pattern, name=name)(serve)


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
