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
an apostrophe (`directory.csv.columns.protect_cell`).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.csv.columns import protect_cell
from home.exports import (
    JSON_CONTENT_TYPE,
    Column,
    CsvExport,
    export_response,
    json_chunks,
)
from home.forms import clean_query_text

from . import vocab
from .filters import EventFilterSet
from .models import EventOrganiser, paris

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


def _text(value) -> str:
    return clean_query_text(str(value or ""))


def _instant(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value, paris()).isoformat(timespec="seconds") if value else None


def _coded(code: str, label) -> dict | None:
    return {"code": code, "label": str(label)} if code else None


def _number(value) -> float | None:
    return float(value) if value is not None else None


def _registration_url(event) -> str:
    if event.registration == vocab.Registration.LINK:
        return _text(event.registration_url)
    if event.registration == vocab.Registration.EMAIL and event.registration_email:
        return f"mailto:{_text(event.registration_email)}"
    return ""


def _location(event) -> dict | None:
    location = {
        "name": _text(event.place_name),
        "streetAddress": _text(event.address),
        "postalCode": _text(event.postcode),
        "addressLocality": _text(event.city),
        "addressCountry": _text(event.country),
        "departement": _coded(event.departement, event.departement_name),
        "region": _coded(event.region, event.region_name),
        "latitude": _number(event.latitude),
        "longitude": _number(event.longitude),
    }
    known = {key: value for key, value in location.items() if key != "addressCountry"}
    return location if any(known.values()) else None


def event_record(event, request=None) -> dict:
    """One event as a JSON object (the fields of the module's docstring).
    For a constant number of queries, prefetch its ``slots``, ``organisers``
    (with their ``actor``) and ``themes``."""
    organisers = []
    for link in event.organisers.all():
        actor = link.actor if link.actor_id else None
        url = actor.get_full_url(request) if actor is not None and actor.live else None
        organisers.append(
            {
                "name": _text(link.display_name),
                "url": url,
                "role": _coded(link.role, link.role_label),
            }
        )
    price = _coded(event.price, event.get_price_display())
    return {
        "id": str(event.translation_key),
        "name": _text(event.title),
        "url": event.get_full_url(request),
        "description": _text(event.summary),
        "type": _coded(event.event_type, event.type_label),
        "status": {**_coded(event.status, event.status_label), "note": _text(event.status_note)},
        "eventStatus": vocab.SCHEMA_STATUS.get(event.status),
        "startDate": _instant(event.starts_at),
        "endDate": _instant(event.ends_at),
        "timings": [
            {
                "begin": _instant(slot.starts_at),
                "end": _instant(slot.ends_at),
                "allDay": slot.all_day,
            }
            for slot in event.ordered_slots
        ],
        "datesNote": _text(event.dates_note),
        "attendanceMode": _coded(event.mode, event.mode_label),
        "eventAttendanceMode": vocab.SCHEMA_ATTENDANCE.get(event.mode),
        "location": _location(event),
        "onlineUrl": _text(event.online_url),
        "organizers": organisers,
        "price": {
            "code": event.price or None,
            "label": price["label"] if price else None,
            "note": _text(event.price_note),
        },
        "registration": {
            **_coded(event.registration, event.get_registration_display()),
            "url": _registration_url(event) or None,
        },
        "accessible": event.accessible,
        "themes": [
            {"slug": theme.slug, "name": _text(theme.display_name)} for theme in event.themes.all()
        ],
        "series": _text(event.series),
        "edition": _text(event.edition),
        "dateModified": _instant(event.last_published_at),
    }


def _slot_cell(slot) -> str:
    if slot.all_day:
        if slot.last_date == slot.start_date:
            return slot.start_date.isoformat()
        return f"{slot.start_date.isoformat()}/{slot.last_date.isoformat()}"
    return f"{_instant(slot.starts_at)}/{_instant(slot.ends_at)}"


def event_row(event, request=None) -> list[str]:
    """One event as a CSV line, in the order of `COLUMNS`, every cell
    protected against formulas."""
    record = event_record(event, request)
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
        "slots": LIST_SEPARATOR.join(_slot_cell(slot) for slot in event.ordered_slots),
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
        "latitude": "" if event.latitude is None else str(event.latitude),
        "longitude": "" if event.longitude is None else str(event.longitude),
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


def _events(request, index_page):
    """The filtered events, read in chunks with what a record needs prefetched."""
    listing = EventFilterSet(request.GET, scope=index_page)
    organisers = EventOrganiser.objects.select_related("actor").order_by("sort_order", "pk")
    events = (
        listing.qs.defer_streamfields()
        .prefetch_related("slots", Prefetch("organisers", queryset=organisers), "themes")
        .iterator(chunk_size=EXPORT_CHUNK_SIZE)
    )
    return events, f"agenda-{listing.today:%Y-%m-%d}"


def agenda_csv(request, index_page):
    events, name = _events(request, index_page)
    rows = (event_row(event, request) for event in events)
    return AGENDA_CSV.response(rows, f"{name}.csv")


def agenda_csv_schema(request, index_page):
    """The Table Schema of the CSV export (home/exports.py)."""
    return AGENDA_CSV.schema_response()


def agenda_json(request, index_page):
    events, name = _events(request, index_page)
    records = (event_record(event, request) for event in events)
    return export_response(json_chunks(records), f"{name}.json", JSON_CONTENT_TYPE, inline=True)
