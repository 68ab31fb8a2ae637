"""Seed 000 as content: the Ville de Sceaux's deliberation of 30 September
2014 approving partnership conventions with five ESS actors, findable through
the site search, on the partners' fiches, and in the SCDL export."""

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision, Site

from conventions import status as lifecycle
from conventions.models import ConventionIndexPage, ConventionPage
from directory.models import ActorPage

pytestmark = pytest.mark.django_db

SLUG = "sceaux-conventions-partenariat-ess-2014"
PARTNERS = [
    ("latelier-ile-de-france", "centre de ressources ESS de la Région Île-de-France"),
    ("hauts-de-seine-initiatives", "filiale des réseaux France-Active et France-Initiatives"),
    ("moovjee", "mouvement des étudiants et jeunes entrepreneurs"),
    ("iut-de-sceaux", ""),
    (
        "comptoir-de-linnovation",
        "filiale du groupe international SOS (entreprise leader européenne dans le secteur "
        "de l'ESS)",
    ),
]


@pytest.fixture
def index_fr(home_fr):
    return ConventionIndexPage.objects.child_of(home_fr).get()


@pytest.fixture
def sceaux(index_fr):
    return ConventionPage.objects.child_of(index_fr).get(slug=SLUG)


def test_index_pages_in_french_and_english(client, index_fr, home_en, en):
    assert index_fr.url == "/fr/conventions/"
    assert index_fr.live and index_fr.show_in_menus
    english = index_fr.get_translation(en)
    assert english.get_parent().pk == home_en.pk
    assert english.title == "Partnership agreements"
    assert english.url == "/en/conventions/"
    assert client.get("/fr/conventions/").status_code == 200
    assert client.get("/en/conventions/").status_code == 200


def test_sceaux_deliberation_facts(sceaux):
    assert sceaux.live
    assert sceaux.authority.slug == "ville-de-sceaux"
    assert sceaux.deciding_body == "conseil-municipal"
    assert sceaux.decision_date == date(2014, 9, 30)
    assert sceaux.rapporteur_name == "Othmane Khaoua"
    assert sceaux.subject == (
        "Approbation des conventions de partenariats à intervenir avec différents acteurs "
        "de l'économie sociale et solidaire"
    )
    assert "maison de l'ESS et de l'innovation citoyenne" in sceaux.context
    assert "Parlons ensemble de Sceaux" in sceaux.context
    # Tied to the virtual Maison de l'ESS portal: this site's home page.
    assert sceaux.related_page.pk == Site.objects.get(is_default_site=True).root_page_id


def test_sceaux_partners_in_order_with_the_words_of_the_note(sceaux):
    links = list(sceaux.partners.select_related("actor"))
    assert [(link.actor.slug, link.description) for link in links] == PARTNERS
    assert all(isinstance(link.actor, ActorPage) and link.actor.live for link in links)


def test_sceaux_five_forms_of_collaboration(sceaux):
    forms = sceaux.collaboration_list
    assert len(forms) == 5
    assert forms[0].startswith("informer tous les publics sur les réalités")
    assert forms[3] == "permettre un échange de données pour la création d'un portail virtuel scéen"
    assert forms[4] == "communiquer sur les projets émanant de ce partenariat auprès du public"


def test_what_the_note_does_not_say_stays_empty(sceaux):
    assert sceaux.deliberation_reference == ""
    assert sceaux.rapporteur_function == ""
    assert sceaux.signature_date is None
    assert sceaux.start_date is None and sceaux.end_date is None
    assert sceaux.duration_months is None and sceaux.amount is None
    assert sceaux.matiere_code == ""
    # Approved by the council, no signature known.
    assert sceaux.convention_status == lifecycle.APPROVED


def test_sceaux_page_renders(client, sceaux):
    response = client.get(sceaux.url)
    assert response.status_code == 200
    html = response.text
    assert "Othmane Khaoua" in html
    assert "30 septembre 2014" in html
    assert "Approuvée" in html
    for slug, description in PARTNERS:
        actor = ActorPage.objects.get(slug=slug, locale=sceaux.locale)
        assert f'href="{actor.url}"' in html
        assert description.replace("'", "&#x27;") in html


@pytest.mark.parametrize("slug", [slug for slug, _ in PARTNERS] + ["ville-de-sceaux"])
def test_each_partner_fiche_lists_the_convention(client, sceaux, slug):
    actor = ActorPage.objects.get(slug=slug, locale=sceaux.locale)
    html = client.get(actor.url).text
    assert sceaux.title.replace("'", "&#x27;") in html
    assert f'href="{sceaux.url}"' in html


@pytest.mark.parametrize(
    "query",
    ["Othmane Khaoua", "conventions partenariat Sceaux", "innovation citoyenne", "Moovjee IUT"],
)
def test_findable_through_the_site_search(client, sceaux, query):
    response = client.get("/fr/recherche/", {"q": query})
    assert response.status_code == 200
    assert sceaux.title.replace("'", "&#x27;") in response.text


def test_sceaux_row_in_the_scdl_export(client, index_fr):
    response = client.get(index_fr.url + "export/deliberations-csv/")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    (row,) = [
        row
        for row in rows
        if row["COLL_NOM"] == "Ville de Sceaux" and row["DELIB_DATE"] == "2014-09-30"
    ]
    assert row["DELIB_DATE"] == "2014-09-30"
    assert row["DELIB_OBJET"].startswith("Approbation des conventions de partenariats")
    # The note gives no SIRET, number, subject code, vote or document.
    assert row["COLL_SIRET"] == row["DELIB_ID"] == row["DELIB_MATIERE_CODE"] == ""
    assert row["VOTE_POUR"] == row["DELIB_URL"] == ""


def test_seed_is_idempotent():
    pages, revisions = Page.objects.count(), Revision.objects.count()
    call_command("load_seed_content", stdout=io.StringIO())
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)
