"""The directory's public pages: listing with filters and facets, map, GeoJSON,
CSV and JSON exports, actor fiche. Never a 500, never an unpublished contact."""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.test import RequestFactory

from directory import views
from directory.factories import (
    ActorContactFactory,
    ActorPageFactory,
    DirectoryIndexPageFactory,
    NetworkFactory,
)
from directory.filters import DIRECTORY, DirectoryFilterSet
from directory.models import ActorContact, ActorPage
from home.models import PageTheme, Theme
from tests.html import breadcrumb, soup
from tests.html import facets as html_facets

pytestmark = pytest.mark.django_db

HIDDEN_STAFF = "Agent Caché Zorglub"
PUBLIC_ELECTED = "Élue Visible Brunehaut"


# --- Fixtures -------------------------------------------------------------------


@pytest.fixture
def index(home_fr):
    """A directory of our own, so that seeded actors never change the counts."""
    return DirectoryIndexPageFactory(parent=home_fr, title="Annuaire test", slug="annuaire-test")


@pytest.fixture
def themes(db):
    return {
        "t1": Theme.objects.create(name="Thème test alpha", slug="theme-test-alpha"),
        "t2": Theme.objects.create(name="Thème test bêta", slug="theme-test-beta"),
    }


@pytest.fixture
def network(db):
    return NetworkFactory(name="Réseau test des territoires", slug="reseau-test", acronym="RTT")


def add_actor(index, *, themes=(), networks=(), **fields):
    fields.setdefault("postcode", "")
    actor = ActorPageFactory(parent=index, **fields)
    for theme in themes:
        PageTheme.objects.create(content_object=actor, tag=theme)
    for network in networks:
        ActorPage.networks.through.objects.create(actorpage=actor, network=network)
    # Publish as editors do: the page_published signal refreshes the cached facets.
    actor.save_revision().publish()
    return actor


@pytest.fixture
def actors(index, themes, network):
    alpha = add_actor(
        index,
        title="Alpha Métropole",
        kind="metropole",
        acronym="AM",
        region="44",
        departement="67",
        city="Strasbourg",
        population=474524,
        membership_year=2012,
        latitude=Decimal("48.573400"),
        longitude=Decimal("7.752100"),
        summary="La métropole du zéphyrin solidaire.",
        email="contact@alpha.example.org",
        website="https://alpha.example.org/",
        panorama="<p>Panorama alpha</p>",
        budget_amount=Decimal("5800000"),
        budget_year=2018,
        themes=[themes["t1"]],
        networks=[network],
    )
    ActorContactFactory(
        actor=alpha, role=ActorContact.ELECTED, name=PUBLIC_ELECTED, function="vice-présidente"
    )
    ActorContactFactory(
        actor=alpha,
        role=ActorContact.OFFICER,
        name=HIDDEN_STAFF,
        email="agent.cache@alpha.example.org",
    )
    beta = add_actor(
        index,
        title="Béta Association",
        kind="association",
        region="11",
        departement="92",
        city="Sceaux",
        membership_year=2018,
        latitude=Decimal("48.776500"),
        longitude=Decimal("2.290500"),
        summary="Une association coopérative.",
        themes=[themes["t2"]],
    )
    collectif = add_actor(
        index,
        title="Collectif Citoyen",
        kind="projet-citoyen",
        region="44",
        departement="68",
        city="Mulhouse",
        membership_year=2020,
        is_draft_fiche=True,
        themes=[themes["t1"]],
        networks=[network],
    )
    delta = add_actor(
        index,
        title="Département Delta",
        kind="conseil-departemental",
        region="44",
        departement="08",
        city="Charleville-Mézières",
        population=270000,
        membership_year=2016,
        latitude=Decimal("49.762100"),
        longitude=Decimal("4.726300"),
        networks=[network],
    )
    epsilon = add_actor(
        index,
        title="Écolieu Epsilon",
        kind="scic",
        region="84",
        departement="69",
        city="Lyon",
        population=1000,
        latitude=Decimal("45.764000"),
        longitude=Decimal("4.835700"),
    )
    return {"alpha": alpha, "beta": beta, "collectif": collectif, "delta": delta, "eps": epsilon}


