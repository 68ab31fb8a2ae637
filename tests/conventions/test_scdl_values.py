"""The SCDL « Délibérations » export built from `values()` a chunk at a time
(conventions/scdl.py `convention_rows`): the same bytes as the lines of the
convention instances (their authority and their attached documents read
through the pages, the reference below), the seeded conventions included, in
French and in English, whatever the filters; and a constant number of
queries per chunk."""

import csv
import io
import math
from datetime import date

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.documents.models import Document

from conventions import scdl, views
from conventions.factories import ConventionPageFactory
from conventions.filters import ConventionFilterSet
from conventions.models import ConventionDocument, ConventionIndexPage, ConventionPartner
from directory.factories import ActorPageFactory, DirectoryIndexPageFactory
from tests.exports.streamed import body as streamed_body
from tests.exports.streamed import request_for

pytestmark = pytest.mark.django_db

WORD = "zorglubesque"


# --- The reference: one line per convention instance -------------------------------------------


def reference_values(convention) -> dict:
    """The `VALUE_FIELDS` of a convention, read from the page and its authority."""
    authority = convention.authority if convention.authority_id else None
    values = {name: getattr(convention, name) for name in scdl.VALUE_FIELDS if "__" not in name}
    values["authority__title"] = authority.title if authority else None
    values["authority__siret"] = authority.siret if authority else None
    return values


def reference_csv(index, request) -> bytes:
    """The file from the convention instances: the first attached document
    of kind « délibération » in the editor's order, its `url` made absolute."""
    listing = ConventionFilterSet(request.GET, scope=index)
    documents = ConventionDocument.objects.select_related("document").order_by("sort_order", "pk")
    conventions = (
        listing.qs.adopted(listing.today)
        .select_related("authority")
        .prefetch_related(Prefetch("documents", queryset=documents))
    )
    rows = []
    for convention in conventions:
        deliberation = next(
            (
                link
                for link in convention.documents.all()
                if link.kind == ConventionDocument.DELIBERATION
            ),
            None,
        )
        url = request.build_absolute_uri(deliberation.document.url) if deliberation else ""
        rows.append(scdl.convention_row(reference_values(convention), url))
    return "".join(scdl.SCDL_CSV.chunks(rows)).encode("utf-8")


# --- Helpers and fixtures -----------------------------------------------------------------------


def seed_index(language="fr") -> ConventionIndexPage:
    return ConventionIndexPage.objects.get(locale__language_code=language)


def body(request, index) -> bytes:
    return streamed_body(views.deliberations_csv, request, index)


def both(index, request, language) -> tuple[bytes, bytes]:
    """(the export, the reference), read in `language`."""
    with translation.override(language):
        return body(request, index), reference_csv(index, request)


def document(name: str) -> Document:
    """A document record (its address needs its file's name, not the file)."""
    return Document.objects.create(title=name, file=f"documents/{name}.pdf")


def add_convention(index, *, partners=(), documents=(), **fields):
    """A published convention (and its English alias); `documents` are
    (document, kind, sort_order) in any order."""
    page = ConventionPageFactory.build(**fields)
    page.partners = [
        ConventionPartner(actor=actor, description="", sort_order=n)
        for n, actor in enumerate(partners)
    ]
    page.documents = [
        ConventionDocument(document=doc, kind=kind, sort_order=order)
        for doc, kind, order in documents
    ]
    index.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def authorities(home_fr, root_page):
    directory = DirectoryIndexPageFactory(
        parent=home_fr, title="Annuaire SCDL test", slug="annuaire-scdl-test"
    )

    def actor(parent, slug, title, **fields):
        page = ActorPageFactory(parent=parent, slug=slug, title=title, kind="commune", **fields)
        page.save_revision().publish()
        return page

    return {
        "siret": actor(directory, "commune-siret", "=Commune | SIRET", siret="219 200 710 00016"),
        "siren": actor(directory, "commune-siren", "Commune SIREN", siret="219200714"),
    }


