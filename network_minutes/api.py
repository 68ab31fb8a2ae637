"""The networks' resources of the public API: `/api/v1/networks/` (the
networks index, as the page lists them) and `/api/v1/minutes/` (every
network's meeting minutes, filtered by `MinutesFilterSet`: year, theme, text).
Participants are not exported (the page lists them; the API gives the
meeting, its place, host and chair)."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from wagtail.models import Page

from home.api import API_RESOURCES, ApiResource
from home.api.schemas import PageItemOut, page_fields
from home.privacy import public

from .filters import MinutesFilterSet
from .models import NetworkPage


class OrganisationRef(Schema):
    name: str
    url: str = ""


class NetworkOut(PageItemOut):
    acronym: str = ""
    introduction: str = ""
    directory_network: str | None = None
    host_organisation: OrganisationRef | None = None


class NetworkRefOut(Schema):
    slug: str
    title: str


class MinutesOut(PageItemOut):
    date: dt.date
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    format: str
    format_label: str
    place: str = ""
    host: OrganisationRef | None = None
    chair: str = ""
    summary: str = ""
    network: NetworkRefOut | None = None
    next_meeting_date: dt.date | None = None


def _organisation(actor, text, context):
    if actor is not None and actor.live:
        return {"name": actor.title, "url": context.url(actor)}
    if actor is not None or text:
        return {"name": text or actor.title, "url": ""}
    return None


def network_data(network, context) -> dict:
    return {
        **page_fields(network, context),
        "acronym": network.acronym,
        "introduction": network.introduction,
        "directory_network": network.network.slug if network.network else None,
        "host_organisation": _organisation(network.host_organisation, "", context),
    }


def networks(scope):
    return public(
        NetworkPage.objects.live().child_of(scope).filter(locale_id=scope.locale_id)
    ).order_by("title", "pk")


def prepare_networks(queryset):
    return queryset.select_related("network", "host_organisation").prefetch_related("themes")


def minutes_data(minutes, context) -> dict:
    network = None
    if getattr(minutes, "network_slug", None):
        network = {"slug": minutes.network_slug, "title": minutes.network_title}
    return {
        **page_fields(minutes, context),
        "date": minutes.date,
        "start_time": minutes.start_time,
        "end_time": minutes.end_time,
        "format": minutes.meeting_format,
        "format_label": str(minutes.get_meeting_format_display()),
        "place": minutes.place,
        "host": _organisation(minutes.host, minutes.host_text, context),
        "chair": minutes.chair,
        "summary": minutes.summary,
        "network": network,
        "next_meeting_date": minutes.next_meeting_date,
    }


def prepare_minutes(queryset):
    # The network is the parent page: its slug and title in the same query.
    parent = NetworkPage.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
    )
    return (
        queryset.defer_streamfields()
        .select_related("host")
        .prefetch_related("themes")
        .annotate(
            network_slug=Subquery(parent.values("slug")[:1]),
            network_title=Subquery(parent.values("title")[:1]),
        )
    )


API_RESOURCES.register(
    ApiResource(
        "networks",
        _("Réseaux"),
        schema=NetworkOut,
        serialize=network_data,
        description=_("Les réseaux et leur structure porteuse, comme la page « Réseaux »."),
        scope_model="network_minutes.NetworksIndexPage",
        queryset=networks,
        prepare=prepare_networks,
        invalidated_by=[
            "network_minutes.NetworkPage",
            "network_minutes.NetworksIndexPage",
            "directory.ActorPage",
            "directory.Network",
            "home.Theme",
        ],
        order=50,
    )
)

API_RESOURCES.register(
    ApiResource(
        "minutes",
        _("Comptes rendus de réunions"),
        schema=MinutesOut,
        serialize=minutes_data,
        description=_(
            "Les comptes rendus de réunion de tous les réseaux, les plus récents d'abord, "
            "avec les filtres de la page d'un réseau : année, thème, mot-clé."
        ),
        filterset=MinutesFilterSet,
        scope_model="network_minutes.NetworksIndexPage",
        prepare=prepare_minutes,
        invalidated_by=[
            "network_minutes.MeetingMinutesPage",
            "network_minutes.NetworkPage",
            "network_minutes.NetworksIndexPage",
            "directory.ActorPage",
            "home.Theme",
        ],
        examples={"year": "2025"},
        order=30,
    )
)
