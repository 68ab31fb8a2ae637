from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsForProjectsConfig(AppConfig):
    name = "calls_for_projects"
    verbose_name = _("Appels à projets")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from directory.related import register_actor_section

        from .cache import connect_signals

        connect_signals()

        def actor_calls_section(actor, request):
            from .related import actor_calls_section

            return actor_calls_section(actor, request)

        register_actor_section("calls", actor_calls_section, order=10)
