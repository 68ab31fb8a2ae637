from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsForProjectsConfig(AppConfig):
    name = "calls_for_projects"
    verbose_name = _("Appels à projets")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from home.registry import ACTOR_SECTIONS, HOME_SECTIONS

        from . import api  # noqa: F401 (its resource of the public API)

        def actor_calls_section(actor, request):
            from .related import actor_calls_section

            return actor_calls_section(actor, request)

        def home_calls_section(home_page, request):
            from .related import home_calls_section

            return home_calls_section(home_page, request)

        ACTOR_SECTIONS.register("calls", actor_calls_section, order=10, cached=True)
        from home.page_cache import PAGE_EXPIRY

        from .expiry import next_status_change

        PAGE_EXPIRY.register("calls", next_status_change)  # a status flips: pages expire
        HOME_SECTIONS.register("calls", home_calls_section, order=10, cached=True)

        # The listing a visitor may follow by email (the alerts app).
        from home.registry import ALERT_SOURCES, AlertSource

        ALERT_SOURCES.register(
            AlertSource(
                "calls",
                _("Appels à projets"),
                filterset="calls_for_projects.filters.CallFilterSet",
                scope_model="calls_for_projects.CallsIndexPage",
                order=10,
            )
        )

        # The calls' list a partner site embeds (home/widgets.py).
        from home.widgets import WIDGETS, Widget

        WIDGETS.register(
            Widget(
                "calls",
                _("Appels à projets"),
                page_model="calls_for_projects.CallsIndexPage",
                filterset="calls_for_projects.filters.CallFilterSet",
                context="calls_for_projects.widgets.widget_context",
                template="widgets/calls.html",
                stylesheets=("css/directory.css", "css/calls.css"),
                order=10,
            )
        )
