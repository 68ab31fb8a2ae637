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

        # The listing a visitor may follow by email (the alerts app).
        from home.registry import ALERT_SOURCES, AlertSource

        ALERT_SOURCES.register(
            AlertSource(
                "directory",
                _("Annuaire des acteurs"),
                filterset="directory.filters.DirectoryFilterSet",
                scope_model="directory.DirectoryIndexPage",
                order=20,
            )
        )
