"""The events in the admin: a listing « Agenda » with filters by type,
status (what the organisers announce), time status (derived at the time of
the request, never stored) and région."""

import django_filters
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn, PageTitleColumn
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.admin.widgets import HeaderButton

from directory import geo
from home.admin_listing import PageTypeIndexView

from . import admin_views, vocab
from .models import EventPage


class EventPageFilterSet(PageFilterSet):
    event_type = django_filters.ChoiceFilter(
        label=_("Type d'événement"), choices=vocab.EventType.choices, empty_label=_("Tous")
    )
    event_status = django_filters.ChoiceFilter(
        label=_("Statut annoncé"),
        choices=vocab.Status.choices,
        empty_label=_("Tous"),
        field_name="status",
    )
    time_status = django_filters.ChoiceFilter(
        label=_("Quand"),
        choices=vocab.TimeStatus.choices,
        empty_label=_("Tous"),
        method="filter_time_status",
    )
    region = django_filters.ChoiceFilter(
        label=_("Région"), choices=geo.region_choices(), empty_label=_("Toutes")
    )

    class Meta:
        model = EventPage
        fields = []

    def filter_time_status(self, queryset, name, value):
        # A condition on `id` rather than on the annotation: combined with a
        # text query, the search backend accepts filters on indexed fields
        # only (`id` is one of Page's).
        matching = EventPage.objects.with_time_status(timezone.now()).filter(time_status=value)
        return queryset.filter(id__in=matching.values("pk"))


class EventIndexView(PageTypeIndexView):
    """Each row annotated with its time status at the time of the request:
    one SQL expression, no query per row."""

    def annotate_queryset(self, pages):
        return super().annotate_queryset(pages.with_time_status(timezone.now()))

    @cached_property
    def header_buttons(self):
        """« Importer des événements », for those who may add events."""
        buttons = list(super().header_buttons)
        if admin_views.import_agendas(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Importer des événements"),
                    url=reverse("events_import"),
                    icon_name="upload",
                )
            )
        return buttons


class EventPageListingViewSet(PageListingViewSet):
    model = EventPage
    index_view_class = EventIndexView
    icon = "calendar-alt"
    menu_label = _("Agenda")
    menu_order = 165
    add_to_admin_menu = True
    filterset_class = EventPageFilterSet
    columns = [
        BulkActionsColumn("bulk_actions"),
        PageTitleColumn("title", label=_("Titre"), sort_key="title", classname="title"),
        Column("event_type", label=_("Type"), accessor="type_label", sort_key="event_type"),
        DateColumn("starts_at", label=_("Première date"), sort_key="starts_at", width="14%"),
        Column("time_status", label=_("Quand"), accessor="time_status_label"),
        Column("event_status", label=_("Statut annoncé"), accessor="status_label"),
        PageStatusColumn("status", label=_("Publication"), sort_key="live", width="12%"),
    ]


event_listing_viewset = EventPageListingViewSet("events")


@hooks.register("register_admin_viewset")
def register_event_listing_viewset():
    return event_listing_viewset


# The announcements (« petites annonces ») and their relayed messages:
# events/announcement_admin.py.
@hooks.register("register_admin_viewset")
def register_announcement_viewsets():
    from .announcement_admin import announcement_listing_viewset, announcement_message_viewset

    return [announcement_listing_viewset, announcement_message_viewset]


@hooks.register("register_admin_urls")
def register_event_import_urls():
    return [path("agenda/import/", admin_views.EventImportView.as_view(), name="events_import")]
