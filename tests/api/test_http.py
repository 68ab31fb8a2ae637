"""What every endpoint shares: ETag/304, CORS, the rate limit, JSON errors
on hostile input, the query count of a page."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from calls_for_projects.factories import CallForProjectsPageFactory
from calls_for_projects.models import CallsIndexPage
from tests.api.conftest import first_index

pytestmark = pytest.mark.django_db


def test_etag_and_304(api, examples):
    first = api("actors/?page_size=5")
    etag = first["ETag"]
    assert etag and first["Last-Modified"]
    again = api("actors/?page_size=5", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert api("actors/?page_size=6", HTTP_IF_NONE_MATCH=etag).status_code == 200
    since = api("actors/?page_size=5", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_etag_changes_when_content_changes(api, examples):
    actor = examples["actor"]
    etag = api(f"actors/{actor.pk}/")["ETag"]
    actor.summary = "Nouveau résumé"
    actor.save_revision().publish()
    response = api(f"actors/{actor.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["summary"] == "Nouveau résumé"


def test_a_time_dependent_answer_is_not_revalidated_past_a_status_change(
    api, examples, monkeypatch
):
    """A partner's copy of the open calls, revalidated with its ETag: still
    valid a minute before a deadline, renewed a minute after it, when the
    call is no longer open (the listings' time window, home/page_cache.py)."""
    index = first_index(CallsIndexPage)
    deadline = timezone.now() + timedelta(days=2)
    call = CallForProjectsPageFactory(parent=index, title="Appel de l'ETag", deadline=deadline)
    call.save_revision().publish()
    path = "calls/?page_size=100"

    def titles(response):
        return [item["title"] for item in response.json()["results"]]

    monkeypatch.setattr(timezone, "now", lambda: deadline - timedelta(minutes=2))
    before = api(path)
    assert "Appel de l'ETag" in titles(before)
    monkeypatch.setattr(timezone, "now", lambda: deadline - timedelta(minutes=1))
    assert api(path, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304

    monkeypatch.setattr(timezone, "now", lambda: deadline + timedelta(minutes=1))
    after = api(path, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "Appel de l'ETag" not in titles(after)


def test_cors_open_for_get_without_credentials(api, examples):
    response = api("actors/", HTTP_ORIGIN="https://partenaire.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert not response.cookies
    preflight = api(
        "actors/",
        method="options",
        HTTP_ORIGIN="https://partenaire.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert api("actors/1/", method="options").status_code == 204
    errors = api("actors/?region=zz")
    assert errors["Access-Control-Allow-Origin"] == "*"


@override_settings(API_RATE_LIMIT=3, API_RATE_WINDOW=60)
def test_rate_limit_429(api, examples):
    for _ in range(3):
        assert api("themes/").status_code == 200
    response = api("themes/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "Trop de requêtes" in response.json()["detail"]
    assert response["Access-Control-Allow-Origin"] == "*"


HOSTILE = [
    "actors/?q=%00",
    "actors/?q=" + "a" * 10_000,
    "actors/?region=" + "x" * 10_000,
    "actors/?q=%01%02",
    "actors/?page=99999999999999999999999",
    "actors/?page=-1",
    "actors/?page=abc",
    "actors/?page_size=99999999999999999999",
    "calls/?deadline_before=0001-01-01",
    "events/?date_to=9999-12-31",
    "actors/?%00=1",
    "actors/?lang=%00",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_400(api, examples, query):
    response = api(query)
    assert response.status_code == 400, response.content[:300]
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "actors/99999999999999999999999/",
        "actors/2147483648/",
        "actors/0/",
        "actors/-1/",
        "actors/by-slug/" + "a" * 10_000 + "/",
        "actors/by-slug/inconnu/",
        "nothing/here/",
    ],
)
def test_unknown_items_are_404_json(api, examples, path):
    response = api(path)
    assert response.status_code == 404, response.content[:300]
    assert response.json()["detail"]


@pytest.mark.parametrize("path", ["actors/abc/", "actors/1.5/"])
def test_malformed_ids_are_400(api, examples, path):
    response = api(path)
    assert response.status_code == 400
    assert response.json()["errors"]


def test_control_characters_in_a_path_are_never_500(api, examples):
    # Refused by home.middleware.BoundedIdsMiddleware before the API's view.
    assert api("actors/by-slug/a%01b/").status_code in (302, 404)


def _make_actors(count):
    from directory.models import ActorContact, ActorPage, DirectoryIndexPage, Network
    from home.models import Theme

    index = DirectoryIndexPage.objects.filter(locale__language_code="fr").first()
    theme = Theme.objects.first()
    network = Network.objects.first()
    for n in range(count):
        actor = ActorPage(title=f"Acteur de charge {n}", kind="association", region="44")
        actor.contacts.add(ActorContact(role="elu", name=f"Élu {n}"))
        actor.contacts.add(ActorContact(role="charge-de-mission", name=f"Caché {n}"))
        if theme:
            actor.themes.add(theme)
        index.add_child(instance=actor)
        if network:
            actor.networks.add(network)
        actor.save_revision().publish()


@pytest.mark.parametrize("count", [3, 30])
def test_actor_page_queries_are_bounded(api, django_assert_max_num_queries, count):
    _make_actors(count)
    # Warm what every request shares once (the index, its URL, the site,
    # themes, networks, private sections: each cached by its content version).
    api("actors/?page_size=1")
    with django_assert_max_num_queries(10):
        response = api("actors/?region=44&page_size=50")
    data = response.json()
    assert data["count"] >= count
    with django_assert_max_num_queries(10):
        api(
            "actors/?region=44&page_size=50&theme="
            + (data["results"][0]["themes"] or [{"slug": ""}])[0]["slug"]
        )


def test_documentation_page_in_french(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    text = response.content.decode()
    assert '<html lang="fr"' in text
    assert "/api/v1/actors/" in text and "member_since" in text
