"""The alerts' public pages (`/fr/alertes/…`)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import follow_views, views

app_name = "alerts"

urlpatterns = [
    path(_("alertes/suivre/<slug:source>/<int:page_id>/"), views.subscribe, name="subscribe"),
    path(_("alertes/verifiez-votre-messagerie/"), views.check_inbox, name="check_inbox"),
    path(_("alertes/confirmer/<str:token>/"), views.confirm, name="confirm"),
    path(_("alertes/desinscription/<str:token>/"), views.unsubscribe, name="unsubscribe"),
    path(_("alertes/gerer/"), views.manage_request, name="manage_request"),
    path(_("alertes/gerer/<str:token>/"), views.manage, name="manage"),
    path(
        _("alertes/rappel/<int:page_id>/"),
        follow_views.reminder_subscribe,
        name="reminder_subscribe",
    ),
    path(
        _("alertes/reseau/<int:page_id>/"), follow_views.network_subscribe, name="network_subscribe"
    ),
    path(
        _("alertes/suivi/confirmer/<str:token>/"),
        follow_views.follow_confirm,
        name="follow_confirm",
    ),
    path(
        _("alertes/suivi/desinscription/<str:token>/"),
        follow_views.follow_unsubscribe,
        name="follow_unsubscribe",
    ),
]