@pytest.fixture
def deliberations(authorities):
    """Adopted conventions of the seeded index: documents of every kind in
    an order that is not their creation's, formula-like and multi-line text."""
    index = seed_index()
    first, second, other = document("delib-premiere"), document("delib-seconde"), document("autre")
    return [
        add_convention(
            index,
            title=f"Convention {WORD} documentée",
            authority=authorities["siret"],
            decision_date=date(2021, 5, 4),
            deliberation_reference="@2021-05-04",
            matiere_code="7.5",
            subject="-Objet\nsur deux lignes",
            budget_name="+Budget annexe",
            vote_members=33,
            vote_for=30,
            deliberation_url="https://deliberations.example.org/ignoree.pdf",
            documents=[
                (other, "convention", 0),
                (second, "deliberation", 2),
                (first, "deliberation", 1),
            ],
        ),
        add_convention(
            index,
            title=f"Convention {WORD} sans document",
            authority=authorities["siren"],
            decision_date=date(2019, 1, 15),
            subject="Objet simple",
            deliberation_url="https://deliberations.example.org/2019.pdf",
            documents=[(other, "annexe", 0)],
        ),
        add_convention(
            index,
            title=f"Convention {WORD} sans collectivité",
            decision_date=date(2018, 2, 1),
            subject="Sans collectivité",
            documents=[(first, "deliberation", 0)],
        ),
        add_convention(  # no session yet: not exported
            index, title=f"Projet {WORD}", subject="Projet", authority=authorities["siret"]
        ),
    ]


# --- The same bytes ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_seeded_conventions_export_the_same_bytes_as_per_convention(deliberations, language):
    index = seed_index(language)
    exported, reference = both(index, request_for(index), language)
    assert exported == reference
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8"))))
    assert list(rows[0]) == scdl.SCDL_COLUMNS
    assert len(rows) >= 4  # the seeded deliberation and the fixture's three
    for column in ("COLL_NOM", "COLL_SIRET", "DELIB_ID", "DELIB_MATIERE_NOM", "DELIB_URL"):
        assert any(row[column] for row in rows), column


def test_the_lines_of_the_fixture(deliberations):
    index = seed_index()
    exported, _reference = both(index, request_for(index), "fr")
    rows = {row["DELIB_OBJET"]: row for row in csv.DictReader(io.StringIO(exported.decode()))}
    documented = rows["'-Objet sur deux lignes"]
    assert documented["COLL_NOM"] == "'=Commune | SIRET"
    assert documented["COLL_SIRET"] == "21920071000016"
    assert documented["DELIB_ID"] == "'@2021-05-04"
    assert documented["BUDGET_NOM"] == "'+Budget annexe"
    # The first deliberation in the editor's order, before the editor's address.
    first = ConventionDocument.objects.get(
        convention=deliberations[0], kind="deliberation", sort_order=1
    )
    assert documented["DELIB_URL"] == "http://testserver" + first.document.url
    assert rows["Objet simple"]["DELIB_URL"] == "https://deliberations.example.org/2019.pdf"
    assert rows["Objet simple"]["COLL_SIRET"] == ""  # a SIREN is not a SIRET
    assert rows["Sans collectivité"]["COLL_NOM"] == ""
    assert "Projet" not in rows


def test_the_english_export_through_the_site(client, deliberations):
    index = seed_index("en")
    response = client.get(index.url + "export/deliberations-csv/")
    assert response.status_code == 200
    served = b"".join(response.streaming_content)
    with translation.override("en"):
        assert served == reference_csv(index, request_for(index))
    assert b"http://testserver/documents/" in served


@pytest.mark.parametrize("serve_method", ["serve_view", "direct", "redirect"])
def test_document_addresses_follow_the_serve_method(settings, deliberations, serve_method):
    settings.WAGTAILDOCS_SERVE_METHOD = serve_method
    index = seed_index()
    exported, reference = both(index, request_for(index), "fr")
    assert exported == reference


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "params",
    [
        {"status": "en-vigueur"},
        {"q": WORD},
        {"year": "2021"},
        {"authority": "commune-siret", "partner": "commune-siren"},
        {"status": "\x00", "q": "\x00\x01", "theme": "\x00", "sort": "pirate"},
        {"authority": "9" * 40, "partner": "9" * 40, "page": "9" * 40},
        {"year": "1"},
        {"year": "0001", "status": "abrogee"},
        {"year": "99999999999999999999"},
        {"year": "2021-02-31"},
    ],
    ids=[
        "status",
        "text",
        "year",
        "authority-partner",
        "nul-bytes",
        "huge-ids",
        "year-1",
        "year-0001",
        "huge-year",
        "bad-date",
    ],
)
def test_filtered_exports_are_the_same_as_per_convention(deliberations, params, language):
    index = seed_index(language)
    exported, reference = both(index, request_for(index, params), language)
    assert exported == reference


