"""The conventions in the admin: a « Conventions » listing with filters by
status (derived from the dates, computed for today) and by authority."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn, PageTitleColumn
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet

from directory.models import ActorPage
from home.admin_listing import PageTypeIndexView

from . import status as lifecycle
from .models import ConventionPage


def authorities(request):
    """The fiches that are the authority of at least one convention."""
    return ActorPage.objects.filter(
        pk__in=ConventionPage.objects.filter(authority__isnull=False).values("authority_id")
    ).order_by("sort_title")


class ConventionPageFilterSet(PageFilterSet):
    convention_status = django_filters.ChoiceFilter(
        label=_("Statut de la convention"),
        choices=lifecycle.Status.choices,
        empty_label=_("Tous"),
        method="filter_status",
    )
    authority = django_filters.ModelChoiceFilter(
        label=_("Collectivité"), queryset=authorities, empty_label=_("Toutes")
    )

    class Meta:
        model = ConventionPage
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value, lifecycle.paris_today())


class ConventionIndexView(PageTypeIndexView):
    def get_base_queryset(self):
        # The authority column without a query per row.
        return super().get_base_queryset().select_related("authority")


class ConventionPageListingViewSet(PageListingViewSet):
    model = ConventionPage
    index_view_class = ConventionIndexView
    icon = "doc-full"
    menu_label = _("Conventions")
    menu_order = 170
    add_to_admin_menu = True
    filterset_class = ConventionPageFilterSet
    columns = [
        BulkActionsColumn("bulk_actions"),
        PageTitleColumn("title", label=_("Titre"), sort_key="title", classname="title"),
        Column("authority", label=_("Collectivité"), accessor="authority"),
        Column("decision_date", label=_("Séance"), sort_key="decision_date", width="12%"),
        Column("convention_status", label=_("Statut de la convention"), accessor="status_label"),
        PageStatusColumn("status", label=_("Publication"), sort_key="live", width="12%"),
    ]


convention_listing_viewset = ConventionPageListingViewSet("conventions")


@hooks.register("register_admin_viewset")
def register_convention_listing_viewset():
    return convention_listing_viewset
