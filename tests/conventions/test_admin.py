"""The conventions in the admin: the « Conventions » listing with its status
and authority filters, and the editing form's panels."""

from datetime import date

import pytest

from conventions.factories import ConventionIndexPageFactory, ConventionPageFactory
from directory.factories import ActorPageFactory, DirectoryIndexPageFactory

pytestmark = pytest.mark.django_db

LISTING_URL = "/admin/conventions/"


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("chef-conventions", "c@example.org", "x")
    client.force_login(user)
    return client


@pytest.fixture
def conventions(home_fr):
    directory = DirectoryIndexPageFactory(parent=home_fr, slug="annuaire-admin-conventions")
    authority = ActorPageFactory(
        parent=directory, title="Commune Capybara", slug="commune-capybara", kind="commune"
    )
    index = ConventionIndexPageFactory(parent=home_fr, slug="conventions-admin")
    approved = ConventionPageFactory(
        parent=index,
        title="Convention Admin Approuvée",
        authority=authority,
        decision_date=date(2014, 9, 30),
    )
    expired = ConventionPageFactory(
        parent=index,
        title="Convention Admin Échue",
        decision_date=date(2015, 1, 5),
        signature_date=date(2015, 2, 1),
        end_date=date(2016, 1, 31),
    )
    return {"authority": authority, "approved": approved, "expired": expired}


def listed(response):
    return [page.title for page in response.context["object_list"]]


def test_listing_shows_status_and_authority(admin_client, conventions):
    response = admin_client.get(LISTING_URL)
    assert response.status_code == 200
    titles = listed(response)
    assert "Convention Admin Approuvée" in titles and "Convention Admin Échue" in titles
    assert "Commune Capybara" in response.text
    assert "Approuvée" in response.text and "Échue" in response.text


def test_listing_filters_by_status(admin_client, conventions):
    titles = listed(admin_client.get(LISTING_URL, {"convention_status": "echue"}))
    assert "Convention Admin Échue" in titles
    assert "Convention Admin Approuvée" not in titles


def test_listing_filters_by_authority(admin_client, conventions):
    response = admin_client.get(LISTING_URL, {"authority": conventions["authority"].pk})
    assert listed(response) == ["Convention Admin Approuvée"]


def test_listing_ignores_a_bad_filter_value(admin_client, conventions):
    response = admin_client.get(LISTING_URL, {"convention_status": "x", "authority": "abc"})
    assert response.status_code == 200


def test_edit_form_has_the_panels(admin_client, conventions):
    page = conventions["approved"]
    response = admin_client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    html = response.text
    for heading in ["Délibération", "Partenaires", "Dates et montant", "Données ouvertes"]:
        assert heading in html


def _edit_data(page, partners):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "deciding_body": "conseil-municipal",
            "decision_date": "2014-09-30",
            "subject": page.subject,
            "context": rich_text(""),
            "partners": inline_formset(
                [{"actor": actor.pk, "description": text} for actor, text in partners]
            ),
            "documents": inline_formset([]),
            "collaboration_forms-count": 0,
            "comments": inline_formset([]),
            "action-publish": "publish",
        }
    )


def test_editor_adds_partners_in_the_admin(admin_client, conventions):
    page, actor = conventions["approved"], conventions["authority"]
    response = admin_client.post(
        f"/admin/pages/{page.pk}/edit/", _edit_data(page, [(actor, "la commune")])
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert [(p.actor_id, p.description) for p in page.partners.all()] == [(actor.pk, "la commune")]


def test_the_same_partner_twice_is_a_form_error_not_a_crash(admin_client, conventions):
    page, actor = conventions["approved"], conventions["authority"]
    response = admin_client.post(
        f"/admin/pages/{page.pk}/edit/", _edit_data(page, [(actor, "une"), (actor, "deux")])
    )
    assert response.status_code == 200
    assert page.partners.count() == 0
