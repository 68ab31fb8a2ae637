"""Compare a fiche with the registers and apply what the editor accepts.

`run_check(page, registers)` asks the company register (when the fiche has
a SIREN/SIRET) and the address base, and returns the differences field by
field; `apply_accepted(page, proposals, keys, user)` saves the accepted ones
as a new draft revision with a log entry. Nothing is published here: the
editor publishes through the usual workflow.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from directory import geo
from directory.kinds import ESS_STRUCTURES, GROUP_OF_KIND, KIND_LABELS
from directory.validators import normalise_siret, validate_siren_or_siret

from .errors import InvalidIdentifier, RegisterError
from .parsing import coordinate

LOG_ACTION = "directory.registers_accept"

# How far (in degrees, about 20 m) coordinates may differ and still agree.
COORDINATE_TOLERANCE = Decimal("0.0002")
# Below this score the address base's match is not proposed.
MIN_ADDRESS_SCORE = 0.5

COMPANY_SOURCE = _("Registre des entreprises (API Recherche d'entreprises)")
ADDRESS_SOURCE = _("Base adresse nationale (API Adresse)")
TODAY_SOURCE = _("Vérification de ce jour")

# INSEE legal forms (catégories juridiques) of local authorities: one kind
# each, precise enough to propose the fiche's kind.
KIND_OF_LEGAL_FORM = {
    "7210": "commune",
    "7220": "conseil-departemental",
    "7230": "conseil-regional",
    "7343": "communaute-urbaine",
    "7344": "metropole",
    "7346": "communaute-de-communes",
    "7348": "communaute-d-agglomeration",
}
LEGAL_FORM_LABELS = {
    "7210": _("Commune et commune nouvelle"),
    "7220": _("Département"),
    "7230": _("Région"),
    "7343": _("Communauté urbaine"),
    "7344": _("Métropole"),
    "7346": _("Communauté de communes"),
    "7348": _("Communauté d'agglomération"),
    "9210": _("Association non déclarée"),
    "9220": _("Association déclarée"),
    "9300": _("Fondation"),
}


def legal_form_label(code: str) -> str:
    if not code:
        return ""
    label = LEGAL_FORM_LABELS.get(code)
    if label is None and code.startswith("92"):
        label = _("Association")
    return f"{label} ({code})" if label else str(_("catégorie juridique %(code)s") % {"code": code})


def fold(text) -> str:
    """Case, accents, punctuation spacing and hyphens ignored: « SAINT-DENIS »
    and « Saint Denis » agree."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("-", " ").replace("'", " ").replace("’", " ")
    return " ".join(plain.split())


@dataclass
class Difference:
    key: str
    label: str
    current: str
    proposed: str
    source: str
    value: object  # what is saved if accepted (JSON-serialisable)


@dataclass
class Information:
    label: str
    value: str
    warning: str = ""


@dataclass
class CheckResult:
    identifier: str = ""
    differences: list[Difference] = field(default_factory=list)
    information: list[Information] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    company: object = None
    address: object = None

    @property
    def proposals(self) -> dict:
        return {difference.key: difference.value for difference in self.differences}


def _yes_no(value) -> str:
    if value is None:
        return str(_("non renseigné"))
    return str(_("oui") if value else _("non"))


def _coordinates_text(latitude, longitude) -> str:
    if latitude is None or longitude is None:
        return "—"
    return f"{latitude}, {longitude}"


def _coordinates_agree(page, latitude, longitude) -> bool:
    if page.latitude is None or page.longitude is None:
        return False
    return (
        abs(Decimal(page.latitude) - latitude) <= COORDINATE_TOLERANCE
        and abs(Decimal(page.longitude) - longitude) <= COORDINATE_TOLERANCE
    )


