"""Seed content of the agenda: the index page in French and English
(`seed_data/agenda_index.toml`) and the events the seed documents describe
(`seed_data/events.toml`), linked by slug to the directory's fiches, the
networks and their minutes, and the calls. Runs after those loaders.

The announcements (« petites annonces »): their index page
(`seed_data/announcements_index.toml`) and example offers and needs of the
seed organisations (`seed_data/announcements.toml`), current when first loaded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import transaction
from wagtail.models import Page

from calls_for_projects.models import CallForProjectsPage
from directory import geo
from directory.models import ActorPage
from home.seeding import (
    SeedReport,
    as_editor_saves,
    load_toml,
    register_seed,
    themes_by_slug,
    upsert_index_page,
    upsert_page,
)
from network_minutes.models import MeetingMinutesPage, NetworkPage

from .announcements import AnnouncementIndexPage, AnnouncementPage, paris_today
from .models import AgendaIndexPage, EventOrganiser, EventPage, EventSlot

DATA = Path(__file__).resolve().parent / "seed_data"

EVENT_FIELDS = {
    "title",
    "event_type",
    "summary",
    "description",
    "series",
    "edition",
    "status",
    "status_note",
    "dates_note",
    "expected_year",
    "mode",
    "place_name",
    "address",
    "postcode",
    "city",
    "country",
    "region",
    "departement",
    "online_url",
    "audience",
    "price",
    "price_note",
    "registration",
    "registration_url",
    "registration_email",
    "capacity",
    "accessible",
    "accessibility",
}
RELATIONS = {"slug", "slot", "organisers", "network", "minutes", "calls", "themes"}
SLOT_FIELDS = ("start_date", "start_time", "end_date", "end_time")
ORGANISER_FIELDS = ("actor", "name", "role")


def load_index(report: SeedReport) -> AgendaIndexPage:
    return upsert_index_page(report, AgendaIndexPage, load_toml(DATA / "agenda_index.toml"))


class Links:
    """The pages an event may point at, by slug, in the index's locale:
    one query per kind, whatever the number of events."""

    def __init__(self, locale_id: int):
        self.actors = {
            page.slug: page
            for page in ActorPage.objects.filter(locale_id=locale_id).only("pk", "slug")
        }
        self.networks = {
            page.slug: page
            for page in NetworkPage.objects.filter(locale_id=locale_id).only(
                "pk", "slug", "path", "depth"
            )
        }
        self.calls = {
            page.slug: page
            for page in CallForProjectsPage.objects.filter(locale_id=locale_id).only("pk", "slug")
        }

    @staticmethod
    def _get(found: dict, slug: str | None, kind: str, where: str):
        if not slug:
            return None
        if slug not in found:
            raise ValueError(f"{where}: no {kind} with slug {slug!r}")
        return found[slug]

    def actor(self, slug, where):
        return self._get(self.actors, slug, "directory fiche", where)

    def network(self, slug, where):
        return self._get(self.networks, slug, "network page", where)

    def call(self, slug, where):
        return self._get(self.calls, slug, "call for projects", where)

    def minutes(self, network: NetworkPage | None, slug: str | None, where: str):
        if not slug:
            return None
        if network is None:
            raise ValueError(f"{where}: minutes {slug!r} without their network")
        page = MeetingMinutesPage.objects.child_of(network).filter(slug=slug).first()
        if page is None:
            raise ValueError(f"{where}: no minutes {slug!r} in network {network.slug!r}")
        return page


def _check(item: dict, allowed, where: str) -> None:
    unknown = set(item) - set(allowed)
    if unknown:
        raise ValueError(f"Unknown field(s) in {where}: {sorted(unknown)}")


def event_fields(row: dict, links: Links) -> dict:
    slug = row["slug"]
    _check(row, EVENT_FIELDS | RELATIONS, f"event {slug!r}")
    fields = {key: value for key, value in row.items() if key in EVENT_FIELDS}
    network = links.network(row.get("network"), slug)
    fields["network"] = network
    fields["minutes"] = links.minutes(network, row.get("minutes"), slug)
    return fields


def event_children(row: dict, links: Links) -> dict:
    """The slots and organisers of a seed event (unsaved rows, in order)."""
    slug = row["slug"]
    slots = []
    for i, item in enumerate(row.get("slot", [])):
        _check(item, SLOT_FIELDS, f"{slug} slot")
        slot = EventSlot(sort_order=i, **item)
        slot.clean()  # the seed obeys the editors' rules (no end before start)
        slots.append(slot)
    organisers = []
    for i, item in enumerate(row.get("organisers", [])):
        _check(item, ORGANISER_FIELDS, f"{slug} organiser")
        organisers.append(
            EventOrganiser(
                sort_order=i,
                actor=links.actor(item.get("actor"), slug),
                name=item.get("name", ""),
                role=item["role"],
            )
        )
    return {"slots": slots, "organisers": organisers}


def _child_keys(children: dict) -> dict:
    return {
        "slots": [tuple(getattr(slot, f) for f in SLOT_FIELDS) for slot in children["slots"]],
        "organisers": [(o.actor_id, o.name, o.role) for o in children["organisers"]],
    }


@transaction.atomic
def upsert_event(report: SeedReport, index: AgendaIndexPage, row: dict, links: Links):
    """`upsert_page` for an event with its slots, organisers and related
    calls, set before its first revision so that the event is published
    complete. With `--update`, changed rows are brought back to the data
    file too, through a new revision."""
    slug = row["slug"]
    fields = event_fields(row, links)
    children = event_children(row, links)
    calls = [links.call(call, slug) for call in row.get("calls", [])]
    themes = row.get("themes", [])

    existing = Page.objects.child_of(index).filter(slug=slug).first()
    if existing is None:
        relations = {**children, "related_calls": calls}
        return upsert_page(report, index, EventPage, slug, {**fields, **relations}, themes)
    page = existing.specific
    if report.update and isinstance(page, EventPage):
        current = {"slots": list(page.slots.all()), "organisers": list(page.organisers.all())}
        same_calls = {call.pk for call in page.related_calls.all()} == {call.pk for call in calls}
        if _child_keys(current) != _child_keys(children) or not same_calls:
            for name, value in as_editor_saves(EventPage, fields).items():
                setattr(page, name, value)
            for name, value in children.items():
                setattr(page, name, value)
            page.related_calls = calls
            page.themes.set(themes_by_slug(themes))
            page.save_revision().publish()
            report.log("updated")
            return page
    return upsert_page(report, index, EventPage, slug, fields, themes)


def load_events(report: SeedReport) -> None:
    index = load_index(report)
    links = Links(index.locale_id)
    for row in load_toml(DATA / "events.toml")["event"]:
        upsert_event(report, index, row, links)


# After the directory (30), the calls (40) and the networks' minutes (50),
# which the events link to.
register_seed("events.events", load_events, order=60)


# --- Announcements (« petites annonces », seed_data/announcements*.toml) ----------------

ANNOUNCEMENT_FIELDS = {
    "title",
    "kind",
    "category",
    "text",
    "postcode",
    "city",
    "region",
    "departement",
    "organisation",
    "contact_email",
    "contact_name",
}
ANNOUNCEMENT_RELATIONS = {"slug", "actor", "themes", "expires_in_days"}


def announcement_fields(row: dict, links: Links, index, today) -> dict:
    """A seed announcement's fields: its fiche, its territory derived from
    its postcode, and its expiry counted from `today` when it is new (an
    existing announcement keeps the expiry it has)."""
    slug = row["slug"]
    _check(row, ANNOUNCEMENT_FIELDS | ANNOUNCEMENT_RELATIONS, f"announcement {slug!r}")
    fields = {key: value for key, value in row.items() if key in ANNOUNCEMENT_FIELDS}
    fields["departement"], fields["region"] = geo.derive_territory(
        fields.get("postcode", ""), fields.get("departement", ""), fields.get("region", "")
    )
    fields["actor"] = links.actor(row.get("actor"), slug)
    if not Page.objects.child_of(index).filter(slug=slug).exists():
        fields["expires_on"] = today + dt.timedelta(days=row["expires_in_days"])
    return fields


def load_announcements(report: SeedReport) -> None:
    data = load_toml(DATA / "announcements_index.toml")
    index = upsert_index_page(report, AnnouncementIndexPage, data)
    links = Links(index.locale_id)
    today = paris_today()
    for row in load_toml(DATA / "announcements.toml")["announcement"]:
        fields = announcement_fields(row, links, index, today)
        upsert_page(report, index, AnnouncementPage, row["slug"], fields, row.get("themes", []))


# After the directory (30), whose fiches post them.
register_seed("events.announcements", load_announcements, order=61)
