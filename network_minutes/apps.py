from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkMinutesConfig(AppConfig):
    name = "network_minutes"
    verbose_name = _("Comptes rendus de réseaux")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from home.registry import ACTOR_SECTIONS

        from . import api  # noqa: F401 (its resources of the public API)
        from .related import meetings_of_actor

        ACTOR_SECTIONS.register("meetings", meetings_of_actor, order=20, cached=True)

        # A network's minutes, which a visitor may follow by email (the alerts app).
        from home.registry import ALERT_SOURCES, AlertSource

        ALERT_SOURCES.register(
            AlertSource(
                "minutes",
                _("Comptes rendus de réseaux"),
                filterset="network_minutes.filters.MinutesFilterSet",
                scope_model="network_minutes.NetworkPage",
                order=60,
            )
        )
