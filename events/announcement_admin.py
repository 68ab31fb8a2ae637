"""The announcements in the admin (registered by events/wagtail_hooks.py):

- a listing « Petites annonces » (offer or need, category, région, expired
  or current — derived at the time of the request, never stored), showing
  each announcement's expiry; expired ones stay there for editors;
- the messages relayed to the posters, read-only, for Modération and
  Administration only (they hold visitors' personal data): nobody adds or
  edits one in the admin; Administration may delete one (erasure requests).
"""

from __future__ import annotations

import django_filters
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.ui.tables.pages import BulkActionsColumn, PageStatusColumn, PageTitleColumn
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from directory import geo
from home.admin_listing import PageTypeIndexView
from home.roles import ADMINISTRATORS, MODERATORS

from . import vocab
from .announcements import AnnouncementMessage, AnnouncementPage, paris_today

CURRENT, EXPIRED = "en-cours", "expiree"

# Who may read the relayed messages (and delete them).
MESSAGE_PERMISSIONS = {
    MODERATORS: ["view_announcementmessage"],
    ADMINISTRATORS: ["view_announcementmessage", "delete_announcementmessage"],
}


class AnnouncementPageFilterSet(PageFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("Offre ou demande"), choices=vocab.AnnouncementKind.choices, empty_label=_("Toutes")
    )
    category = django_filters.ChoiceFilter(
        label=_("Catégorie"), choices=vocab.AnnouncementCategory.choices, empty_label=_("Toutes")
    )
    expiry = django_filters.ChoiceFilter(
        label=_("Expiration"),
        choices=[(CURRENT, _("En cours")), (EXPIRED, _("Expirées"))],
        empty_label=_("Toutes"),
        method="filter_expiry",
    )
    region = django_filters.ChoiceFilter(
        label=_("Région"), choices=geo.region_choices(), empty_label=_("Toutes")
    )

    class Meta:
        model = AnnouncementPage
        fields = []

    def filter_expiry(self, queryset, name, value):
        # A condition on `id` (an indexed field of Page): the admin's text
        # search accepts filters on indexed fields only.
        today = paris_today()
        matching = AnnouncementPage.objects.all()
        matching = matching.expired(today) if value == EXPIRED else matching.current(today)
        return queryset.filter(id__in=matching.values("pk"))


class ExpiryColumn(Column):
    """The expiry day, and « expirée » once it has passed."""

    cell_template_name = "events/announcements/admin/expiry_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["expired"] = instance.expires_on < paris_today()
        return context


class AnnouncementPageListingViewSet(PageListingViewSet):
    index_view_class = PageTypeIndexView
    model = AnnouncementPage
    icon = "clipboard-list"
    menu_label = _("Petites annonces")
    menu_order = 166
    add_to_admin_menu = True
    filterset_class = AnnouncementPageFilterSet
    columns = [
        BulkActionsColumn("bulk_actions"),
        PageTitleColumn("title", label=_("Titre"), sort_key="title", classname="title"),
        Column("kind", label=_("Offre ou demande"), accessor="kind_label", sort_key="kind"),
        Column("category", label=_("Catégorie"), accessor="category_label", sort_key="category"),
        Column("city", label=_("Commune"), sort_key="city"),
        ExpiryColumn("expires_on", label=_("Expire le"), sort_key="expires_on", width="14%"),
        PageStatusColumn("status", label=_("Publication"), sort_key="live", width="12%"),
    ]


# --- The relayed messages, read-only ------------------------------------------------------

READ_ONLY_ACTIONS = {"add", "change", "copy"}


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Nobody adds, edits or copies a message in the admin (not even a
    superuser); viewing and deleting follow the model's permissions."""

    def user_has_permission(self, user, action):
        if action in READ_ONLY_ACTIONS:
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(set(actions) - READ_ONLY_ACTIONS)


register_permission_policy(AnnouncementMessage, ReadOnlyPolicy(AnnouncementMessage))


class AnnouncementMessageViewSet(ModelViewSet):
    model = AnnouncementMessage
    icon = "mail"
    menu_label = _("Messages des annonces")
    menu_order = 167
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["sender_name", "announcement", "created_at", "sent_at", "attempts"]
    list_filter = ["sent_at"]
    ordering = ["-created_at", "-pk"]
    search_fields = ["sender_name", "sender_email", "body"]
    search_backend_name = None  # the database's own text search on those fields
    inspect_view_fields = [
        "announcement",
        "sender_name",
        "sender_email",
        "body",
        "language",
        "created_at",
        "sent_at",
        "attempts",
        "error",
    ]
    form_fields = ["sender_name"]  # no form is ever shown (ReadOnlyPolicy)


announcement_listing_viewset = AnnouncementPageListingViewSet("announcements")
announcement_message_viewset = AnnouncementMessageViewSet("announcement_messages")


# --- Roles --------------------------------------------------------------------------------


@transaction.atomic
def setup_announcement_roles() -> None:
    """Modération reads the messages, Administration reads and deletes them;
    Rédaction never sees them. Idempotent (run by `manage.py setup_roles`)."""
    ours = Permission.objects.filter(
        content_type__app_label="events", codename__endswith="_announcementmessage"
    )
    for name, codenames in MESSAGE_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        wanted = set(ours.filter(codename__in=codenames))
        current = set(group.permissions.filter(pk__in=ours.values("pk")))
        group.permissions.remove(*(current - wanted))
        group.permissions.add(*(wanted - current))