# --- Helpers ----------------------------------------------------------------------


def listing(client, index, **params):
    response = client.get(index.url, params)
    assert response.status_code == 200
    return response


def titles(response):
    return [actor.title for actor in response.context["results"].object_list]


def notices(response):
    return response.context["notices"]


def call_view(view, index, params=None):
    """The data views through a request (see test_data_routes_are_reachable)."""
    request = RequestFactory().get(index.url, params or {})
    response = view(request, index)
    assert response.status_code == 200
    if response.streaming:
        return response, b"".join(response.streaming_content)
    return response, response.content


def geojson(index, **params):
    response, body = call_view(views.directory_geojson, index, params)
    return response, json.loads(body)


def csv_rows(index, **params):
    response, body = call_view(views.directory_csv, index, params)
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    return response, list(csv.reader(io.StringIO(text), delimiter=";"))


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD script"
    return json.loads(match.group(1))


# --- Listing ---------------------------------------------------------------------


def test_listing_sorts_by_name_accents_ignored(client, index, actors):
    response = listing(client, index)
    assert titles(response) == [
        "Alpha Métropole",
        "Béta Association",
        "Collectif Citoyen",
        "Département Delta",
        "Écolieu Epsilon",
    ]
    html = response.text
    assert "5 acteurs" in html
    assert "Fiche en cours de rédaction" in html
    assert "Strasbourg (Bas-Rhin)" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "metropole"}, ["Alpha Métropole"]),
        ({"kind": "collectivites"}, ["Alpha Métropole", "Département Delta"]),
        ({"kind": "structures-ess"}, ["Béta Association", "Écolieu Epsilon"]),
        ({"region": "44"}, ["Alpha Métropole", "Collectif Citoyen", "Département Delta"]),
        ({"departement": "92"}, ["Béta Association"]),
        ({"theme": "theme-test-alpha"}, ["Alpha Métropole", "Collectif Citoyen"]),
        (
            {"network": "reseau-test"},
            ["Alpha Métropole", "Collectif Citoyen", "Département Delta"],
        ),
        ({"member_since": "2017"}, ["Béta Association", "Collectif Citoyen"]),
        ({"q": "zephyrin"}, ["Alpha Métropole"]),
        ({"q": "cooperative"}, ["Béta Association"]),
        # Combinations.
        (
            {"region": "44", "network": "reseau-test", "member_since": "2015"},
            ["Collectif Citoyen", "Département Delta"],
        ),
        (
            {"kind": "collectivites", "region": "44", "theme": "theme-test-alpha"},
            ["Alpha Métropole"],
        ),
        ({"q": "zephyrin", "region": "11"}, []),
        ({"q": "association", "kind": "structures-ess"}, ["Béta Association"]),
        ({"theme": "theme-test-beta", "network": "reseau-test"}, []),
    ],
)
def test_filters_and_their_combinations(client, index, actors, params, expected):
    response = listing(client, index, **params)
    assert titles(response) == expected
    assert notices(response) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["alpha", "beta", "collectif", "delta", "eps"]),
        ("-population", ["alpha", "delta", "eps", "beta", "collectif"]),
        ("population", ["eps", "delta", "alpha", "beta", "collectif"]),
        ("membership_year", ["alpha", "delta", "beta", "collectif", "eps"]),
        ("-membership_year", ["collectif", "beta", "delta", "alpha", "eps"]),
    ],
)
def test_sort_orders_put_missing_values_last(client, index, actors, sort, expected):
    response = listing(client, index, sort=sort)
    assert titles(response) == [actors[key].title for key in expected]


def test_text_query_sorts_by_relevance_unless_asked_otherwise(client, index, actors):
    add_actor(index, title="Zéphyrin Zéphyrin", kind="association", summary="zéphyrin")
    by_relevance = listing(client, index, q="zephyrin")
    assert by_relevance.context["filters"].sort_code == "relevance"
    assert titles(by_relevance)[0] == "Zéphyrin Zéphyrin"
    assert '<option value="relevance" selected>' in by_relevance.text
    by_name = listing(client, index, q="zephyrin", sort="name")
    assert titles(by_name) == ["Alpha Métropole", "Zéphyrin Zéphyrin"]


