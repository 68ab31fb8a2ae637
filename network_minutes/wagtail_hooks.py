"""The minutes in the admin: a listing of every minutes page, filtered by
network and year, beside the page tree."""

import django_filters
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn, PageTitleColumn
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet

from home.admin_listing import PageTypeIndexView

from .models import MeetingMinutesPage, NetworkPage


def network_choices():
    return [
        (str(page.pk), f"{page.title} ({page.locale.language_code})")
        for page in NetworkPage.objects.select_related("locale").order_by("title", "locale_id")
    ]


def year_choices():
    years = (
        MeetingMinutesPage.objects.annotate(y=ExtractYear("date"))
        .order_by("-y")
        .values_list("y", flat=True)
        .distinct()
    )
    return [(str(year), str(year)) for year in years if year]


class MinutesAdminFilterSet(PageFilterSet):
    network = django_filters.ChoiceFilter(
        label=_("Réseau"), choices=network_choices, empty_label=_("Tous"), method="filter_network"
    )
    year = django_filters.ChoiceFilter(
        label=_("Année"), choices=year_choices, empty_label=_("Toutes"), field_name="date__year"
    )
    meeting_format = django_filters.ChoiceFilter(
        label=_("Format"), choices=MeetingMinutesPage.FORMAT_CHOICES, empty_label=_("Tous")
    )

    class Meta:
        model = MeetingMinutesPage
        fields = []

    def filter_network(self, queryset, name, value):
        network = NetworkPage.objects.filter(pk=value).first()
        if network is None:
            return queryset.none()
        return queryset.descendant_of(network)


class MinutesListingViewSet(PageListingViewSet):
    index_view_class = PageTypeIndexView
    model = MeetingMinutesPage
    icon = "doc-full-inverse"
    menu_label = _("Comptes rendus")
    menu_order = 160
    add_to_admin_menu = True
    filterset_class = MinutesAdminFilterSet
    columns = [
        BulkActionsColumn("bulk_actions"),
        PageTitleColumn("title", label=_("Titre"), sort_key="title", classname="title"),
        DateColumn("date", label=_("Date de la réunion"), sort_key="date", width="14%"),
        Column("meeting_format", label=_("Format"), accessor="format_label", width="14%"),
        DateColumn(
            "latest_revision_created_at",
            label=_("Mise à jour"),
            sort_key="latest_revision_created_at",
            width="12%",
        ),
        PageStatusColumn("status", label=_("Statut"), sort_key="live", width="12%"),
    ]


minutes_listing_viewset = MinutesListingViewSet("network_minutes")


@hooks.register("register_admin_viewset")
def register_minutes_listing_viewset():
    return minutes_listing_viewset
