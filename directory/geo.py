"""The official lists of régions and départements (INSEE codes, 2016 map):
18 régions and 101 départements, shipped as CSV in `directory/data/`."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Region:
    code: str
    name: str


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region: str


@cache
def regions() -> dict[str, Region]:
    with (DATA / "regions.csv").open(encoding="utf-8") as fh:
        return {row["code"]: Region(row["code"], row["nom"]) for row in csv.DictReader(fh)}


@cache
def departements() -> dict[str, Departement]:
    with (DATA / "departements.csv").open(encoding="utf-8") as fh:
        return {
            row["code"]: Departement(row["code"], row["nom"], row["region"])
            for row in csv.DictReader(fh)
        }


def region_choices() -> list[tuple[str, str]]:
    return sorted(((r.code, r.name) for r in regions().values()), key=lambda c: c[1])


def departement_choices() -> list[tuple[str, str]]:
    return [(d.code, f"{d.code} – {d.name}") for d in departements().values()]


def departement_from_postcode(postcode: str) -> str | None:
    """The département of a French postcode (Corsica and overseas included)."""
    code = (postcode or "").strip().replace(" ", "")
    if len(code) != 5 or not code.isdigit():
        return None
    if code.startswith("97"):
        candidate = code[:3]
    elif code.startswith("20"):
        candidate = "2A" if int(code) < 20200 else "2B"
    else:
        candidate = code[:2]
    return candidate if candidate in departements() else None


def derive_territory(postcode: str, departement: str, region: str) -> tuple[str, str]:
    """(département, région) completed from what is known: the département
    from a French postcode, the région from the département. Values already
    set are kept (an editor may correct a CEDEX postcode's département)."""
    if postcode and not departement:
        departement = departement_from_postcode(postcode) or ""
    if departement and not region:
        found = departements().get(departement)
        region = found.region if found else ""
    return departement, region