def test_facets_count_the_filtered_set_and_only_values_in_use(client, index, actors):
    response = listing(client, index, region="44")
    facets = {facet.param: facet for facet in response.context["facets"]}
    assert {item.value: item.count for item in facets["region"].items} == {"44": 3}
    kinds = {item.value: item for item in facets["kind"].items}
    assert {code: item.count for code, item in kinds.items()} == {
        "collectivites": 2,
        "projets-citoyens": 1,
    }
    assert {child.value: child.count for child in kinds["collectivites"].children} == {
        "metropole": 1,
        "conseil-departemental": 1,
    }
    assert {item.value: item.count for item in facets["theme"].items} == {"theme-test-alpha": 2}
    assert {item.value: item.count for item in facets["network"].items} == {"reseau-test": 3}
    # A facet link adds its value to the current filters.
    theme_item = facets["theme"].items[0]
    assert theme_item.query == "region=44&theme=theme-test-alpha"
    assert f'href="?{theme_item.query.replace("&", "&amp;")}"' in response.text


def test_facets_without_filters_list_every_value_in_use(client, index, actors):
    response = listing(client, index)
    facets = {facet.param: facet for facet in response.context["facets"]}
    assert {item.value: item.count for item in facets["region"].items} == {
        "44": 3,
        "11": 1,
        "84": 1,
    }
    assert {item.value: item.count for item in facets["theme"].items} == {
        "theme-test-alpha": 2,
        "theme-test-beta": 1,
    }


def test_active_filters_are_removable_chips(client, index, actors):
    response = listing(client, index, region="44", theme="theme-test-alpha")
    chips = {chip.param: chip for chip in response.context["chips"]}
    assert chips["region"].value == "Grand Est"
    assert chips["region"].remove_query == "theme=theme-test-alpha"
    assert chips["theme"].remove_query == "region=44"
    assert "Retirer le filtre Région : Grand Est" in response.text


def test_links_to_map_and_exports_carry_the_filters(client, index, actors):
    response = listing(client, index, region="44", sort="-population")
    context = response.context
    query = "?region=44&sort=-population"
    assert context["map_url"] == f"{index.url}carte/{query}"
    assert context["csv_url"] == index.url + index.reverse_subpage("export_csv") + query
    assert context["json_url"] == index.url + index.reverse_subpage("export_json") + query
    assert context["csv_url"] in response.text.replace("&amp;", "&")


def test_pagination(client, index, actors):
    for n in range(DirectoryFilterSet.per_page):
        add_actor(index, title=f"Zeta {n:02d}", kind="association")
    first = listing(client, index)
    assert len(titles(first)) == DirectoryFilterSet.per_page
    assert first.context["results"].paginator.count == DirectoryFilterSet.per_page + 5
    second = listing(client, index, page="2")
    assert titles(second) == [f"Zeta {n:02d}" for n in range(15, 20)]
    assert 'rel="prev"' in second.text
    too_far = listing(client, index, page="99")
    assert too_far.context["results"].number == 2
    assert any("99" in notice for notice in notices(too_far))


def test_empty_state_offers_a_reset(client, index, actors):
    response = listing(client, index, q="introuvablezz", region="44")
    html = response.text
    assert "Aucun acteur ne correspond" in html
    assert f'href="{index.url}"' in html