@pytest.mark.parametrize(
    "params",
    [
        {"year": "\x00", "q": "\x00"},
        {"authority": "9" * 40, "partner": "9" * 40},
        {"year": "0001"},
        {"page": "99999999999999999999999"},
    ],
    ids=["nul-bytes", "huge-ids", "year-1", "huge-page"],
)
def test_hostile_queries_through_the_site_are_served(client, deliberations, params):
    for language in ("fr", "en"):
        response = client.get(seed_index(language).url + "export/deliberations-csv/", params)
        assert response.status_code == 200
        b"".join(response.streaming_content)


# --- Queries ----------------------------------------------------------------------------------


def add_many(index, authority, deliberation, start, stop):
    for n in range(start, stop):
        add_convention(
            index,
            title=f"Convention {WORD} {n}",
            authority=authority,
            decision_date=date(2015 + n % 5, 1 + n % 12, 1 + n % 28),
            subject=f"Objet {WORD} {n}",
            documents=[(deliberation, "deliberation", 0)] if n % 2 else [],
        )


@pytest.mark.parametrize("total", [3, 7])
def test_queries_per_chunk_are_constant(authorities, monkeypatch, total):
    """One query for the conventions, one per chunk for their documents."""
    monkeypatch.setattr(views, "EXPORT_CHUNK_SIZE", 2)
    index = seed_index()
    add_many(index, authorities["siret"], document("delib-comptee"), 0, total)
    response = views.deliberations_csv(request_for(index, {"q": WORD}), index)
    with CaptureQueriesContext(connection) as captured:
        content = b"".join(response.streaming_content)
    sql = [query["sql"] for query in captured.captured_queries]
    chunks = math.ceil(total / 2)
    assert content.count(f"Objet {WORD}".encode()) == total
    assert len(sql) == 1 + chunks
    assert sum(query.startswith('SELECT "conventions_conventiondocument".') for query in sql) == (
        chunks
    )


def test_whole_export_queries_do_not_grow_with_conventions(
    client, authorities, django_assert_max_num_queries
):
    index = seed_index()
    deliberation = document("delib-volume")

    def count() -> int:
        client.get(index.url + "export/deliberations-csv/")  # the per-process caches warmed
        with django_assert_max_num_queries(15) as captured:
            response = client.get(index.url + "export/deliberations-csv/", {"q": WORD})
            content = b"".join(response.streaming_content)
        assert response.status_code == 200
        assert content.count(f"Objet {WORD}".encode()) == total
        return len(captured.captured_queries)

    total = 3
    add_many(index, authorities["siret"], deliberation, 0, total)
    few = count()
    total = 30
    add_many(index, authorities["siret"], deliberation, 3, total)
    assert count() == few
    exported, reference = both(index, request_for(index, {"q": WORD}), "fr")
    assert exported == reference


def test_stored_values_the_editor_would_refuse_leave_their_cell_empty(deliberations):
    """Codes and addresses written around the editor (a script, an old
    import) reach the file only when the editor's rules accept them: never
    a spreadsheet formula, never a line the SCDL schema rejects."""
    from conventions.models import ConventionPage

    documented, plain = deliberations[0], deliberations[1]
    ConventionPage.objects.filter(pk=documented.pk).update(
        budget_year="2021/2022", prefecture_id="SPREF0921", matiere_code="7.5"
    )
    ConventionPage.objects.filter(pk=plain.pk).update(
        budget_year="=1+1",
        prefecture_id="=A1+A2",  # within the columns' lengths (9, 9, 5)
        matiere_code="@A1",
        deliberation_url="javascript:alert(1)",
    )
    index = seed_index()
    exported, _reference = both(index, request_for(index), "fr")
    rows = {row["DELIB_OBJET"]: row for row in csv.DictReader(io.StringIO(exported.decode()))}
    kept = rows["'-Objet sur deux lignes"]
    assert (kept["BUDGET_ANNEE"], kept["PREF_ID"], kept["DELIB_MATIERE_CODE"]) == (
        "2021/2022",
        "SPREF0921",
        "7.5",
    )
    refused = rows["Objet simple"]
    for column in (
        "BUDGET_ANNEE",
        "PREF_ID",
        "DELIB_MATIERE_CODE",
        "DELIB_MATIERE_NOM",
        "DELIB_URL",
    ):
        assert refused[column] == "", column
