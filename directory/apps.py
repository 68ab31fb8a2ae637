from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Annuaire des acteurs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import filters  # noqa: F401 (declares the directory's versioned cache)
        from .notifications import connect_notifiers

        connect_notifiers()