def test_an_empty_directory_without_filters_does_not_speak_of_criteria(client, home_en):
    """An English directory without actors (the site's own lists every French
    actor since issue 14): without any filter, it says nothing is published,
    not that « these criteria » match nothing."""
    empty_index = DirectoryIndexPageFactory(parent=home_en, title="Empty", slug="empty-directory")
    response = client.get(empty_index.url)
    assert response.status_code == 200
    empty = response.text.split('class="listing-empty"', 1)[1]
    assert "No actor is published in the directory yet." in empty
    assert "criteria" not in empty and "Clear all filters" not in empty


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("kind", "zzz"),
        ("region", "999"),
        ("departement", "zz"),
        ("theme", "nope"),
        ("network", "nope"),
        ("member_since", "abc"),
        ("member_since", "1800"),
        ("page", "abc"),
        ("page", "0"),
        ("sort", "title; drop table"),
        ("q", "x" * 10_000),
        ("q", "!!"),
        ("kind", "a\x00b"),
    ],
)
def test_invalid_parameters_are_ignored_with_a_notice(client, index, actors, param, value):
    # A valid filter beside the bad one keeps applying.
    params = {param: value} if param == "region" else {param: value, "region": "44"}
    response = listing(client, index, **params)
    assert len(notices(response)) == 1
    assert "ignoré" in notices(response)[0]
    assert "Votre sélection a été ajustée" in response.text
    expected = 5 if param == "region" else 3
    assert response.context["results"].paginator.count == expected
    # The ignored value is neither quoted in full, nor kept in the form or the links.
    assert "x" * 100 not in notices(response)[0]
    assert 'value="' + "x" * 100 not in response.text
    assert "x" * 100 not in response.context["csv_url"]
    assert param not in response.context["filters"].params


def test_several_invalid_parameters_give_one_notice_each(client, index, actors):
    response = listing(
        client, index, kind="zzz", region="999", member_since="abc", page="abc", theme="nope"
    )
    assert len(notices(response)) == 5
    assert response.context["results"].paginator.count == 5


def test_nul_byte_in_query_is_dropped(client, index, actors):
    response = listing(client, index, q="zephy\x00rin")
    assert response.status_code == 200
    response = listing(client, index, q="zephyrin\x00")
    assert titles(response) == ["Alpha Métropole"]


def test_invalid_parameters_never_break_map_and_data(client, index, actors):
    params = {"kind": "zzz", "member_since": "abc", "q": "y" * 10_000}
    assert client.get(f"{index.url}carte/", params).status_code == 200
    for view in (views.directory_geojson, views.directory_csv, views.directory_json):
        call_view(view, index, params)


def test_text_query_is_bounded(index, actors, monkeypatch):
    add_actor(index, title="Zorro un", kind="association", summary="zorro")
    add_actor(index, title="Zorro deux", kind="association", summary="zorro")
    assert DirectoryFilterSet.max_text_matches >= 100
    monkeypatch.setattr(DirectoryFilterSet, "max_text_matches", 1)
    result = DirectoryFilterSet({"q": "zorro"}, scope=index)
    assert result.truncated
    assert result.qs.count() == 1
    assert "1" in result.notices[0]


def test_text_query_searches_within_every_other_filter(client, index, actors, network, monkeypatch):
    """The text query is ranked among the actors the other filters select
    (theme and network included): a filter finds its matches even when more
    actors than are kept match the query overall, and no truncation is
    reported when the filtered matches are all kept."""
    add_actor(index, title="Zorro Zorro", kind="association", summary="zorro zorro zorro")
    add_actor(index, title="Zorro du réseau", kind="scic", summary="zorro", networks=[network])
    monkeypatch.setattr(DirectoryFilterSet, "max_text_matches", 1)
    response = listing(client, index, q="zorro", network="reseau-test")
    assert titles(response) == ["Zorro du réseau"]
    assert response.context["results"].paginator.count == 1
    assert notices(response) == []
    assert html_facets(response)["Réseau"] == {"RTT": 1}
    overall = listing(client, index, q="zorro")
    assert len(titles(overall)) == 1
    assert len(notices(overall)) == 1 and "Plus de 1 acteurs" in notices(overall)[0]


# --- Map and GeoJSON ---------------------------------------------------------------


