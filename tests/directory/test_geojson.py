"""The directory's GeoJSON kept whole per filter set and content version
(directory/views.py `directory_geojson`): computed once, renewed at once by a
publication (on this worker and on another one), never served to another
filter set, host or language, and still right when the cache fails."""

import json
from decimal import Decimal

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from directory.factories import DirectoryIndexPageFactory
from directory.models import ActorPage, DirectoryIndexPage
from home import cache as versioned_cache
from tests.home.test_cache_faults import redis_caches, redis_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

HOSTILE = (
    "?q=%00%01&region=%00&departement=%1b&kind=<script>&theme=%00&network=%00"
    "&member_since=99999999999999999999&sort=%00&page=%00"
)


@pytest.fixture(params=["cache", "database"])
def versions(request, settings):
    """Both places the versions live (home/cache.py CACHE_VERSIONS)."""
    settings.CACHE_VERSIONS = request.param
    return request.param


@pytest.fixture
def index(home_fr):
    return DirectoryIndexPageFactory(parent=home_fr, title="Annuaire carto", slug="annuaire-carto")


def add_actor(index, publish, title, **fields):
    fields = {
        "kind": "association",
        "region": "44",
        "departement": "68",
        "city": "Mulhouse",
        "latitude": Decimal("47.750800"),
        "longitude": Decimal("7.335900"),
        **fields,
    }
    actor = ActorPage(title=title, **fields)
    index.add_child(instance=actor)
    return publish(actor)


@pytest.fixture
def actors(index, publish):
    return [
        add_actor(index, publish, "Carto Alpha", population=1),
        add_actor(
            index, publish, "Carto Béta", region="11", departement="92", city="Sceaux", population=9
        ),
        add_actor(index, publish, "Carto sans coordonnées", latitude=None, longitude=None),
    ]


def geojson(client, index, query="", **headers):
    response = client.get(f"{index.url}geojson/{query}", **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return response.content


def names(content: bytes) -> set[str]:
    return {feature["properties"]["name"] for feature in json.loads(content)["features"]}


def actor_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "directory_actorpage" in q["sql"]]


def test_computed_once_then_served_from_the_cache(client, index, actors, versions):
    first = geojson(client, index)
    assert names(first) == {"Carto Alpha", "Carto Béta"}
    with CaptureQueriesContext(connection) as captured:
        again = geojson(client, index)
    assert again == first
    assert actor_queries(captured) == []


def ordered(content: bytes) -> list[str]:
    return [feature["properties"]["name"] for feature in json.loads(content)["features"]]


def test_each_filter_set_and_sort_has_its_own_body(client, index, actors, versions):
    everything = geojson(client, index)
    assert names(geojson(client, index, "?region=44")) == {"Carto Alpha"}
    assert names(geojson(client, index, "?region=11")) == {"Carto Béta"}
    assert ordered(geojson(client, index, "?sort=-population")) == ["Carto Béta", "Carto Alpha"]
    assert ordered(geojson(client, index, "?sort=name")) == ["Carto Alpha", "Carto Béta"]
    assert geojson(client, index) == everything
    assert ordered(everything) == ["Carto Alpha", "Carto Béta"]


def test_a_publication_shows_at_once(client, index, actors, publish, versions):
    before = geojson(client, index)
    assert names(geojson(client, index, "?region=44")) == {"Carto Alpha"}  # both cached
    new = add_actor(index, publish, "Carto nouvelle")
    assert "Carto nouvelle" in names(geojson(client, index))
    assert "Carto nouvelle" in names(geojson(client, index, "?region=44"))
    new.latitude = Decimal("48.573400")
    publish(new)
    feature = next(
        f
        for f in json.loads(geojson(client, index))["features"]
        if f["properties"]["name"] == "Carto nouvelle"
    )
    assert feature["geometry"]["coordinates"] == [7.3359, 48.5734]
    new.unpublish()
    assert geojson(client, index) == before


def test_a_publication_on_another_worker_shows_at_once(
    client, index, actors, publish, settings, monkeypatch
):
    """Two workers, each its own local-memory cache, the versions in the
    database (production without Redis)."""
    settings.CACHE_VERSIONS = "database"
    workers = {"a": LocMemCache("geojson-a", {}), "b": LocMemCache("geojson-b", {})}
    monkeypatch.setattr(versioned_cache, "cache", workers["a"])
    before = geojson(client, index)
    monkeypatch.setattr(versioned_cache, "cache", workers["b"])
    assert geojson(client, index) == before
    add_actor(index, publish, "Carto d'un autre worker")
    monkeypatch.setattr(versioned_cache, "cache", workers["a"])
    assert "Carto d'un autre worker" in names(geojson(client, index))


def test_addresses_follow_the_host_and_the_language(client, index, actors):
    here = json.loads(geojson(client, index))["features"][0]["properties"]
    there = json.loads(geojson(client, index, HTTP_HOST="autre.example.org"))["features"][0]
    assert here["url"].startswith("http://testserver/fr/")
    assert there["properties"]["url"].startswith("http://autre.example.org/fr/")
    # The seed's directory and its English counterpart (aliases of its fiches).
    french = DirectoryIndexPage.objects.exclude(pk=index.pk).get(locale__language_code="fr")
    english = french.get_translation(Locale.objects.get(language_code="en"))
    labels = {}
    for page in (french, english):
        features = json.loads(geojson(client, page))["features"]
        assert features
        assert all(
            f["properties"]["url"].startswith(f"http://testserver{page.url}") for f in features
        )
        labels[page.pk] = {f["properties"]["kind_label"] for f in features}
    assert "Métropole" in labels[french.pk]
    assert "Metropolis" in labels[english.pk] and "Métropole" not in labels[english.pk]


def test_hostile_query_strings_answer_and_do_not_poison_the_cache(client, index, actors, versions):
    everything = geojson(client, index)
    # Every value is refused: the whole directory, from the same entry.
    assert geojson(client, index, HOSTILE) == everything
    for query in ["?q=" + "é" * 3000, "?region=44%00", "?q=%F0%28%8C%28", "?sort=relevance"]:
        assert json.loads(geojson(client, index, query))["type"] == "FeatureCollection"
    assert geojson(client, index) == everything


@pytest.mark.parametrize("cache_versions", ["cache", "database"])
def test_a_failing_cache_still_gives_the_right_answer(
    client,
    index,
    actors,
    publish,
    settings,
    redis_server,  # noqa: F811 (the fixture imported above)
    cache_versions,
):
    process, url = redis_server
    settings.CACHE_VERSIONS = cache_versions
    with override_settings(CACHES=redis_caches(url)):
        cached = geojson(client, index)
        assert geojson(client, index) == cached
        process.kill()
        process.wait()
        assert geojson(client, index) == cached
        assert geojson(client, index, "?region=11") != cached
        add_actor(index, publish, "Carto pendant la panne")
        assert "Carto pendant la panne" in names(geojson(client, index))
        assert geojson(client, index, HOSTILE) == geojson(client, index)


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
def test_a_cache_that_keeps_nothing_still_gives_the_right_answer(client, index, actors, publish):
    first = geojson(client, index)
    assert names(first) == {"Carto Alpha", "Carto Béta"}
    assert geojson(client, index) == first
    add_actor(index, publish, "Carto sans cache")
    assert "Carto sans cache" in names(geojson(client, index))
