from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Annuaire des acteurs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import api, filters  # noqa: F401 (API resource; the directory's versioned cache)
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

        # The map a partner site embeds (home/widgets.py).
        from home.widgets import WIDGETS, Widget

        WIDGETS.register(
            Widget(
                "directory",
                _("Carte des acteurs"),
                page_model="directory.DirectoryIndexPage",
                filterset="directory.filters.DirectoryFilterSet",
                context="directory.widgets.widget_context",
                template="widgets/directory.html",
                limit=50,
                height=700,
                stylesheets=(
                    "leaflet/leaflet.css",
                    "vendor/leaflet.markercluster/MarkerCluster.css",
                    "css/directory.css",
                ),
                scripts=(
                    "leaflet/leaflet.js",
                    "vendor/leaflet.markercluster/leaflet.markercluster.js",
                    "js/directory-map.js",
                ),
                order=20,
            )
        )