def test_map_page_lists_the_filtered_actors_without_javascript(client, index, actors, settings):
    response = client.get(f"{index.url}carte/", {"region": "44"})
    assert response.status_code == 200
    html = response.text
    fallback = html[html.index('id="liste-carte"') :]
    for title in ["Alpha Métropole", "Collectif Citoyen", "Département Delta"]:
        assert title in fallback
    assert "Béta Association" not in fallback
    assert "Mulhouse" in fallback
    assert "dont 2 placés sur la carte" in html
    geojson_url = f"{index.url}{index.reverse_subpage('geojson')}?region=44"
    assert f'data-geojson-url="{geojson_url}"' in html
    assert 'data-tiles-url="' + settings.MAP_TILES_URL + '"' in html
    assert "/static/leaflet/leaflet.js" in html
    assert "unpkg" not in html and "cdn" not in html.lower()
    assert breadcrumb(html) == [("Accueil", "/fr/"), (index.title, index.url), ("Carte", None)]


def test_geojson_has_only_located_actors_and_no_contacts(index, actors):
    response, data = geojson(index)
    assert response["Content-Type"] == "application/geo+json"
    assert data["type"] == "FeatureCollection"
    names = {feature["properties"]["name"] for feature in data["features"]}
    assert names == {"Alpha Métropole", "Béta Association", "Département Delta", "Écolieu Epsilon"}
    alpha = next(f for f in data["features"] if f["properties"]["name"] == "Alpha Métropole")
    assert alpha["geometry"] == {"type": "Point", "coordinates": [7.7521, 48.5734]}
    assert set(alpha["properties"]) == {"name", "kind", "kind_label", "city", "url"}
    assert alpha["properties"]["kind_label"] == "Métropole"
    assert alpha["properties"]["url"] == "http://testserver" + actors["alpha"].url
    body = response.content.decode()
    assert HIDDEN_STAFF not in body and PUBLIC_ELECTED not in body
    assert "@" not in body


def test_geojson_applies_the_filters(index, actors):
    _response, data = geojson(index, region="44")
    names = {feature["properties"]["name"] for feature in data["features"]}
    assert names == {"Alpha Métropole", "Département Delta"}


# --- Exports -----------------------------------------------------------------------


def test_csv_export_is_utf8_with_bom_and_documented_header(index, actors):
    from directory.csv import CSV_COLUMNS

    response, rows = csv_rows(index, region="44")
    assert response["Content-Type"].startswith("text/csv")
    assert re.search(
        r'attachment; filename="annuaire-acteurs-\d{4}-\d{2}-\d{2}\.csv"',
        response["Content-Disposition"],
    )
    assert rows[0] == CSV_COLUMNS
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [record["title"] for record in records] == [
        "Alpha Métropole",
        "Collectif Citoyen",
        "Département Delta",
    ]
    body = "\n".join(",".join(row) for row in rows)
    assert PUBLIC_ELECTED in body
    assert HIDDEN_STAFF not in body
    assert "agent.cache@" not in body


def test_json_export_has_the_csv_columns_and_public_contacts_only(index, actors):
    from directory.csv import CSV_COLUMNS

    response, body = call_view(views.directory_json, index, {"theme": "theme-test-alpha"})
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "Métropole".encode() in body  # ensure_ascii=False
    data = json.loads(body)
    assert [row["title"] for row in data] == ["Alpha Métropole", "Collectif Citoyen"]
    assert all(list(row) == CSV_COLUMNS for row in data)
    text = body.decode()
    assert PUBLIC_ELECTED in text
    assert HIDDEN_STAFF not in text


def test_data_routes_are_reachable(client, index, actors):
    for name in ["geojson", "export_csv", "export_json"]:
        response = client.get(index.url + index.reverse_subpage(name), follow=True)
        assert response.status_code == 200, name


# --- Fiche -------------------------------------------------------------------------


def test_fiche_shows_every_field_and_published_contacts_only(client, actors):
    alpha = actors["alpha"]
    alpha.address_line1 = "1 parc de l'Étoile"
    alpha.phone = "03 88 60 90 90"
    alpha.save()
    response = client.get(alpha.url)
    assert response.status_code == 200
    html = response.text
    assert "Métropole" in html
    assert "(AM)" in html
    assert "1 parc de l&#x27;Étoile" in html
    assert "Grand Est" in html and "Bas-Rhin" in html
    assert re.search(r"474\s524", html)  # French grouping (non-breaking space)
    assert re.search(r"5\s800\s000(&nbsp;|\s)€", html)
    assert "Membre depuis 2012" in html
    assert "Réseau test des territoires" in html
    assert "Panorama alpha" in html
    assert "Thème test alpha" in html
    assert PUBLIC_ELECTED in html
    assert "vice-présidente" in html
    assert HIDDEN_STAFF not in html
    assert "agent.cache@" not in html
    assert "data-actor-map" in html


