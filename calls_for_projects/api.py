"""The calls' resource of the public API (`/api/v1/calls/`): the listing's
`CallFilterSet` (status, type, organiser, applicant, territory, deadline,
theme, text), each call with its status at request time."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from home.api import API_RESOURCES, ApiResource
from home.api.schemas import Area, PageItemOut, page_fields, territory

from . import status as call_status
from . import vocab
from .filters import CallFilterSet
from .models import CallOrganiser


class OrganiserOut(Schema):
    name: str
    role: str
    url: str = ""


class CallOut(PageItemOut):
    type: str
    type_label: str
    status: str
    status_label: str
    summary: str = ""
    opens_on: dt.date | None = None
    deadline: dt.datetime | None = None
    is_rolling: bool = False
    dates_note: str = ""
    scope: str = ""
    region: Area | None = None
    departement: Area | None = None
    territory_note: str = ""
    applicants: list[str] = []
    organisers: list[OrganiserOut] = []
    total_envelope: float | None = None
    max_per_project: float | None = None
    funding_rate: float | None = None
    application_url: str = ""


def _number(value):
    return float(value) if value is not None else None


def call_data(call, context) -> dict:
    status = getattr(call, "status_now", "") or ""
    return {
        **page_fields(call, context),
        "type": call.call_type,
        "type_label": str(vocab.CallType(call.call_type).label) if call.call_type else "",
        "status": status,
        "status_label": str(call_status.Status(status).label) if status else "",
        "summary": call.summary,
        "opens_on": call.opens_on,
        "deadline": call.deadline,
        "is_rolling": call.is_rolling,
        "dates_note": call.dates_note,
        "scope": call.scope,
        **territory(call),
        "territory_note": call.territory_note,
        "applicants": [applicant.code for applicant in call.applicants.all()],
        "organisers": [
            {
                "name": link.display_name,
                "role": link.get_role_display(),
                "url": context.url(link.actor)
                if link.actor is not None and link.actor.live
                else "",
            }
            for link in call.organisers.all()
        ],
        "total_envelope": _number(call.total_envelope),
        "max_per_project": _number(call.max_per_project),
        "funding_rate": _number(call.funding_rate),
        "application_url": call.application_url,
    }


def prepare(queryset):
    # Organisers' fiches: live ones only (an unpublished fiche has no public page).
    organisers = CallOrganiser.objects.select_related("actor").order_by("sort_order", "pk")
    return queryset.defer_streamfields().prefetch_related(
        "themes", "applicants", Prefetch("organisers", queryset=organisers)
    )


API_RESOURCES.register(
    ApiResource(
        "calls",
        _("Appels à projets"),
        schema=CallOut,
        serialize=call_data,
        description=_(
            "Les appels à projets, avec les filtres de la page « Appels à projets » : statut "
            "(en cours et à venir par défaut), type, organisateur, candidats, territoire, "
            "date limite, thème, mot-clé."
        ),
        filterset=CallFilterSet,
        scope_model="calls_for_projects.CallsIndexPage",
        prepare=prepare,
        invalidated_by=[
            "calls_for_projects.CallForProjectsPage",
            "calls_for_projects.CallsIndexPage",
            "directory.ActorPage",
            "home.Theme",
        ],
        timed=True,
        examples={"status": "ouvert", "region": "44"},
        order=20,
    )
)
