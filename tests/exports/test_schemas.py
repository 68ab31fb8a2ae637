"""Every CSV export of the site has a published Table Schema served beside it
(`…/schema/`) and linked from its page, and every file is valid against it
with the `frictionless` library: the site's own schemas strictly, the SCDL
exports against the official schemas shipped in the repository, whose only
failures may be the required cells the content does not know (left empty
rather than invented). Hostile stored values (quotes, line breaks, control
characters, formulas) keep every file valid."""

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.utils import timezone
from frictionless import Schema

from calls_for_projects import vocab as call_vocab
from calls_for_projects.exports import SUBVENTIONS_VERSION
from calls_for_projects.factories import CallForProjectsPageFactory
from calls_for_projects.models import CallLaureate, CallOrganiser, CallsIndexPage
from conventions.factories import ConventionPageFactory
from conventions.models import ConventionIndexPage
from conventions.scdl import SCDL_VERSION
from directory.factories import ActorPageFactory
from directory.models import DirectoryIndexPage
from events.models import AgendaIndexPage, EventPage, EventSlot
from home.exports import CSV_EXPORTS, JSON_CONTENT_TYPE, OPEN_LICENCE
from network_minutes.models import MeetingMinutesPage, NetworkPage, NetworksIndexPage, Participant

from .conftest import body, errors, served_csv_exports, validate

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OFFICIAL = {
    "scdl-deliberations": (
        ROOT / "conventions/schemas/scdl-deliberations/schema.json",
        SCDL_VERSION,
    ),
    "scdl-subventions": (
        ROOT / "calls_for_projects/schemas/scdl-subventions/schema.json",
        SUBVENTIONS_VERSION,
    ),
}
# Required by the official schemas, but not recorded by the site: left empty.
UNKNOWN_REQUIRED = {
    "scdl-deliberations": {
        "COLL_SIRET",
        "DELIB_ID",
        "DELIB_MATIERE_CODE",
        "DELIB_MATIERE_NOM",
    },
    "scdl-subventions": {
        "idAttribuant",
        "nomAttribuant",
        "dateConvention",
        "conditionsVersement",
        "datesPeriodeVersement",
        "notificationUE",
        "pourcentageSubvention",
    },
}
EXPECTED_EXPORTS = {
    "annuaire-acteurs",
    "agenda",
    "appels",
    "comptes-rendus",
    "scdl-deliberations",
    "scdl-subventions",
}
HOSTILE = "=cmd|' /C calc'!A0 « guillemets » \"doubles\"; virgule, \x07bip\x1b\nligne 2\r\nfin"
HOSTILE_SLUG = "export-hostile"


def luhn_siret(prefix: str) -> str:
    """A 14-digit SIRET starting with `prefix` whose Luhn key is right."""
    for last in range(10):
        candidate = f"{prefix}{last}"
        digits = [int(d) for d in reversed(candidate)]
        total = sum(
            d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)
        )
        if total % 10 == 0:
            return candidate
    raise AssertionError


def fr_index(model):
    return model.objects.live().filter(locale__language_code="fr").first()


