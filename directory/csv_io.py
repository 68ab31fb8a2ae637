"""CSV export and import of the actor directory: one column list, both ways.

The public export (`iter_csv`, `actor_to_row`) and the editors' import
(`parse_csv`, `apply_plan`, `manage.py import_actors`, the admin's « Importer
un CSV ») share `CSV_COLUMNS`, so a file exported from the site can be edited
in a spreadsheet and imported back: export → import is a round trip.

File format
-----------

- Encoding: UTF-8. The export starts with a byte order mark (BOM) so that
  spreadsheets detect the encoding; the import accepts files with or without
  it. A file in another encoding (e.g. Windows-1252) is refused: save it as
  « CSV UTF-8 ».
- Delimiter: the export uses commas. The import also accepts semicolons (what
  a spreadsheet set to French usually writes): the delimiter is detected from
  the header line.
- First line: the column names below (in any order). Each following line is
  an actor; completely empty lines are skipped. Error messages count lines as
  a spreadsheet does: the header is line 1, the first actor line 2.
- Lists inside a cell (networks, themes, contacts) are separated by « | ».
- Cells that a spreadsheet would run as a formula (starting with « = », « + »,
  « - », « @ », unless they are a number or a phone number) are exported with
  a leading apostrophe; the import removes it.

Columns
-------

==================  ===========================================================
Column              Content
==================  ===========================================================
slug                The page's identifier in its URL (letters, digits, hyphens).
                    Import: when empty, made from the title.
title               Name of the actor. Required.
kind                Type of actor: one code of `directory.kinds` (``commune``,
                    ``communaute-de-communes``, ``association``, ``scop``…).
                    Required.
acronym             Acronym (« sigle »).
siret               SIREN (9 digits) or SIRET (14 digits), spaces allowed; the
                    Luhn key is checked (La Poste's rule for its SIRETs).
summary             Short presentation (plain text, line breaks allowed).
website             Website URL (``https://…``).
email               Public email address.
phone               Public phone number.
address_line1       Address.
address_line2       Address complement.
postcode            Postcode.
city                Town (« commune »).
cedex               CEDEX mention.
country             Country (new actors: « France » when the column is absent).
region              INSEE code of the région (e.g. ``44`` for Grand Est).
departement         INSEE code of the département (e.g. ``68``, ``2A``,
                    ``974``). Must belong to the région when both are given;
                    when empty, derived from a French postcode, and the région
                    from the département.
latitude            Decimal degrees (-90 to 90), « . » or « , » as decimal mark.
longitude           Decimal degrees (-180 to 180).
population          Number of inhabitants of the territory (whole number,
                    spaces allowed as thousands separators).
membership_year     Year the actor joined the network (1900 to 2100).
networks            Networks the actor belongs to: their identifiers (slugs)
                    separated by « | », e.g. ``rtes|reseau-92-ess``. The
                    networks must exist (admin: « Réseaux »).
themes              Themes: slugs of the site's themes separated by « | »
                    (admin: « Thèmes »); unknown slugs are refused.
is_draft_fiche      « oui » when the fiche is still being written, else
                    « non » (also accepted: true/false, 1/0, yes/no, empty = non).
last_verified       Date the information was last checked, ISO format
                    ``YYYY-MM-DD`` (``DD/MM/YYYY`` is accepted on import).
contacts            PUBLISHED contacts only, separated by « | »; each contact
                    is ``role:name:function:service:email``. ``role`` is one of
                    ``elu``, ``charge-de-mission``, ``direction``, ``autre``;
                    the name is required, trailing empty fields may be left
                    out (``elu:Jeanne Martin:vice-présidente``). Inside a field,
                    « \\ », « : » and « | » are written « \\\\ », « \\: » and
                    « \\| ».
url                 Export only: the public address of the fiche. Ignored on
                    import.
==================  ===========================================================

Import rules
------------

- Matching: a line updates the actor of the directory with the same SIRET when
  the ``siret`` cell is filled, else the actor with the same slug (given, or
  made from the title). A line whose SIRET is unknown but whose slug is an
  actor without SIRET updates that actor (and gives it the SIRET). Anything
  else creates a new actor.
- Drafts only: new actors are created unpublished; existing actors get a new
  draft revision, their live version does not change. Nothing is ever
  published: when a workflow applies (« Relecture et publication »), the new
  revision is submitted to it for review if the import is made by a named user
  and no review is already in progress. The moderators get one email for the
  whole file, listing the fiches to review (directory/notifications.py), not
  one per actor. A line that changes nothing creates no revision.
- Only the columns present in the file are applied: a file with the columns
  ``siret,title,kind,population`` only changes the population (and title and
  kind) of the actors it lists. An empty cell of a present column clears the
  field, except ``contacts`` (see below).
- All or nothing: a file with any invalid line changes nothing, unless the
  valid lines are explicitly confirmed (``--confirm-valid-rows``, or
  « Importer les lignes valides » in the admin); then only they are applied.
- Contacts: unpublished contacts (names not to be published, data
  minimisation) are never exported, so an import must not delete them. When
  the ``contacts`` cell is empty the actor's contacts are left as they are.
  When it is filled, its contacts replace the actor's published contacts and
  the actor's unpublished contacts are kept after them. A listed contact that
  matches an existing one (same role and name) keeps that contact's
  « publication du nom » choice; a new contact is created as published (the
  column holds published contacts): automatically for an élu·e, by an explicit
  « Publier le nom » otherwise. Publication still needs the review workflow.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator, validate_slug
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page

from home.models import Theme

from . import geo
from .kinds import KIND_LABELS
from .models import PUBLICATION_YES, ActorContact, ActorPage, Network
from .notifications import batched_review_emails
from .validators import normalise_siret, validate_siren_or_siret

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
IMPORT_COLUMNS = [column for column in CSV_COLUMNS if column not in EXPORT_ONLY_COLUMNS]
REQUIRED_COLUMNS = ["title", "kind"]

# Plain text columns, copied as they are (within the model field's length).
TEXT_COLUMNS = [
    "acronym",
    "summary",
    "phone",
    "address_line1",
    "address_line2",
    "postcode",
    "city",
    "cedex",
    "country",
]
LIST_SEPARATOR = "|"
CONTACT_SEPARATOR = ":"
CONTACT_FIELDS = ["role", "name", "function", "service", "email"]
YES_VALUES = {"oui", "o", "true", "vrai", "1", "yes", "y", "x"}
NO_VALUES = {"non", "n", "false", "faux", "0", "no", ""}
CONTACT_ROLES = [code for code, _label in ActorContact.ROLE_CHOICES]

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"[+-]?[\d\s.,/()]+")


# --- Export -------------------------------------------------------------------


def _protect(value: str) -> str:
    """Keep spreadsheets from running a cell as a formula (see the docstring)."""
    if value and value.startswith(_FORMULA_TRIGGERS) and not _NUMBER_LIKE.fullmatch(value):
        return "'" + value
    return value


def _unprotect(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(_FORMULA_TRIGGERS):
        return value[1:]
    return value


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace(":", "\\:")


def contact_to_text(contact: ActorContact) -> str:
    fields = [contact.role, contact.name, contact.function, contact.service, contact.email]
    while fields and not fields[-1]:
        fields.pop()
    return CONTACT_SEPARATOR.join(_escape(" ".join((value or "").split())) for value in fields)


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
    ``networks`` and ``themes``.
    """
    row = {
        column: _text(getattr(actor, column))
        for column in CSV_COLUMNS
        if column not in {"networks", "themes", "contacts", "url"}
    }
    row["networks"] = LIST_SEPARATOR.join(sorted(n.slug for n in actor.networks.all()))
    row["themes"] = LIST_SEPARATOR.join(sorted(t.slug for t in actor.themes.all()))
    row["contacts"] = LIST_SEPARATOR.join(
        contact_to_text(contact) for contact in actor.public_contacts()
    )
    row["url"] = actor.get_full_url(request) or ""
    if not protect:  # JSON has no formulas to guard against
        return {column: row[column] for column in CSV_COLUMNS}
    return {column: _protect(row[column]) for column in CSV_COLUMNS}


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


