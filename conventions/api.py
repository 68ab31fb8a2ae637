"""The conventions' resource of the public API (`/api/v1/conventions/`):
the listing's `ConventionFilterSet` (status today, authority, partner, year,
theme, text), each convention with its status on the Paris date."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from home.api import API_RESOURCES, ApiResource
from home.api.schemas import PageItemOut, page_fields

from . import status as lifecycle
from .filters import ConventionFilterSet


class PartyOut(Schema):
    name: str
    url: str = ""
    description: str = ""


class ConventionOut(PageItemOut):
    status: str
    status_label: str
    subject: str = ""
    authority: PartyOut | None = None
    deciding_body: str = ""
    decision_date: dt.date | None = None
    deliberation_reference: str = ""
    deliberation_url: str = ""
    signature_date: dt.date | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    amount: float | None = None
    partners: list[PartyOut] = []


def _party(actor, context, description=""):
    if actor is None:
        return None
    url = context.url(actor) if actor.live else ""
    return {"name": actor.title, "url": url, "description": description}


def convention_data(convention, context) -> dict:
    status = convention.status_on(lifecycle_today())
    return {
        **page_fields(convention, context),
        "status": str(status),
        "status_label": str(lifecycle.Status(status).label),
        "subject": convention.subject,
        "authority": _party(convention.authority, context),
        "deciding_body": convention.deciding_body,
        "decision_date": convention.decision_date,
        "deliberation_reference": convention.deliberation_reference,
        "deliberation_url": convention.deliberation_url,
        "signature_date": convention.signature_date,
        "start_date": convention.start_date,
        "end_date": convention.computed_end_date,
        "amount": float(convention.amount) if convention.amount is not None else None,
        "partners": [
            _party(partner.actor, context, partner.description)
            for partner in convention.partners.all()
        ],
    }


def lifecycle_today():
    return lifecycle.paris_today(timezone.now())


def prepare(queryset):
    return (
        queryset.defer_streamfields()
        .select_related("authority")
        .prefetch_related("themes", "partners__actor")
    )


API_RESOURCES.register(
    ApiResource(
        "conventions",
        _("Conventions de partenariat"),
        schema=ConventionOut,
        serialize=convention_data,
        description=_(
            "Les conventions approuvées par les assemblées, avec les filtres de la page "
            "« Conventions » : statut aujourd'hui, collectivité, partenaire, année, thème, mot-clé."
        ),
        filterset=ConventionFilterSet,
        scope_model="conventions.ConventionIndexPage",
        prepare=prepare,
        invalidated_by=[
            "conventions.ConventionPage",
            "conventions.ConventionIndexPage",
            "directory.ActorPage",
            "home.Theme",
        ],
        # A status changes with the Paris date.
        timed=True,
        order=40,
    )
)