@pytest.fixture
def hostile(db):
    """One item with hostile text in every export, under the seeded indexes."""
    today = timezone.localdate()
    actor = ActorPageFactory(
        parent=fr_index(DirectoryIndexPage),
        title=HOSTILE,
        slug=HOSTILE_SLUG,
        summary=HOSTILE,
        acronym="@SUM(A1)",
        city="+33 Ville",
    )
    call = CallForProjectsPageFactory(
        parent=fr_index(CallsIndexPage),
        title=HOSTILE,
        slug=HOSTILE_SLUG,
        summary=HOSTILE,
        is_rolling=True,
        call_type=call_vocab.ROLLING_GRANT,
        total_envelope="100000.00",
    )
    CallOrganiser.objects.create(call=call, role=call_vocab.FUNDER, name=HOSTILE, sort_order=0)
    CallLaureate.objects.create(
        call=call, name=HOSTILE, project=HOSTILE, amount="1500.50", sort_order=0
    )
    ConventionPageFactory(
        parent=fr_index(ConventionIndexPage),
        title=HOSTILE,
        slug=HOSTILE_SLUG,
        subject=HOSTILE,
        deliberation_reference=HOSTILE[:60],
        authority=actor,
        decision_date=today - dt.timedelta(days=3),
    )
    meeting = MeetingMinutesPage(
        title=HOSTILE,
        slug=HOSTILE_SLUG,
        summary=HOSTILE,
        place=HOSTILE,
        chair=HOSTILE,
        date=today - dt.timedelta(days=2),
    )
    meeting.participants.add(Participant(name="Personne Secrète", organisation_text="Asso"))
    fr_index(NetworkPage).add_child(instance=meeting)
    meeting.save_revision().publish()
    event = EventPage(title=HOSTILE, slug=HOSTILE_SLUG, summary=HOSTILE, event_type="forum")
    event.slots.add(EventSlot(start_date=today + dt.timedelta(days=4)))
    fr_index(AgendaIndexPage).add_child(instance=event)
    event.save_revision().publish()
    return HOSTILE


def check_valid(served):
    """Each served file against its served schema: no error at all for the
    site's schemas; for an official one, only missing required cells in the
    columns the site does not record."""
    export = served.export
    report = validate(served.content, served.descriptor, export.delimiter)
    found = errors(report)
    if export.name in UNKNOWN_REQUIRED:
        unexpected = [
            error
            for error in found
            if not (
                error[0] == "constraint-error"
                and "required" in error[2]
                and error[1] in UNKNOWN_REQUIRED[export.name]
            )
        ]
        assert unexpected == [], (served.url, unexpected[:5])
    else:
        assert found == [], (served.url, found[:5])
    return report


def test_every_csv_export_is_served_with_its_schema_and_valid(client):
    served = served_csv_exports(client)
    names = set()
    for item in served:
        assert item.schema_response.status_code == 200, item.schema_url
        assert item.schema_response["Content-Type"] == JSON_CONTENT_TYPE
        descriptor = item.descriptor
        # The schema describes this very file: its fields are the header.
        assert [field["name"] for field in descriptor["fields"]] == item.header, item.url
        names.add(item.export.name)
    # Every declared export is reachable from a page, and each of them has
    # a schema: a CSV route without one fails above (no schema, or a schema
    # that is not a declared export's).
    assert names == set(CSV_EXPORTS) == EXPECTED_EXPORTS
    # French and English indexes alike.
    assert {item.page.locale.language_code for item in served} == {"fr", "en"}
    # Each file is valid against its schema (the seed content).
    rows = 0
    for item in served:
        report = check_valid(item)
        rows += report.tasks[0].stats.get("rows", 0)
    assert rows > 20  # the seed content fills the files


def test_hostile_text_keeps_every_export_valid(client, hostile):
    served = served_csv_exports(client)
    seen = set()
    for item in served:
        check_valid(item)
        text = item.content.decode("utf-8-sig")
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=item.export.delimiter))
        assert all(len(record) == len(item.header) for record in records), item.url
        hostile_cells = [cell for record in records[1:] for cell in record if "guillemets" in cell]
        if hostile_cells:
            seen.add(item.export.name)
        # The minutes count their participants, never name them.
        assert "Personne Secrète" not in text
        if item.export.name == "comptes-rendus" and hostile_cells:
            index = item.header.index("participants")
            counts = [
                r[index] for r in records[1:] if "guillemets" in r[item.header.index("title")]
            ]
            assert counts == ["1"], item.url
        for cell in hostile_cells:
            # Never run as a formula, quotes kept, the line's cells intact.
            assert not cell.startswith(("=", "+", "-", "@")), (item.url, cell)
            assert "\x00" not in cell
    assert seen == EXPECTED_EXPORTS


