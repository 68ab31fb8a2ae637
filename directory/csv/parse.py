"""Reading an import file into an `ImportPlan`: decoding, delimiter, header,
then each line cleaned by an `ActorRowForm` (the format: docs/csv-import.md)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator, validate_slug
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from home.imports import read_csv_records
from home.models import Theme
from home.validation import (
    FIRST_RECORDED_YEAR,
    validate_no_control_characters,
    validate_plausible_year,
)

from .. import geo
from ..kinds import KIND_LABELS
from ..models import ActorContact, ActorPage, Network
from ..validators import normalise_siret, validate_siren_or_siret
from .columns import (
    CONTACT_FIELDS,
    CONTACT_SEPARATOR,
    CSV_COLUMNS,
    EXPORT_ONLY_COLUMNS,
    LIST_SEPARATOR,
    REQUIRED_COLUMNS,
    split_escaped,
    unescape,
    unprotect_cell,
)
from .plan import ImportPlan, PlannedRow, RowError, resolve_plan

YES_VALUES = {"oui", "o", "true", "vrai", "1", "yes", "y", "x"}
NO_VALUES = {"non", "n", "false", "faux", "0", "no", ""}
CONTACT_ROLES = [code for code, _label in ActorContact.ROLE_CHOICES]
INVALID_EMAIL = gettext_lazy("« %(value)s » n'est pas un courriel valide.")
DUPLICATES = {
    "siret": gettext_lazy("Le SIRET %(siret)s figure déjà ligne %(line)s."),
    "slug": gettext_lazy("L'identifiant « %(slug)s » figure déjà ligne %(line)s."),
}
# The code of the errors found by comparing cells (`ActorRowForm.clean`):
# reported after those of single cells.
CROSS_CELL = "cross_cell"


class Cell(forms.CharField):
    """A cell's text (the reader strips it), optional unless `required`. With
    `column`, a text column of `ActorPage`: within that field's length,
    checked after the other validators."""

    def __init__(self, column: str = "", *, required: bool = False, **kwargs):
        super().__init__(required=required, strip=False, **kwargs)
        self.limit = ActorPage._meta.get_field(column).max_length if column else None

    def __deepcopy__(self, memo) -> Cell:
        return self  # never changed by a form: shared by those of every line, faster

    def run_validators(self, value: str) -> None:
        super().run_validators(value)
        # The rule every input boundary shares (home/validation.py).
        validate_no_control_characters(value)
        if self.limit and len(value) > self.limit:
            raise ValidationError(
                _("%(length)s caractères pour %(limit)s au plus."),
                params={"length": len(value), "limit": self.limit},
            )


def _decimal(value: str, bound: int) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", ".").replace(" ", ""))
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        message = _("« %(value)s » n'est pas un nombre décimal.")
        raise ValidationError(message, params={"value": value}) from None
    if not -bound <= number <= bound:
        raise ValidationError(
            _("%(value)s est hors des bornes (de -%(bound)s à %(bound)s)."),
            params={"value": value, "bound": bound},
        )
    return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def _whole_number(value: str) -> int:
    digits = "".join(value.split()).replace("\u202f", "")
    # ASCII digits only: "²" or "٣" pass str.isdigit() but not int().
    if not (digits.isascii() and digits.isdigit()):
        message = _("« %(value)s » n'est pas un nombre entier positif.")
        raise ValidationError(message, params={"value": value})
    return int(digits)


def _contact_problem(contact: dict[str, str], count: int) -> str:
    """What is wrong with a contact of the `contacts` cell (`count` fields), if anything."""
    if count > len(CONTACT_FIELDS):
        return _(
            "%(count)s champs pour 5 au plus (rôle:nom:fonction:service:courriel ; "
            "écrivez « \\: » pour un deux-points dans un champ)."
        ) % {"count": count}
    if contact["role"] not in CONTACT_ROLES:
        return _("rôle inconnu « %(value)s » (codes possibles : %(codes)s).") % {
            "value": contact["role"],
            "codes": ", ".join(CONTACT_ROLES),
        }
    if not contact["name"]:
        return _("le nom est obligatoire.")
    for name in ("name", "function", "service", "email"):
        limit = ActorContact._meta.get_field(name).max_length
        if limit and len(contact[name]) > limit:
            return _("le champ %(field)s dépasse %(limit)s caractères.") % {
                "field": name,
                "limit": limit,
            }
    if contact["email"]:
        try:
            EmailValidator()(contact["email"])
        except ValidationError:
            return INVALID_EMAIL % {"value": contact["email"]}
    return ""


class ActorRowForm(forms.Form):
    """One line of the file: a field per column present in the file, cleaned
    into the values of the model fields (networks, themes and contacts as
    objects and dicts), with the editors' message for each column."""

    slug = Cell(
        validators=[validate_slug],
        error_messages={
            "invalid": gettext_lazy(
                "« %(value)s » n'est pas un identifiant valide (lettres non accentuées, "
                "chiffres, tirets)."
            )
        },
    )
    title = Cell(
        required=True,
        max_length=255,
        error_messages={
            "required": gettext_lazy("Le nom de l'acteur est obligatoire."),
            "max_length": gettext_lazy("Le nom dépasse 255 caractères."),
        },
    )
    kind = Cell(
        required=True,
        error_messages={"required": gettext_lazy("Le type d'acteur est obligatoire.")},
    )
    acronym = Cell("acronym")
    siret = Cell(validators=[validate_siren_or_siret])
    summary = Cell("summary")
    website = Cell(
        "website",
        validators=[URLValidator()],
        error_messages={"invalid": gettext_lazy("« %(value)s » n'est pas une adresse web valide.")},
    )
    email = Cell("email", validators=[EmailValidator()], error_messages={"invalid": INVALID_EMAIL})
    phone = Cell("phone")
    address_line1 = Cell("address_line1")
    address_line2 = Cell("address_line2")
    postcode = Cell("postcode")
    city = Cell("city")
    cedex = Cell("cedex")
    country = Cell("country")
    region = Cell()
    departement = Cell()
    latitude = Cell()
    longitude = Cell()
    population = Cell()
    membership_year = Cell()
    networks = Cell()
    themes = Cell()
    is_draft_fiche = Cell()
    last_verified = Cell()
    contacts = Cell()

    def __init__(self, cells: dict[str, str], networks: dict[str, Network], themes: dict):
        super().__init__(data=cells)
        # The file's columns, in its order (so are the errors); the slug is
        # always cleaned, being made from the title when not given.
        self.fields = {name: self.fields[name] for name in dict.fromkeys([*cells, "slug"])}
        self.networks, self.themes = networks, themes

    def clean_slug(self) -> str:
        if len(self.cleaned_data["slug"]) > 255:
            raise ValidationError(_("L'identifiant dépasse 255 caractères."))
        return self.cleaned_data["slug"]

    def clean_kind(self) -> str:
        value = self.cleaned_data["kind"]
        if value not in KIND_LABELS:
            raise ValidationError(
                _("Type d'acteur inconnu : « %(value)s » (codes possibles : %(codes)s)."),
                params={"value": value, "codes": ", ".join(KIND_LABELS)},
            )
        return value

    def clean_siret(self) -> str:
        return normalise_siret(self.cleaned_data["siret"])

    def clean_region(self) -> str:
        value = self.cleaned_data["region"]
        if value and value not in geo.regions():
            raise ValidationError(
                _("Code de région inconnu : « %(value)s » (code INSEE attendu, par exemple 44)."),
                params={"value": value},
            )
        return value

    def clean_departement(self) -> str:
        value = self.cleaned_data["departement"].upper()
        if len(value) == 1 and value.isascii() and value.isdigit():
            value = "0" + value
        if value and value not in geo.departements():
            raise ValidationError(
                _(
                    "Code de département inconnu : « %(value)s » (code INSEE attendu, "
                    "par exemple 68, 2A ou 974)."
                ),
                params={"value": value},
            )
        return value

    def clean_latitude(self) -> Decimal | None:
        return _decimal(self.cleaned_data["latitude"], 90)

    def clean_longitude(self) -> Decimal | None:
        return _decimal(self.cleaned_data["longitude"], 180)

    def clean_population(self) -> int | None:
        value = self.cleaned_data["population"]
        number = _whole_number(value) if value else None
        if number is not None and number > 2_147_483_647:
            raise ValidationError(_("Nombre d'habitants trop grand."))
        return number

    def clean_membership_year(self) -> int | None:
        value = self.cleaned_data["membership_year"]
        year = _whole_number(value) if value else None
        if year is not None and not 1900 <= year <= 2100:
            message = _("Année invalide : %(value)s (de 1900 à 2100).")
            raise ValidationError(message, params={"value": value})
        return year

    def clean_is_draft_fiche(self) -> bool:
        value = self.cleaned_data["is_draft_fiche"]
        if value.casefold() in YES_VALUES:
            return True
        if value.casefold() in NO_VALUES:
            return False
        message = _("« %(value)s » : « oui » ou « non » attendu.")
        raise ValidationError(message, params={"value": value})

    def clean_last_verified(self) -> date | None:
        value = self.cleaned_data["last_verified"]
        if not value:
            return None
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                day = datetime.strptime(value, pattern).date()  # noqa: DTZ007
            except ValueError:
                continue
            validate_plausible_year(day, first=FIRST_RECORDED_YEAR)
            return day
        message = _("Date invalide : « %(value)s » (format AAAA-MM-JJ attendu).")
        raise ValidationError(message, params={"value": value})

    def _known(self, name: str, known: dict, message: str) -> list:
        """The objects of `known` named by the slugs of the cell, in order and
        without repeats."""
        slugs = [slug.strip() for slug in self.cleaned_data[name].split(LIST_SEPARATOR)]
        slugs = [slug for slug in slugs if slug]
        unknown = [slug for slug in slugs if slug not in known]
        if unknown:
            slugs_text = ", ".join(f"« {slug} »" for slug in unknown)
            raise ValidationError(message, params={"slugs": slugs_text})
        return [known[slug] for slug in dict.fromkeys(slugs)]

    def clean_networks(self) -> list[Network]:
        message = gettext_lazy("Réseau inconnu : %(slugs)s (identifiants des réseaux attendus).")
        return self._known("networks", self.networks, message)

    def clean_themes(self) -> list[Theme]:
        message = gettext_lazy("Thème inconnu : %(slugs)s (identifiants des thèmes attendus).")
        return self._known("themes", self.themes, message)

    def clean_contacts(self) -> list[dict[str, str]] | None:
        """The contacts, or None when the cell is empty (contacts left alone)."""
        value = self.cleaned_data["contacts"]
        if not value:
            return None
        contacts, problems = [], []
        for position, text in enumerate(split_escaped(value, LIST_SEPARATOR), start=1):
            if text.strip():
                parts = [unescape(part).strip() for part in split_escaped(text, CONTACT_SEPARATOR)]
                contact = dict(zip(CONTACT_FIELDS, parts + [""] * 5, strict=False))
                problem = _contact_problem(contact, len(parts))
                if problem:
                    prefix = _("contact %(position)s : ") % {"position": position}
                    problems.append(prefix + problem)
                else:
                    contacts.append(contact)
        if problems:
            raise ValidationError(problems)
        return contacts

    def clean(self) -> dict:
        cleaned = super().clean()
        cleaned["slug_given"] = bool(cleaned.get("slug"))
        if not cleaned.get("slug") and cleaned.get("title"):
            cleaned["slug"] = slugify(cleaned["title"])[:255]
            if not cleaned["slug"]:
                message = _("Impossible de déduire un identifiant du titre.")
                self.add_error("slug", ValidationError(message, code=CROSS_CELL))
        region, departement = cleaned.get("region"), cleaned.get("departement")
        expected = geo.departements()[departement].region if departement else ""
        if region and departement and expected != region:
            self.add_error(
                "departement",
                ValidationError(
                    _(
                        "Le département %(departement)s n'appartient pas à la région "
                        "%(region)s (mais à la région %(expected)s)."
                    ),
                    code=CROSS_CELL,
                    params={"departement": departement, "region": region, "expected": expected},
                ),
            )
        return cleaned

    def planned_row(self, line: int) -> PlannedRow:
        """The line as a `PlannedRow`: its values, or its errors column by
        column, then those found by comparing cells."""
        errors = [(name, e) for name, errors in self.errors.as_data().items() for e in errors]
        errors.sort(key=lambda item: item[1].code == CROSS_CELL)  # stable
        row = PlannedRow(line)
        row.errors = [RowError(line, name, message) for name, error in errors for message in error]
        values = dict(self.cleaned_data)
        for name in ("slug", "slug_given", "networks", "themes", "contacts"):
            if name in values:
                setattr(row, name, values.pop(name))
        row.title, row.siret, row.values = values.get("title", ""), values.get("siret", ""), values
        return row


