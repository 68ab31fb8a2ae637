"""Reading the registers' JSON answers (shared by the HTTP client and the
fake, so the tests exercise the same parsing as production).

Formats:
- API Recherche d'entreprises, `GET /search?q=…`: `{"results": [{"siren",
  "nom_complet", "nature_juridique", "etat_administratif" ("A" active, "C"
  ceased), "date_fermeture", "siege": {"siret", "adresse", "numero_voie",
  "indice_repetition", "type_voie", "libelle_voie", "code_postal",
  "libelle_commune", "latitude", "longitude", "etat_administratif",
  "date_fermeture"…}, "matching_etablissements": [same as siege],
  "complements": {"est_ess", "est_siae"…}}], "total_results"…}`.
- API Adresse, `GET /search/?q=…&postcode=…`: a GeoJSON FeatureCollection
  whose features have `geometry.coordinates` [longitude, latitude] and
  `properties` {label, score, name, housenumber, street, postcode, city,
  citycode, type}.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from home.validation import CONTROL_CHARACTERS

from .errors import RegisterBadAnswer, RegisterNotFound
from .records import AddressRecord, CompanyRecord

COORDINATE_STEP = Decimal("0.000001")  # the fiche keeps 6 decimal places
MAX_TEXT = 300


def clean_text(value, limit: int = MAX_TEXT) -> str:
    """A register's string made safe for a fiche field: no control
    characters, single spaces, bounded length."""
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    text = CONTROL_CHARACTERS.sub(" ", str(value))
    return " ".join(text.split())[:limit]


def coordinate(value, bound: int) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number) > bound:
        return None
    return number.quantize(COORDINATE_STEP, rounding=ROUND_HALF_UP)


def _flag(value) -> bool | None:
    return value if isinstance(value, bool) else None


def _street(establishment: dict) -> str:
    parts = [
        establishment.get("numero_voie"),
        establishment.get("indice_repetition"),
        establishment.get("type_voie"),
        establishment.get("libelle_voie"),
    ]
    street = " ".join(clean_text(part) for part in parts if clean_text(part))
    if street:
        return street
    # No detailed fields: the one-line address without its postcode and town.
    address = clean_text(establishment.get("adresse"))
    postcode = clean_text(establishment.get("code_postal"))
    if postcode and postcode in address:
        address = address.split(postcode)[0].strip()
    return address


def parse_company(payload, identifier: str) -> CompanyRecord:
    """The legal unit `identifier` (SIREN or SIRET digits) in a search
    answer. Raises RegisterNotFound when no result carries that SIREN (the
    search is full text: other companies may match the digits) and
    RegisterBadAnswer when the answer is not the documented shape."""
    if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
        raise RegisterBadAnswer("no results list", source="entreprises")
    siren = identifier[:9]
    unit = next(
        (
            result
            for result in payload["results"]
            if isinstance(result, dict) and str(result.get("siren", "")) == siren
        ),
        None,
    )
    if unit is None:
        raise RegisterNotFound(siren, source="entreprises")
    siege = unit.get("siege") if isinstance(unit.get("siege"), dict) else {}
    establishment = siege
    if len(identifier) == 14 and siege.get("siret") != identifier:
        matching = unit.get("matching_etablissements")
        for candidate in matching if isinstance(matching, list) else []:
            if isinstance(candidate, dict) and candidate.get("siret") == identifier:
                establishment = candidate
                break
    complements = unit.get("complements") if isinstance(unit.get("complements"), dict) else {}
    unit_closed = unit.get("etat_administratif") == "C"
    establishment_closed = establishment.get("etat_administratif") == "F"
    closed_on = clean_text(unit.get("date_fermeture") or establishment.get("date_fermeture"), 10)
    return CompanyRecord(
        siren=siren,
        siret=clean_text(establishment.get("siret"), 14),
        name=clean_text(unit.get("nom_complet") or unit.get("nom_raison_sociale"), 255),
        address_line=_street(establishment)[:200],
        postcode=clean_text(establishment.get("code_postal"), 10),
        city=clean_text(establishment.get("libelle_commune"), 120),
        legal_form_code=clean_text(unit.get("nature_juridique"), 10),
        is_ess=_flag(complements.get("est_ess")),
        is_siae=_flag(complements.get("est_siae")),
        is_closed=unit_closed or establishment_closed,
        closed_on=closed_on,
        latitude=coordinate(establishment.get("latitude"), 90),
        longitude=coordinate(establishment.get("longitude"), 180),
    )


def parse_address(payload) -> AddressRecord | None:
    """The best feature of an API Adresse answer, or None when it found
    nothing. Raises RegisterBadAnswer on another shape."""
    if not isinstance(payload, dict) or not isinstance(payload.get("features"), list):
        raise RegisterBadAnswer("no features list", source="adresse")
    best = None
    for feature in payload["features"]:
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            continue
        score = feature["properties"].get("score")
        score = float(score) if isinstance(score, (int, float)) else 0.0
        if best is None or score > best[0]:
            best = (score, feature)
    if best is None:
        return None
    score, feature = best
    properties = feature["properties"]
    geometry = feature.get("geometry") if isinstance(feature.get("geometry"), dict) else {}
    coordinates = geometry.get("coordinates")
    longitude = latitude = None
    if isinstance(coordinates, list) and len(coordinates) == 2:
        longitude = coordinate(coordinates[0], 180)
        latitude = coordinate(coordinates[1], 90)
    kind = clean_text(properties.get("type"), 20)
    # `name` is the street with its number for an address, the place's name
    # for a street or locality; a municipality has no street.
    street = clean_text(properties.get("name"), 200) if kind != "municipality" else ""
    return AddressRecord(
        label=clean_text(properties.get("label")),
        street=street,
        postcode=clean_text(properties.get("postcode"), 10),
        city=clean_text(properties.get("city"), 120),
        citycode=clean_text(properties.get("citycode"), 10),
        latitude=latitude,
        longitude=longitude,
        score=max(0.0, min(score, 1.0)),
        kind=kind,
    )
