from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = _("Conventions de partenariat")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from directory.related import register_actor_section

        from .cache import connect_signals
        from .sections import ORDER, conventions_of_actor

        connect_signals()

        register_actor_section("conventions", conventions_of_actor, order=ORDER)
