"""The directory as CSV: `actor_to_row` (also the JSON export's rows) and
`iter_csv`, streamed (the file format: docs/csv-import.md)."""

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from home.exports import CsvExport

from ..models import ActorContact, ActorPage
from .columns import COLUMNS, CONTACT_SEPARATOR, CSV_COLUMNS, LIST_SEPARATOR, escape, protect_cell

# The public export: semicolons, UTF-8 with a byte order mark.
DIRECTORY_CSV = CsvExport(
    "annuaire-acteurs",
    _("Annuaire des acteurs"),
    _(
        "Les acteurs de l'annuaire (collectivités, structures de l'ESS, réseaux…) et leurs "
        "contacts publiés, dans les colonnes de l'import CSV. Fichier UTF-8 avec BOM, "
        "séparateur « ; »."
    ),
    COLUMNS,
)


def contact_to_text(contact: ActorContact) -> str:
    fields = [contact.role, contact.name, contact.function, contact.service, contact.email]
    while fields and not fields[-1]:
        fields.pop()
    return CONTACT_SEPARATOR.join(escape(" ".join((value or "").split())) for value in fields)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def actor_to_row(actor: ActorPage, request=None, protect: bool = True) -> dict[str, str]:
    """One actor as a CSV row: every column of `CSV_COLUMNS`, as text.

    Contacts are the published ones only (`actor.public_contacts()`). For a
    constant number of queries over many actors, prefetch ``contacts``,
    ``networks`` and ``themes``. `protect=False` (JSON, which has no formulas
    to guard against) leaves the cells as they are.
    """
    lists = {
        "networks": LIST_SEPARATOR.join(sorted(n.slug for n in actor.networks.all())),
        "themes": LIST_SEPARATOR.join(sorted(t.slug for t in actor.themes.all())),
        "contacts": LIST_SEPARATOR.join(map(contact_to_text, actor.public_contacts())),
        "url": actor.get_full_url(request) or "",
    }
    row = {
        column: lists[column] if column in lists else _text(getattr(actor, column))
        for column in CSV_COLUMNS
    }
    return {column: protect_cell(value) for column, value in row.items()} if protect else row


class _Echo:
    """A file-like object whose write returns the line, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def iter_csv(actors: Iterable[ActorPage], request=None, delimiter: str = ",") -> Iterator[str]:
    """The CSV file as chunks of text, for a StreamingHttpResponse: a UTF-8
    BOM, the header, then one line per actor (memory does not grow with the
    number of actors if `actors` is an iterator, e.g. ``qs.iterator(chunk_size=…)``
    with prefetches)."""
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    yield "\ufeff"
    yield writer.writerow(CSV_COLUMNS)
    for actor in actors:
        row = actor_to_row(actor, request)
        yield writer.writerow([row[column] for column in CSV_COLUMNS])
