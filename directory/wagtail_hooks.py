"""The directory in the admin: the actors' listing, the networks, the CSV import."""

import django_filters
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn, PageTitleColumn
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.admin.widgets import BooleanRadioSelect, Button, HeaderButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from home.admin_listing import PageTypeIndexView

from . import admin_views, geo
from .kinds import GROUP_LABELS, KIND_CHOICES
from .models import ActorPage, Network
from .registers import check as registers_check

# Filter by one kind, or by a group of kinds (as on the public directory).
KIND_FILTER_CHOICES = [
    (_("Familles"), [(code, label) for code, label in GROUP_LABELS.items()]),
    *KIND_CHOICES,
]


class ActorPageFilterSet(PageFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Type d'acteur"),
        choices=KIND_FILTER_CHOICES,
        empty_label=_("Tous"),
        method="filter_kind",
    )
    region = django_filters.ChoiceFilter(
        label=_("Région"),
        choices=geo.region_choices(),
        empty_label=_("Toutes"),
        method="filter_region",
    )
    is_draft_fiche = django_filters.BooleanFilter(
        label=_("Fiche en cours de rédaction"), widget=BooleanRadioSelect
    )

    class Meta:
        model = ActorPage
        fields = []

    # The public directory's definitions (ActorQuerySet).
    def filter_kind(self, queryset, name, value):
        return queryset.of_kind(value)

    def filter_region(self, queryset, name, value):
        return queryset.listed_in(region=value)


class ActorIndexView(PageTypeIndexView):
    """The listing, with a button to the CSV import for those who may use it."""

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if admin_views.import_index_pages(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Importer un CSV"),
                    url=reverse("directory_import_actors"),
                    icon_name="upload",
                )
            )
        return buttons


class ActorPageListingViewSet(PageListingViewSet):
    model = ActorPage
    index_view_class = ActorIndexView
    icon = "group"
    menu_label = _("Acteurs")
    menu_order = 150
    add_to_admin_menu = True
    filterset_class = ActorPageFilterSet
    columns = [
        BulkActionsColumn("bulk_actions"),
        PageTitleColumn("title", label=_("Nom"), sort_key="title", classname="title"),
        Column("kind", label=_("Type d'acteur"), accessor="kind_label", sort_key="kind"),
        Column("region", label=_("Région"), accessor="region_name", sort_key="region"),
        BooleanColumn("is_draft_fiche", label=_("Fiche en cours de rédaction")),
        DateColumn(
            "latest_revision_created_at",
            label=_("Mise à jour"),
            sort_key="latest_revision_created_at",
            width="12%",
        ),
        PageStatusColumn("status", label=_("Statut"), sort_key="live", width="12%"),
    ]


actor_listing_viewset = ActorPageListingViewSet("directory_actors")


@hooks.register("register_admin_viewset")
def register_actor_listing_viewset():
    return actor_listing_viewset


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path(
            "annuaire/import/",
            admin_views.ActorImportView.as_view(),
            name="directory_import_actors",
        ),
        path(
            "annuaire/fiche/<int:page_id>/registres/",
            admin_views.RegistersCheckView.as_view(),
            name="directory_registers_check",
        ),
    ]


@hooks.register("register_page_header_buttons")
def registers_check_button(page, user, view_name, next_url=None):
    """« Vérifier auprès des registres » in an actor fiche's header menu, for
    those who may edit it (directory/registers, docs/registers.md)."""
    if page.specific_class is not ActorPage or not page.permissions_for_user(user).can_edit():
        return
    yield Button(
        _("Vérifier auprès des registres"),
        url=reverse("directory_registers_check", args=[page.pk]),
        icon_name="search",
        priority=62,
    )


@hooks.register("register_log_actions")
def register_registers_log_action(actions):
    actions.register_action(
        registers_check.LOG_ACTION,
        _("Données des registres reprises"),
        _("Données des registres reprises (nouvelle version en brouillon)"),
    )


class NetworkViewSet(SnippetViewSet):
    """The networks actors belong to (RTES, Réseau 92 ESS…)."""

    model = Network
    icon = "site"
    menu_label = _("Réseaux")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["name", "acronym", "slug"]
    search_fields = ["name", "acronym", "slug"]
    search_backend_name = None  # plain database lookups: networks are not search-indexed
    ordering = ["name"]


register_snippet(NetworkViewSet)
