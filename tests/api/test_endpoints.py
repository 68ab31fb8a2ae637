"""Each resource: list, detail by id and by slug, English tree, pagination,
the listing's filters (same names and validation as the pages)."""

import pytest

from tests.api.conftest import resource_keys

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", resource_keys())
def test_each_resource_lists_and_details(api, examples, key):
    response = api(f"{key}/?page_size=100")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["results"], f"no seeded {key}"
    assert data["count"] >= len(data["results"])
    item = data["results"][0]
    assert item["url"].startswith("http://testserver/fr/")
    assert api(f"{key}/{item['id']}/").json()["id"] == item["id"]
    assert api(f"{key}/by-slug/{item['slug']}/").json()["id"] == item["id"]


@pytest.mark.parametrize("key", resource_keys())
def test_english_tree(api, examples, key):
    data = api(f"{key}/?lang=en&page_size=100").json()
    assert data["results"], key
    item = data["results"][0]
    assert item["lang"] == "en"
    assert item["url"].startswith("http://testserver/en/")
    assert api(f"{key}/{item['id']}/?lang=en").status_code == 200


def test_english_ids_are_the_english_pages(api, examples):
    fr = api("actors/?page_size=1").json()["results"][0]
    assert api(f"actors/{fr['id']}/?lang=en").status_code == 404


def test_pagination_is_stable_and_complete(api, examples):
    first = api("actors/?page_size=3").json()
    ids = []
    for number in range(1, first["pages"] + 1):
        page = api(f"actors/?page_size=3&page={number}").json()
        ids += [item["id"] for item in page["results"]]
    assert len(ids) == len(set(ids)) == first["count"]
    assert first["next"].endswith("page=3&page_size=3") or "page=2" in first["next"]
    assert first["previous"] is None


def test_actor_filters_are_the_listings(api, examples, client):
    from directory.filters import DirectoryFilterSet
    from directory.models import DirectoryIndexPage

    index = DirectoryIndexPage.objects.filter(locale__language_code="fr").first()
    actor = examples["actor"]
    query = {"region": actor.region} if actor.region else {"kind": actor.kind}
    expected = list(DirectoryFilterSet(query, scope=index).qs.values_list("pk", flat=True))
    param, value = next(iter(query.items()))
    data = api(f"actors/?{param}={value}&page_size=100").json()
    assert [item["id"] for item in data["results"]] == expected[:100]
    assert data["count"] == len(expected)


@pytest.mark.parametrize(
    "query, param",
    [
        ("actors/?region=zz", "region"),
        ("actors/?member_since=1800", "member_since"),
        ("actors/?sort=nope", "sort"),
        ("actors/?kind=%00", "kind"),
        ("calls/?status=nope", "status"),
        ("calls/?deadline_before=2026-13-45", "deadline_before"),
        ("minutes/?year=abc", "year"),
        ("events/?date_from=0001-01-01", "date_from"),
        ("conventions/?status=nope", "status"),
        ("announcements/?kind=nope", "kind"),
        ("actors/?lang=de", "lang"),
        ("actors/?page_size=0", "page_size"),
        ("actors/?page_size=101", "page_size"),
        ("actors/?unknown=1", "unknown"),
        ("themes/?q=ess", "q"),
    ],
)
def test_bad_parameters_are_400_in_french(api, examples, query, param):
    response = api(query)
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["detail"]
    assert param in [error["param"] for error in body["errors"]]


def test_text_query_and_sort(api, examples):
    actor = examples["actor"]
    word = actor.title.split()[0]
    data = api(f"actors/?q={word}&sort=name").json()
    assert data["count"] >= 1


def test_calls_status_filter(api, examples):
    every = api("calls/?status=tous&page_size=100").json()
    current = api("calls/?page_size=100").json()
    assert every["count"] >= current["count"]
    assert {item["status"] for item in every["results"]}


def test_root_lists_resources(api):
    data = api("").json()
    assert set(data["resources"]) == set(resource_keys())