# --- Import: parsing and validation ----------------------------------------------


@dataclass
class RowError:
    """One error: the line (as a spreadsheet numbers it), the column, the message."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.line and self.column:
            return _("ligne %(line)s, colonne %(column)s : %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        if self.line:
            return _("ligne %(line)s : %(message)s") % {"line": self.line, "message": self.message}
        return self.message


@dataclass
class PlannedRow:
    line: int
    title: str = ""
    slug: str = ""  # given, or made from the title
    slug_given: bool = False
    siret: str = ""
    # Model field values of the columns present in the file.
    values: dict[str, Any] = field(default_factory=dict)
    networks: list[Network] | None = None
    themes: list[Theme] | None = None
    contacts: list[dict[str, str]] | None = None
    errors: list[RowError] = field(default_factory=list)
    # Set when the plan is resolved against a directory index page.
    target_id: int | None = None
    action: str = ""  # "create" or "update"

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))

    @property
    def action_label(self) -> str:
        if self.errors:
            return _("erreur")
        return {"create": _("création"), "update": _("mise à jour")}.get(self.action, "")


@dataclass
class ImportPlan:
    """What a file would do: its valid and invalid lines."""

    columns: list[str] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
    file_errors: list[RowError] = field(default_factory=list)
    index_page_id: int | None = None

    @property
    def errors(self) -> list[RowError]:
        return self.file_errors + [error for row in self.rows for error in row.errors]

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def valid_rows(self) -> list[PlannedRow]:
        return [] if self.file_errors else [row for row in self.rows if row.is_valid]

    @property
    def invalid_rows(self) -> list[PlannedRow]:
        return [row for row in self.rows if not row.is_valid]


def _decode(file_obj: IO | bytes | str) -> str:
    content = file_obj.read() if hasattr(file_obj, "read") else file_obj
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            _(
                "Le fichier n'est pas un CSV encodé en UTF-8 (octet illisible en position "
                "%(position)s). Enregistrez-le au format « CSV UTF-8 » et recommencez."
            )
            % {"position": exc.start}
        ) from exc


def _sniff_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _split_escaped(text: str, separator: str) -> list[str]:
    """Split on `separator` where it is not escaped by a backslash; escapes are
    kept, for `_unescape` (or a second split) to resolve."""
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


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _max_length(name: str, model=ActorPage) -> int | None:
    return model._meta.get_field(name).max_length


class _RowParser:
    """Cleans one line of the file into a `PlannedRow`, collecting errors."""

    def __init__(self, cells: dict[str, str], row: PlannedRow, networks, themes):
        self.cells = cells
        self.row = row
        self.networks = networks
        self.themes = themes

    def parse(self) -> PlannedRow:
        for column in self.cells:
            getattr(self, f"parse_{column}", self.parse_text)(column, self.cells[column])
        if "title" in self.cells and not self.row.slug and self.row.title:
            self.row.slug = slugify(self.row.title)[:255]
            if not self.row.slug:
                self.row.error("slug", _("Impossible de déduire un identifiant du titre."))
        self.check_territory()
        return self.row

    def set(self, column: str, value: Any) -> None:
        self.row.values[column] = value

    def parse_text(self, column: str, value: str) -> None:
        limit = _max_length(column)
        if limit and len(value) > limit:
            self.row.error(
                column,
                _("%(length)s caractères pour %(limit)s au plus.")
                % {"length": len(value), "limit": limit},
            )
            return
        self.set(column, value)

    def parse_slug(self, column: str, value: str) -> None:
        if not value:
            return
        try:
            validate_slug(value)
        except ValidationError:
            self.row.error(
                column,
                _(
                    "« %(value)s » n'est pas un identifiant valide (lettres non accentuées, "
                    "chiffres, tirets)."
                )
                % {"value": value},
            )
            return
        if len(value) > 255:
            self.row.error(column, _("L'identifiant dépasse 255 caractères."))
            return
        self.row.slug = value
        self.row.slug_given = True

    def parse_title(self, column: str, value: str) -> None:
        if not value:
            self.row.error(column, _("Le nom de l'acteur est obligatoire."))
            return
        if len(value) > 255:
            self.row.error(column, _("Le nom dépasse 255 caractères."))
            return
        self.row.title = value
        self.set("title", value)

    def parse_kind(self, column: str, value: str) -> None:
        if not value:
            self.row.error(column, _("Le type d'acteur est obligatoire."))
        elif value not in KIND_LABELS:
            self.row.error(
                column,
                _("Type d'acteur inconnu : « %(value)s » (codes possibles : %(codes)s).")
                % {"value": value, "codes": ", ".join(KIND_LABELS)},
            )
        else:
            self.set("kind", value)

    def parse_siret(self, column: str, value: str) -> None:
        digits = normalise_siret(value)
        if digits:
            try:
                validate_siren_or_siret(digits)
            except ValidationError as exc:
                self.row.error(column, " ".join(str(m) for m in exc.messages))
                return
        self.row.siret = digits
        self.set("siret", digits)

    def _validated_text(self, column: str, value: str, validator, message: str) -> None:
        if value:
            try:
                validator(value)
            except ValidationError:
                self.row.error(column, message % {"value": value})
                return
        self.parse_text(column, value)

    def parse_website(self, column: str, value: str) -> None:
        message = _("« %(value)s » n'est pas une adresse web valide.")
        self._validated_text(column, value, URLValidator(), message)

    def parse_email(self, column: str, value: str) -> None:
        message = _("« %(value)s » n'est pas un courriel valide.")
        self._validated_text(column, value, EmailValidator(), message)

    def parse_region(self, column: str, value: str) -> None:
        if value and value not in geo.regions():
            self.row.error(
                column,
                _("Code de région inconnu : « %(value)s » (code INSEE attendu, par exemple 44).")
                % {"value": value},
            )
            return
        self.set(column, value)

    def parse_departement(self, column: str, value: str) -> None:
        value = value.upper()
        if len(value) == 1 and value.isdigit():
            value = "0" + value
        if value and value not in geo.departements():
            self.row.error(
                column,
                _(
                    "Code de département inconnu : « %(value)s » (code INSEE attendu, "
                    "par exemple 68, 2A ou 974)."
                )
                % {"value": value},
            )
            return
        self.set(column, value)

    def check_territory(self) -> None:
        region = self.row.values.get("region")
        departement = self.row.values.get("departement")
        if region and departement:
            expected = geo.departements()[departement].region
            if expected != region:
                self.row.error(
                    "departement",
                    _(
                        "Le département %(departement)s n'appartient pas à la région "
                        "%(region)s (mais à la région %(expected)s)."
                    )
                    % {"departement": departement, "region": region, "expected": expected},
                )

    def _coordinate(self, column: str, value: str, bound: int) -> None:
        if not value:
            self.set(column, None)
            return
        try:
            number = Decimal(value.replace(",", ".").replace(" ", ""))
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.row.error(
                column, _("« %(value)s » n'est pas un nombre décimal.") % {"value": value}
            )
            return
        if not -bound <= number <= bound:
            self.row.error(
                column,
                _("%(value)s est hors des bornes (de -%(bound)s à %(bound)s).")
                % {"value": value, "bound": bound},
            )
            return
        self.set(column, number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP))

    def parse_latitude(self, column: str, value: str) -> None:
        self._coordinate(column, value, 90)

    def parse_longitude(self, column: str, value: str) -> None:
        self._coordinate(column, value, 180)

    def _integer(self, column: str, value: str) -> int | None:
        digits = "".join(value.split()).replace("\u202f", "")
        if not digits.isdigit():
            self.row.error(
                column, _("« %(value)s » n'est pas un nombre entier positif.") % {"value": value}
            )
            return None
        return int(digits)

    def parse_population(self, column: str, value: str) -> None:
        if not value:
            self.set(column, None)
            return
        number = self._integer(column, value)
        if number is not None:
            if number > 2_147_483_647:
                self.row.error(column, _("Nombre d'habitants trop grand."))
                return
            self.set(column, number)

    def parse_membership_year(self, column: str, value: str) -> None:
        if not value:
            self.set(column, None)
            return
        year = self._integer(column, value)
        if year is None:
            return
        if not 1900 <= year <= 2100:
            self.row.error(
                column, _("Année invalide : %(value)s (de 1900 à 2100).") % {"value": value}
            )
            return
        self.set(column, year)

    def parse_is_draft_fiche(self, column: str, value: str) -> None:
        lowered = value.casefold()
        if lowered in YES_VALUES:
            self.set(column, True)
        elif lowered in NO_VALUES:
            self.set(column, False)
        else:
            self.row.error(
                column, _("« %(value)s » : « oui » ou « non » attendu.") % {"value": value}
            )

    def parse_last_verified(self, column: str, value: str) -> None:
        if not value:
            self.set(column, None)
            return
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                self.set(column, datetime.strptime(value, pattern).date())  # noqa: DTZ007
                return
            except ValueError:
                continue
        self.row.error(
            column,
            _("Date invalide : « %(value)s » (format AAAA-MM-JJ attendu).") % {"value": value},
        )

    def _slugs(self, value: str) -> list[str]:
        return [slug.strip() for slug in value.split(LIST_SEPARATOR) if slug.strip()]

    def _known(self, column: str, value: str, known: dict, message: str) -> list | None:
        """The objects of `known` named by the slugs in `value`, in order and
        without repeats; None (and an error on the row) if one is unknown."""
        slugs = self._slugs(value)
        unknown = [slug for slug in slugs if slug not in known]
        if unknown:
            slugs_text = ", ".join(f"« {slug} »" for slug in unknown)
            self.row.error(column, message % {"slugs": slugs_text})
            return None
        return [known[slug] for slug in dict.fromkeys(slugs)]

    def parse_networks(self, column: str, value: str) -> None:
        message = _("Réseau inconnu : %(slugs)s (identifiants des réseaux attendus).")
        networks = self._known(column, value, self.networks, message)
        if networks is not None:
            self.row.networks = networks

    def parse_themes(self, column: str, value: str) -> None:
        message = _("Thème inconnu : %(slugs)s (identifiants des thèmes attendus).")
        themes = self._known(column, value, self.themes, message)
        if themes is not None:
            self.row.themes = themes

    def parse_contacts(self, column: str, value: str) -> None:
        if not value:
            return  # an empty cell leaves the contacts as they are
        contacts = []
        for position, text in enumerate(_split_escaped(value, LIST_SEPARATOR), start=1):
            if not text.strip():
                continue
            parts = [_unescape(part).strip() for part in _split_escaped(text, CONTACT_SEPARATOR)]
            prefix = _("contact %(position)s : ") % {"position": position}
            if len(parts) > len(CONTACT_FIELDS):
                self.row.error(
                    column,
                    prefix
                    + _(
                        "%(count)s champs pour 5 au plus (rôle:nom:fonction:service:courriel ; "
                        "écrivez « \\: » pour un deux-points dans un champ)."
                    )
                    % {"count": len(parts)},
                )
                continue
            contact = dict(zip(CONTACT_FIELDS, parts + [""] * 5, strict=False))
            if contact["role"] not in CONTACT_ROLES:
                self.row.error(
                    column,
                    prefix
                    + _("rôle inconnu « %(value)s » (codes possibles : %(codes)s).")
                    % {"value": contact["role"], "codes": ", ".join(CONTACT_ROLES)},
                )
                continue
            if not contact["name"]:
                self.row.error(column, prefix + _("le nom est obligatoire."))
                continue
            problem = self._contact_problem(contact)
            if problem:
                self.row.error(column, prefix + problem)
                continue
            contacts.append(contact)
        self.row.contacts = contacts

    @staticmethod
    def _contact_problem(contact: dict[str, str]) -> str:
        for name in ("name", "function", "service", "email"):
            limit = _max_length(name, ActorContact)
            if limit and len(contact[name]) > limit:
                return _("le champ %(field)s dépasse %(limit)s caractères.") % {
                    "field": name,
                    "limit": limit,
                }
        if contact["email"]:
            try:
                EmailValidator()(contact["email"])
            except ValidationError:
                return _("« %(value)s » n'est pas un courriel valide.") % {
                    "value": contact["email"]
                }
        return ""


def parse_csv(file_obj: IO | bytes | str, index_page=None) -> ImportPlan:
    """Read and check a CSV file (see the module docstring) without changing
    anything. With `index_page`, also find which actor each line updates, so
    the plan shows creations, updates and conflicts (`resolve_plan`)."""
    plan = ImportPlan()
    try:
        text = _decode(file_obj)
    except ValueError as exc:
        plan.file_errors.append(RowError(0, "", str(exc)))
        return plan
    if "\x00" in text:
        plan.file_errors.append(
            RowError(0, "", _("Ce fichier n'est pas un fichier CSV (contenu binaire)."))
        )
        return plan
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text)))
    except csv.Error as exc:
        plan.file_errors.append(
            RowError(0, "", _("Ce fichier CSV est illisible : %(error)s") % {"error": exc})
        )
        return plan
    if not records or not any(cell.strip() for cell in records[0]):
        plan.file_errors.append(RowError(1, "", _("Le fichier est vide : en-tête attendu.")))
        return plan

    header = [cell.strip().lstrip("\ufeff").lower() for cell in records[0]]
    plan.columns = header
    unknown = [name for name in header if name not in CSV_COLUMNS]
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if unknown:
        plan.file_errors.append(
            RowError(
                1,
                "",
                _("Colonnes inconnues : %(names)s. Colonnes possibles : %(columns)s.")
                % {
                    "names": ", ".join(f"« {name} »" for name in unknown),
                    "columns": ", ".join(CSV_COLUMNS),
                },
            )
        )
    if duplicated:
        plan.file_errors.append(
            RowError(
                1,
                "",
                _("Colonnes en double : %(names)s.") % {"names": ", ".join(duplicated)},
            )
        )
    if missing:
        plan.file_errors.append(
            RowError(
                1,
                "",
                _("Colonnes obligatoires absentes : %(names)s.") % {"names": ", ".join(missing)},
            )
        )
    if plan.file_errors:
        return plan

    networks = {network.slug: network for network in Network.objects.all()}
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    seen_slugs: dict[str, int] = {}
    seen_sirets: dict[str, int] = {}
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        row = PlannedRow(line=number)
        plan.rows.append(row)
        if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
            row.error(
                "",
                _("%(count)s valeurs pour %(columns)s colonnes.")
                % {"count": len(record), "columns": len(header)},
            )
            continue
        cells = {
            name: _unprotect(record[index].strip()) if index < len(record) else ""
            for index, name in enumerate(header)
            if name not in EXPORT_ONLY_COLUMNS
        }
        _RowParser(cells, row, networks, themes).parse()
        if row.siret:
            if row.siret in seen_sirets:
                row.error(
                    "siret",
                    _("Le SIRET %(siret)s figure déjà ligne %(line)s.")
                    % {"siret": row.siret, "line": seen_sirets[row.siret]},
                )
            else:
                seen_sirets[row.siret] = number
        if row.slug:
            if row.slug in seen_slugs:
                row.error(
                    "slug",
                    _("L'identifiant « %(slug)s » figure déjà ligne %(line)s.")
                    % {"slug": row.slug, "line": seen_slugs[row.slug]},
                )
            else:
                seen_slugs[row.slug] = number
    if not plan.rows:
        plan.file_errors.append(RowError(0, "", _("Le fichier ne contient aucun acteur.")))
    if index_page is not None:
        resolve_plan(plan, index_page)
    return plan


def resolve_plan(plan: ImportPlan, index_page) -> ImportPlan:
    """Find the actor each valid line updates under `index_page` (by SIRET,
    else by slug), or mark it as a creation; report conflicts as errors."""
    plan.index_page_id = index_page.pk
    actors = list(
        ActorPage.objects.child_of(index_page).only("id", "slug", "siret", "title").order_by("path")
    )
    by_siret = {normalise_siret(actor.siret): actor for actor in actors if actor.siret}
    actors_by_slug = {actor.slug: actor for actor in actors}
    taken_slugs = dict(Page.objects.child_of(index_page).values_list("slug", "id"))
    targeted: dict[int, int] = {}
    for row in plan.rows:
        row.target_id, row.action = None, ""
        if not row.is_valid:
            continue
        target = by_siret.get(row.siret) if row.siret else None
        if target is None:
            same_slug = actors_by_slug.get(row.slug)
            if same_slug is not None:
                if row.siret and same_slug.siret:
                    row.error(
                        "slug",
                        _(
                            "L'identifiant « %(slug)s » est déjà celui de « %(title)s », "
                            "dont le SIRET est %(siret)s : changez l'identifiant ou le SIRET."
                        )
                        % {"slug": row.slug, "title": same_slug.title, "siret": same_slug.siret},
                    )
                    continue
                target = same_slug
            elif row.slug in taken_slugs:
                row.error(
                    "slug",
                    _("L'identifiant « %(slug)s » est déjà pris par une autre page.")
                    % {"slug": row.slug},
                )
                continue
        elif row.slug_given and taken_slugs.get(row.slug, target.pk) != target.pk:
            row.error(
                "slug",
                _("L'identifiant « %(slug)s » est déjà pris par une autre page.")
                % {"slug": row.slug},
            )
            continue
        if target is not None:
            if target.pk in targeted:
                row.error(
                    "siret" if row.siret else "slug",
                    _("Cette ligne désigne le même acteur que la ligne %(line)s.")
                    % {"line": targeted[target.pk]},
                )
                continue
            targeted[target.pk] = row.line
            row.target_id, row.action = target.pk, "update"
        else:
            if "kind" not in row.values:
                row.error("kind", _("Le type d'acteur est obligatoire."))
                continue
            row.action = "create"
    return plan


# --- Import: applying -----------------------------------------------------------


@dataclass
class RowResult:
    line: int
    title: str
    action: str  # "created", "updated", "unchanged", "skipped", "error"
    page_id: int | None = None
    changed: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    submitted: bool = False

    @property
    def label(self) -> str:
        labels = {
            "created": _("créée en brouillon"),
            "updated": _("mise à jour en brouillon"),
            "unchanged": _("inchangée"),
            "skipped": _("non importée (erreurs)"),
            "error": _("erreur"),
        }
        text = labels.get(self.action, self.action)
        if self.action == "updated" and self.changed:
            text += _(" (%(fields)s)") % {"fields": ", ".join(self.changed)}
        if self.submitted:
            text += _(", soumise à la relecture")
        return text

    def __str__(self) -> str:
        return _("ligne %(line)s : « %(title)s » %(label)s") % {
            "line": self.line,
            "title": self.title,
            "label": self.label,
        }


@dataclass
class ImportReport:
    applied: bool = False
    rows: list[RowResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def summary(self) -> str:
        if not self.applied:
            return _(
                "Aucune modification : le fichier contient des erreurs. Corrigez-les, ou "
                "confirmez l'import des seules lignes valides."
            )
        return _(
            "%(created)s fiche(s) créée(s), %(updated)s mise(s) à jour, %(unchanged)s "
            "inchangée(s), %(skipped)s ligne(s) ignorée(s) : tout est en brouillon, rien "
            "n'est publié."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.count("skipped") + self.count("error"),
        }


class _Abort(Exception):
    pass


def _contact_key(contact) -> tuple:
    return (
        contact.role,
        contact.name,
        contact.function,
        contact.service,
        contact.email,
        contact.publication,
    )


def _merged_contacts(page: ActorPage, imported: list[dict[str, str]]) -> list[ActorContact]:
    """The file's contacts, then the page's unpublished contacts (never exported)."""
    existing = list(page.contacts.all())
    used: set[int] = set()
    merged = []
    for data in imported:
        match = next(
            (
                contact
                for index, contact in enumerate(existing)
                if index not in used
                and contact.role == data["role"]
                and contact.name.casefold() == data["name"].casefold()
            ),
            None,
        )
        if match is not None:
            used.add(existing.index(match))
            contact = match
        else:
            contact = ActorContact(
                publication=(
                    ActorContact.PUBLICATION_AUTO
                    if data["role"] == ActorContact.ELECTED
                    else PUBLICATION_YES
                )
            )
        for name in CONTACT_FIELDS:
            setattr(contact, name, data[name])
        merged.append(contact)
    merged.extend(
        contact
        for index, contact in enumerate(existing)
        if index not in used and not contact.is_public
    )
    for position, contact in enumerate(merged):
        contact.sort_order = position
    return merged


def _apply_values(page: ActorPage, row: PlannedRow) -> list[str]:
    """Set the row's values on `page` (in memory); return the changed columns."""
    changed = []
    for name, value in row.values.items():
        if getattr(page, name) != value:
            setattr(page, name, value)
            changed.append(name)
    if row.slug_given and page.slug != row.slug:
        page.slug = row.slug
        changed.append("slug")
    new_networks = None if row.networks is None else {n.pk for n in row.networks}
    if new_networks is not None and {n.pk for n in page.networks.all()} != new_networks:
        page.networks = row.networks
        changed.append("networks")
    new_themes = None if row.themes is None else {t.pk for t in row.themes}
    if new_themes is not None and {t.pk for t in page.themes.all()} != new_themes:
        page.themes.set(row.themes)
        changed.append("themes")
    if row.contacts is not None:
        before = [_contact_key(contact) for contact in page.contacts.all()]
        merged = _merged_contacts(page, row.contacts)
        if [_contact_key(contact) for contact in merged] != before:
            page.contacts = merged
            changed.append("contacts")
    return changed


