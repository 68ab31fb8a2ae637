"""The directory's resource of the public API (`/api/v1/actors/`): the
fiches the listing shows, filtered by `DirectoryFilterSet`, with what a
fiche shows publicly. Contacts: the published ones only
(`ActorPage.public_contacts`, as the fiche, the CSV and the JSON exports)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from ninja import Schema

from home.api import API_RESOURCES, ApiResource
from home.api.schemas import Area, PageItemOut, page_fields, territory

from .filters import DirectoryFilterSet


class ContactOut(Schema):
    name: str
    role: str
    function: str = ""
    service: str = ""
    email: str = ""


class NetworkRef(Schema):
    slug: str
    name: str
    acronym: str = ""


class AddressOut(Schema):
    line1: str = ""
    line2: str = ""
    postcode: str = ""
    city: str = ""
    cedex: str = ""
    country: str = ""


class ActorOut(PageItemOut):
    kind: str
    kind_label: str
    acronym: str = ""
    summary: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    siret: str = ""
    address: AddressOut
    region: Area | None = None
    departement: Area | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    membership_year: int | None = None
    networks: list[NetworkRef] = []
    contacts: list[ContactOut] = []
    incomplete: bool = False
    last_verified: dt.date | None = None


def actor_data(actor, context) -> dict:
    return {
        **page_fields(actor, context),
        "kind": actor.kind,
        "kind_label": actor.kind_label,
        "acronym": actor.acronym,
        "summary": actor.summary,
        "website": actor.website,
        "email": actor.email,
        "phone": actor.phone,
        "siret": actor.siret,
        "address": {
            "line1": actor.address_line1,
            "line2": actor.address_line2,
            "postcode": actor.postcode,
            "city": actor.city,
            "cedex": actor.cedex,
            "country": actor.country,
        },
        **territory(actor),
        "latitude": float(actor.latitude) if actor.latitude is not None else None,
        "longitude": float(actor.longitude) if actor.longitude is not None else None,
        "population": actor.population,
        "membership_year": actor.membership_year,
        "networks": [
            {"slug": network.slug, "name": network.name, "acronym": network.acronym}
            for network in actor.networks.all()
        ],
        "contacts": [
            {
                "name": contact.name,
                "role": contact.role_label,
                "function": contact.function,
                "service": contact.service,
                "email": contact.email,
            }
            for contact in actor.public_contacts()
        ],
        "incomplete": actor.is_draft_fiche,
        "last_verified": actor.last_verified,
    }


def prepare(queryset):
    return queryset.defer_streamfields().prefetch_related("contacts", "networks", "themes")


API_RESOURCES.register(
    ApiResource(
        "actors",
        _("Acteurs de l'annuaire"),
        schema=ActorOut,
        serialize=actor_data,
        description=_(
            "Les fiches de l'annuaire, avec les filtres de la page « Annuaire » : type, "
            "région, département, thème, réseau, année d'adhésion, mot-clé, tri."
        ),
        filterset=DirectoryFilterSet,
        scope_model="directory.DirectoryIndexPage",
        prepare=prepare,
        invalidated_by=[
            "directory.ActorPage",
            "directory.DirectoryIndexPage",
            "directory.Network",
            "home.Theme",
        ],
        examples={"region": "44", "kind": "collectivites"},
        order=10,
    )
)
