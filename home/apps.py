from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Site et pages communes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .cache import connect_all
        from .locales import connect as connect_locales
        from .roles import register_account_roles

        connect_all()
        connect_locales()
        register_account_roles()

        from .api.themes import register as register_api_themes

        register_api_themes()
