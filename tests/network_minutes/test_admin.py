"""The minutes in the admin: the listing of minutes pages, filtered by network
and year, and the editing form's panels."""

import pytest

from network_minutes.models import MeetingMinutesPage, NetworkPage

pytestmark = pytest.mark.django_db

LISTING_URL = "/admin/network_minutes/"


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("chef-reseaux", "chef@example.org", "x")
    client.force_login(user)
    return client


def test_minutes_listing_filters_by_network_and_year(admin_client):
    response = admin_client.get(LISTING_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Réunion du vendredi 27 novembre 2015" in html
    assert "Comité partenarial de l&#x27;ESS du 20 mars 2012" in html

    essonne = NetworkPage.objects.get(
        locale__language_code="fr", slug="comite-partenarial-ess-essonne"
    )
    html = admin_client.get(LISTING_URL, {"network": essonne.pk}).content.decode()
    assert "Comité partenarial de l&#x27;ESS du 20 mars 2012" in html
    assert "Réunion du vendredi 27 novembre 2015" not in html

    html = admin_client.get(LISTING_URL, {"year": "2015"}).content.decode()
    assert "Réunion du vendredi 27 novembre 2015" in html
    assert "Comité partenarial de l&#x27;ESS du 20 mars 2012" not in html


def test_minutes_listing_ignores_bad_filter_values(admin_client):
    response = admin_client.get(
        LISTING_URL, {"network": "abc", "year": "deux", "meeting_format": "x"}
    )
    assert response.status_code == 200


def test_minutes_edit_form_shows_the_inline_panels(admin_client):
    page = MeetingMinutesPage.objects.get(
        locale__language_code="fr", slug="2015-11-27-premiere-reunion"
    )
    response = admin_client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ["Participant·es", "Actions à mener", "Documents joints", "Prochaine réunion"]:
        assert heading in html
    assert "Othmane Khaoua" in html
