"""The agenda's and the announcements' resources of the public API:
`/api/v1/events/` (`EventFilterSet`: current events by default, period,
dates, type, mode, territory, organiser, series, price, accessibility, theme,
text) and `/api/v1/announcements/` (`AnnouncementFilterSet`: current
announcements, kind, category, territory, theme, text). An announcement's
contact (name and email) is private: never exported, as on its page (the
visitor writes through the relay form)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from home.api import API_RESOURCES, ApiResource
from home.api.schemas import Area, PageItemOut, page_fields, territory

from .announcement_filters import AnnouncementFilterSet
from .filters import EventFilterSet
from .models import EventOrganiser


class OrganiserOut(Schema):
    name: str
    url: str = ""


class SlotOut(Schema):
    start_date: dt.date
    start_time: dt.time | None = None
    end_date: dt.date | None = None
    end_time: dt.time | None = None


class EventOut(PageItemOut):
    type: str
    type_label: str
    summary: str = ""
    series: str = ""
    status: str = ""
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    slots: list[SlotOut] = []
    mode: str = ""
    place_name: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    region: Area | None = None
    departement: Area | None = None
    online_url: str = ""
    price: str = ""
    registration_url: str = ""
    accessible: bool = False
    organisers: list[OrganiserOut] = []


def _link(actor, name, context):
    url = context.url(actor) if actor is not None and actor.live else ""
    return {"name": name, "url": url}


def event_data(event, context) -> dict:
    return {
        **page_fields(event, context),
        "type": event.event_type,
        "type_label": str(event.get_event_type_display()),
        "summary": event.summary,
        "series": event.series,
        "status": event.status,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "slots": [
            {
                "start_date": slot.start_date,
                "start_time": slot.start_time,
                "end_date": slot.end_date,
                "end_time": slot.end_time,
            }
            for slot in event.slots.all()
        ],
        "mode": event.mode,
        "place_name": event.place_name,
        "address": event.address,
        "postcode": event.postcode,
        "city": event.city,
        **territory(event),
        "online_url": event.online_url,
        "price": event.price,
        "registration_url": event.registration_url,
        "accessible": event.accessible,
        "organisers": [
            _link(link.actor, link.display_name, context) for link in event.organisers.all()
        ],
    }


def prepare_events(queryset):
    organisers = EventOrganiser.objects.select_related("actor").order_by("sort_order", "pk")
    return queryset.defer_streamfields().prefetch_related(
        "themes", "slots", Prefetch("organisers", queryset=organisers)
    )


class AnnouncementOut(PageItemOut):
    kind: str
    kind_label: str
    category: str
    category_label: str
    text: str = ""
    postcode: str = ""
    city: str = ""
    region: Area | None = None
    departement: Area | None = None
    organisation: OrganiserOut | None = None
    expires_on: dt.date | None = None


def announcement_data(announcement, context) -> dict:
    organisation = None
    if announcement.actor is not None or announcement.organisation:
        name = announcement.organisation or announcement.actor.title
        organisation = _link(announcement.actor, name, context)
    return {
        **page_fields(announcement, context),
        "kind": announcement.kind,
        "kind_label": str(announcement.get_kind_display()),
        "category": announcement.category,
        "category_label": str(announcement.get_category_display()),
        "text": announcement.text,
        "postcode": announcement.postcode,
        "city": announcement.city,
        **territory(announcement),
        "organisation": organisation,
        "expires_on": announcement.expires_on,
    }


def prepare_announcements(queryset):
    return queryset.defer_streamfields().select_related("actor").prefetch_related("themes")


API_RESOURCES.register(
    ApiResource(
        "events",
        _("Agenda"),
        schema=EventOut,
        serialize=event_data,
        description=_(
            "Les événements à venir et en cours de l'agenda, avec les filtres de la page "
            "« Agenda » : période, dates, type, format, territoire, organisateur, série, "
            "tarif, accessibilité, thème, mot-clé."
        ),
        filterset=EventFilterSet,
        scope_model="events.AgendaIndexPage",
        prepare=prepare_events,
        invalidated_by=[
            "events.EventPage",
            "events.AgendaIndexPage",
            "directory.ActorPage",
            "home.Theme",
        ],
        timed=True,
        examples={"period": "cette-semaine"},
        order=60,
    )
)

API_RESOURCES.register(
    ApiResource(
        "announcements",
        _("Petites annonces"),
        schema=AnnouncementOut,
        serialize=announcement_data,
        description=_(
            "Les petites annonces en cours, avec les filtres de la page « Petites annonces » : "
            "offre ou demande, catégorie, territoire, thème, mot-clé. Le contact de "
            "l'annonceur n'est jamais publié."
        ),
        filterset=AnnouncementFilterSet,
        scope_model="events.AnnouncementIndexPage",
        prepare=prepare_announcements,
        invalidated_by=[
            "events.AnnouncementPage",
            "events.AnnouncementIndexPage",
            "directory.ActorPage",
            "home.Theme",
        ],
        # Expiry follows the Paris date.
        timed=True,
        order=70,
    )
)
