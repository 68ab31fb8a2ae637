from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = _("Conventions de partenariat")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from home.registry import ACTOR_SECTIONS

        from . import api, filters  # noqa: F401 (API resource; the listing's versioned cache)
        from .sections import ORDER, conventions_of_actor

        ACTOR_SECTIONS.register("conventions", conventions_of_actor, order=ORDER, cached=True)

        # The listing a visitor may follow by email (the alerts app).
        from home.registry import ALERT_SOURCES, AlertSource

        ALERT_SOURCES.register(
            AlertSource(
                "conventions",
                _("Conventions de partenariat"),
                filterset="conventions.filters.ConventionFilterSet",
                scope_model="conventions.ConventionIndexPage",
                order=50,
            )
        )
