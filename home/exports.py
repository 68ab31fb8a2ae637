"""The exports of a listing (docs/architecture.md, docs/open-data.md): CSV and
JSON files of the items a filter set selects, streamed so that memory does not
grow with their number, and the published Table Schema of each CSV file.

An app declares the columns of a CSV export once, as a `CsvExport` of
`Column`s: their names make the file's header, and their French titles,
descriptions, types, formats and constraints make its Table Schema
(https://specs.frictionlessdata.io/table-schema/), served beside the file by
`schema_response`. A column cannot reach the file without reaching the
schema. An export in an official format (the SCDL schemas) names the official
`schema.json` shipped in the repository: that file is served as is, and its
fields must be the export's columns, in order (checked when it is declared).

    EVENTS_CSV = CsvExport("agenda", _("Agenda"), _("…"), [Column("id", _("Identifiant"), …), …])
    rows = event_rows(listing.qs, request)  # from values(), see below
    return EVENTS_CSV.response(rows, "agenda-2026-11-20.csv")

What a row holds, and how its cells are protected, stay in the apps. Every
declared export is kept in `CSV_EXPORTS` (tests check each is served with its
schema).

A large export reads plain values rather than model instances (building a
page and its related managers costs about a millisecond a row), a chunk at a
time, and what the rows relate to once per chunk, one query per related
table (directory/csv/export.py, calls_for_projects/exports.py,
network_minutes/exports.py):

    url_of = descendant_urls(index_page, request)
    for chunk in value_chunks(listing.qs, ["pk", "url_path", "title", …], chunk_size=500):
        themes = page_themes([values["pk"] for values in chunk])
        for values in chunk:
            yield row(values, themes[values["pk"]], url_of(values["url_path"]))
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import RFC3986_SUBDELIMS

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
TABLE_SCHEMA_PROFILE = "https://frictionlessdata.io/schemas/table-schema.json"

# The licence of every open data file of the site: the French public sector's
# open licence (« Licence Ouverte / Open Licence » 2.0, Etalab).
OPEN_LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
# How the site's CSV files write a boolean.
TRUE_VALUES = ["oui"]
FALSE_VALUES = ["non"]

# A cell that a spreadsheet would run as a formula starts with one of these.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"[+-]?[\d\s.,/()]+")

# Every declared CSV export, by name.
CSV_EXPORTS: dict[str, CsvExport] = {}


# --- Cells, the same rules in every export -------------------------------------------


def protect_cell(value: str) -> str:
    """Keep spreadsheets from running a cell as a formula: a leading apostrophe
    unless the cell is a number or a phone number."""
    if value and value.startswith(_FORMULA_TRIGGERS) and not _NUMBER_LIKE.fullmatch(value):
        return "'" + value
    return value


def unprotect_cell(value: str) -> str:
    """A cell as it was before `protect_cell` (for the imports)."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(_FORMULA_TRIGGERS):
        return value[1:]
    return value


def one_line(value) -> str:
    """Free text on one line, without control characters ("" for None)."""
    from home.forms import clean_query_text

    return clean_query_text(str(value or ""))


def iso_or_empty(value) -> str:
    """A date (or time) in ISO 8601, "" when there is none."""
    return value.isoformat() if value else ""


def number_or_empty(value) -> str:
    """A number as written by Python, "" when there is none."""
    return "" if value is None else str(value)


