"""The calls' exports (docs/open-data.md), both selecting calls with the
listing's `CallFilterSet` (same parameters as the page, bad values ignored):

- `calls_csv`: one line per call, in the listing's order and statuses, the
  columns `CALLS_CSV` declares (its Table Schema is built from them);
- `subventions_csv`: the laureates that received an amount, in the SCDL
  « Subventions » format (official schema 2.1.1, shipped in
  `schemas/scdl-subventions/`). Without a status parameter it covers the
  calls of every status (results are published once a call is finished).
  Only what the content records is filled: the granting body (the call's
  first funder, else its first organiser, and its SIRET when its fiche has
  14 digits), the beneficiary (and its SIRET likewise), the object (the
  project, else the prize, else the call), the amount, its nature (an amount
  in euros: « aide en numéraire ») and the scheme (the call). The columns
  the content does not know — the date and reference of the agreement, the
  payment conditions and dates, the RNA number, the EU notification, the
  share of the project funded — stay empty, even those the schema requires.

Both are streamed, read in chunks; cells a spreadsheet would run as a
formula start with an apostrophe.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory import geo
from home.exports import (
    Column,
    CsvExport,
    descendant_urls,
    grouped,
    page_themes,
    protect_cell,
    value_chunks,
)
from home.exports import iso_or_empty as _date
from home.exports import number_or_empty as _number
from home.exports import one_line as _text

from . import status as st
from . import vocab
from .filters import CallFilterSet
from .models import CallLaureate, CallOrganiser

EXPORT_CHUNK_SIZE = 500
LIST_SEPARATOR = " | "
SUBVENTIONS_VERSION = "2.1.1"
SUBVENTIONS_SCHEMA = (
    Path(__file__).resolve().parent / "schemas" / "scdl-subventions" / "schema.json"
)
_SIRET = re.compile(r"^\d{14}$")
_INSTANT = _("Instant ISO 8601 avec le décalage de Paris (2026-11-20T12:00:00+01:00).")

CALLS_CSV = CsvExport(
    "appels",
    _("Appels à projets"),
    _(
        "Les appels à projets, AMI et prix que la liste sélectionne, un par ligne, avec leur "
        "statut au moment de l'export. Fichier UTF-8 avec BOM, séparateur « ; »."
    ),
    [
        Column(
            "id", _("Identifiant"), _("Identifiant stable, commun aux traductions."), required=True
        ),
        Column("title", _("Titre"), required=True),
        Column("url", _("Adresse de l'appel"), format="uri"),
        Column("summary", _("Résumé")),
        Column("type", _("Type (code)"), required=True, enum=vocab.CallType.values),
        Column("type_label", _("Type")),
        Column(
            "status",
            _("Statut (code)"),
            _("Statut au moment de l'export."),
            required=True,
            enum=st.Status.values,
        ),
        Column("status_label", _("Statut")),
        Column("framework", _("Cadre")),
        Column("opens_on", _("Date d'ouverture"), type="date"),
        Column("preregistration_on", _("Date limite de pré-inscription"), type="date"),
        Column("deadline", _("Date et heure limites de dépôt"), _INSTANT, type="datetime"),
        Column("is_rolling", _("Instruction au fil de l'eau"), type="boolean", required=True),
        Column("dates_note", _("Précisions sur le calendrier")),
        Column("recurrence", _("Récurrence (code)"), enum=vocab.Recurrence.values),
        Column("edition_year", _("Année de l'édition"), type="integer"),
        Column("scope", _("Territoire couvert (code)"), enum=vocab.Scope.values),
        Column("region", _("Région (code INSEE)")),
        Column("region_name", _("Région")),
        Column("departement", _("Département (code INSEE)")),
        Column("departement_name", _("Département")),
        Column("territory_note", _("Précisions sur le territoire")),
        Column("total_envelope", _("Enveloppe totale (€)"), type="number"),
        Column("max_per_project", _("Montant maximum par projet (€)"), type="number"),
        Column(
            "funding_rate",
            _("Taux d'intervention (%)"),
            type="number",
            constraints={"minimum": 0, "maximum": 100},
        ),
        Column("application_url", _("Lien pour candidater")),
        Column("organisers", _("Organisateurs et partenaires"), _("Noms séparés par « | ».")),
        Column(
            "organiser_roles",
            _("Rôles des organisateurs"),
            _("Codes des rôles, dans l'ordre des noms, séparés par « | »."),
        ),
        Column(
            "themes",
            _("Thématiques"),
            _("Noms séparés par « | »."),
        ),
        Column("laureates", _("Nombre de lauréats publiés"), type="integer", required=True),
        Column("last_published", _("Dernière publication"), _INSTANT, type="datetime"),
    ],
)

SUBVENTIONS_CSV = CsvExport(
    "scdl-subventions",
    _("Subventions (SCDL)"),
    _("Les montants reçus par les lauréats des appels, au format SCDL « Subventions »."),
    [
        Column(
            "nomAttribuant",
            _("Attribuant : le premier financeur de l'appel, sinon son organisateur"),
        ),
        Column("idAttribuant", _("SIRET de l'attribuant, si sa fiche en donne un")),
        Column("dateConvention", _("Date de la convention (non connue du site)")),
        Column("referenceDecision", _("Référence de la décision (non connue du site)")),
        Column("nomBeneficiaire", _("Nom du lauréat")),
        Column("idBeneficiaire", _("SIRET du lauréat, si sa fiche en donne un")),
        Column("rnaBeneficiaire", _("Numéro RNA (non connu du site)")),
        Column("objet", _("Le projet, sinon le prix, sinon l'appel")),
        Column("montant", _("Montant reçu (€)")),
        Column("nature", _("« aide en numéraire » (un montant en euros)")),
        Column("conditionsVersement", _("Conditions de versement (non connues du site)")),
        Column("datesPeriodeVersement", _("Dates de versement (non connues du site)")),
        Column("idRAE", _("Identifiant RAE (non connu du site)")),
        Column("notificationUE", _("Notification à l'Union européenne (non connue du site)")),
        Column("pourcentageSubvention", _("Part du projet financée (non connue du site)")),
        Column("dispositifAide", _("L'appel (le dispositif d'aide)")),
    ],
    delimiter=",",
    bom=False,
    official=SUBVENTIONS_SCHEMA,
)


def _instant(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _siret(value) -> str:
    siret = "".join((value or "").split())
    return siret if _SIRET.match(siret) else ""


# What a line needs, read with `values()` (home/exports.py `value_chunks`);
# `status_now` is annotated by the filter set.
VALUE_FIELDS = [
    "pk",
    "url_path",
    "translation_key",
    "title",
    "summary",
    "call_type",
    "status_now",
    "framework",
    "opens_on",
    "preregistration_on",
    "deadline",
    "is_rolling",
    "dates_note",
    "recurrence",
    "edition_year",
    "scope",
    "region",
    "departement",
    "territory_note",
    "total_envelope",
    "max_per_project",
    "funding_rate",
    "application_url",
    "last_published_at",
]


def _name(code: str, places: dict) -> str:
    """The name of a région or département code (`geo.regions()`, `geo.departements()`)."""
    place = places.get(code)
    return place.name if place else ""


def call_row(
    values: dict, organisers: list[dict], themes, laureates: int, url: str
) -> dict[str, str]:
    """One call as a CSV row (the columns of `CALLS_CSV`), from its
    `VALUE_FIELDS`; `organisers`: its organiser links in the editor's order
    (`name` the fiche's title, else the name given); `themes`: its `Theme`s;
    `laureates`: how many; `url`: its full address."""
    status = values["status_now"]
    row = {
        "id": str(values["translation_key"]),
        "title": _text(values["title"]),
        "url": url or "",
        "summary": _text(values["summary"]),
        "type": values["call_type"],
        "type_label": _text(vocab.label(vocab.CallType, values["call_type"])),
        "status": status,
        "status_label": _text(vocab.label(st.Status, status)),
        "framework": _text(values["framework"]),
        "opens_on": _date(values["opens_on"]),
        "preregistration_on": _date(values["preregistration_on"]),
        "deadline": _instant(values["deadline"]),
        "is_rolling": "oui" if values["is_rolling"] else "non",
        "dates_note": _text(values["dates_note"]),
        "recurrence": values["recurrence"],
        "edition_year": _number(values["edition_year"]),
        "scope": values["scope"],
        "region": values["region"],
        "region_name": _text(_name(values["region"], geo.regions())),
        "departement": values["departement"],
        "departement_name": _text(_name(values["departement"], geo.departements())),
        "territory_note": _text(values["territory_note"]),
        "total_envelope": _number(values["total_envelope"]),
        "max_per_project": _number(values["max_per_project"]),
        "funding_rate": _number(values["funding_rate"]),
        "application_url": _text(values["application_url"]),
        "organisers": LIST_SEPARATOR.join(_text(link["name"]) for link in organisers),
        "organiser_roles": LIST_SEPARATOR.join(link["role"] for link in organisers),
        "themes": LIST_SEPARATOR.join(_text(theme.display_name) for theme in themes),
        "laureates": str(laureates),
        "last_published": _instant(values["last_published_at"]),
    }
    return {column: protect_cell(value) for column, value in row.items()}


def call_rows(calls, url_of) -> Iterator[dict[str, str]]:
    """The rows of the queryset `calls`, in its order, read as values in
    chunks: per chunk one query for the organisers, one for the themes and
    one for the laureates' counts."""
    for chunk in value_chunks(calls, VALUE_FIELDS, EXPORT_CHUNK_SIZE):
        ids = [values["pk"] for values in chunk]
        links = (
            CallOrganiser.objects.filter(call_id__in=ids)
            .order_by("call_id", "sort_order", "pk")
            .values_list("call_id", "actor_id", "actor__title", "name", "role")
        )
        organisers = grouped(
            (call_id, {"name": actor_title if actor_id else name, "role": role})
            for call_id, actor_id, actor_title, name, role in links
        )
        themes = page_themes(ids)
        laureates = dict(
            CallLaureate.objects.filter(call_id__in=ids)
            .order_by()
            .values("call_id")
            .annotate(n=Count("pk"))
            .values_list("call_id", "n")
        )
        for values in chunk:
            pk = values["pk"]
            yield call_row(
                values, organisers[pk], themes[pk], laureates.get(pk, 0), url_of(values["url_path"])
            )


def _calls(request, index_page):
    listing = CallFilterSet(request.GET, scope=index_page)
    return listing, f"appels-{timezone.localdate(listing.now):%Y-%m-%d}"


def calls_csv(request, index_page):
    listing, name = _calls(request, index_page)
    rows = call_rows(listing.qs, descendant_urls(index_page, request))
    return CALLS_CSV.response(rows, f"{name}.csv")


def calls_csv_schema(request, index_page):
    """The Table Schema of the calls' CSV export (home/exports.py)."""
    return CALLS_CSV.schema_response()


# --- SCDL « Subventions » -----------------------------------------------------

GRANTOR_ROLES = (vocab.FUNDER, vocab.ORGANISER, vocab.CO_ORGANISER)


def grantors(call_ids) -> dict[int, tuple[str, str]]:
    """{call id: (name, SIRET) of its granting body}: its first funder, else
    its first organiser, else co-organiser, in the editor's order (one query)."""
    links = (
        CallOrganiser.objects.filter(call_id__in=call_ids, role__in=GRANTOR_ROLES)
        .order_by("call_id", "sort_order", "pk")
        .values_list("call_id", "role", "name", "actor__title", "actor__siret")
    )
    found = defaultdict(dict)
    for call_id, role, name, actor_title, actor_siret in links:
        found[call_id].setdefault(role, (actor_title or name, _siret(actor_siret)))
    return {
        call_id: next(roles[role] for role in GRANTOR_ROLES if role in roles)
        for call_id, roles in found.items()
    }


def subvention_row(values: dict, grantor: tuple[str, str]) -> dict[str, str]:
    """The SCDL line of one laureate, from the values `subventions_csv` reads."""
    object_ = values["project"] or values["award"] or values["call__title"]
    row = {
        "nomAttribuant": _text(grantor[0]),
        "idAttribuant": grantor[1],
        "dateConvention": "",
        "referenceDecision": "",
        "nomBeneficiaire": _text(values["actor__title"] or values["name"]),
        "idBeneficiaire": _siret(values["actor__siret"]),
        "rnaBeneficiaire": "",
        "objet": _text(object_)[:255],
        "montant": _number(values["amount"]),
        "nature": "aide en numéraire",
        "conditionsVersement": "",
        "datesPeriodeVersement": "",
        "idRAE": "",
        "notificationUE": "",
        "pourcentageSubvention": "",
        "dispositifAide": _text(values["call__title"]),
    }
    return {column: protect_cell(value) for column, value in row.items()}


def subventions_csv(request, index_page):
    """The laureates with an amount of the calls the filters select (every
    status unless one is asked for)."""
    listing, name = _calls(request, index_page)
    calls = listing.qs if listing.cleaned.get("status") else listing.without("status")
    call_ids = calls.order_by().values("pk")
    laureates = (
        CallLaureate.objects.filter(call_id__in=call_ids, amount__isnull=False)
        .order_by("call__title", "call_id", "sort_order", "pk")
        .values(
            "call_id",
            "call__title",
            "name",
            "actor__title",
            "actor__siret",
            "project",
            "award",
            "amount",
        )
    )
    found = grantors(call_ids)
    rows = (
        subvention_row(values, found.get(values["call_id"], ("", "")))
        for values in laureates.iterator(chunk_size=EXPORT_CHUNK_SIZE)
    )
    return SUBVENTIONS_CSV.response(rows, f"subventions-{name}.csv")


def subventions_csv_schema(request, index_page):
    """The official SCDL « Subventions » Table Schema the export follows."""
    return SUBVENTIONS_CSV.schema_response()