def test_draft_fiche_badge(client, actors):
    response = client.get(actors["collectif"].url)
    assert "Fiche en cours de rédaction" in response.text
    assert "data-actor-map" not in response.text  # no coordinates, no map


def coordonnees_box(html):
    return soup(html).select("section[aria-labelledby=coordonnees]")


@pytest.mark.parametrize("slug", ["moovjee", "comptoir-de-linnovation"])
def test_seeded_fiches_without_contact_data_show_no_empty_coordonnees_box(client, slug):
    """National networks the seeds name without address or territory (issue 18)."""
    html = client.get(f"/fr/annuaire/{slug}/").text
    assert coordonnees_box(html) == []
    assert "Coordonnées" not in soup(html).select_one("main").get_text()


def test_the_coordonnees_box_appears_with_the_first_contact_data(client, index):
    actor = add_actor(
        index, title="Réseau Sans Adresse", kind="reseau", city="", region="", departement=""
    )
    assert coordonnees_box(client.get(actor.url).text) == []

    actor.website = "https://reseau-sans-adresse.example.org/"
    actor.save_revision().publish()
    (box,) = coordonnees_box(client.get(actor.url).text)
    assert "https://reseau-sans-adresse.example.org/" in box.get_text()


@pytest.mark.parametrize(
    ("key", "schema_type"),
    [
        ("alpha", "GovernmentOrganization"),
        ("delta", "GovernmentOrganization"),
        ("beta", "Organization"),
    ],
)
def test_json_ld_type_per_kind(client, actors, key, schema_type):
    data = json_ld(client.get(actors[key].url).text)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == schema_type
    assert data["name"] == actors[key].title


def test_json_ld_has_public_contacts_only_and_escapes_script(client, actors):
    alpha = actors["alpha"]
    alpha.summary = "</script><script>alert(1)</script> & co"
    alpha.save()
    html = client.get(alpha.url).text
    script = html[html.index('<script type="application/ld+json">') :]
    script = script[: script.index("</script>") + len("</script>")]
    assert "<script>alert" not in script
    data = json_ld(html)
    assert data["description"] == "</script><script>alert(1)</script> & co"
    assert data["alternateName"] == "AM"
    assert data["address"]["addressLocality"] == "Strasbourg"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 48.5734, "longitude": 7.7521}
    assert data["member"] == [
        {"@type": "Person", "name": PUBLIC_ELECTED, "jobTitle": "vice-présidente"}
    ]
    assert HIDDEN_STAFF not in json.dumps(data, ensure_ascii=False)


def test_staff_name_is_not_found_by_site_search(client, actors):
    for query in [HIDDEN_STAFF, "Zorglub", "agent.cache"]:
        response = client.get("/fr/recherche/", {"q": query})
        assert response.status_code == 200
        assert response.context["results"].paginator.count == 0
        assert actors["alpha"].url not in response.text


# --- Query counts ---------------------------------------------------------------------


def _add_many(index, themes, network, first, last):
    for n in range(first, last):
        actor = add_actor(
            index,
            title=f"Acteur {n:03d}",
            kind="commune" if n % 2 else "association",
            region="44",
            departement="67",
            population=1000 + n,
            membership_year=2000 + n % 20,
            latitude=Decimal("48.5"),
            longitude=Decimal("7.7"),
            themes=[themes["t1"]],
            networks=[network] if n % 3 else [],
        )
        ActorContactFactory(actor=actor, role=ActorContact.ELECTED, name=f"Élu {n}")


def _add_bulk(index, n):
    """`n` more live actors in bulk (the benchmark's generator: contacts,
    networks, themes, coordinates, search index), then the facet cache
    renewed as a publication would."""
    import random

    from directory.bench import create_actors

    create_actors(index, n, random.Random(3))
    DIRECTORY.bump()


