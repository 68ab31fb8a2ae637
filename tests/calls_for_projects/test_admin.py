"""The calls in the admin: the « Appels à projets » listing with its filters
(type, status derived now, région) and the tabbed edit form."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls_for_projects.factories import CallForProjectsPageFactory, CallsIndexPageFactory
from calls_for_projects.models import CallForProjectsPage

pytestmark = pytest.mark.django_db

LISTING_URL = "/admin/calls_for_projects/"


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("chef-appels", "chef@example.org", "x")
    client.force_login(user)
    return client


@pytest.fixture
def calls(home_fr):
    index = CallsIndexPageFactory(parent=home_fr, title="Appels admin", slug="appels-admin")
    now = timezone.now()
    return {
        "open": CallForProjectsPageFactory(
            parent=index,
            title="Appel Zèbre ouvert",
            call_type="ami",
            region="44",
            deadline=now + timedelta(days=30),
        ),
        "closed": CallForProjectsPageFactory(
            parent=index,
            title="Appel Girafe clos",
            call_type="aap",
            region="11",
            deadline=now - timedelta(days=1),
        ),
        "rolling": CallForProjectsPageFactory(
            parent=index,
            title="Appel Okapi au fil de l'eau",
            call_type="fil-de-l-eau",
            is_rolling=True,
            region="44",
        ),
    }


def listing(admin_client, **params):
    response = admin_client.get(LISTING_URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_listing_shows_type_and_derived_status(admin_client, calls):
    html = listing(admin_client)
    assert "Appel Zèbre ouvert" in html and "Appel Girafe clos" in html
    assert "Clos" in html and "Au fil de l" in html


@pytest.mark.parametrize(
    "params, shown, hidden",
    [
        ({"call_type": "ami"}, ["Zèbre"], ["Girafe", "Okapi"]),
        ({"call_status": "clos"}, ["Girafe"], ["Zèbre", "Okapi"]),
        ({"call_status": "fil-de-l-eau"}, ["Okapi"], ["Zèbre", "Girafe"]),
        ({"region": "44"}, ["Zèbre", "Okapi"], ["Girafe"]),
    ],
)
def test_listing_filters(admin_client, calls, params, shown, hidden):
    html = listing(admin_client, **params)
    for word in shown:
        assert f"Appel {word}" in html
    for word in hidden:
        assert f"Appel {word}" not in html


def test_listing_ignores_bad_filter_values(admin_client, calls):
    listing(admin_client, call_status="n-importe", call_type="?", region="999")


def test_edit_form_has_tabs_and_saves_a_draft(admin_client, calls):
    call = calls["open"]
    response = admin_client.get(f"/admin/pages/{call.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    for tab in ["Présentation", "Calendrier", "Éligibilité et financement", "Résultats"]:
        assert tab in html
    assert 'name="applicants"' in html and 'type="checkbox"' in html


def test_calendar_errors_are_reported_on_the_fields(admin_client, calls):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    call = calls["open"]
    data = nested_form_data(
        {
            "title": call.title,
            "slug": call.slug,
            "call_type": "ami",
            "opens_on": "2026-06-10",
            "deadline": "2026-06-01 12:00",
            "organisers": inline_formset([]),
            "juries": inline_formset([]),
            "laureates": inline_formset([]),
            "documents": inline_formset([]),
            "results_figures-count": 0,
        }
    )
    response = admin_client.post(f"/admin/pages/{call.pk}/edit/", data)
    assert response.status_code == 200  # the form again, with its errors
    assert "La date limite précède la date d" in response.content.decode()
    assert CallForProjectsPage.objects.get(pk=call.pk).opens_on is None
