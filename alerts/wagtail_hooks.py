from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from .admin_views import AlertsAdminView, NetworkInviteView, may_invite, may_manage_alerts


@hooks.register("register_admin_urls")
def register_alerts_admin_urls():
    return [
        path("alertes/", AlertsAdminView.as_view(), name="alerts_admin"),
        path(
            "alertes/reseau/<int:page_id>/inviter/",
            NetworkInviteView.as_view(),
            name="alerts_network_invite",
        ),
    ]


class AlertsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_manage_alerts(request.user)


@hooks.register("register_admin_menu_item")
def register_alerts_menu_item():
    return AlertsMenuItem(_("Alertes"), reverse("alerts_admin"), icon_name="mail", order=9000)


@hooks.register("register_page_header_buttons")
def network_invite_button(page, user, view_name=None, next_url=None):
    """« Inviter les membres à suivre » on a network page (French or its
    English copy: the invitation is for the French page)."""
    from network_minutes.models import NetworkPage

    if page.specific_class is not NetworkPage or not may_invite(user, page):
        return
    yield Button(
        _("Inviter les membres à suivre"),
        reverse("alerts_network_invite", args=[page.pk]),
        icon_name="mail",
        priority=80,
    )
