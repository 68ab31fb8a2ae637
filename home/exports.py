"""The exports of a listing (docs/architecture.md): CSV and JSON files of the
items a filter set selects, streamed so that memory does not grow with their
number. What a row holds, and how its cells are protected, stay in the apps.

    rows = (event_row(event) for event in listing.qs.iterator(chunk_size=500))
    return export_response(csv_chunks(COLUMNS, rows), "agenda-2026-11-20.csv", CSV_CONTENT_TYPE)
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


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


def export_response(chunks, filename: str, content_type: str, inline: bool = False):
    """`chunks` streamed as `filename`, a download unless `inline`."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
