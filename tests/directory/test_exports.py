"""The directory's CSV and JSON exports, built from `values()` a chunk at a
time (directory/csv/export.py `actor_rows`): the same bytes as the rows of
the actor instances (`actor_to_row`), the seed directory included, the same
addresses as `get_full_url`, published contacts only, and a constant number
of queries per chunk."""

import csv
import io
import json
import math
from datetime import date
from decimal import Decimal
from itertools import product

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory import views
from directory.csv import CSV_COLUMNS, actor_to_row
from directory.csv.export import DIRECTORY_CSV, PUBLIC_CONTACTS
from directory.factories import DirectoryIndexPageFactory, NetworkFactory
from directory.filters import DirectoryFilterSet
from directory.models import ActorContact, ActorPage, DirectoryIndexPage
from home.exports import descendant_urls, grouped, value_chunks
from home.models import Theme
from tests.exports.streamed import body, request_for

pytestmark = pytest.mark.django_db

ROLES = ActorContact.Role.values
PUBLICATIONS = ActorContact.Publication.values


# --- Helpers ----------------------------------------------------------------------------------


def per_actor_csv(index, request) -> bytes:
    """The CSV as the export made it before: one `actor_to_row` per actor
    instance, with its contacts, networks and themes prefetched."""
    actors = DirectoryFilterSet(request.GET, scope=index).qs.prefetch_related(
        "contacts", "networks", "themes"
    )
    rows = (actor_to_row(actor, request) for actor in actors)
    return "".join(DIRECTORY_CSV.chunks(rows)).encode("utf-8")


def per_actor_json(index, request) -> bytes:
    actors = DirectoryFilterSet(request.GET, scope=index).qs.prefetch_related(
        "contacts", "networks", "themes"
    )
    objects = [
        json.dumps(actor_to_row(actor, request, protect=False), ensure_ascii=False)
        for actor in actors
    ]
    return ("[\n" + ",\n".join(objects) + "\n]\n").encode("utf-8") if objects else b"[\n]\n"


def seed_index(language="fr"):
    return DirectoryIndexPage.objects.get(locale__language_code=language)


def add_actor(index, publish, **fields):
    actor = ActorPage(**{"kind": "association", **fields})
    index.add_child(instance=actor)
    return publish(actor)


@pytest.fixture
def every_contact(publish):
    """An actor of the seed directory with a contact of every role and
    publication choice (published or not by `ActorContact.is_public`), two
    themes, two networks, separators and a formula in its cells."""
    index = seed_index()
    actor = ActorPage(
        title="=Coopérative | des : tests",
        slug="cooperative-des-exports",
        kind="scop",
        siret="44306184100047",
        email="exports@example.org",
        summary='=HYPERLINK("http://exemple.invalid")\nligne ; deux',
        phone="+33 3 89 00 00 00",
        latitude=Decimal("47.750800"),
        longitude=Decimal("7.335900"),
        membership_year=2015,
        is_draft_fiche=True,
        last_verified=date(2026, 11, 30),
    )
    actor.networks = [
        NetworkFactory(name="Réseau zêta des exports", slug="zeta-exports"),
        NetworkFactory(name="Réseau alpha des exports", slug="alpha-exports"),
    ]
    actor.themes.set(list(Theme.objects.order_by("-slug")[:2]))
    # Each in its own place, as the admin's inline panel numbers them.
    actor.contacts = [
        ActorContact(
            sort_order=position,
            role=role,
            publication=publication,
            name=f"Contact {role} {publication}",
            function="Fonction : avec | séparateurs",
            email=f"{role}.{publication}@example.org",
            publication_basis="accord" if publication == "yes" else "",
        )
        for position, (role, publication) in enumerate(product(ROLES, PUBLICATIONS))
    ]
    index.add_child(instance=actor)
    return publish(actor)


# --- The same bytes ---------------------------------------------------------------------------