def _validation_errors(row: PlannedRow, exc: ValidationError) -> list[RowError]:
    if hasattr(exc, "error_dict"):
        return [
            RowError(row.line, name if name in CSV_COLUMNS else "", message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [RowError(row.line, "", message) for message in exc.messages]


def _can_edit(page: Page, user) -> str:
    if user is None:
        return ""
    if page.locked and page.locked_by_id != user.pk:
        return _("La fiche est verrouillée par une autre personne.")
    if not page.permissions_for_user(user).can_edit():
        return _("Vous n'avez pas le droit de modifier cette fiche.")
    return ""


def _apply_row(row: PlannedRow, index_page, user) -> tuple[RowResult, Page | None]:
    if row.action == "create":
        if user is not None and not index_page.permissions_for_user(user).can_add_subpage():
            problem = _("Vous n'avez pas le droit d'ajouter des fiches à cet annuaire.")
            return RowResult(
                row.line, row.title, "error", errors=[RowError(row.line, "", problem)]
            ), None
        page = ActorPage(
            live=False,
            owner=user,
            locale_id=index_page.locale_id,
            title=row.title,
            slug=row.slug,
        )
        _apply_values(page, row)
        index_page.add_child(instance=page)
        log(instance=page, action="wagtail.create", user=user)
        page.save_revision(user=user)
        return RowResult(row.line, row.title, "created", page.pk), page

    current = ActorPage.objects.get(pk=row.target_id)
    problem = _can_edit(current, user)
    if problem:
        return RowResult(
            row.line, row.title, "error", current.pk, errors=[RowError(row.line, "", problem)]
        ), None
    # The latest revision (a draft, if any) is the base, so that the import
    # does not undo unpublished edits; the live version is never touched.
    page = current.get_latest_revision_as_object()
    changed = _apply_values(page, row)
    if not changed:
        return RowResult(row.line, row.title or page.title, "unchanged", page.pk), None
    page.save_revision(user=user, log_action=True)
    return RowResult(row.line, row.title or page.title, "updated", page.pk, changed), page


def _submit_to_workflow(page: Page, user) -> bool:
    """Submit the page's latest revision for review, as an editor would."""
    if user is None:
        return False
    workflow = page.get_workflow()
    if workflow is None or page.workflow_in_progress:
        return False
    workflow.start(page, user)
    return True


def apply_plan(plan: ImportPlan, index_page, user=None, confirm_valid_rows=False) -> ImportReport:
    """Create or update the plan's actors under `index_page`, as draft
    revisions only (never published), and return a per-row report.

    A plan with any invalid line changes nothing, unless `confirm_valid_rows`:
    then its valid lines are applied and the others reported as skipped.
    """
    if plan.index_page_id != index_page.pk:
        resolve_plan(plan, index_page)
    report = ImportReport(errors=list(plan.errors))
    if plan.file_errors or not plan.rows or (plan.errors and not confirm_valid_rows):
        report.rows = [
            RowResult(row.line, row.title, "skipped", errors=row.errors) for row in plan.rows
        ]
        return report

    results: list[RowResult] = []
    try:
        # One review email per recipient for the whole file, sent once the
        # import is committed (directory/notifications.py).
        with batched_review_emails(user), transaction.atomic():
            to_submit: list[tuple[RowResult, Page]] = []
            for row in plan.rows:
                if not row.is_valid:
                    results.append(
                        RowResult(row.line, row.title, "skipped", row.target_id, errors=row.errors)
                    )
                    continue
                try:
                    with transaction.atomic():
                        result, page = _apply_row(row, index_page, user)
                except ValidationError as exc:
                    result, page = (
                        RowResult(
                            row.line, row.title, "error", errors=_validation_errors(row, exc)
                        ),
                        None,
                    )
                results.append(result)
                if result.errors:
                    report.errors.extend(result.errors)
                    if not confirm_valid_rows:
                        raise _Abort
                if page is not None:
                    to_submit.append((result, page))
            for result, page in to_submit:
                result.submitted = _submit_to_workflow(page, user)
    except _Abort:
        report.rows = [
            RowResult(result.line, result.title, "skipped", errors=result.errors)
            for result in results
        ]
        report.rows += [
            RowResult(row.line, row.title, "skipped") for row in plan.rows[len(results) :]
        ]
        report.errors.sort(key=lambda error: error.line)
        return report
    report.applied = True
    report.rows = results
    report.errors.sort(key=lambda error: error.line)
    return report
