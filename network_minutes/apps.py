from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkMinutesConfig(AppConfig):
    name = "network_minutes"
    verbose_name = _("Comptes rendus de réseaux")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from directory.related import register_actor_section

        from .related import meetings_of_actor

        register_actor_section("meetings", meetings_of_actor, order=20)
