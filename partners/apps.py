from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Propositions et espace partenaires")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from home.registry import ACTOR_SECTIONS
        from home.roles import register_role_setup

        from . import signals
        from .accounts import register_partner_role
        from .roles import setup_partner_roles
        from .sections import propose_update_section

        signals.connect()
        ACTOR_SECTIONS.register("propose_update", propose_update_section, order=900)
        register_role_setup(setup_partner_roles)
        register_partner_role()