def test_site_schemas_are_valid_table_schemas_with_licence_and_codes(client):
    for export in CSV_EXPORTS.values():
        descriptor = export.descriptor()
        assert Schema.validate_descriptor(descriptor).valid, export.name
        if export.official:
            continue
        assert descriptor["licenses"] == [OPEN_LICENCE]
        assert descriptor["missingValues"] == [""]
        assert descriptor["title"] and descriptor["description"]
        assert all(field["title"] for field in descriptor["fields"])
    fields = {f["name"]: f for f in CSV_EXPORTS["annuaire-acteurs"].descriptor()["fields"]}
    assert "association" in fields["kind"]["constraints"]["enum"]
    assert fields["kind"]["constraints"]["required"] is True
    assert "44" in fields["region"]["constraints"]["enum"]
    assert fields["latitude"]["type"] == "number"
    assert fields["is_draft_fiche"]["trueValues"] == ["oui"]
    fields = {f["name"]: f for f in CSV_EXPORTS["appels"].descriptor()["fields"]}
    assert "ouvert" in fields["status"]["constraints"]["enum"]
    assert fields["deadline"]["type"] == "datetime"
    fields = {f["name"]: f for f in CSV_EXPORTS["agenda"].descriptor()["fields"]}
    assert "annule" in fields["status"]["constraints"]["enum"]


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_scdl_exports_serve_the_official_schema_shipped(name):
    path, version = OFFICIAL[name]
    official = json.loads(path.read_text(encoding="utf-8"))
    assert official["version"] == version
    assert CSV_EXPORTS[name].descriptor() == official
    readme = (path.parent / "README.md").read_text(encoding="utf-8")
    assert version in readme and "Licence" in readme
    assert official["path"] in readme


def test_schema_route_answers_json_in_english_too(client):
    index = DirectoryIndexPage.objects.live().filter(locale__language_code="en").first()
    response = client.get(index.url + "export/csv/schema/")
    assert response.status_code == 200
    assert response["Content-Type"] == JSON_CONTENT_TYPE
    assert json.loads(response.content)["name"] == "annuaire-acteurs"


def test_a_complete_deliberation_is_strictly_valid(client):
    """A convention whose content is complete gives a line with no error at
    all against the official SCDL « Délibérations » schema."""
    authority = ActorPageFactory(
        parent=fr_index(DirectoryIndexPage),
        title="Ville complète",
        slug="ville-complete",
        kind="commune",
        siret=luhn_siret("2168022490001"),
    )
    index = fr_index(ConventionIndexPage)
    ConventionPageFactory(
        parent=index,
        title="Convention complète",
        slug="convention-complete",
        subject="Approbation de la convention complète",
        authority=authority,
        deliberation_reference="DEL-2026-042",
        decision_date=dt.date(2026, 3, 2),
        matiere_code="1.4",
        budget_year="2026",
        budget_name="Budget principal",
        prefecture_id="PREF068",
        prefecture_date=dt.date(2026, 3, 5),
        vote_members=33,
        vote_actual=30,
        vote_for=28,
        vote_against=1,
        vote_abstention=1,
        deliberation_url="https://ville.example.org/deliberations/42.pdf",
    )
    response = client.get(index.url + "export/deliberations-csv/?q=complète")
    content = body(response)
    export = CSV_EXPORTS["scdl-deliberations"]
    records = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
    assert len(records) == 2 and records[1][0] == "Ville complète"
    report = validate(content, export.descriptor(), ",")
    assert errors(report) == []


