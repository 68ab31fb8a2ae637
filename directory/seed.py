"""Seed content of the directory: the networks, the directory index page in
French and English, and the actor fiches transcribed from the seed documents
(`seed_data/rtes_fiches.toml` for seed 003, `seed_data/organisations.toml`
for the organisations the other seeds name)."""

from decimal import Decimal
from pathlib import Path

from django.db import transaction
from wagtail.models import Page

from directory.models import ActorContact, ActorPage, DirectoryIndexPage, Network
from home.seeding import (
    SeedReport,
    load_toml,
    register_seed,
    themes_by_slug,
    upsert_english,
    upsert_index_page,
    upsert_object,
    upsert_page,
)

DATA = Path(__file__).resolve().parent / "seed_data"
# seed 003's fiches, the organisations the other seeds name, then any
# `organisations_<app>.toml` another app's seed needs in the directory.
ACTOR_FILES = ["rtes_fiches.toml", "organisations.toml"]


def actor_files() -> list[str]:
    extra = sorted(p.name for p in DATA.glob("organisations_*.toml"))
    return ACTOR_FILES + extra


NETWORK_FIELDS = ("name", "acronym", "website", "description")
ACTOR_FIELDS = {
    "title",
    "kind",
    "acronym",
    "summary",
    "website",
    "address_line1",
    "address_line2",
    "postcode",
    "city",
    "cedex",
    "country",
    "region",
    "departement",
    "latitude",
    "longitude",
    "population",
    "membership_year",
    "panorama",
    "budget",
    "budget_amount",
    "budget_year",
    "programme",
    "example_actions",
    "key_figures",
    "is_draft_fiche",
}
DECIMAL_FIELDS = {"latitude", "longitude", "budget_amount"}
CONTACT_FIELDS = (
    "role",
    "name",
    "function",
    "service",
    "email",
    "publication",
    "publication_basis",
    "publication_source",
)


def load_networks(report: SeedReport) -> None:
    for row in load_toml(DATA / "networks.toml")["network"]:
        values = {key: row.get(key, "") for key in NETWORK_FIELDS}
        upsert_object(report, Network, {"slug": row["slug"]}, values)


def load_directory_index(report: SeedReport) -> DirectoryIndexPage:
    """The French directory under the French home page, and its English
    translation under the English home page."""
    return upsert_index_page(report, DirectoryIndexPage, load_toml(DATA / "directory.toml"))


def load_actors(report: SeedReport) -> None:
    directory = load_directory_index(report)
    networks = {network.slug: network for network in Network.objects.all()}
    for filename in actor_files():
        for row in load_toml(DATA / filename)["actor"]:
            actor = upsert_actor(report, directory, row, networks)
            upsert_english(report, actor, row.get("en"))


@transaction.atomic
def upsert_actor(
    report: SeedReport, directory: DirectoryIndexPage, row: dict, networks: dict
) -> ActorPage:
    """`upsert_page` for an actor fiche, with its contacts and networks.

    They are set on the page before its first revision, so the fiche is
    published complete. `upsert_page` does not compare child relations, so
    with `--update` a change in contacts or networks is handled here.
    """
    slug = row["slug"]
    fields = actor_fields(row)
    contacts = [_contact(index, contact) for index, contact in enumerate(row.get("contacts", []))]
    members_of = [networks[network_slug] for network_slug in row.get("networks", [])]
    themes = row.get("themes", [])

    existing = Page.objects.child_of(directory).filter(slug=slug).first()
    if existing is None:
        relations = {"contacts": contacts, "networks": members_of}
        return upsert_page(report, directory, ActorPage, slug, {**fields, **relations}, themes)

    page = existing.specific
    if report.update and isinstance(page, ActorPage):
        current_contacts = [_contact_key(contact) for contact in page.contacts.all()]
        current_networks = {network.pk for network in page.networks.all()}
        if current_contacts != [_contact_key(contact) for contact in contacts] or (
            current_networks != {network.pk for network in members_of}
        ):
            for name, value in fields.items():
                setattr(page, name, value)
            page.contacts = contacts
            page.networks = members_of
            page.themes.set(themes_by_slug(themes))
            page.save_revision().publish()
            report.log("updated")
            return page
    return upsert_page(report, directory, ActorPage, slug, fields, themes)


def actor_fields(row: dict) -> dict:
    fields = {key: value for key, value in row.items() if key in ACTOR_FIELDS}
    unknown = set(row) - ACTOR_FIELDS - {"slug", "contacts", "networks", "themes", "en"}
    if unknown:
        raise ValueError(f"Unknown field(s) for actor {row['slug']!r}: {sorted(unknown)}")
    for name in DECIMAL_FIELDS & set(fields):
        fields[name] = Decimal(str(fields[name]))
    if "key_figures" in fields:
        fields["key_figures"] = [
            {"type": "figure", "value": figure} for figure in fields["key_figures"]
        ]
    return fields


def _contact(index: int, values: dict) -> ActorContact:
    """A contact of the data file, checked as the admin checks it: a published
    name needs its basis (an elected representative's is the elected office,
    which `clean()` records)."""
    unknown = set(values) - set(CONTACT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown contact field(s): {sorted(unknown)}")
    contact = ActorContact(sort_order=index, **values)
    contact.full_clean(exclude=["actor"])
    return contact


def _contact_key(contact: ActorContact) -> tuple:
    return tuple(getattr(contact, name) for name in CONTACT_FIELDS)


register_seed("directory.networks", load_networks, order=20)
register_seed("directory.actors", load_actors, order=30)
