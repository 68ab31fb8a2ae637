"""The OpenAPI document: valid OpenAPI 3.1, every path answering for a seeded
example, every answer matching its schema, and nothing private anywhere."""

import json

import pytest
from openapi_spec_validator import validate

from home.api import API_RESOURCES
from tests.api.conftest import (
    DRAFT_TITLE,
    POSTER_EMAIL,
    POSTER_NAME,
    SECRET_EMAIL,
    SECRET_NAME,
)

pytestmark = pytest.mark.django_db

PRIVATE = [SECRET_EMAIL, SECRET_NAME, POSTER_EMAIL, POSTER_NAME, DRAFT_TITLE]


@pytest.fixture
def document(api):
    response = api("openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_document_is_valid_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)
    assert set(document["paths"]) == {
        path
        for resource in API_RESOURCES.resources()
        for path in (
            f"/api/v1/{resource.key}/",
            f"/api/v1/{resource.key}/{{id}}/",
            f"/api/v1/{resource.key}/by-slug/{{slug}}/",
        )
    }


def test_list_parameters_come_from_the_listing(document):
    parameters = document["paths"]["/api/v1/actors/"]["get"]["parameters"]
    names = {parameter["name"] for parameter in parameters}
    assert {"q", "kind", "region", "departement", "theme", "network", "member_since"} <= names
    assert {"page", "page_size", "lang", "sort"} <= names


def _answers(api, document, lang):
    """Every path of the document, for every item of every list (each list
    whole, up to 100 items a page)."""
    for path in document["paths"]:
        if "{" in path:
            continue
        key = path.split("/")[3]
        listing = api(f"{path[len('/api/v1/') :]}?page_size=100&lang={lang}")
        yield key, path, listing
        for item in listing.json()["results"]:
            for template, value in (("{id}", item["id"]), ("{slug}", item["slug"])):
                detail = path + ("by-slug/" if template == "{slug}" else "") + f"{value}/"
                yield key, detail, api(f"{detail[len('/api/v1/') :]}?lang={lang}")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_path_answers_and_nothing_private_appears(api, examples, document, lang):
    """The privacy walk: every endpoint of the OpenAPI document, each item's
    detail by id and by slug, in both languages."""
    seen = set()
    for key, path, response in _answers(api, document, lang):
        assert response.status_code == 200, (path, response.content[:300])
        text = response.content.decode()
        for secret in PRIVATE:
            assert secret not in text, (path, secret)
        schema = API_RESOURCES.get(key).schema
        data = json.loads(text)
        for item in data.get("results", [data]):
            schema.model_validate(item)
        seen.add(key)
    assert seen == {resource.key for resource in API_RESOURCES.resources()}


def test_published_contacts_are_exported(api, examples):
    from directory.models import ActorContact

    actor = examples["actor"]
    actor.contacts.add(ActorContact(role="elu", name="Élue Publique", email="elue@mairie.test"))
    actor.save_revision().publish()
    data = api(f"actors/{actor.pk}/").json()
    names = [contact["name"] for contact in data["contacts"]]
    assert "Élue Publique" in names
    assert SECRET_NAME not in names
    assert data["title"] != DRAFT_TITLE


def test_unpublished_and_private_pages_are_404(api, examples):
    from wagtail.models import PageViewRestriction

    from directory.models import ActorPage

    hidden = ActorPage.objects.get(title=DRAFT_TITLE + " 2")
    assert api(f"actors/{hidden.pk}/").status_code == 404
    assert api(f"actors/by-slug/{hidden.slug}/").status_code == 404
    actor = examples["actor"]
    PageViewRestriction.objects.create(page=actor, restriction_type="login")
    assert api(f"actors/{actor.pk}/").status_code == 404
    ids = [item["id"] for item in api("actors/?page_size=100").json()["results"]]
    assert actor.pk not in ids
