"""The calls in the admin: a listing « Appels à projets » with filters by
type, status (derived at the time of the request) and région."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn, PageTitleColumn
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet

from directory import geo
from home.admin_listing import PageTypeIndexView

from . import status as st
from . import vocab
from .models import CallForProjectsPage


class CallPageFilterSet(PageFilterSet):
    call_type = django_filters.ChoiceFilter(
        label=_("Type d'appel"), choices=vocab.CallType.choices, empty_label=_("Tous")
    )
    call_status = django_filters.ChoiceFilter(
        label=_("Statut de l'appel"),
        choices=st.Status.choices,
        empty_label=_("Tous"),
        method="filter_call_status",
    )
    region = django_filters.ChoiceFilter(
        label=_("Région"), choices=geo.region_choices(), empty_label=_("Toutes")
    )

    class Meta:
        model = CallForProjectsPage
        fields = []

    def filter_call_status(self, queryset, name, value):
        return queryset.in_status([value], timezone.now())


class CallPageListingViewSet(PageListingViewSet):
    index_view_class = PageTypeIndexView
    model = CallForProjectsPage
    icon = "date"
    menu_label = _("Appels à projets")
    menu_order = 160
    add_to_admin_menu = True
    filterset_class = CallPageFilterSet
    columns = [
        BulkActionsColumn("bulk_actions"),
        PageTitleColumn("title", label=_("Titre"), sort_key="title", classname="title"),
        Column("call_type", label=_("Type"), accessor="type_short_label", sort_key="call_type"),
        Column("call_status", label=_("Statut de l'appel"), accessor="status_label"),
        DateColumn("deadline", label=_("Date limite"), sort_key="deadline", width="14%"),
        Column("region", label=_("Région"), accessor="region_name", sort_key="region"),
        PageStatusColumn("status", label=_("Publication"), sort_key="live", width="12%"),
    ]


call_listing_viewset = CallPageListingViewSet("calls_for_projects")


@hooks.register("register_admin_viewset")
def register_call_listing_viewset():
    return call_listing_viewset