def _count(client, django_assert_max_num_queries, url, params, limit):
    client.get(url, params)  # warm the per-process caches
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url, params)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured.captured_queries), response


# The fiche's own queries; each section another app adds to it
# (home/registry.py ACTOR_SECTIONS) may cost two more.
FICHE_QUERIES = 20


def test_query_counts_do_not_grow_with_actors(
    client, index, themes, network, django_assert_max_num_queries
):
    from home.registry import ACTOR_SECTIONS

    _add_many(index, themes, network, 0, 10)
    filtered = {"region": "44", "theme": "theme-test-alpha", "sort": "-population"}
    searched = {"q": "acteur", "network": "reseau-test"}
    fiche = ActorPage.objects.child_of(index).first()
    urls = [
        ("index", index.url, {}, 15),
        ("filtered", index.url, filtered, 15),
        ("searched", index.url, searched, 18),
        ("kind group, page 3", index.url, {"kind": "collectivites", "page": "3"}, 15),
        ("map", f"{index.url}carte/", filtered, 20),
        ("geojson", f"{index.url}geojson/", filtered, 15),
        ("json", f"{index.url}export/json/", filtered, 20),
        ("fiche", fiche.url, {}, FICHE_QUERIES + 2 * len(ACTOR_SECTIONS._sections)),
    ]
    counts = {}
    for label, url, params, limit in urls:
        counts[label] = _count(client, django_assert_max_num_queries, url, params, limit)[0]

    _add_bulk(index, 290)
    assert ActorPage.objects.child_of(index).live().count() == 300
    for label, url, params, limit in urls:
        many, response = _count(client, django_assert_max_num_queries, url, params, limit)
        assert many == counts[label], label
        if label == "index":
            assert response.context["results"].paginator.count == 300
            assert len(titles(response)) == DirectoryFilterSet.per_page


