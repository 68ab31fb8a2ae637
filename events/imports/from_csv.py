"""Reading a CSV file of events: the agenda's own export (its columns,
events/exports.py) or a hand-written file with French headers (« titre »,
« début », « fin », « lieu », « commune »…), « ; » or « , » separated, UTF-8
with or without a byte order mark.

Dates: the export's « slots » cell (each slot « begin/end » as ISO 8601
instants with their offset, an all-day one as « 2026-11-20 » or
« 2026-11-20/2026-11-22 », separated by « | »), or one slot from the « start »
and « end » cells: « 2026-11-20 », « 20/11/2026 », with a time « 2026-11-20
09:30 », « 20/11/2026 9h30 » or an ISO instant; without an offset, Paris time.
Columns the export writes for people (labels, names of régions…) and unknown
columns are ignored (the report says which).
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from directory.csv.columns import unprotect_cell
from home.forms import clean_query_text
from home.imports import ImportPlan, RowError, read_csv_records

from .. import vocab
from ..exports import COLUMNS
from ..models import paris
from .rows import EventRow, Lookups, RowChecker, SlotData, fold, organiser

# Accepted headers (folded: no case, accents, spaces or punctuation) → column.
ALIASES = {
    "identifiant": "id",
    "uid": "id",
    "titre": "title",
    "nom": "title",
    "intitule": "title",
    "resume": "summary",
    "description": "summary",
    "type_d_evenement": "type",
    "type_de_l_evenement": "type",
    "statut": "status",
    "precision_sur_le_statut": "status_note",
    "precisions_sur_le_statut": "status_note",
    "debut": "start",
    "date_de_debut": "start",
    "date_debut": "start",
    "fin": "end",
    "date_de_fin": "end",
    "date_fin": "end",
    "creneaux": "slots",
    "dates": "slots",
    "participation": "mode",
    "lieu": "place",
    "adresse": "address",
    "code_postal": "postcode",
    "cp": "postcode",
    "commune": "city",
    "ville": "city",
    "lien_en_ligne": "online_url",
    "lien_pour_suivre_en_ligne": "online_url",
    "organisateurs": "organisers",
    "roles": "organiser_roles",
    "roles_des_organisateurs": "organiser_roles",
    "liens_des_organisateurs": "organiser_urls",
    "fiches_des_organisateurs": "organiser_urls",
    "tarif": "price",
    "precisions_sur_le_tarif": "price_note",
    "inscription": "registration",
    "lien_d_inscription": "registration_url",
    "accessibilite_pmr": "accessible",
    "themes": "themes",
    "serie": "series",
}
# What the export writes for people: read only when the code is missing.
LABEL_COLUMNS = {"type_label": "type", "status_label": "status", "price_label": "price"}
IGNORED = {"url", "mode_label", "departement_name", "region_name", "last_published"}
KNOWN = set(COLUMNS) | {"price_note"}
DATE_COLUMNS = {"slots", "start", "end"}
ORGANISER_COLUMNS = {"organisers", "organiser_roles", "organiser_urls"}

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FR_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_FR_DATETIME = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})[ T]+(\d{1,2})[:hH](\d{2})?")
_ISO_PAIR = re.compile(r"(\d{4}-\d{2}-\d{2}[^/]*)/(\d{4}-\d{2}-\d{2}[^/]*)")


def column_name(header: str) -> str:
    folded = re.sub(r"[^a-z0-9]+", "_", fold(header.strip().lstrip("\ufeff"))).strip("_")
    if folded in KNOWN or folded in LABEL_COLUMNS or folded in IGNORED:
        return folded
    return ALIASES.get(folded, "")


def parse_moment(text: str) -> dt.date | dt.datetime:
    """A date, or an aware instant (Paris time when no offset is given);
    ValueError when it is neither."""
    text = text.strip()
    if _ISO_DATE.fullmatch(text):
        return dt.date.fromisoformat(text)
    if match := _FR_DATE.fullmatch(text):
        day, month, year = map(int, match.groups())
        return dt.date(year, month, day)
    if match := _FR_DATETIME.fullmatch(text):
        day, month, year, hour, minute = match.groups()
        value = dt.datetime(int(year), int(month), int(day), int(hour), int(minute or 0))
        return value.replace(tzinfo=paris())
    if not re.match(r"\d{4}-\d{2}-\d{2}[ T]\d", text):
        raise ValueError(text)
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=paris())


def _bad_date(checker: RowChecker, column: str, text: str) -> None:
    checker.fail(
        column,
        _(
            "Date illisible : « %(value)s » (AAAA-MM-JJ ou JJ/MM/AAAA, suivi de l'heure "
            "HH:MM s'il y a lieu)."
        )
        % {"value": text[:60]},
    )


def _moment(checker: RowChecker, column: str, text: str):
    try:
        return parse_moment(text)
    except (ValueError, OverflowError):
        _bad_date(checker, column, text)
        return None


def _slots(checker: RowChecker, cells: dict[str, str]) -> list[SlotData] | None:
    slots: list[SlotData] = []
    if cells.get("slots", "").strip():
        for item in cells["slots"].split("|"):
            item = item.strip()
            if not item:
                continue
            pair = _ISO_PAIR.fullmatch(item)
            begin, end = (pair.group(1), pair.group(2)) if pair else (item, None)
            start = _moment(checker, "slots", begin)
            finish = _moment(checker, "slots", end) if end else None
            if start is None or (end and finish is None):
                return None
            slot = checker.slot("slots", start, finish)
            if slot is None:
                return None
            slots.append(slot)
        return slots
    start_text, end_text = cells.get("start", "").strip(), cells.get("end", "").strip()
    if not start_text:
        if end_text:
            checker.fail("start", _("Date de début manquante (la date de fin est donnée)."))
            return None
        return slots
    start = _moment(checker, "start", start_text)
    finish = _moment(checker, "end", end_text) if end_text else None
    if start is None or (end_text and finish is None):
        return None
    slot = checker.slot("end" if end_text else "start", start, finish)
    return [slot] if slot is not None else None


def _list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|")] if cell.strip() else []


def _organisers(checker: RowChecker, cells: dict[str, str]) -> list[dict] | None:
    names = _list(cells.get("organisers", ""))
    roles = _list(cells.get("organiser_roles", ""))
    urls = _list(cells.get("organiser_urls", ""))
    result = []
    for index, name in enumerate(names):
        role = checker.choice(
            "organiser_roles", roles[index] if index < len(roles) else "", vocab.Role
        )
        url = urls[index] if index < len(urls) else ""
        actor = checker.lookups.actor(url) if url else None
        name = checker.text("organisers", name, 250)
        if role is None or name is None:
            return None
        if actor is None and not name:
            checker.fail("organisers", _("Organisateur sans nom."))
            return None
        result.append(organiser(name, role or vocab.ORGANISER, actor))
    return result


def row_from_cells(line: int, cells: dict[str, str], lookups: Lookups) -> EventRow:
    """One line of the file as an `EventRow` (the cells of its known columns)."""
    row = EventRow(line)
    check = RowChecker(row, lookups)
    values = row.values

    title = check.text("title", cells.get("title", ""), 255)
    if title == "":
        check.fail("title", _("Le titre est obligatoire."))
    # A refused title is still shown in the report, cleaned and shortened.
    row.title = title if title is not None else clean_query_text(cells.get("title", ""))[:80]
    if "id" in cells:
        row.key = check.uuid("id", cells["id"])

    for column, name, kwargs in [
        ("summary", "summary", {"multiline": True}),
        ("status_note", "status_note", {}),
        ("place", "place_name", {}),
        ("address", "address", {}),
        ("postcode", "postcode", {}),
        ("city", "city", {}),
        ("price_note", "price_note", {}),
        ("series", "series", {}),
        ("edition", "edition", {}),
    ]:
        if column in cells:
            value = check.field_text(column, cells[column], name, **kwargs)
            if value is not None:
                values[name] = value

    for column, name, choices in [
        ("type", "event_type", vocab.EventType),
        ("status", "status", vocab.Status),
        ("mode", "mode", vocab.Mode),
        ("price", "price", vocab.Price),
        ("registration", "registration", vocab.Registration),
    ]:
        value = check.choice(column, cells.get(column, ""), choices)
        if value or (name == "price" and column in cells and value == ""):
            values[name] = value
    if not values.get("event_type"):
        row.create_values["event_type"] = vocab.EventType.OTHER

    if "region" in cells or "departement" in cells:
        territory = check.territory(cells.get("region", ""), cells.get("departement", ""))
        if territory is not None:
            values["region"], values["departement"] = territory
    for column, bound in (("latitude", 90), ("longitude", 180)):
        if column in cells:
            values[column] = check.decimal(column, cells[column], bound)
    if "online_url" in cells:
        url = check.url("online_url", cells["online_url"])
        if url is not None:
            values["online_url"] = url
    if "registration_url" in cells:
        link = cells["registration_url"].strip()
        if link.lower().startswith("mailto:"):
            email = check.email("registration_url", link[len("mailto:") :])
            if email is not None:
                values["registration_email"] = email
        else:
            url = check.url("registration_url", link)
            if url is not None:
                values["registration_url"] = url
    if "accessible" in cells:
        accessible = check.yes_no("accessible", cells["accessible"])
        if accessible is not None:
            values["accessible"] = accessible
    if "themes" in cells:
        row.themes = check.themes("themes", _list(cells["themes"]), strict=True)
    if DATE_COLUMNS & cells.keys():
        row.slots = _slots(check, cells)
    if ORGANISER_COLUMNS & cells.keys():
        row.organisers = _organisers(check, cells)
    return row


def parse_csv(content, lookups: Lookups) -> ImportPlan:
    """Read and check a CSV file of events, without changing anything."""
    plan = ImportPlan()
    try:
        records = read_csv_records(content, allow_nul=True)
    except ValueError as exc:
        plan.file_errors.append(RowError(0, "", str(exc)))
        return plan
    if not records or not any(cell.strip() for cell in records[0]):
        plan.file_errors.append(RowError(1, "", _("Le fichier est vide : en-tête attendu.")))
        return plan

    plan.columns = [cell.strip() for cell in records[0]]
    names = [column_name(header) for header in plan.columns]
    # A label column is read only when its code column is missing.
    names = [
        LABEL_COLUMNS[name] if name in LABEL_COLUMNS and LABEL_COLUMNS[name] not in names else name
        for name in names
    ]
    names = ["" if name in IGNORED or name in LABEL_COLUMNS else name for name in names]
    unknown = [
        f"« {header[:50]} »"
        for header, name in zip(plan.columns, names, strict=True)
        if not name and header and column_name(header) not in IGNORED | set(LABEL_COLUMNS)
    ]
    duplicated = sorted({name for name in names if name and names.count(name) > 1})
    if "title" not in names:
        plan.file_errors.append(
            RowError(1, "", _("Colonne du titre absente (« title » ou « titre »)."))
        )
    if duplicated:
        plan.file_errors.append(
            RowError(1, "", _("Colonnes en double : %(names)s.") % {"names": ", ".join(duplicated)})
        )
    if plan.file_errors:
        return plan
    if unknown:
        plan.notices.append(_("Colonnes ignorées : %(names)s.") % {"names": ", ".join(unknown)})

    header_of = {name: header for header, name in zip(plan.columns, names, strict=True) if name}
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(names) and any(cell.strip() for cell in record[len(names) :]):
            row = EventRow(number)
            row.error(
                "",
                _("%(count)s valeurs pour %(columns)s colonnes.")
                % {"count": len(record), "columns": len(names)},
            )
        elif any("\x00" in cell for cell in record):
            row = EventRow(number)
            row.error("", _("Caractère nul dans la ligne : contenu binaire refusé."))
        else:
            cells = {
                name: unprotect_cell(record[index].strip()) if index < len(record) else ""
                for index, name in enumerate(names)
                if name
            }
            row = row_from_cells(number, cells, lookups)
            for error in row.errors:  # the column as the file names it
                error.column = header_of.get(error.column, error.column)
        plan.rows.append(row)
    if not plan.rows:
        plan.file_errors.append(RowError(0, "", _("Le fichier ne contient aucun événement.")))
    return plan
