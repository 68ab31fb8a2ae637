"""What the registers say, in the fiche's terms."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CompanyRecord:
    """A legal unit of the company register and the establishment that
    matches the fiche (its SIRET if the fiche has one, else the siège)."""

    siren: str
    siret: str = ""
    name: str = ""
    address_line: str = ""
    postcode: str = ""
    city: str = ""
    legal_form_code: str = ""
    is_ess: bool | None = None
    is_siae: bool | None = None
    is_closed: bool = False
    closed_on: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None

    @property
    def full_address(self) -> str:
        return " ".join(part for part in (self.address_line, self.postcode, self.city) if part)


@dataclass(frozen=True)
class AddressRecord:
    """The best match of the national address base."""

    label: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    citycode: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    score: float = 0.0
    kind: str = ""
