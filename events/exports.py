"""The agenda's exports: the events the listing selects (filters.py, the
same parameters as the page, bad values ignored), current ones in date
order, one record per event, streamed (home/exports.py).

Dates are ISO 8601 instants with their Paris offset
(``2026-11-20T09:30:00+01:00``); an all-day slot runs from Paris midnight to
the next one after its last day. Free text is on one line, without control
characters.

JSON (`agenda_json`): a list of objects, named after schema.org `Event`
and OpenAgenda's event structure:

=====================  ========================================================
Field                  Content
=====================  ========================================================
id                     Stable identifier, shared by the event's translations.
name                   Title.
url                    Address of the event's page.
description            Summary.
type                   {code, label}: forum, conference, atelier, world-cafe…
status                 {code, label, note}: programme, reporte, annule, complet.
eventStatus            The schema.org status (EventCancelled, EventRescheduled…).
startDate, endDate     First start and last end of the slots (null: undated).
timings                Each slot: {begin, end, allDay}, by date.
datesNote              Without a date, what is known (« premier trimestre 2016 »).
attendanceMode         {code, label}: sur-place, en-ligne, hybride.
eventAttendanceMode    The schema.org attendance mode.
location               {name, streetAddress, postalCode, addressLocality,
                       addressCountry, departement {code, label}, region
                       {code, label}, latitude, longitude}, or null when none
                       is known (stored as is, whatever the mode).
onlineUrl              Link to follow it online.
organizers             Organisers and partners in the editor's order: {name,
                       url (their directory fiche, null without one), role
                       {code, label}}.
price                  {code, label, note}: gratuit, payant (code null: not said).
registration           {code, label, url}: aucune, lien, courriel (a mailto: url).
accessible             Accessible to people with reduced mobility (boolean).
themes                 [{slug, name}].
series, edition        « Mois de l'ESS », « 2018 ».
dateModified           Last publication.
=====================  ========================================================

CSV (`agenda_csv`): the same events, as the directory's export: UTF-8 with a
byte order mark, semicolon-separated, one line per event, columns `COLUMNS`:
id, title, url, summary, type and type_label, status, status_label and
status_note, start and end (as startDate, endDate), slots (each slot « begin/end »,
an all-day one as its first and last day « 2026-11-20/2026-11-22 » or one
day, separated by « | »), mode and mode_label, place, address, postcode,
city, departement and departement_name, region and region_name, latitude,
longitude, online_url, organisers, organiser_roles and organiser_urls (in
the same order, separated by « | », an empty URL for a name without a
fiche), price and price_label, registration and registration_url, accessible
(oui/non), themes (names, « | »), series, edition, last_published. A cell a
spreadsheet would run as a formula (« = », « + », « - », « @ ») starts with
an apostrophe (`home.exports.protect_cell`).

Both read the events as plain values, a chunk at a time, never as pages
(home/exports.py): per chunk one query for the slots, one for the organisers
with their fiche's title and place in the tree, one for the themes (in each
page's own order, the order they were added). The addresses are those of
`get_full_url`, built from the agenda's address and, for the fiches, their
directory index's (`event_values`, `FicheUrls`). `event_record` and
`event_row` format one event from those values: the one definition of a
record and of a line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from functools import cache

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from directory import geo
from home.exports import (
    JSON_CONTENT_TYPE,
    Column,
    CsvExport,
    descendant_urls,
    export_response,
    grouped,
    json_chunks,
    page_themes,
    protect_cell,
    value_chunks,
)
from home.exports import one_line as _text

from . import vocab
from .filters import EventFilterSet
from .models import EventOrganiser, EventPage, EventSlot, paris

EXPORT_CHUNK_SIZE = 500
LIST_SEPARATOR = " | "

_INSTANT = _("Instant ISO 8601 avec le décalage de Paris (2026-11-20T09:30:00+01:00).")

# The CSV's columns, in order: its header and its published Table Schema.
CSV_COLUMNS = [
    Column("id", _("Identifiant"), _("Identifiant stable, commun aux traductions."), required=True),
    Column("title", _("Titre"), required=True),
    Column("url", _("Adresse de l'événement"), format="uri"),
    Column("summary", _("Résumé")),
    Column("type", _("Type (code)"), enum=vocab.EventType.values),
    Column("type_label", _("Type")),
    Column("status", _("Statut (code)"), required=True, enum=vocab.Status.values),
    Column("status_label", _("Statut")),
    Column("status_note", _("Précisions sur le statut")),
    Column("start", _("Début"), _INSTANT, type="datetime"),
    Column("end", _("Fin"), _INSTANT, type="datetime"),
    Column(
        "slots",
        _("Créneaux"),
        _(
            "Chaque créneau « début/fin » (instants ISO 8601), ou un jour entier « AAAA-MM-JJ » "
            "ou « AAAA-MM-JJ/AAAA-MM-JJ » ; séparés par « | »."
        ),
    ),
    Column("mode", _("Participation (code)"), enum=vocab.Mode.values),
    Column("mode_label", _("Participation")),
    Column("place", _("Lieu")),
    Column("address", _("Adresse")),
    Column("postcode", _("Code postal")),
    Column("city", _("Commune")),
    Column("departement", _("Département (code INSEE)")),
    Column("departement_name", _("Département")),
    Column("region", _("Région (code INSEE)")),
    Column("region_name", _("Région")),
    Column("latitude", _("Latitude"), type="number"),
    Column("longitude", _("Longitude"), type="number"),
    Column("online_url", _("Lien pour suivre en ligne")),
    Column("organisers", _("Organisateurs et partenaires"), _("Noms séparés par « | ».")),
    Column(
        "organiser_roles",
        _("Rôles des organisateurs"),
        _("Codes des rôles, dans l'ordre des noms, séparés par « | »."),
    ),
    Column(
        "organiser_urls",
        _("Fiches des organisateurs"),
        _("Adresses de leurs fiches dans l'annuaire, dans l'ordre des noms (vide sans fiche)."),
    ),
    Column("price", _("Tarif (code)"), enum=vocab.Price.values),
    Column("price_label", _("Tarif")),
    Column("registration", _("Inscription (code)"), enum=vocab.Registration.values),
    Column("registration_url", _("Lien ou adresse d'inscription")),
    Column("accessible", _("Accessible aux personnes à mobilité réduite"), type="boolean"),
    Column("themes", _("Thématiques"), _("Noms séparés par « | ».")),
    Column("series", _("Série")),
    Column("edition", _("Édition")),
    Column("last_published", _("Dernière publication"), _INSTANT, type="datetime"),
]
AGENDA_CSV = CsvExport(
    "agenda",
    _("Agenda"),
    _(
        "Les événements de l'agenda que la liste sélectionne, un par ligne. Fichier UTF-8 "
        "avec BOM, séparateur « ; »."
    ),
    CSV_COLUMNS,
)
COLUMNS = AGENDA_CSV.header


def _instant(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value, paris()).isoformat(timespec="seconds") if value else None


def _coded(code: str, label) -> dict | None:
    return {"code": code, "label": str(label)} if code else None


def _number(value) -> float | None:
    return float(value) if value is not None else None


@cache
def _labels(model, name: str, language: str | None) -> dict[str, str]:
    """{code: label} of a field with choices in `language`, as
    `get_<name>_display` gives them (translated once per process)."""
    with translation.override(language):
        return {code: str(label) for code, label in model._meta.get_field(name).flatchoices}


def _label(model, name: str, code: str) -> str:
    """The label of `code` in the active language (`get_<name>_display`: the
    code itself when unknown)."""
    return _labels(model, name, translation.get_language()).get(code, code)


def _place_name(places: dict, code: str) -> str:
    """The name of a région or département code (`TerritoryMixin.region_name`)."""
    place = places.get(code)
    return place.name if place else ""


# What a record needs, read with `values()` (home/exports.py `value_chunks`),
# and what it needs of each slot.
VALUE_FIELDS = [
    "pk",
    "url_path",
    "translation_key",
    "title",
    "summary",
    "event_type",
    "status",
    "status_note",
    "starts_at",
    "ends_at",
    "dates_note",
    "mode",
    "place_name",
    "address",
    "postcode",
    "city",
    "country",
    "departement",
    "region",
    "latitude",
    "longitude",
    "online_url",
    "price",
    "price_note",
    "registration",
    "registration_url",
    "registration_email",
    "accessible",
    "series",
    "edition",
    "last_published_at",
]
SLOT_FIELDS = ["start_date", "start_time", "end_date", "starts_at", "ends_at"]


def _registration_url(values: dict) -> str:
    if values["registration"] == vocab.Registration.LINK:
        return _text(values["registration_url"])
    if values["registration"] == vocab.Registration.EMAIL and values["registration_email"]:
        return f"mailto:{_text(values['registration_email'])}"
    return ""


def _location(values: dict) -> dict | None:
    departement, region = values["departement"], values["region"]
    location = {
        "name": _text(values["place_name"]),
        "streetAddress": _text(values["address"]),
        "postalCode": _text(values["postcode"]),
        "addressLocality": _text(values["city"]),
        "addressCountry": _text(values["country"]),
        "departement": _coded(departement, _place_name(geo.departements(), departement)),
        "region": _coded(region, _place_name(geo.regions(), region)),
        "latitude": _number(values["latitude"]),
        "longitude": _number(values["longitude"]),
    }
    known = {key: value for key, value in location.items() if key != "addressCountry"}
    return location if any(known.values()) else None


def ordered_slots(slots: list[dict]) -> list[dict]:
    """The slots (`SLOT_FIELDS` dicts, in the editor's order) by date, as
    `EventPage.ordered_slots` orders them."""
    return sorted(slots, key=lambda slot: (slot["start_date"], slot["start_time"] or dt.time.min))


def event_record(
    values: dict, slots: list[dict], organisers: list[dict], themes, url: str | None
) -> dict:
    """One event as a JSON object (the fields of the module's docstring),
    from its `VALUE_FIELDS`; `slots`: its `SLOT_FIELDS` by date
    (`ordered_slots`); `organisers`: {name, url (the fiche's full address,
    None without a live fiche), role} in the editor's order, `name` the
    fiche's title else the name given; `themes`: its `Theme`s; `url`: its
    full address (None outside every site)."""
    event_type, status, mode = values["event_type"], values["status"], values["mode"]
    price = _coded(values["price"], _label(EventPage, "price", values["price"]))
    registration = values["registration"]
    return {
        "id": str(values["translation_key"]),
        "name": _text(values["title"]),
        "url": url,
        "description": _text(values["summary"]),
        "type": _coded(event_type, _label(EventPage, "event_type", event_type)),
        "status": {
            **_coded(status, _label(EventPage, "status", status)),
            "note": _text(values["status_note"]),
        },
        "eventStatus": vocab.SCHEMA_STATUS.get(status),
        "startDate": _instant(values["starts_at"]),
        "endDate": _instant(values["ends_at"]),
        "timings": [
            {
                "begin": _instant(slot["starts_at"]),
                "end": _instant(slot["ends_at"]),
                "allDay": slot["start_time"] is None,
            }
            for slot in slots
        ],
        "datesNote": _text(values["dates_note"]),
        "attendanceMode": _coded(mode, _label(EventPage, "mode", mode)),
        "eventAttendanceMode": vocab.SCHEMA_ATTENDANCE.get(mode),
        "location": _location(values),
        "onlineUrl": _text(values["online_url"]),
        "organizers": [
            {
                "name": _text(organiser["name"]),
                "url": organiser["url"],
                "role": _coded(
                    organiser["role"], _label(EventOrganiser, "role", organiser["role"])
                ),
            }
            for organiser in organisers
        ],
        "price": {
            "code": values["price"] or None,
            "label": price["label"] if price else None,
            "note": _text(values["price_note"]),
        },
        "registration": {
            **_coded(registration, _label(EventPage, "registration", registration)),
            "url": _registration_url(values) or None,
        },
        "accessible": values["accessible"],
        "themes": [{"slug": theme.slug, "name": _text(theme.display_name)} for theme in themes],
        "series": _text(values["series"]),
        "edition": _text(values["edition"]),
        "dateModified": _instant(values["last_published_at"]),
    }


def _slot_cell(slot: dict) -> str:
    if slot["start_time"] is None:  # all day
        first, last = slot["start_date"], slot["end_date"] or slot["start_date"]
        if last == first:
            return first.isoformat()
        return f"{first.isoformat()}/{last.isoformat()}"
    return f"{_instant(slot['starts_at'])}/{_instant(slot['ends_at'])}"


def event_row(
    values: dict, slots: list[dict], organisers: list[dict], themes, url: str | None
) -> list[str]:
    """One event as a CSV line, in the order of `COLUMNS`, every cell
    protected against formulas (the arguments of `event_record`)."""
    record = event_record(values, slots, organisers, themes, url)
    cells = [_slot_cell(slot) for slot in slots]
    return record_row(record, cells, values["latitude"], values["longitude"])


def record_row(record: dict, slot_cells: list[str], latitude, longitude) -> list[str]:
    """An event's JSON record (`event_record`) as its CSV line: the record's
    fields, its slots' cells, its coordinates as stored (the record's are
    floats)."""
    location = record["location"] or {}
    organisers = record["organizers"]

    def code(value):
        return value["code"] if value else ""

    def label(value):
        return value["label"] if value else ""

    cells = {
        "id": record["id"],
        "title": record["name"],
        "url": record["url"],
        "summary": record["description"],
        "type": code(record["type"]),
        "type_label": label(record["type"]),
        "status": code(record["status"]),
        "status_label": label(record["status"]),
        "status_note": record["status"]["note"],
        "start": record["startDate"],
        "end": record["endDate"],
        "slots": LIST_SEPARATOR.join(slot_cells),
        "mode": code(record["attendanceMode"]),
        "mode_label": label(record["attendanceMode"]),
        "place": location.get("name"),
        "address": location.get("streetAddress"),
        "postcode": location.get("postalCode"),
        "city": location.get("addressLocality"),
        "departement": code(location.get("departement")),
        "departement_name": label(location.get("departement")),
        "region": code(location.get("region")),
        "region_name": label(location.get("region")),
        "latitude": "" if latitude is None else str(latitude),
        "longitude": "" if longitude is None else str(longitude),
        "online_url": record["onlineUrl"],
        "organisers": LIST_SEPARATOR.join(o["name"] for o in organisers),
        "organiser_roles": LIST_SEPARATOR.join(code(o["role"]) for o in organisers),
        "organiser_urls": LIST_SEPARATOR.join(o["url"] or "" for o in organisers),
        "price": record["price"]["code"],
        "price_label": record["price"]["label"],
        "registration": code(record["registration"]),
        "registration_url": record["registration"]["url"],
        "accessible": "oui" if record["accessible"] else "non",
        "themes": LIST_SEPARATOR.join(theme["name"] for theme in record["themes"]),
        "series": record["series"],
        "edition": record["edition"],
        "last_published": record["dateModified"],
    }
    # Each part is clean already (a list's empty item is kept: « url | »).
    return [protect_cell("" if cells[column] is None else cells[column]) for column in COLUMNS]


class FicheUrls:
    """The full addresses of directory fiches, equal to their
    `get_full_url(request)` without a lookup per fiche: a page's address is
    its parent's followed by the rest of its path (home/exports.py
    `descendant_urls`), and the fiches of an export have few parents (their
    directory indexes), each read once (`read`, one query for the parents
    not seen yet)."""

    def __init__(self, request=None):
        self.request = request
        self.of_parent: dict[str, Callable[[str], str]] = {}

    def read(self, paths) -> None:
        """Read the parents of the pages of tree `paths` not read yet."""
        parents = {path[: -Page.steplen] for path in paths} - self.of_parent.keys()
        if parents:
            for page in Page.objects.filter(path__in=parents):
                self.of_parent[page.path] = descendant_urls(page, self.request)

    def __call__(self, path: str, url_path: str) -> str | None:
        """The address of the page of tree `path` and `url_path` (its parent
        read), None outside every site."""
        url_of = self.of_parent.get(path[: -Page.steplen])
        return (url_of(url_path) if url_of else "") or None


def event_values(events, url_of, fiche_url: FicheUrls) -> Iterator[tuple]:
    """(values, slots, organisers, themes, url) of each event of the
    queryset `events`, in its order: the arguments of `event_record` and
    `event_row`. Read as values in chunks, per chunk one query for the slots,
    one for the organisers (with their fiche), one for the themes, and one
    for the parents of fiches not met before (`fiche_url`). `url_of` turns
    an event's `url_path` into its address (home/exports.py
    `descendant_urls`)."""
    for chunk in value_chunks(events, VALUE_FIELDS, EXPORT_CHUNK_SIZE):
        ids = [values["pk"] for values in chunk]
        slots = grouped(
            (slot["event_id"], slot)
            for slot in EventSlot.objects.filter(event_id__in=ids)
            .order_by("event_id", "sort_order", "pk")
            .values("event_id", *SLOT_FIELDS)
        )
        links = list(
            EventOrganiser.objects.filter(event_id__in=ids)
            .order_by("event_id", "sort_order", "pk")
            .values_list(
                "event_id",
                "actor_id",
                "actor__title",
                "actor__live",
                "actor__path",
                "actor__url_path",
                "name",
                "role",
            )
        )
        fiche_url.read(path for _e, actor_id, _t, live, path, *_rest in links if actor_id and live)
        organisers = grouped(
            (
                event_id,
                {
                    "name": title if actor_id else name,
                    "url": fiche_url(path, url_path) if actor_id and live else None,
                    "role": role,
                },
            )
            for event_id, actor_id, title, live, path, url_path, name, role in links
        )
        themes = page_themes(ids)
        for values in chunk:
            pk = values["pk"]
            yield (
                values,
                ordered_slots(slots[pk]),
                organisers[pk],
                themes[pk],
                url_of(values["url_path"]) or None,
            )


def _events(request, index_page):
    """The filtered events, with what a record needs (`event_values`)."""
    listing = EventFilterSet(request.GET, scope=index_page)
    events = event_values(listing.qs, descendant_urls(index_page, request), FicheUrls(request))
    return events, f"agenda-{listing.today:%Y-%m-%d}"


def agenda_csv(request, index_page):
    events, name = _events(request, index_page)
    rows = (event_row(*event) for event in events)
    return AGENDA_CSV.response(rows, f"{name}.csv")


def agenda_csv_schema(request, index_page):
    """The Table Schema of the CSV export (home/exports.py)."""
    return AGENDA_CSV.schema_response()


def agenda_json(request, index_page):
    events, name = _events(request, index_page)
    records = (event_record(*event) for event in events)
    return export_response(json_chunks(records), f"{name}.json", JSON_CONTENT_TYPE, inline=True)
