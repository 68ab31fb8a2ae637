from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Agenda")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from home.registry import ACTOR_SECTIONS, CALL_SECTIONS, HOME_SECTIONS, NETWORK_SECTIONS

        from . import api  # noqa: F401 (its resources of the public API)

        # Imported lazily: the sections' module imports the models.
        def home_events_section(home_page, request):
            from .related import home_events_section

            return home_events_section(home_page, request)

        def actor_events_section(actor, request):
            from .related import actor_events_section

            return actor_events_section(actor, request)

        def network_events_section(network_page, request):
            from .related import network_events_section

            return network_events_section(network_page, request)

        def call_events_section(call, request):
            from .related import call_events_section

            return call_events_section(call, request)

        HOME_SECTIONS.register("events", home_events_section, order=20, cached=True)
        ACTOR_SECTIONS.register("events", actor_events_section, order=15, cached=True)
        NETWORK_SECTIONS.register("events", network_events_section, order=10, cached=True)
        CALL_SECTIONS.register("events", call_events_section, order=10, cached=True)
        from home.page_cache import PAGE_EXPIRY

        from .expiry import next_agenda_change

        PAGE_EXPIRY.register("events", next_agenda_change)  # a slot ends: pages expire

        # The announcements (« petites annonces »): the home page's newest
        # ones, and who may read the messages relayed to their posters.
        from home.roles import register_role_setup

        def home_announcements_section(home_page, request):
            from .announcement_views import home_announcements_section

            return home_announcements_section(home_page, request)

        def setup_announcement_roles():
            from .announcement_admin import setup_announcement_roles

            setup_announcement_roles()

        HOME_SECTIONS.register("announcements", home_announcements_section, order=25, cached=True)

        # Expired announcements stay live for their editors but leave the
        # site search and the theme pages (as they leave their listing).
        from home.registry import HIDDEN_PAGES

        def expired_announcements(now):
            from .announcements import AnnouncementPage, paris_today

            return AnnouncementPage.objects.expired(paris_today(now)).values("pk")

        HIDDEN_PAGES.register("expired-announcements", expired_announcements)
        register_role_setup(setup_announcement_roles)

        # The listings a visitor may follow by email (the alerts app).
        from home.registry import ALERT_SOURCES, AlertSource

        ALERT_SOURCES.register(
            AlertSource(
                "events",
                _("Agenda"),
                filterset="events.filters.EventFilterSet",
                scope_model="events.AgendaIndexPage",
                order=30,
            )
        )

        # The agenda a partner site embeds (home/widgets.py).
        from home.widgets import WIDGETS, Widget

        WIDGETS.register(
            Widget(
                "agenda",
                _("Agenda"),
                page_model="events.AgendaIndexPage",
                filterset="events.filters.EventFilterSet",
                context="events.widgets.widget_context",
                template="widgets/agenda.html",
                stylesheets=("css/directory.css", "css/events.css"),
                order=30,
            )
        )
        ALERT_SOURCES.register(
            AlertSource(
                "announcements",
                _("Petites annonces"),
                filterset="events.announcement_filters.AnnouncementFilterSet",
                scope_model="events.AnnouncementIndexPage",
                order=40,
            )
        )
