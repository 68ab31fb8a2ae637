"""The alerts' public pages (`/fr/alertes/…`)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "alerts"

urlpatterns = [
    path(_("alertes/suivre/<slug:source>/<int:page_id>/"), views.subscribe, name="subscribe"),
    path(_("alertes/verifiez-votre-messagerie/"), views.check_inbox, name="check_inbox"),
    path(_("alertes/confirmer/<str:token>/"), views.confirm, name="confirm"),
    path(_("alertes/desinscription/<str:token>/"), views.unsubscribe, name="unsubscribe"),
    path(_("alertes/gerer/"), views.manage_request, name="manage_request"),
    path(_("alertes/gerer/<str:token>/"), views.manage, name="manage"),
]
