"""The columns of the directory's CSV and the cell encoding shared by the
export and the import (the file format: docs/csv-import.md)."""

import re

# In the export's order; docs/csv-import.md describes each of them.
CSV_COLUMNS = [
    "slug",
    "title",
    "kind",
    "acronym",
    "siret",
    "summary",
    "website",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "postcode",
    "city",
    "cedex",
    "country",
    "region",
    "departement",
    "latitude",
    "longitude",
    "population",
    "membership_year",
    "networks",
    "themes",
    "is_draft_fiche",
    "last_verified",
    "contacts",
    "url",
]
EXPORT_ONLY_COLUMNS = {"url"}
REQUIRED_COLUMNS = ["title", "kind"]
LIST_SEPARATOR = "|"
CONTACT_SEPARATOR = ":"
CONTACT_FIELDS = ["role", "name", "function", "service", "email"]

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"[+-]?[\d\s.,/()]+")


def protect_cell(value: str) -> str:
    """Keep spreadsheets from running a cell as a formula: a leading apostrophe
    unless the cell is a number or a phone number."""
    if value and value.startswith(_FORMULA_TRIGGERS) and not _NUMBER_LIKE.fullmatch(value):
        return "'" + value
    return value


def unprotect_cell(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(_FORMULA_TRIGGERS):
        return value[1:]
    return value


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
