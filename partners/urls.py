"""Public submission forms (`/fr/proposer/…`) and the partner space
(`/fr/espace-partenaires/…`): ordinary Django views, never the Wagtail admin."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "partners"

urlpatterns = [
    path(_("proposer/"), views.propose_index, name="propose_index"),
    path(_("proposer/structure/"), views.propose_actor, name="propose_actor"),
    path(_("proposer/mise-a-jour/<int:page_id>/"), views.propose_update, name="propose_update"),
    path(_("proposer/appel-a-projets/"), views.propose_call, name="propose_call"),
    path(_("proposer/evenement/"), views.propose_event, name="propose_event"),
    path(_("proposer/annonce/"), views.propose_announcement, name="propose_announcement"),
    path(_("proposer/merci/"), views.thanks, name="thanks"),
    path(_("proposer/suivi/<str:key>/"), views.follow, name="follow"),
    path(_("espace-partenaires/"), views.space_home, name="space_home"),
    path(_("espace-partenaires/connexion/"), views.space_login, name="space_login"),
    path(
        _("espace-partenaires/connexion/<str:token>/"),
        views.space_login_confirm,
        name="space_login_confirm",
    ),
    path(_("espace-partenaires/deconnexion/"), views.space_logout, name="space_logout"),
    path(
        _("espace-partenaires/fiches/<int:page_id>/proposer/"),
        views.space_propose_update,
        name="space_propose_update",
    ),
    path(
        _("espace-partenaires/appels/proposer/"),
        views.space_propose_call,
        name="space_propose_call",
    ),
    path(
        _("espace-partenaires/appels/<int:page_id>/proposer/"),
        views.space_propose_call_update,
        name="space_propose_call_update",
    ),
    path(
        _("espace-partenaires/evenements/proposer/"),
        views.space_propose_event,
        name="space_propose_event",
    ),
    path(
        _("espace-partenaires/evenements/<int:page_id>/modifier/"),
        views.space_event_update,
        name="space_event_update",
    ),
    path(
        _("espace-partenaires/evenements/<int:page_id>/annuler/"),
        views.space_event_cancel,
        name="space_event_cancel",
    ),
    path(
        _("espace-partenaires/annonces/publier/"),
        views.space_propose_announcement,
        name="space_propose_announcement",
    ),
    path(
        _("espace-partenaires/propositions/<int:pk>/"),
        views.space_submission,
        name="space_submission",
    ),
]
