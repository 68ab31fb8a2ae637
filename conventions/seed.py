"""Seed content of the conventions: the index page in French and English and
the conventions transcribed from the seed documents
(`seed_data/conventions.toml`; seed 000 for the Ville de Sceaux).

Authorities and partners are directory fiches found by slug, so this runs
after the directory's seed (order 30).
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from wagtail.models import Page, Site

from directory.models import ActorPage, DirectoryIndexPage
from home.seeding import (
    SeedReport,
    load_toml,
    register_seed,
    themes_by_slug,
    upsert_english,
    upsert_index_page,
    upsert_page,
)

from .models import ConventionIndexPage, ConventionPage, ConventionPartner

DATA = Path(__file__).resolve().parent / "seed_data"
CONVENTION_FIELDS = {
    "title",
    "deciding_body",
    "decision_date",
    "deliberation_reference",
    "rapporteur_name",
    "rapporteur_function",
    "subject",
    "context",
    "signature_date",
    "start_date",
    "end_date",
    "duration_months",
    "amount",
    "matiere_code",
    "budget_year",
    "budget_name",
}
RELATION_KEYS = {"slug", "authority", "partners", "collaboration_forms", "related_page", "themes"}


def _directory_actors() -> dict[str, ActorPage]:
    """The French directory's fiches by slug (the seed's directory)."""
    home = Site.objects.get(is_default_site=True).root_page
    directory = DirectoryIndexPage.objects.child_of(home).first()
    if directory is None:
        return {}
    return {actor.slug: actor for actor in ActorPage.objects.child_of(directory)}


def _related_page(slug: str) -> Page | None:
    home = Site.objects.get(is_default_site=True).root_page
    if slug == "home":
        return home
    return Page.objects.child_of(home).filter(slug=slug).first()


def convention_fields(row: dict, actors: dict[str, ActorPage]) -> dict:
    unknown = set(row) - CONVENTION_FIELDS - RELATION_KEYS - {"en"}
    if unknown:
        raise ValueError(f"Unknown field(s) for convention {row['slug']!r}: {sorted(unknown)}")
    fields = {key: value for key, value in row.items() if key in CONVENTION_FIELDS}
    if "authority" in row:
        fields["authority"] = _actor(actors, row["authority"], row["slug"])
    if "related_page" in row:
        fields["related_page"] = _related_page(row["related_page"])
    fields["collaboration_forms"] = [
        {"type": "form", "value": text} for text in row.get("collaboration_forms", [])
    ]
    return fields


def _actor(actors: dict[str, ActorPage], slug: str, convention: str) -> ActorPage:
    if slug not in actors:
        raise ValueError(f"Convention {convention!r} names an unknown directory actor {slug!r}")
    return actors[slug]


def _partners(row: dict, actors: dict[str, ActorPage]) -> list[ConventionPartner]:
    return [
        ConventionPartner(
            sort_order=position,
            actor=_actor(actors, partner["actor"], row["slug"]),
            description=partner.get("description", ""),
        )
        for position, partner in enumerate(row.get("partners", []))
    ]


@transaction.atomic
def upsert_convention(
    report: SeedReport, index: ConventionIndexPage, row: dict, actors: dict
) -> ConventionPage:
    """`upsert_page` for a convention with its partners, set before the first
    revision so that the page is published complete. With `--update`, a
    change in the partners is handled here (upsert_page does not compare
    child relations)."""
    fields = convention_fields(row, actors)
    partners = _partners(row, actors)
    themes = row.get("themes", [])
    existing = Page.objects.child_of(index).filter(slug=row["slug"]).first()
    if existing is None:
        return upsert_page(
            report, index, ConventionPage, row["slug"], {**fields, "partners": partners}, themes
        )
    page = existing.specific
    if report.update and isinstance(page, ConventionPage):
        current = [(p.actor_id, p.description) for p in page.partners.all()]
        if current != [(p.actor.pk, p.description) for p in partners]:
            for name, value in fields.items():
                setattr(page, name, value)
            page.partners = partners
            page.themes.set(themes_by_slug(themes))
            page.save_revision().publish()
            report.log("updated")
            return page
    return upsert_page(report, index, ConventionPage, row["slug"], fields, themes)


def _english_fields(english: dict) -> dict:
    """The `[en]` table's values as field values, as `convention_fields` makes them."""
    if "collaboration_forms" in english:
        english["collaboration_forms"] = [
            {"type": "form", "value": text} for text in english["collaboration_forms"]
        ]
    return english


def load_conventions(report: SeedReport) -> None:
    data = load_toml(DATA / "conventions.toml")
    index = upsert_index_page(report, ConventionIndexPage, data)
    actors = _directory_actors()
    for row in data.get("convention", []):
        convention = upsert_convention(report, index, row, actors)
        upsert_english(report, convention, row.get("en"), _english_fields)


register_seed("conventions", load_conventions, order=50)