def checked_identifier(page) -> str:
    """The fiche's SIREN/SIRET digits, or "" if it has none. Raises
    InvalidIdentifier when it fails the Luhn check."""
    digits = normalise_siret(page.siret)
    if not digits:
        return ""
    try:
        validate_siren_or_siret(digits)
    except ValidationError as error:
        raise InvalidIdentifier(digits, source="entreprises") from error
    return digits


def run_check(page, registers) -> CheckResult:
    """Ask the registers about `page` (the fiche as its latest draft)."""
    result = CheckResult()
    company = None
    try:
        result.identifier = checked_identifier(page)
    except InvalidIdentifier as error:
        result.errors.append((str(COMPANY_SOURCE), str(error.message)))
    if result.identifier:
        try:
            company = registers.company(result.identifier)
        except RegisterError as error:
            result.errors.append((str(COMPANY_SOURCE), str(error.message)))
    result.company = company

    # The address to geocode: the register's (the official one), else the fiche's.
    if company and (company.address_line or company.city):
        query, postcode = company.full_address, company.postcode
    else:
        query = " ".join(
            part for part in (page.address_line1, page.postcode, page.city) if part
        ).strip()
        postcode = page.postcode if len(page.postcode or "") == 5 else ""
    address = None
    if query:
        try:
            address = registers.geocode(query, postcode)
        except RegisterError as error:
            result.errors.append((str(ADDRESS_SOURCE), str(error.message)))
    if address is not None and address.score < MIN_ADDRESS_SCORE:
        result.information.append(
            Information(
                str(_("Adresse trouvée par la base adresse")),
                address.label,
                str(_("Correspondance trop incertaine (score %(score)s) : non proposée."))
                % {"score": f"{address.score:.2f}"},
            )
        )
        address = None
    result.address = address

    differences = result.differences
    if company:
        if company.name and fold(company.name) != fold(page.title):
            differences.append(
                Difference(
                    "title",
                    str(_("Nom")),
                    page.title,
                    company.name,
                    str(COMPANY_SOURCE),
                    company.name,
                )
            )
        if len(result.identifier) == 9 and company.siret:
            differences.append(
                Difference(
                    "siret",
                    str(_("SIRET (établissement)")),
                    page.siret,
                    company.siret,
                    str(COMPANY_SOURCE),
                    company.siret,
                )
            )
    # Address fields: the address base's spelling when it matched, else the register's.
    if address is not None:
        located = {
            "address_line1": address.street,
            "postcode": address.postcode,
            "city": address.city,
        }
        source = str(ADDRESS_SOURCE)
        latitude, longitude = address.latitude, address.longitude
    elif company:
        located = {
            "address_line1": company.address_line,
            "postcode": company.postcode,
            "city": company.city,
        }
        source = str(COMPANY_SOURCE)
        latitude, longitude = company.latitude, company.longitude
    else:
        located, source, latitude, longitude = {}, "", None, None
    labels = {"address_line1": _("Adresse"), "postcode": _("Code postal"), "city": _("Commune")}
    for key, proposed in located.items():
        current = getattr(page, key) or ""
        if proposed and fold(proposed) != fold(current):
            differences.append(
                Difference(key, str(labels[key]), current, proposed, source, proposed)
            )
    if (
        latitude is not None
        and longitude is not None
        and not _coordinates_agree(page, latitude, longitude)
    ):
        differences.append(
            Difference(
                "coordinates",
                str(_("Coordonnées (latitude, longitude)")),
                _coordinates_text(page.latitude, page.longitude),
                _coordinates_text(latitude, longitude),
                source,
                [str(latitude), str(longitude)],
            )
        )

    if company:
        _company_information(page, company, result)

    if company or address:
        today = timezone.localdate()
        if page.last_verified != today:
            differences.append(
                Difference(
                    "last_verified",
                    str(_("Informations vérifiées le")),
                    page.last_verified.strftime("%d/%m/%Y") if page.last_verified else "—",
                    today.strftime("%d/%m/%Y"),
                    str(TODAY_SOURCE),
                    today.isoformat(),
                )
            )
    return result


