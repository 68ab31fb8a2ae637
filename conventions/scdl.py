"""The conventions' deliberations in the SCDL « Délibérations » format (schema
2.1.5 published by OpenDataFrance on schema.data.gouv.fr).

One line per convention page whose deliberation is adopted (a session date
on or before today); the filters of the index apply. The columns are the
schema's, in its order. A cell the content does not know stays empty: the
export never invents a SIRET, a deliberation number or a subject code.

File format: UTF-8 without byte order mark, comma-separated, first line the
column names, dates in ISO 8601 (``AAAA-MM-JJ``), empty string for a missing
value. A free-text cell that a spreadsheet would run as a formula (starting
with « = », « + », « - », « @ », unless it is a number) gets a leading
apostrophe, and loses its control characters (home/exports.py, as every
export).

==================  ===========================================================
Column              Content
==================  ===========================================================
COLL_NOM            Title of the authority's directory fiche.
COLL_SIRET          Its SIRET when the fiche has 14 digits (a SIREN alone is
                    not a SIRET: left empty).
DELIB_ID            The deliberation number (« numéro de la délibération »).
DELIB_DATE          The session date (« date de la séance »).
DELIB_MATIERE_CODE  The ACTES level-2 code chosen by the editor (e.g. 1.4).
DELIB_MATIERE_NOM   Derived from the code: « commande publique/autres types de
                    contrats ».
DELIB_OBJET         The object of the deliberation, on one line.
BUDGET_ANNEE        « année du budget » (AAAA or AAAA/AAAA).
BUDGET_NOM          « nom du budget ».
PREF_ID             The prefecture that received the act (PREF092…).
PREF_DATE           Its date of receipt.
VOTE_EFFECTIF       Members in office.
VOTE_REEL           Members who voted.
VOTE_POUR           Votes for.
VOTE_CONTRE         Votes against.
VOTE_ABSTENTION     Abstentions.
DELIB_URL           The attached document of kind « délibération » (its full
                    address), else the « adresse de la délibération » field.
==================  ===========================================================
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from home.exports import Column, CsvExport, protect_cell, value_chunks
from home.exports import iso_or_empty as _date
from home.exports import number_or_empty as _number
from home.exports import one_line as _text

from .actes import matiere_name
from .models import budget_year_validator, prefecture_id_validator

SCDL_SCHEMA = "scdl/deliberations"
SCDL_VERSION = "2.1.5"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "scdl-deliberations" / "schema.json"
# The schema's columns, in its order, and what each holds (the index page's
# documentation of the export). The file's schema is the official one.
COLUMNS = [
    Column("COLL_NOM", _("Nom de la collectivité (sa fiche de l'annuaire)")),
    Column("COLL_SIRET", _("SIRET de la collectivité (14 chiffres), si sa fiche le donne")),
    Column("DELIB_ID", _("Numéro de la délibération")),
    Column("DELIB_DATE", _("Date de la séance (AAAA-MM-JJ)")),
    Column("DELIB_MATIERE_CODE", _("Code de matière de la nomenclature ACTES (par exemple 1.4)")),
    Column("DELIB_MATIERE_NOM", _("Intitulé de la matière ACTES")),
    Column("DELIB_OBJET", _("Objet de la délibération")),
    Column("BUDGET_ANNEE", _("Année du budget concerné")),
    Column("BUDGET_NOM", _("Nom du budget concerné")),
    Column("PREF_ID", _("Préfecture ou sous-préfecture destinataire (contrôle de légalité)")),
    Column("PREF_DATE", _("Date de réception en préfecture")),
    Column("VOTE_EFFECTIF", _("Membres en exercice")),
    Column("VOTE_REEL", _("Votants")),
    Column("VOTE_POUR", _("Voix pour")),
    Column("VOTE_CONTRE", _("Voix contre")),
    Column("VOTE_ABSTENTION", _("Abstentions")),
    Column("DELIB_URL", _("Adresse du document de la délibération")),
]
SCDL_CSV = CsvExport(
    "scdl-deliberations",
    _("Délibérations (SCDL)"),
    _("Les délibérations adoptées des conventions, au format SCDL « Délibérations »."),
    COLUMNS,
    delimiter=",",
    bom=False,
    official=SCHEMA_PATH,
)
SCDL_COLUMNS = SCDL_CSV.header
COLUMN_HELP = {column.name: column.title for column in COLUMNS}
FREE_TEXT = {"COLL_NOM", "DELIB_ID", "DELIB_OBJET", "BUDGET_NOM"}
_SIRET = re.compile(r"^\d{14}$")


# The values a line needs, read with `values()` a chunk at a time
# (home/exports.py `value_chunks`): no page objects to build (instantiating
# thousands of pages costs ~1 ms each).
VALUE_FIELDS = [
    "pk",
    "authority__title",
    "authority__siret",
    "deliberation_reference",
    "decision_date",
    "matiere_code",
    "subject",
    "budget_year",
    "budget_name",
    "prefecture_id",
    "prefecture_date",
    "vote_members",
    "vote_actual",
    "vote_for",
    "vote_against",
    "vote_abstention",
    "deliberation_url",
]


def deliberation_documents(convention_ids, request=None) -> dict[int, str]:
    """{convention id: full address of its first attached document of kind
    « délibération », in the editor's order} for the conventions
    `convention_ids`: one query of plain values, each address the
    document's `url` (from its id and file name, the document not read)."""
    from .models import ConventionDocument

    links = (
        ConventionDocument.objects.filter(
            convention_id__in=convention_ids, kind=ConventionDocument.DELIBERATION
        )
        .order_by("convention_id", "sort_order", "pk")
        .values_list("convention_id", "document_id", "document__file")
    )
    document_model = ConventionDocument._meta.get_field("document").related_model
    fields = [document_model._meta.pk.attname, "file"]
    urls = {}
    for convention_id, document_id, file in links:
        if convention_id not in urls:  # the first in the editor's order
            # The document of these two fields, as if read from the database
            # (its constructor would look up the default collection).
            url = document_model.from_db(None, fields, [document_id, file]).url
            urls[convention_id] = request.build_absolute_uri(url) if request else url
    return urls


def _matching(value, validator) -> str:
    """`value` when the editors' validator accepts it, else empty: a value
    stored another way (a script, an old import) never reaches the file
    unchecked (a spreadsheet formula, a line the schema rejects)."""
    value = value or ""
    return value if validator.regex.fullmatch(value) else ""


def _web_address(value) -> str:
    """An http(s) address, else empty (same reason as `_matching`)."""
    value = _text(value)
    return value if value.lower().startswith(("https://", "http://")) else ""


def convention_row(values: dict, document_url: str = "") -> dict[str, str]:
    """The SCDL line of one convention, from its `VALUE_FIELDS`. The address
    of the deliberation: its attached document, else the editor's address."""
    siret = (values["authority__siret"] or "").replace(" ", "")
    matiere = matiere_name(values["matiere_code"])
    row = {
        "COLL_NOM": _text(values["authority__title"]),
        "COLL_SIRET": siret if _SIRET.match(siret) else "",
        "DELIB_ID": _text(values["deliberation_reference"]),
        "DELIB_DATE": _date(values["decision_date"]),
        "DELIB_MATIERE_CODE": values["matiere_code"] if matiere else "",
        "DELIB_MATIERE_NOM": matiere,
        "DELIB_OBJET": _text(values["subject"]),
        "BUDGET_ANNEE": _matching(values["budget_year"], budget_year_validator),
        "BUDGET_NOM": _text(values["budget_name"]),
        "PREF_ID": _matching(values["prefecture_id"], prefecture_id_validator),
        "PREF_DATE": _date(values["prefecture_date"]),
        "VOTE_EFFECTIF": _number(values["vote_members"]),
        "VOTE_REEL": _number(values["vote_actual"]),
        "VOTE_POUR": _number(values["vote_for"]),
        "VOTE_CONTRE": _number(values["vote_against"]),
        "VOTE_ABSTENTION": _number(values["vote_abstention"]),
        "DELIB_URL": document_url or _web_address(values["deliberation_url"]),
    }
    for column in FREE_TEXT:
        row[column] = protect_cell(row[column])
    return row


def convention_rows(conventions, request=None, *, chunk_size: int) -> Iterator[dict[str, str]]:
    """The SCDL lines of the queryset `conventions`, in its order, read as
    `VALUE_FIELDS` in chunks of `chunk_size`: per chunk one query for the
    attached deliberations (`deliberation_documents`)."""
    for chunk in value_chunks(conventions, VALUE_FIELDS, chunk_size):
        urls = deliberation_documents([values["pk"] for values in chunk], request)
        for values in chunk:
            yield convention_row(values, urls.get(values["pk"], ""))