def parse_csv(file_obj: IO | bytes | str, index_page=None) -> ImportPlan:
    """Read and check a CSV file without changing anything. With `index_page`,
    also find which actor each line updates, so the plan shows creations,
    updates and conflicts (`resolve_plan`)."""
    plan = ImportPlan()
    try:
        records = read_csv_records(file_obj)
    except ValueError as exc:
        plan.file_errors.append(RowError(0, "", str(exc)))
        return plan
    if not records or not any(cell.strip() for cell in records[0]):
        plan.file_errors.append(RowError(1, "", _("Le fichier est vide : en-tête attendu.")))
        return plan

    header = plan.columns = [cell.strip().lstrip("\ufeff").lower() for cell in records[0]]
    unknown = [f"« {name} »" for name in header if name not in CSV_COLUMNS]
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    for names, message in [
        (unknown, _("Colonnes inconnues : %(names)s. Colonnes possibles : %(columns)s.")),
        (duplicated, _("Colonnes en double : %(names)s.")),
        (missing, _("Colonnes obligatoires absentes : %(names)s.")),
    ]:
        if names:
            params = {"names": ", ".join(names), "columns": ", ".join(CSV_COLUMNS)}
            plan.file_errors.append(RowError(1, "", message % params))
    if plan.file_errors:
        return plan

    networks = {network.slug: network for network in Network.objects.all()}
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    seen: dict[str, dict[str, int]] = {column: {} for column in DUPLICATES}
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
            row = PlannedRow(number)
            row.error(
                "",
                _("%(count)s valeurs pour %(columns)s colonnes.")
                % {"count": len(record), "columns": len(header)},
            )
        else:
            cells = {
                name: unprotect_cell(record[index].strip()) if index < len(record) else ""
                for index, name in enumerate(header)
                if name not in EXPORT_ONLY_COLUMNS
            }
            row = ActorRowForm(cells, networks, themes).planned_row(number)
            for column, message in DUPLICATES.items():
                value = getattr(row, column)
                if value in seen[column]:
                    row.error(column, message % {column: value, "line": seen[column][value]})
                elif value:
                    seen[column][value] = number
        plan.rows.append(row)
    if not plan.rows:
        plan.file_errors.append(RowError(0, "", _("Le fichier ne contient aucun acteur.")))
    if index_page is not None:
        resolve_plan(plan, index_page)
    return plan
