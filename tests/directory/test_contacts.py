"""Contacts of the actor fiches: a name reaches the public only with a basis
for publication (consent, already public in a cited source, elected office),
recorded on the contact and shown to editors in the admin (issue 18)."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from directory.models import ActorContact, ActorPage, DirectoryIndexPage
from tests.html import soup

pytestmark = pytest.mark.django_db

OFFICER, ELECTED = ActorContact.OFFICER, ActorContact.ELECTED


# --- The rule, as the admin and the seed check it -------------------------------


def errors_of(contact: ActorContact) -> dict:
    with pytest.raises(ValidationError) as caught:
        contact.clean()
    return caught.value.message_dict


def test_publishing_a_staff_name_needs_a_basis():
    contact = ActorContact(role=OFFICER, name="Agente Sans Fondement", publication="yes")
    assert "Indiquez le fondement" in errors_of(contact)["publication_basis"][0]


@pytest.mark.parametrize("basis", ["accord", "source-publique"])
def test_a_staff_name_is_published_by_decision_with_its_basis(basis):
    contact = ActorContact(
        role=OFFICER,
        name="Agente Consentante",
        publication="yes",
        publication_basis=basis,
        publication_source="Site de la commune, page « Nos services », 2024",
    )
    contact.clean()
    assert contact.is_public


def test_an_already_public_name_cites_its_source():
    contact = ActorContact(
        role=OFFICER,
        name="Agent Sans Source",
        publication="yes",
        publication_basis="source-publique",
    )
    assert errors_of(contact)["publication_source"] == ["Citez la source qui donne déjà ce nom."]


def test_the_elected_office_is_a_basis_for_elected_representatives_only():
    contact = ActorContact(
        role=OFFICER, name="Agent Pas Élu", publication="yes", publication_basis="mandat-electif"
    )
    assert "mandat électif" in errors_of(contact)["publication_basis"][0]


def test_an_elected_representative_is_published_on_the_elected_office():
    contact = ActorContact(role=ELECTED, name="Élue Représentante")
    contact.clean()
    assert contact.publication_basis == "mandat-electif" and contact.is_public
    withheld = ActorContact(role=ELECTED, name="Élu Discret", publication="no")
    withheld.clean()
    assert withheld.publication_basis == "" and not withheld.is_public


def test_a_basis_without_the_decision_asks_for_the_decision():
    """A basis on a staff contact left on « auto » would publish nothing: the
    editor is told to choose « Publier le nom »."""
    contact = ActorContact(
        role=OFFICER, name="Agent Oublié", publication_basis="accord", publication="auto"
    )
    assert "Publier le nom" in errors_of(contact)["publication"][0]


def test_a_contact_without_a_basis_stays_unpublished():
    contact = ActorContact(role=OFFICER, name="Agent Confidentiel")
    contact.clean()
    assert contact.publication_basis == "" and not contact.is_public


# --- The admin: the basis on the contact form -------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("chef-contacts", "c@example.org", "x")
    client.force_login(user)
    return client


@pytest.fixture
def actor(home_fr, add_page):
    index = add_page(
        home_fr,
        DirectoryIndexPage,
        title="Annuaire des contacts",
        slug=f"annuaire-contacts-{uuid.uuid4().hex[:8]}",
    )
    return add_page(
        index, ActorPage, title="Coopérative Héron", slug="cooperative-heron", kind="scop"
    )


def edit_form(actor, contact: dict) -> dict:
    values = {
        "role": OFFICER,
        "name": "Agente Héron",
        "function": "",
        "service": "",
        "email": "",
        "publication": "yes",
        "publication_basis": "",
        "publication_source": "",
        **contact,
    }
    return nested_form_data(
        {
            "title": actor.title,
            "slug": actor.slug,
            "kind": actor.kind,
            "country": "France",
            "contacts": inline_formset([values]),
            "documents": inline_formset([]),
            "key_figures-count": 0,
        }
    )


def test_editors_see_each_contacts_basis_and_source(admin_client):
    """The seeded fiche in the admin: each contact's basis, selected, with the
    source cited and the help text that says what a basis is."""
    reims = ActorPage.objects.get(locale__language_code="fr", slug="grand-reims")
    html = admin_client.get(f"/admin/pages/{reims.pk}/edit/").content.decode()
    page = soup(html)

    def selected(name):
        option = page.select_one(f'select[name="{name}"] option[selected]')
        return option.get_text(strip=True) if option else None

    assert selected("contacts-0-publication_basis") == "Mandat électif"
    assert selected("contacts-1-publication_basis") == "Déjà public dans la source citée"
    source = page.select_one('input[name="contacts-1-publication_source"]')["value"]
    assert "RTES" in source and "Contact public" in source
    assert "Fondement de la publication" in html and "Source citée" in html
    assert "Pourquoi le nom peut être publié" in html


def test_the_admin_refuses_a_published_staff_name_without_basis(admin_client, actor):
    response = admin_client.post(f"/admin/pages/{actor.pk}/edit/", edit_form(actor, {}))
    assert response.status_code == 200  # the form again, with its error
    assert "Indiquez le fondement de la publication du nom" in response.content.decode()
    assert not ActorPage.objects.get(pk=actor.pk).get_latest_revision_as_object().contacts.exists()


def test_the_admin_records_the_basis_and_its_source(admin_client, actor):
    source = "Annuaire des élus et collaborateurs de l'AMD 92, 2015"
    data = edit_form(actor, {"publication_basis": "source-publique", "publication_source": source})
    response = admin_client.post(f"/admin/pages/{actor.pk}/edit/", data)
    assert response.status_code == 302
    (contact,) = ActorPage.objects.get(pk=actor.pk).get_latest_revision_as_object().contacts.all()
    assert (contact.publication_basis, contact.publication_source) == ("source-publique", source)
    assert contact.is_public


# --- The seeded RTES fiches --------------------------------------------------------


def test_a_rtes_fiche_names_its_staff_contact(client):
    html = client.get("/fr/annuaire/grand-reims/").content.decode()
    names = [node.get_text(strip=True) for node in soup(html).select(".actor-contact__name")]
    assert names == ["Thomas Dubois", "Nathalie Marié"]