def _company_information(page, company, result):
    information = result.information
    kind = KIND_OF_LEGAL_FORM.get(company.legal_form_code)
    if kind and kind != page.kind:
        result.differences.append(
            Difference(
                "kind",
                str(_("Type d'acteur (d'après la forme juridique)")),
                str(KIND_LABELS.get(page.kind, page.kind or "—")),
                str(KIND_LABELS[kind]),
                str(COMPANY_SOURCE),
                kind,
            )
        )
    information.append(
        Information(str(_("Forme juridique")), legal_form_label(company.legal_form_code) or "—")
    )
    in_ess_group = GROUP_OF_KIND.get(page.kind) == ESS_STRUCTURES
    information.append(
        Information(
            str(_("Entreprise de l'ESS (registre)")),
            _yes_no(company.is_ess),
            str(
                _(
                    "La fiche est classée parmi les structures de l'ESS ; "
                    "le registre ne la compte pas dans l'ESS."
                )
            )
            if company.is_ess is False and in_ess_group
            else "",
        )
    )
    siae_warning = ""
    if company.is_siae and page.kind != "siae":
        siae_warning = str(_("Le registre la signale comme SIAE ; la fiche ne l'indique pas."))
    elif company.is_siae is False and page.kind == "siae":
        siae_warning = str(_("La fiche indique une SIAE ; le registre ne la signale pas."))
    information.append(
        Information(
            str(_("Structure d'insertion (SIAE, registre)")), _yes_no(company.is_siae), siae_warning
        )
    )
    if company.is_closed:
        closed = str(_("fermée")) + (f" ({company.closed_on})" if company.closed_on else "")
        information.append(
            Information(
                str(_("État administratif")),
                closed,
                str(
                    _(
                        "Le registre indique une fermeture : "
                        "vérifiez si la fiche doit être dépubliée."
                    )
                ),
            )
        )
    else:
        information.append(Information(str(_("État administratif")), str(_("active"))))


class StaleProposal(Exception):
    """The accepted values are not valid for the fiche (any more)."""


def _apply(draft, key, value):
    if key == "coordinates":
        latitude = coordinate(value[0], 90) if isinstance(value, list) and len(value) == 2 else None
        longitude = (
            coordinate(value[1], 180) if isinstance(value, list) and len(value) == 2 else None
        )
        if latitude is None or longitude is None:
            raise StaleProposal(key)
        draft.latitude, draft.longitude = latitude, longitude
        return
    if key == "last_verified":
        try:
            draft.last_verified = date.fromisoformat(str(value))
        except ValueError as error:
            raise StaleProposal(key) from error
        return
    if key not in {"title", "siret", "address_line1", "postcode", "city", "kind"}:
        raise StaleProposal(key)
    model_field = draft._meta.get_field(key)
    try:
        cleaned = model_field.clean(str(value), draft)
    except ValidationError as error:
        raise StaleProposal(key) from error
    if key == "postcode":
        departement = geo.departement_from_postcode(cleaned)
        if departement and departement != draft.departement:
            draft.departement, draft.region = departement, ""
    setattr(draft, key, cleaned)
    if key == "title":
        draft.draft_title = cleaned


def apply_accepted(page, proposals: dict, keys, user):
    """Save the accepted `keys` of `proposals` on a new draft revision of
    `page`, log it, and return the revision. Raises StaleProposal when a
    value no longer fits the fiche."""
    accepted = [key for key in proposals if key in set(keys)]
    if not accepted:
        return None
    draft = page.get_latest_revision_as_object()
    for key in accepted:
        _apply(draft, key, proposals[key])
    draft.derive_territory()
    revision = draft.save_revision(user=user, log_action=False, changed=True)
    log(
        instance=draft,
        action=LOG_ACTION,
        user=user,
        revision=revision,
        data={"fields": accepted},
    )
    return revision
