"""The admin refuses what no editor can have meant (issue 16, items 3 and 4):
control characters in any text — fields, inline panels, StreamField blocks,
snippets — and dates outside 1900–2100. The form comes back with the error on
the field and what was typed; nothing is saved."""

import pytest
from django.urls import reverse
from wagtail.models import get_page_models
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from calls_for_projects.models import CallForProjectsPage
from directory.models import ActorPage, DirectoryIndexPage, Network
from home.admin_forms import BasePageForm, BaseSnippetForm
from home.models import StandardPage, Theme

pytestmark = pytest.mark.django_db

CONTROL = "caractères de contrôle invisibles"

# `admin_client`: pytest-django's, logged in as a superuser.


def test_every_page_type_and_snippet_uses_the_checking_forms():
    """A new page type inherits the check through BasePage: this fails if one
    is added on another base."""
    ours = [m for m in get_page_models() if m._meta.app_label != "wagtailcore"]
    assert len(ours) >= 10
    for model in ours:
        form_class = model.get_edit_handler().get_form_class()
        assert issubclass(form_class, BasePageForm), model
    for model in (Theme, Network):
        assert issubclass(model.base_form_class, BaseSnippetForm), model


def call_data(call, **fields):
    return nested_form_data(
        {
            "title": call.title,
            "slug": call.slug,
            "call_type": call.call_type,
            "organisers": inline_formset([]),
            "juries": inline_formset([]),
            "laureates": inline_formset([]),
            "documents": inline_formset([]),
            "results_figures-count": 0,
            **fields,
        }
    )


@pytest.fixture
def call():
    return CallForProjectsPage.objects.live().filter(locale__language_code="fr").first()


def test_a_control_character_in_a_title_is_refused_and_kept(admin_client, call):
    before = call.title
    response = admin_client.post(
        f"/admin/pages/{call.pk}/edit/", call_data(call, title="Appel\x0bpiégé")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert CONTROL in html
    assert "Appel\x0bpiégé" in html  # what was typed comes back to be corrected
    call.refresh_from_db()
    assert call.title == before and call.get_latest_revision().content["title"] == before


def test_year_one_is_refused_on_a_date(admin_client, call):
    response = admin_client.post(
        f"/admin/pages/{call.pk}/edit/", call_data(call, opens_on="0001-01-01")
    )
    assert response.status_code == 200
    assert "Indiquez une date entre l&#x27;an 1900 et l&#x27;an 2100." in response.content.decode()
    call.refresh_from_db()
    assert call.get_latest_revision().content.get("opens_on") is None


def test_an_old_date_editors_record_is_accepted(admin_client, call):
    response = admin_client.post(
        f"/admin/pages/{call.pk}/edit/", call_data(call, opens_on="1998-09-01")
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.get_latest_revision().content["opens_on"] == "1998-09-01"


def test_a_control_character_in_an_inline_contact_is_refused(admin_client, home_fr, add_page):
    index = DirectoryIndexPage.objects.live().filter(locale__language_code="fr").first()
    actor = add_page(index, ActorPage, title="Coopérative Saisie", slug="coop-saisie", kind="scop")
    contact = {
        "role": "charge-de-mission",
        "name": "Agente\x0cSaisie",
        "function": "",
        "service": "",
        "email": "",
        "publication": "auto",
        "publication_basis": "",
        "publication_source": "",
    }
    data = nested_form_data(
        {
            "title": actor.title,
            "slug": actor.slug,
            "kind": actor.kind,
            "country": "France",
            "contacts": inline_formset([contact]),
            "documents": inline_formset([]),
            "key_figures-count": 0,
        }
    )
    response = admin_client.post(f"/admin/pages/{actor.pk}/edit/", data)
    assert response.status_code == 200
    assert CONTROL in response.content.decode()
    assert not actor.contacts.exists()


def test_a_control_character_inside_a_block_is_refused(admin_client, home_fr, add_page):
    page = add_page(home_fr, StandardPage, title="Page saisie", slug="page-saisie")
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "body": streamfield([("heading", {"text": "Titre\x1bpiégé", "level": "h2"})]),
        }
    )
    response = admin_client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 200
    # StreamField errors reach the page as JSON for the block editor.
    html = response.content.decode()
    assert "Un des blocs contient des caract" in html and "Titre\\u001bpi" in html
    saved = StandardPage.objects.get(pk=page.pk).get_latest_revision().content["body"]
    assert "Titre" not in str(saved)


def test_a_control_character_in_a_theme_is_refused(admin_client):
    url = reverse("wagtailsnippets_home_theme:add")
    response = admin_client.post(url, {"name": "Thème\x0bpiégé", "slug": "theme-piege"})
    assert response.status_code == 200
    assert CONTROL in response.content.decode()
    assert not Theme.objects.filter(slug="theme-piege").exists()
