from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Alertes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # « Me rappeler la date limite » on a call, « Suivre ce réseau » on a
        # network page: sections of their pages (home/registry.py), so that
        # neither app imports this one.
        from home.registry import CALL_SECTIONS, NETWORK_SECTIONS

        def call_reminder_section(call, request):
            from .sections import call_reminder_section

            return call_reminder_section(call, request)

        def network_follow_section(network_page, request):
            from .sections import network_follow_section

            return network_follow_section(network_page, request)

        CALL_SECTIONS.register("deadline-reminder", call_reminder_section, order=5)
        NETWORK_SECTIONS.register("follow", network_follow_section, order=5)