def test_the_seed_directory_exports_the_same_bytes_as_per_actor(every_contact):
    index = seed_index()
    request = request_for(index)
    exported = body(views.directory_csv, request, index)
    assert exported == per_actor_csv(index, request)
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig")), delimiter=";"))
    # The seed gives the comparison something to compare: every column.
    assert len(rows) > 20
    assert [column for column in CSV_COLUMNS if not any(row[column] for row in rows)] == []
    assert sum(1 for row in rows if row["contacts"]) >= 3


def test_the_json_export_is_the_same_as_per_actor(every_contact):
    index = seed_index()
    request = request_for(index)
    exported = body(views.directory_json, request, index)
    assert exported == per_actor_json(index, request)
    data = json.loads(exported)
    assert all(list(row) == CSV_COLUMNS for row in data)
    mine = next(row for row in data if row["slug"] == "cooperative-des-exports")
    assert mine["summary"].startswith("=HYPERLINK")  # JSON: no formula protection


def test_the_english_directory_exports_the_same_bytes_as_per_actor(every_contact):
    index = seed_index("en")
    request = request_for(index)
    assert b"/en/" in body(views.directory_csv, request, index)
    assert body(views.directory_csv, request, index) == per_actor_csv(index, request)
    assert body(views.directory_json, request, index) == per_actor_json(index, request)


@pytest.mark.parametrize(
    "params",
    [
        {"region": "44"},
        {"theme": "emploi", "sort": "-population"},
        {"q": "économie"},
        {"kind": "collectivites", "member_since": "2010"},
        {"region": "\x00", "sort": "pirate", "q": "\x00\x01"},
    ],
    ids=["region", "theme-sorted", "text-query", "kind-group", "hostile"],
)
def test_filtered_exports_are_the_same_as_per_actor(every_contact, params):
    index = seed_index()
    request = request_for(index, params)
    assert body(views.directory_csv, request, index) == per_actor_csv(index, request)
    assert body(views.directory_json, request, index) == per_actor_json(index, request)


def test_one_known_actor_row_byte_for_byte(every_contact):
    """The exact line of an actor: cells protected from formulas, separators
    escaped, sorted slugs, published contacts only, in the editor's order."""
    index = seed_index()
    request = request_for(index)
    text = body(views.directory_csv, request, index).decode("utf-8")
    assert text.startswith("\ufeffslug;title;kind;")
    line = next(line for line in text.split("\r\n") if line.startswith("cooperative-des-exports"))
    themes = "|".join(sorted(every_contact.themes.values_list("slug", flat=True)))
    public = [
        f"{role}:Contact {role} {publication}:Fonction \\: avec \\| séparateurs::"
        f"{role}.{publication}@example.org"
        for role, publication in product(ROLES, PUBLICATIONS)
        if publication == "yes" or (role == "elu" and publication != "no")
    ]
    assert len(public) == len(ROLES) + 1
    expected = [
        "cooperative-des-exports",
        "'=Coopérative | des : tests",
        "scop",
        "",
        "44306184100047",
        '\'=HYPERLINK("http://exemple.invalid")\nligne ; deux',
        "",
        "exports@example.org",
        "+33 3 89 00 00 00",
        *[""] * 5,
        "France",
        "",
        "",
        "47.750800",
        "7.335900",
        "",
        "2015",
        "alpha-exports|zeta-exports",
        themes,
        "oui",
        "2026-11-30",
        "|".join(public),
        every_contact.get_full_url(request),
    ]
    assert next(csv.reader(io.StringIO(line), delimiter=";")) == expected


# --- Published contacts -----------------------------------------------------------------------


