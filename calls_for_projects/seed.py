"""Seed content of the calls for projects: the index page in French and
English, and the calls the seed documents describe (`seed_data/calls.toml`),
linked to the directory's fiches by slug. Runs after the directory's actors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from directory.models import ActorPage
from home.seeding import (
    SeedReport,
    load_toml,
    register_seed,
    themes_by_slug,
    upsert_english,
    upsert_index_page,
    upsert_page,
)

from .models import (
    ApplicantType,
    CallForProjectsPage,
    CallJury,
    CallLaureate,
    CallOrganiser,
    CallsIndexPage,
)

DATA = Path(__file__).resolve().parent / "seed_data"

CALL_FIELDS = {
    "title",
    "call_type",
    "summary",
    "description",
    "eligible_examples",
    "framework",
    "opens_on",
    "preregistration_on",
    "deadline",
    "is_rolling",
    "dates_note",
    "recurrence",
    "edition_number",
    "edition_year",
    "editions_held",
    "discontinued",
    "discontinued_year",
    "discontinued_note",
    "applicants_note",
    "scope",
    "region",
    "departement",
    "territory_note",
    "total_envelope",
    "max_per_project",
    "funding_rate",
    "funding_note",
    "support_offered",
    "selection_steps",
    "selection_criteria",
    "application_url",
    "application_email",
    "how_to_apply",
    "results_intro",
    "results_figures",
}
RELATIONS = {"slug", "organisers", "juries", "laureates", "applicants", "themes"}
DECIMAL_FIELDS = {"total_envelope", "max_per_project", "funding_rate"}
ORGANISER_FIELDS = ("actor", "name", "role")
JURY_FIELDS = ("name", "college", "award", "description")
LAUREATE_FIELDS = (
    "actor",
    "name",
    "project",
    "award",
    "amount",
    "amount_note",
    "edition_year",
    "description",
)


def load_index(report: SeedReport) -> CallsIndexPage:
    return upsert_index_page(report, CallsIndexPage, load_toml(DATA / "calls_index.toml"))


def load_calls(report: SeedReport) -> None:
    index = load_index(report)
    actors = {
        actor.slug: actor
        for actor in ActorPage.objects.filter(locale_id=index.locale_id).only("pk", "slug")
    }
    applicants = {applicant.code: applicant for applicant in ApplicantType.objects.all()}
    for row in load_toml(DATA / "calls.toml")["call"]:
        call = upsert_call(report, index, row, actors, applicants)
        upsert_english(report, call, row.get("en"))


def call_fields(row: dict) -> dict:
    unknown = set(row) - CALL_FIELDS - RELATIONS - {"en"}
    if unknown:
        raise ValueError(f"Unknown field(s) for call {row['slug']!r}: {sorted(unknown)}")
    fields = {key: value for key, value in row.items() if key in CALL_FIELDS}
    for name in DECIMAL_FIELDS & set(fields):
        fields[name] = Decimal(str(fields[name]))
    if "deadline" in fields:
        # TOML local date-times are Paris time (settings.TIME_ZONE).
        fields["deadline"] = timezone.make_aware(fields["deadline"])
    if "results_figures" in fields:
        fields["results_figures"] = [
            {"type": "figure", "value": figure} for figure in fields["results_figures"]
        ]
    return fields


def _actor(actors: dict, slug: str | None, where: str):
    if not slug:
        return None
    if slug not in actors:
        raise ValueError(f"{where}: no directory fiche with slug {slug!r}")
    return actors[slug]


def _children(row: dict, actors: dict) -> dict:
    slug = row["slug"]
    organisers = []
    for i, item in enumerate(row.get("organisers", [])):
        _check(item, ORGANISER_FIELDS, f"{slug} organiser")
        organisers.append(
            CallOrganiser(
                sort_order=i,
                actor=_actor(actors, item.get("actor"), slug),
                name=item.get("name", ""),
                role=item["role"],
            )
        )
    juries = []
    for i, item in enumerate(row.get("juries", [])):
        _check(item, JURY_FIELDS, f"{slug} jury")
        juries.append(CallJury(sort_order=i, **item))
    laureates = []
    for i, item in enumerate(row.get("laureates", [])):
        _check(item, LAUREATE_FIELDS, f"{slug} laureate")
        values = dict(item)
        values["actor"] = _actor(actors, values.get("actor"), slug)
        if "amount" in values:
            values["amount"] = Decimal(str(values["amount"]))
        laureates.append(CallLaureate(sort_order=i, **values))
    return {"organisers": organisers, "juries": juries, "laureates": laureates}


def _check(item: dict, allowed, where: str) -> None:
    unknown = set(item) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown field(s) in {where}: {sorted(unknown)}")


def _child_keys(children: dict) -> dict:
    keys = {}
    for name, fields in (
        ("organisers", ("actor_id", "name", "role")),
        ("juries", JURY_FIELDS),
        ("laureates", ("actor_id",) + LAUREATE_FIELDS[1:]),
    ):
        keys[name] = [tuple(getattr(obj, f) for f in fields) for obj in children[name]]
    return keys


@transaction.atomic
def upsert_call(report: SeedReport, index, row: dict, actors: dict, applicants: dict):
    """`upsert_page` for a call with its organisers, juries, laureates and
    eligible applicants, set before its first revision so that the call is
    published complete. With `--update`, changed relations are brought back
    to the data file too."""
    slug = row["slug"]
    fields = call_fields(row)
    children = _children(row, actors)
    codes = row.get("applicants", [])
    unknown = set(codes) - set(applicants)
    if unknown:
        raise ValueError(f"{slug}: unknown applicant code(s) {sorted(unknown)}")
    chosen = [applicants[code] for code in codes]
    themes = row.get("themes", [])

    existing = Page.objects.child_of(index).filter(slug=slug).first()
    if existing is None:
        relations = {**children, "applicants": chosen}
        return upsert_page(
            report, index, CallForProjectsPage, slug, {**fields, **relations}, themes
        )
    page = existing.specific
    if report.update and isinstance(page, CallForProjectsPage):
        current = {
            "organisers": list(page.organisers.all()),
            "juries": list(page.juries.all()),
            "laureates": list(page.laureates.all()),
        }
        if _child_keys(current) != _child_keys(children) or {
            a.pk for a in page.applicants.all()
        } != {a.pk for a in chosen}:
            for name, value in fields.items():
                setattr(page, name, value)
            for name, value in children.items():
                setattr(page, name, value)
            page.applicants = chosen
            page.themes.set(themes_by_slug(themes))
            page.save_revision().publish()
            report.log("updated")
            return page
    return upsert_page(report, index, CallForProjectsPage, slug, fields, themes)


# After the directory's actors (order 30), which the calls link to.
register_seed("calls_for_projects.calls", load_calls, order=40)