def test_cached_index_renders_from_the_cache_without_querying_actors(client, index, actors):
    """Once a filter set's listing is cached, serving it again reads no actor,
    no theme, no network and no facet from the database."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    params = {"region": "44", "theme": "theme-test-alpha"}
    first = listing(client, index, **params)
    with CaptureQueriesContext(connection) as captured:
        again = listing(client, index, **params)
    assert again.text == first.text
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    for table in ["directory_actorpage", "home_theme", "directory_network", "home_pagetheme"]:
        assert table not in tables


def test_cached_facets_follow_publication(client, index, themes, network):
    add_actor(index, title="Première structure", kind="scop", region="44", departement="67")
    first = client.get(index.url, {"region": "44"})
    before = first.context["results"].paginator.count
    second_actor = add_actor(
        index, title="Deuxième structure", kind="scop", region="44", departement="67"
    )
    after = client.get(index.url, {"region": "44"})
    assert after.context["results"].paginator.count == before + 1
    assert "Deuxième structure" in after.text  # the cached cards were renewed
    second_actor.unpublish()
    again = client.get(index.url, {"region": "44"})
    assert again.context["results"].paginator.count == before
    assert "Deuxième structure" not in again.text


def test_cached_listing_links_never_carry_ignored_values(client, index, actors):
    """The listing is cached per valid filter set: a request with a bad value
    renders it, the next one without must not inherit that value in its links
    (pagination, facets, chips, sort, exports)."""
    for n in range(DirectoryFilterSet.per_page):
        add_actor(index, title=f"Zeta {n:02d}", kind="association", region="44")
    bad = listing(client, index, region="44", kind="zzz", sort="pirate")
    assert len(notices(bad)) == 2
    good = listing(client, index, region="44")
    assert notices(good) == []
    assert good.context["results"].paginator.num_pages == 2
    for response in (bad, good):
        html = response.text
        html = html[html.index('class="listing__layout"') : html.index("</main>")]
        assert "zzz" not in html and "pirate" not in html
        assert 'href="?region=44&amp;page=2"' in html


def test_cached_listing_links_carry_the_sort_only_when_asked(client, index, actors):
    """The cached fragments are keyed with the sort asked for, not the order
    applied: a listing sorted by name on request does not hand its
    « sort=name » links to the same listing asked without a sort."""
    asked = listing(client, index, region="44", sort="name")
    assert "sort=name" in asked.text.replace("&amp;", "&")
    default = listing(client, index, region="44")
    assert "sort=name" not in default.text.replace("&amp;", "&")
    assert titles(default) == titles(asked)


def test_domain_queries_are_the_filters_definitions(index, actors, network):
    """ActorQuerySet: what the public filters, the admin filters and the map use."""
    mine = ActorPage.objects.child_of(index)

    def names(queryset):
        return set(queryset.values_list("title", flat=True))

    assert names(mine.of_kind("collectivites")) == {"Alpha Métropole", "Département Delta"}
    assert names(mine.of_kind("scic")) == {"Écolieu Epsilon"}
    assert names(mine.listed_in(region="44", departement="68")) == {"Collectif Citoyen"}
    assert names(mine.members_since(2017)) == {"Béta Association", "Collectif Citoyen"}
    assert names(mine.member_of(network)) == {
        "Alpha Métropole",
        "Collectif Citoyen",
        "Département Delta",
    }
    assert names(mine.located()) == names(mine) - {"Collectif Citoyen"}


def test_a_private_section_hides_its_actors_and_the_cache_follows(client, index, actors):
    from wagtail.models import PageViewRestriction

    assert "Alpha Métropole" in titles(listing(client, index))
    restriction = PageViewRestriction.objects.create(
        page=actors["alpha"], restriction_type=PageViewRestriction.LOGIN
    )
    hidden = listing(client, index)
    assert "Alpha Métropole" not in titles(hidden)
    assert hidden.context["results"].paginator.count == 4
    _response, data = geojson(index)
    assert "Alpha Métropole" not in {f["properties"]["name"] for f in data["features"]}
    _response, rows = csv_rows(index)
    assert "Alpha Métropole" not in {row[1] for row in rows}
    restriction.delete()
    assert "Alpha Métropole" in titles(listing(client, index))


def test_renamed_theme_and_network_show_in_filters_and_facets(client, index, actors, themes):
    listing(client, index)  # cached with the old names
    themes["t1"].name = "Thème renommé gamma"
    themes["t1"].save()
    network = actors["alpha"].networks.get()
    network.name = "Réseau renommé delta"
    network.save()
    html = listing(client, index).text
    assert html.count("Thème renommé gamma") >= 2  # the select and the facet
    assert "Réseau renommé delta" in html
    assert "Thème test alpha" not in html


# --- Unpublished contacts, everywhere ------------------------------------------


def test_the_publication_switch_decides_whatever_the_role(client, index, actors):
    """An elected person marked « ne pas publier » is hidden like staff; a
    staff member marked « publier le nom » is shown."""
    beta = actors["beta"]
    ActorContactFactory(
        actor=beta,
        role=ActorContact.ELECTED,
        name="Élu Discret Théodebert",
        publication="no",
        email="elu.discret@beta.example.org",
    )
    ActorContactFactory(
        actor=beta, role=ActorContact.OFFICER, name="Agente Publiée Frédégonde", publication="yes"
    )
    html = client.get(beta.url).text
    assert "Agente Publiée Frédégonde" in html
    assert "Théodebert" not in html and "elu.discret@" not in html
    data = json_ld(html)
    assert [person["name"] for person in data["member"]] == ["Agente Publiée Frédégonde"]
    _response, rows = csv_rows(index)
    _response, body = call_view(views.directory_json, index)
    exported = "\n".join(";".join(row) for row in rows) + body.decode()
    assert "Agente Publiée Frédégonde" in exported
    assert "Théodebert" not in exported and "elu.discret@" not in exported


def test_unpublished_contacts_are_not_found_by_the_directory_search(client, index, actors):
    for query in ["Zorglub", HIDDEN_STAFF, "agent.cache"]:
        response = listing(client, index, q=query)
        assert titles(response) == []
        assert "Aucun acteur ne correspond" in response.text
    # The published name is not searchable either: the fiche shows it, the
    # index does not hold contacts.
    assert titles(listing(client, index, q="Brunehaut")) == []