class _Echo:
    """A file-like object whose write returns the line, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(
    header: list[str], rows: Iterable[list[str]], *, delimiter: str = ";", bom: bool = True
) -> Iterator[str]:
    """A CSV file as chunks of text: with `bom`, a UTF-8 byte order mark (so
    that spreadsheets read UTF-8), the header, then one line per row. Lines
    end with CRLF (RFC 4180); cells are quoted when they need it."""
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    if bom:
        yield "\ufeff"
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def json_chunks(objects: Iterable) -> Iterator[str]:
    """A JSON list as chunks of text, one object per line."""
    separator = "\n"
    yield "["
    for value in objects:
        yield separator + json.dumps(value, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def value_chunks(queryset, fields: Iterable[str], chunk_size: int) -> Iterator[list[dict]]:
    """The rows of `queryset` as `values(*fields)` dicts, in its order, in
    lists of `chunk_size`: one query read as it goes (a server-side cursor on
    PostgreSQL), so memory holds one chunk whatever the number of rows. What
    the rows relate to is read once per chunk (`grouped`), never per row."""
    rows = queryset.values(*fields).iterator(chunk_size=chunk_size)
    while chunk := list(islice(rows, chunk_size)):
        yield chunk


def grouped(pairs: Iterable[tuple[Any, Any]]) -> defaultdict[Any, list]:
    """{key: [value, …]} of `(key, value)` pairs, in their order: the rows of
    a related table for one chunk, by the id of the row each belongs to (a
    key without pairs gives an empty list)."""
    groups = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return groups


def page_themes(page_ids: Iterable[int]) -> defaultdict[int, list]:
    """{page id: [Theme, …]} of the pages `page_ids`, each list in the order
    `page.themes.all()` gives (taggit's: the order the themes were added, by
    id of the page-theme link): one query."""
    from home.models import PageTheme

    links = (
        PageTheme.objects.filter(content_object_id__in=page_ids)
        .select_related("tag")
        .order_by("pk")
    )
    return grouped((link.content_object_id, link.tag) for link in links)


def descendant_urls(page, request=None) -> Callable[[str], str]:
    """A function `url_path -> full URL` for the pages under `page` (a
    listing's index), equal to their `get_full_url(request)` without a lookup
    per page: the index's full URL, then the rest of the path, quoted as
    Django's `reverse` quotes it. "" for every page when the index has no
    URL (outside every site)."""
    base = page.get_full_url(request)
    if not base:
        return lambda url_path: ""
    start = len(page.url_path)
    safe = RFC3986_SUBDELIMS + "/~:@"
    return lambda url_path: base + quote(url_path[start:], safe=safe)


def export_response(chunks, filename: str, content_type: str, inline: bool = False):
    """`chunks` streamed as `filename`, a download unless `inline`."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@dataclass(frozen=True)
class Column:
    """One column of a CSV export and its Table Schema field.

    `type` and `format` are Table Schema's (string, integer, number, boolean,
    date, datetime; uri, email…); a boolean is written « oui »/« non ». `enum`
    lists the codes a coded column may hold (or is a function returning them,
    read when the schema is built); `constraints` adds others (pattern,
    minimum…). `required`: never empty."""

    name: str
    title: str
    description: str = ""
    type: str = "string"
    format: str = ""
    required: bool = False
    enum: Iterable[str] | Callable[[], Iterable[str]] | None = None
    constraints: dict = field(default_factory=dict)

    def descriptor(self) -> dict:
        data = {"name": self.name, "title": str(self.title), "type": self.type}
        if self.description:
            data["description"] = str(self.description)
        if self.format:
            data["format"] = self.format
        if self.type == "boolean":
            data.update(trueValues=TRUE_VALUES, falseValues=FALSE_VALUES)
        constraints = dict(self.constraints)
        if self.required:
            constraints["required"] = True
        if self.enum is not None:
            values = self.enum() if callable(self.enum) else self.enum
            constraints["enum"] = [str(value) for value in values]
        if constraints:
            data["constraints"] = constraints
        return data


@dataclass(eq=False)
class CsvExport:
    """A CSV export: its columns (the header, in order), how the file is
    written (`delimiter`, a byte order mark or not, the text of a missing
    value) and what its Table Schema says of it. `official`: the path of an
    official Table Schema the file follows, served instead of one built from
    the columns (whose names must be its fields')."""

    name: str
    title: str
    description: str
    columns: list[Column]
    delimiter: str = ";"
    bom: bool = True
    missing_values: list[str] = field(default_factory=lambda: [""])
    official: Path | None = None

    def __post_init__(self):
        names = [column.name for column in self.columns]
        if len(set(names)) != len(names):
            raise ImproperlyConfigured(f"CSV export {self.name}: a column is declared twice.")
        if self.official is not None:
            fields = [item["name"] for item in self.official_descriptor["fields"]]
            if fields != names:
                raise ImproperlyConfigured(
                    f"CSV export {self.name}: its columns are not the fields of {self.official}."
                )
        if self.name in CSV_EXPORTS:
            raise ImproperlyConfigured(f"CSV export {self.name} is declared twice.")
        CSV_EXPORTS[self.name] = self

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]

    @cached_property
    def official_descriptor(self) -> dict:
        return json.loads(Path(self.official).read_text(encoding="utf-8"))

    def descriptor(self) -> dict:
        """The Table Schema of the file, in the active language."""
        if self.official is not None:
            return self.official_descriptor
        return {
            "$schema": TABLE_SCHEMA_PROFILE,
            "name": self.name,
            "title": str(self.title),
            "description": str(self.description),
            "licenses": [OPEN_LICENCE],
            "missingValues": list(self.missing_values),
            "fields": [column.descriptor() for column in self.columns],
        }

    def lines(self, rows: Iterable) -> Iterator[list[str]]:
        """Each row (a dict by column name, or a list in the columns' order)
        as the list of its cells, None written as a missing value. A row with
        a cell the columns do not declare is refused (it would not be in the
        schema)."""
        header, missing = self.header, self.missing_values[0]
        for row in rows:
            if len(row) != len(header):
                raise ValueError(f"CSV export {self.name}: a row has {len(row)} cells.")
            cells = [row[name] for name in header] if isinstance(row, dict) else row
            yield [missing if cell is None else cell for cell in cells]

    def chunks(self, rows: Iterable) -> Iterator[str]:
        return csv_chunks(self.header, self.lines(rows), delimiter=self.delimiter, bom=self.bom)

    def response(self, rows: Iterable, filename: str):
        """The rows streamed as the download `filename`."""
        return export_response(self.chunks(rows), filename, CSV_CONTENT_TYPE)

    def schema_response(self):
        """The Table Schema as JSON (indented: it is read by people too)."""
        body = json.dumps(self.descriptor(), ensure_ascii=False, indent=2)
        response = HttpResponse(body.encode("utf-8"), content_type=JSON_CONTENT_TYPE)
        response["Content-Disposition"] = f'inline; filename="{self.name}.schema.json"'
        return response
