from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import AlertsAdminView, may_manage_alerts


@hooks.register("register_admin_urls")
def register_alerts_admin_urls():
    return [path("alertes/", AlertsAdminView.as_view(), name="alerts_admin")]


class AlertsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_manage_alerts(request.user)


@hooks.register("register_admin_menu_item")
def register_alerts_menu_item():
    return AlertsMenuItem(_("Alertes"), reverse("alerts_admin"), icon_name="mail", order=9000)