def test_subventions_line_fills_what_the_content_records(client):
    funder = ActorPageFactory(
        parent=fr_index(DirectoryIndexPage),
        title="Région financeuse",
        slug="region-financeuse",
        kind="conseil-regional",
        siret=luhn_siret("2367000010001"),
    )
    laureate = ActorPageFactory(
        parent=fr_index(DirectoryIndexPage),
        title="Coopérative lauréate",
        slug="cooperative-laureate",
        siret=luhn_siret("8123456780001"),
    )
    index = fr_index(CallsIndexPage)
    call = CallForProjectsPageFactory(
        parent=index, title="Trophées de l'ESS complets", slug="trophees-complets"
    )
    CallOrganiser.objects.create(call=call, role=call_vocab.ORGANISER, name="Autre", sort_order=0)
    CallOrganiser.objects.create(call=call, role=call_vocab.FUNDER, actor=funder, sort_order=1)
    CallLaureate.objects.create(
        call=call, actor=laureate, project="Épicerie solidaire", amount="5000", sort_order=0
    )
    CallLaureate.objects.create(call=call, name="Sans montant", award="Mention", sort_order=1)
    response = client.get(index.url + "export/subventions-csv/?q=complets")
    assert response["Content-Type"].startswith("text/csv")
    content = body(response)
    records = list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))
    assert len(records) == 1  # the laureate without an amount is no grant
    (record,) = records
    assert record["nomAttribuant"] == "Région financeuse"
    assert record["idAttribuant"] == funder.siret
    assert record["nomBeneficiaire"] == "Coopérative lauréate"
    assert record["idBeneficiaire"] == laureate.siret
    assert record["objet"] == "Épicerie solidaire"
    assert record["montant"] == "5000.00"
    assert record["nature"] == "aide en numéraire"
    assert record["dispositifAide"] == "Trophées de l'ESS complets"
    assert record["dateConvention"] == record["notificationUE"] == ""
    report = validate(content, CSV_EXPORTS["scdl-subventions"].descriptor(), ",")
    # Only the required cells the site never records are reported.
    assert {error[1] for error in errors(report)} == {
        "dateConvention",
        "conditionsVersement",
        "datesPeriodeVersement",
        "notificationUE",
        "pourcentageSubvention",
    }
    assert {error[0] for error in errors(report)} == {"constraint-error"}


@pytest.mark.parametrize("count", [2, 30])
def test_calls_exports_queries_do_not_grow(client, django_assert_max_num_queries, count):
    index = fr_index(CallsIndexPage)
    for n in range(count):
        call = CallForProjectsPageFactory(
            parent=index, title=f"Appel compté {n}", slug=f"appel-compte-{n}", is_rolling=True
        )
        CallOrganiser.objects.create(call=call, role=call_vocab.FUNDER, name=f"F{n}", sort_order=0)
        CallLaureate.objects.create(call=call, name=f"L{n}", amount="10", sort_order=0)
    with django_assert_max_num_queries(19):  # ~9 of them: routing, site, cache
        response = client.get(index.url + "export/csv/?q=compté")
        assert body(response).count(b"Appel compt") == count
    with django_assert_max_num_queries(12):
        response = client.get(index.url + "export/subventions-csv/?q=compté")
        assert body(response).count(b"aide en num") == count


@pytest.mark.parametrize(
    "model, route",
    [
        (DirectoryIndexPage, "export/csv/schema/"),
        (AgendaIndexPage, "export/csv/schema/"),
        (CallsIndexPage, "export/csv/schema/"),
        (CallsIndexPage, "export/subventions-csv/schema/"),
        (ConventionIndexPage, "export/deliberations-csv/schema/"),
        (NetworksIndexPage, "export/csv/schema/"),
        (NetworkPage, "export/csv/schema/"),
    ],
)
def test_listing_pages_link_to_their_schemas(client, model, route):
    index = fr_index(model)
    html = client.get(index.url).content.decode()
    assert f'href="{index.url}{route}"' in html


def test_a_row_with_an_undeclared_column_is_refused():
    export = CSV_EXPORTS["appels"]
    row = dict.fromkeys(export.header, "")
    assert "".join(export.chunks([row])).count("\r\n") == 2
    with pytest.raises(ValueError):
        "".join(export.chunks([{**row, "hors_schema": "x"}]))