def test_the_sql_rule_for_public_contacts_is_is_public(every_contact):
    """`PUBLIC_CONTACTS` (the exports' query) and `ActorContact.is_public`
    (the fiche, `public_contacts()`) agree on every role × publication."""
    contacts = ActorContact.objects.filter(actor=every_contact)
    assert contacts.count() == len(ROLES) * len(PUBLICATIONS)
    by_sql = set(contacts.filter(PUBLIC_CONTACTS).values_list("pk", flat=True))
    by_python = {contact.pk for contact in every_contact.public_contacts()}
    assert by_sql == by_python
    assert by_sql and by_sql != set(contacts.values_list("pk", flat=True))


# --- Addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["testserver", "autre.example.org"])
def test_addresses_are_get_full_url(every_contact, host):
    index = seed_index()
    request = request_for(index, HTTP_HOST=host)
    url_of = descendant_urls(index, request)
    actors = ActorPage.objects.descendant_of(index).live()
    assert actors.count() > 20
    for actor in actors:
        assert url_of(actor.url_path) == actor.get_full_url(request)


def test_an_index_without_a_site_exports_empty_addresses(root_page, publish):
    index = DirectoryIndexPageFactory(parent=root_page, title="Hors site", slug="hors-site")
    actor = add_actor(index, publish, title="Sans adresse", slug="sans-adresse")
    assert actor.get_full_url() is None
    assert descendant_urls(index)(actor.url_path) == ""


# --- Queries and memory -----------------------------------------------------------------------


def test_queries_per_chunk_are_constant(home_fr, add_page, publish, monkeypatch):
    """Three queries per chunk (networks, themes, published contacts),
    whatever the number of actors in it; the actors themselves in one."""
    monkeypatch.setattr(views, "EXPORT_CHUNK_SIZE", 2)
    index = add_page(home_fr, DirectoryIndexPage, title="Annuaire compté", slug="annuaire-compte")
    network = NetworkFactory(name="Réseau compté", slug="reseau-compte")
    theme = Theme.objects.first()

    def add(number):
        actor = ActorPage(title=f"Acteur compté {number:02d}", kind="scop")
        actor.networks = [network]
        actor.themes.set([theme])
        actor.contacts = [ActorContact(role="elu", name=f"Élu {number}")]
        index.add_child(instance=actor)
        publish(actor)

    def export(view):
        request = request_for(index)
        body(view, request, index)  # per-process caches warmed
        with CaptureQueriesContext(connection) as captured:
            text = body(view, request, index)
        sql = [query["sql"] for query in captured.captured_queries]
        per_table = {
            table: sum(table in query for query in sql)
            for table in (
                "directory_actorcontact",
                "directory_actorpage_networks",
                "home_pagetheme",
            )
        }
        return len(sql), per_table, text

    counts = {}
    for total in (3, 7):
        while ActorPage.objects.child_of(index).count() < total:
            add(ActorPage.objects.child_of(index).count())
        chunks = math.ceil(total / 2)
        for view in (views.directory_csv, views.directory_json):
            queries, per_table, text = export(view)
            assert per_table == dict.fromkeys(per_table, chunks), view.__name__
            assert text.count(b"Acteur compt") == total
            counts[view.__name__, total] = queries
    for name in ("directory_csv", "directory_json"):
        assert counts[name, 7] - counts[name, 3] == 3 * (4 - 2)


def test_value_chunks_reads_in_chunks_in_order(home_fr, add_page, publish):
    index = add_page(home_fr, DirectoryIndexPage, title="Annuaire découpé", slug="decoupe")
    for number in range(5):
        add_actor(index, publish, title=f"Découpé {number}")
    actors = ActorPage.objects.child_of(index).order_by("-title")
    chunks = list(value_chunks(actors, ["pk", "title"], chunk_size=2))
    assert [len(chunk) for chunk in chunks] == [2, 2, 1]
    assert [row["title"] for chunk in chunks for row in chunk] == [
        f"Découpé {number}" for number in range(4, -1, -1)
    ]
    assert grouped([(1, "a"), (2, "b"), (1, "c")]) == {1: ["a", "c"], 2: ["b"]}
    assert grouped([])[3] == []
