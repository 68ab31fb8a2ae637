"""The columns of the directory's CSV and the cell encoding shared by the
export and the import (the file format: docs/csv-import.md)."""

import re

from django.utils.translation import gettext_lazy as _

from home.exports import Column, protect_cell, unprotect_cell  # noqa: F401 (used by the imports)

from .. import geo
from ..kinds import KIND_LABELS

# In the export's order; docs/csv-import.md describes each of them. The
# export's header and its published Table Schema (home/exports.py) are both
# made from this list.
COLUMNS = [
    Column(
        "slug",
        _("Identifiant"),
        _("Identifiant de la fiche dans son adresse (lettres, chiffres, tirets)."),
        constraints={"pattern": r"^[-a-zA-Z0-9_]+$"},
    ),
    Column("title", _("Nom"), _("Nom de l'acteur."), required=True),
    Column(
        "kind",
        _("Type d'acteur"),
        _("Code du type d'acteur (commune, association, scop…)."),
        required=True,
        enum=lambda: KIND_LABELS.keys(),
    ),
    Column("acronym", _("Sigle")),
    Column(
        "siret",
        _("SIREN ou SIRET"),
        _("SIREN (9 chiffres) ou SIRET (14 chiffres)."),
        constraints={"pattern": r"^\d{9}(\d{5})?$"},
    ),
    Column("summary", _("Présentation courte")),
    Column("website", _("Site web"), format="uri"),
    Column("email", _("Courriel public"), format="email"),
    Column("phone", _("Téléphone public")),
    Column("address_line1", _("Adresse")),
    Column("address_line2", _("Complément d'adresse")),
    Column("postcode", _("Code postal")),
    Column("city", _("Commune")),
    Column("cedex", _("Mention CEDEX")),
    Column("country", _("Pays")),
    Column(
        "region",
        _("Région"),
        _("Code INSEE de la région (44 pour le Grand Est)."),
        enum=lambda: [code for code, _label in geo.region_choices()],
    ),
    Column(
        "departement",
        _("Département"),
        _("Code INSEE du département (68, 2A, 974…)."),
        enum=lambda: [code for code, _label in geo.departement_choices()],
    ),
    Column(
        "latitude",
        _("Latitude"),
        _("Degrés décimaux (WGS 84)."),
        type="number",
        constraints={"minimum": -90, "maximum": 90},
    ),
    Column(
        "longitude",
        _("Longitude"),
        _("Degrés décimaux (WGS 84)."),
        type="number",
        constraints={"minimum": -180, "maximum": 180},
    ),
    Column(
        "population",
        _("Nombre d'habitants"),
        _("Nombre d'habitants sur le territoire."),
        type="integer",
        constraints={"minimum": 0},
    ),
    Column("membership_year", _("Année d'adhésion"), type="integer"),
    Column("networks", _("Réseaux"), _("Identifiants des réseaux, séparés par « | ».")),
    Column("themes", _("Thématiques"), _("Identifiants des thématiques, séparés par « | ».")),
    Column(
        "is_draft_fiche",
        _("Fiche en cours de rédaction"),
        _("« oui » ou « non »."),
        type="boolean",
        required=True,
    ),
    Column("last_verified", _("Informations vérifiées le"), type="date"),
    Column(
        "contacts",
        _("Contacts publiés"),
        _(
            "Contacts dont la publication est acceptée, séparés par « | » ; chacun "
            "« rôle:nom:fonction:service:courriel »."
        ),
    ),
    Column("url", _("Adresse de la fiche"), _("Adresse de la fiche sur le site."), format="uri"),
]
CSV_COLUMNS = [column.name for column in COLUMNS]
EXPORT_ONLY_COLUMNS = {"url"}
REQUIRED_COLUMNS = ["title", "kind"]
LIST_SEPARATOR = "|"
CONTACT_SEPARATOR = ":"
CONTACT_FIELDS = ["role", "name", "function", "service", "email"]


def escape(value: str) -> str:
    """Escape the list and contact separators (and the backslash) in a field."""
    return value.replace("\\", "\\\\").replace("|", "\\|").replace(":", "\\:")


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def split_escaped(text: str, separator: str) -> list[str]:
    """Split on `separator` where it is not escaped by a backslash; escapes are
    kept, for `unescape` (or a second split) to resolve."""
    parts, current, index = [], [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts
