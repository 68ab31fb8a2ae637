"""Seed content of the network minutes: the networks index page in French and
English, the networks (`seed_data/networks.toml`) and the minutes of seeds 002
and 004 (`seed_data/minutes_*.toml`). Runs after the directory's loaders:
participants, hosts and networks link to its fiches by slug."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.db import transaction
from wagtail.models import Page

from directory.models import ActorPage, Network
from home.seeding import (
    SeedReport,
    as_editor_saves,
    load_toml,
    register_seed,
    themes_by_slug,
    upsert_english,
    upsert_index_page,
    upsert_page,
)

from .models import ActionItem, MeetingMinutesPage, NetworkPage, NetworksIndexPage, Participant

DATA = Path(__file__).resolve().parent / "seed_data"

MINUTES_FIELDS = {
    "title",
    "date",
    "start_time",
    "end_time",
    "meeting_format",
    "place",
    "host_text",
    "chair",
    "summary",
    "next_meeting_date",
    "next_meeting_start_time",
    "next_meeting_end_time",
    "next_meeting_approximate",
    "next_meeting_host_text",
}
TIME_FIELDS = {"start_time", "end_time", "next_meeting_start_time", "next_meeting_end_time"}
ACTOR_LINKS = {"host": "host", "next_meeting_host": "next_meeting_host"}
PARTICIPANT_FIELDS = ("name", "function", "organisation", "organisation_text", "attendance")
ACTION_FIELDS = ("agenda_point", "description", "owner_name", "owner_organisation", "due_date")


def _actor(slug: str | None, locale_id: int) -> ActorPage | None:
    if not slug:
        return None
    actor = ActorPage.objects.filter(slug=slug, locale_id=locale_id).first()
    if actor is None:
        raise ValueError(f"Unknown actor slug in the minutes' seed data: {slug!r}")
    return actor


def load_networks(report: SeedReport) -> dict[str, NetworkPage]:
    data = load_toml(DATA / "networks.toml")
    index = upsert_index_page(report, NetworksIndexPage, data["index"])
    pages = {}
    for row in data["network"]:
        network = Network.objects.filter(slug=row["network"]).first() if row["network"] else None
        fields = {
            "title": row["title"],
            "acronym": row.get("acronym", ""),
            "introduction": row.get("introduction", ""),
            "description": row.get("description", ""),
            "network": network,
            "host_organisation": _actor(row.get("host_organisation"), index.locale_id),
        }
        pages[row["slug"]] = upsert_page(
            report, index, NetworkPage, row["slug"], fields, row.get("themes", [])
        )
    return pages


def minutes_fields(row: dict, locale_id: int) -> dict:
    known = (
        MINUTES_FIELDS
        | set(ACTOR_LINKS)
        | {
            "network",
            "slug",
            "themes",
            "participant",
            "agenda",
            "action",
            "key_figure",
            "en",
        }
    )
    unknown = set(row) - known
    if unknown:
        raise ValueError(f"Unknown field(s) for minutes {row['slug']!r}: {sorted(unknown)}")
    fields = {key: value for key, value in row.items() if key in MINUTES_FIELDS}
    for name in TIME_FIELDS & set(fields):
        fields[name] = datetime.time.fromisoformat(fields[name])
    for key, name in ACTOR_LINKS.items():
        fields[name] = _actor(row.get(key), locale_id)
    fields["agenda"] = _agenda(row.get("agenda", []))
    fields["key_figures"] = _key_figures(row.get("key_figure", []))
    return fields


def _agenda(items: list[dict]) -> list[dict]:
    """The agenda StreamField's value from the data file's `[[agenda]]` items."""
    return [
        {
            "type": "item",
            "value": {
                "title": item["title"],
                "discussion": item.get("discussion", ""),
                "speakers": item.get("speakers", []),
                "decisions": item.get("decisions", []),
            },
        }
        for item in items
    ]


def _key_figures(figures: list[dict]) -> list[dict]:
    return [
        {"type": "figure", "value": {"value": figure["value"], "label": figure["label"]}}
        for figure in figures
    ]


def english_fields(english: dict) -> dict:
    """The `[en]` table's values as the translation's fields: its
    `[[en.agenda]]` and `[[en.key_figure]]` items become the StreamFields'
    values, as the French ones do."""
    fields = dict(english)
    if "agenda" in fields:
        fields["agenda"] = _agenda(fields["agenda"])
    if "key_figure" in fields:
        fields["key_figures"] = _key_figures(fields.pop("key_figure"))
    return fields


def _participants(row: dict, locale_id: int) -> list[Participant]:
    participants = []
    for position, item in enumerate(row.get("participant", [])):
        unknown = set(item) - set(PARTICIPANT_FIELDS)
        if unknown:
            raise ValueError(f"Unknown participant field(s): {sorted(unknown)}")
        participants.append(
            Participant(
                sort_order=position,
                name=item["name"],
                function=item.get("function", ""),
                organisation=_actor(item.get("organisation"), locale_id),
                organisation_text=item.get("organisation_text", ""),
                attendance=item.get("attendance", Participant.PRESENT),
            )
        )
    return participants


def _actions(row: dict, locale_id: int) -> list[ActionItem]:
    actions = []
    for position, item in enumerate(row.get("action", [])):
        unknown = set(item) - set(ACTION_FIELDS)
        if unknown:
            raise ValueError(f"Unknown action field(s): {sorted(unknown)}")
        actions.append(
            ActionItem(
                sort_order=position,
                agenda_point=item.get("agenda_point"),
                description=item["description"],
                owner_name=item.get("owner_name", ""),
                owner_organisation=_actor(item.get("owner_organisation"), locale_id),
                due_date=item.get("due_date"),
            )
        )
    return actions


def _participant_key(p: Participant) -> tuple:
    return (p.name, p.function, p.organisation_id, p.organisation_text, p.attendance)


def _action_key(a: ActionItem) -> tuple:
    return (a.agenda_point, a.description, a.owner_name, a.owner_organisation_id, a.due_date)


@transaction.atomic
def upsert_minutes(report: SeedReport, network: NetworkPage, row: dict) -> MeetingMinutesPage:
    """`upsert_page` for a minutes page with its participants and actions,
    set before the first revision so the page is published complete. With
    `--update`, a change in those rows is handled here (upsert_page does not
    compare child relations)."""
    locale_id = network.locale_id
    fields = minutes_fields(row, locale_id)
    participants = _participants(row, locale_id)
    actions = _actions(row, locale_id)
    themes = row.get("themes", [])
    existing = Page.objects.child_of(network).filter(slug=row["slug"]).first()
    if existing is None:
        relations = {"participants": participants, "action_items": actions}
        return upsert_page(
            report, network, MeetingMinutesPage, row["slug"], {**fields, **relations}, themes
        )
    page = existing.specific
    if report.update and isinstance(page, MeetingMinutesPage):
        same_participants = [_participant_key(p) for p in page.participants.all()] == [
            _participant_key(p) for p in participants
        ]
        same_actions = [_action_key(a) for a in page.action_items.all()] == [
            _action_key(a) for a in actions
        ]
        if not (same_participants and same_actions):
            for name, value in as_editor_saves(MeetingMinutesPage, fields).items():
                setattr(page, name, value)
            page.participants = participants
            page.action_items = actions
            page.themes.set(themes_by_slug(themes))
            page.save_revision().publish()
            report.log("updated")
            return page
    return upsert_page(report, network, MeetingMinutesPage, row["slug"], fields, themes)


def load_minutes(report: SeedReport) -> None:
    networks = load_networks(report)
    for path in sorted(DATA.glob("minutes_*.toml")):
        row = load_toml(path)
        minutes = upsert_minutes(report, networks[row["network"]], row)
        upsert_english(report, minutes, row.get("en"), english_fields)


register_seed("network_minutes.minutes", load_minutes, order=50)
