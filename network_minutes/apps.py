from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkMinutesConfig(AppConfig):
    name = "network_minutes"
    verbose_name = _("Comptes rendus de réseaux")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from home.registry import ACTOR_SECTIONS

        from .related import meetings_of_actor

        ACTOR_SECTIONS.register("meetings", meetings_of_actor, order=20)
