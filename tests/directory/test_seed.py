"""The directory's seed content: networks, the directory index page and the
actor fiches transcribed from the seed documents. Data only: rendering is
tested with the directory's templates."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision

from directory import geo
from directory.kinds import KIND_LABELS
from directory.models import ActorContact, ActorPage, DirectoryIndexPage, Network

pytestmark = pytest.mark.django_db

# slug: (kind, population, membership year, postcode, city, région, département)
RTES_FICHES = {
    "communaute-de-communes-auberive-vingeanne-montsaugeonnais": (
        "communaute-de-communes",
        8459,
        2016,
        "52190",
        "Prauthoy",
        "44",
        "52",
    ),
    "mulhouse-alsace-agglomeration": ("metropole", 275000, 2018, "68948", "Mulhouse", "44", "68"),
    "region-grand-est": ("conseil-regional", 5559051, 2016, "67070", "Strasbourg", "44", "67"),
    "conseil-departemental-des-ardennes": (
        "conseil-departemental",
        279715,
        2018,
        "08011",
        "Charleville-Mézières",
        "44",
        "08",
    ),
    "conseil-departemental-de-meurthe-et-moselle": (
        "conseil-departemental",
        731000,
        2010,
        "54000",
        "Nancy",
        "44",
        "54",
    ),
    "grand-reims": ("communaute-urbaine", 298154, 2012, "51722", "Reims", "44", "51"),
    "strasbourg-eurometropole": ("metropole", 474524, 2012, "67076", "Strasbourg", "44", "67"),
}

# slug: (elected representative, staff member) as the fiches name them.
RTES_CONTACTS = {
    "communaute-de-communes-auberive-vingeanne-montsaugeonnais": (
        "Patricia Andriot",
        "Eve Bourgeois",
    ),
    "mulhouse-alsace-agglomeration": ("Cécile Sornin", "Christophe Devillers"),
    "region-grand-est": ("Catherine Zuber", "Aurélie Marand"),
    "conseil-departemental-des-ardennes": ("Odile Berteloodt", "Charles Dechamps"),
    "conseil-departemental-de-meurthe-et-moselle": ("Laurent Trogrlic", "Catherine Mengel"),
    "grand-reims": ("Thomas Dubois", "Nathalie Marié"),
    "strasbourg-eurometropole": ("Jeanne Barseghian", "Sandra Guilmin"),
}


def actor(slug: str) -> ActorPage:
    return ActorPage.objects.get(locale__language_code="fr", slug=slug)


@pytest.fixture
def directory_fr(fr, home_fr):
    return DirectoryIndexPage.objects.child_of(home_fr).get(locale=fr)


def test_french_directory_index_is_in_the_menu_under_the_home_page(directory_fr):
    assert directory_fr.title == "Annuaire des acteurs"
    assert directory_fr.slug == "annuaire"
    assert directory_fr.introduction
    assert directory_fr.live and directory_fr.show_in_menus


def test_english_directory_index_is_a_translation(directory_fr, home_en, en):
    english = directory_fr.get_translation(en).specific
    assert isinstance(english, DirectoryIndexPage)
    assert english.title == "Directory of actors"
    assert english.slug == "directory"
    assert english.get_parent().pk == home_en.pk
    assert english.translation_key == directory_fr.translation_key
    assert english.live and not english.has_unpublished_changes


def test_networks_named_by_the_seeds_exist():
    rtes = Network.objects.get(slug="rtes")
    assert rtes.acronym == "RTES"
    assert rtes.name == "Réseau des collectivités Territoriales pour une Économie Solidaire"
    assert Network.objects.get(slug="reseau-92-ess").acronym == "Réseau 92 ESS"
    assert Network.objects.get(slug="comite-partenarial-ess-essonne").name == (
        "Comité partenarial de l'ESS de l'Essonne"
    )
    assert Network.objects.filter(slug="reseau-cree").exists()
    # The seeds give no network's website.
    assert not Network.objects.exclude(website="").exists()


@pytest.mark.parametrize("slug", RTES_FICHES)
def test_rtes_fiche_holds_the_seed_facts(slug, directory_fr):
    kind, population, year, postcode, city, region, departement = RTES_FICHES[slug]
    page = actor(slug)
    assert page.get_parent().pk == directory_fr.pk and page.live
    assert page.kind == kind and page.is_local_authority
    assert page.population == population
    assert page.membership_year == year
    assert (page.postcode, page.city, page.country) == (postcode, city, "France")
    assert (page.region, page.departement) == (region, departement)
    assert page.has_coordinates
    assert list(page.networks.values_list("slug", flat=True)) == ["rtes"]


def test_strasbourg_eurometropole():
    page = actor("strasbourg-eurometropole")
    assert page.population == 474524
    assert page.membership_year == 2012
    assert page.budget_amount == Decimal("1000000")
    assert page.budget_year is None  # the fiche gives no year
    assert page.address_line2 == "1 parc de l’Étoile"
    assert page.cedex == "Cedex"
    assert "Alsace Active" in page.example_actions
    assert "<ol>" in page.programme and "<li" in page.programme  # block keys on <li>


def test_region_grand_est_budget():
    page = actor("region-grand-est")
    assert page.budget_amount == Decimal("5800000")
    assert page.budget_year == 2018
    assert "5 800 000 € pour le fonctionnement" in page.budget
    assert "2 000 000 € pour l’investissement" in page.budget
    assert "15 000 établissements employeurs" in page.panorama
    assert "Territoire zéro chômeur de longue durée" in page.example_actions
    figures = [(block.value["value"], block.value["label"]) for block in page.key_figures]
    assert ("5 800 000 €", "budget ESS 2018 pour le fonctionnement") in figures


def test_mulhouse_alsace_agglomeration():
    page = actor("mulhouse-alsace-agglomeration")
    assert page.acronym == "m2A"
    assert (page.address_line1, page.address_line2) == ("2 Rue Pierre et Marie Curie", "BP 90019")
    assert page.cedex == "Cedex 9"
    assert (page.latitude, page.longitude) == (Decimal("47.7508"), Decimal("7.3359"))
    assert [block.value["value"] for block in page.key_figures] == ["2 132"]
    assert "établissements de l'ESS" in page.key_figures[0].value["label"]
    assert "Courts-circuits" in page.example_actions
    # Links the seed shows without their address stay plain text.
    assert "<a " not in page.panorama


def test_meurthe_et_moselle_and_grand_reims_sections():
    meurthe = actor("conseil-departemental-de-meurthe-et-moselle")
    assert "6 chargés territoriaux" in meurthe.budget
    assert meurthe.budget_amount is None
    assert "Depuis 2008" in meurthe.programme
    reims = actor("grand-reims")
    assert "chaire ESS Université de Reims Champagne Ardenne" in reims.example_actions
    assert reims.panorama == "" and reims.budget == ""


def test_only_the_auberive_fiche_is_a_draft():
    auberive = actor("communaute-de-communes-auberive-vingeanne-montsaugeonnais")
    assert auberive.is_draft_fiche
    assert not any([auberive.panorama, auberive.budget, auberive.programme])
    drafts = ActorPage.objects.filter(locale__language_code="fr", is_draft_fiche=True).values_list(
        "slug", flat=True
    )
    assert list(drafts) == [auberive.slug]


@pytest.mark.parametrize("slug", RTES_CONTACTS)
def test_rtes_contacts_are_published_with_their_basis(slug):
    """Both contacts are under « Contact public » on the network's fiche: the
    elected representative on the elected office, the staff member as already
    public in that cited source (issue 18)."""
    elected_name, staff_name = RTES_CONTACTS[slug]
    page = actor(slug)
    elected, staff = page.contacts.all()
    assert (elected.name, elected.role, elected.is_public) == (
        elected_name,
        ActorContact.ELECTED,
        True,
    )
    assert elected.publication_basis == ActorContact.Basis.ELECTED_OFFICE
    assert staff.name == staff_name and staff.role != ActorContact.ELECTED
    assert staff.publication == ActorContact.Publication.YES and staff.is_public
    assert staff.publication_basis == ActorContact.Basis.PUBLIC_SOURCE
    assert "RTES" in staff.publication_source and "Contact public" in staff.publication_source
    assert elected.function and staff.function
    assert page.public_contacts() == [elected, staff]


def test_every_published_seed_contact_has_a_basis():
    for contact in ActorContact.objects.all():
        assert contact.is_public and contact.publication_basis, contact.name


def test_contact_functions_and_services_as_the_fiches_give_them():
    elected, staff = actor("strasbourg-eurometropole").contacts.all()
    assert elected.function == "Conseillère communautaire"
    assert staff.role == ActorContact.OFFICER
    assert staff.function == "Chargée de mission économie sociale et solidaire"
    assert staff.service.startswith("Emploi et économie solidaire")
    elected, staff = actor("conseil-departemental-des-ardennes").contacts.all()
    assert elected.function.startswith("Vice présidente du Conseil départemental")
    assert staff.service == "Service Emploi et Dynamique d’Insertion Economique Territoriale"
    assert actor("mulhouse-alsace-agglomeration").contacts.all()[1].role == ActorContact.DIRECTOR


def test_nothing_is_invented():
    """No SIRET, e-mail or phone anywhere; the only website is the one seed
    002 gives (www.amd92.fr)."""
    assert not ActorPage.objects.exclude(siret="").exists()
    assert not ActorPage.objects.exclude(email="").exists()
    assert not ActorPage.objects.exclude(phone="").exists()
    assert not ActorContact.objects.exclude(email="").exists()
    websites = (
        ActorPage.objects.filter(locale__language_code="fr")
        .exclude(website="")
        .values_list("slug", "website")
    )
    assert list(websites) == [("amd-92", "http://www.amd92.fr")]


def test_network_memberships():
    rtes = set(Network.objects.get(slug="rtes").members.values_list("slug", flat=True))
    assert rtes == set(RTES_FICHES)
    reseau_92 = Network.objects.get(slug="reseau-92-ess").members.values_list("slug", flat=True)
    assert {"ville-de-sceaux", "amd-92", "conseil-departemental-des-hauts-de-seine"} <= set(
        reseau_92
    )
    comite = Network.objects.get(slug="comite-partenarial-ess-essonne")
    assert {
        "conseil-general-de-lessonne",
        "essonne-active",
        "solicites",
        "reseau-cree",
        "cci-essonne",
    } <= set(comite.members.values_list("slug", flat=True))
    assert set(actor("hauts-de-seine-initiatives").networks.values_list("slug", flat=True)) == {
        "france-active",
        "france-initiative",
    }


@pytest.mark.parametrize(
    ("slug", "kind", "city"),
    [
        # Seed 000: the Ville de Sceaux and its five partners.
        ("ville-de-sceaux", "commune", "Sceaux"),
        ("latelier-ile-de-france", "centre-de-ressources", ""),
        ("hauts-de-seine-initiatives", "financeur", ""),
        ("moovjee", "reseau", ""),
        ("iut-de-sceaux", "iut", "Sceaux"),
        ("comptoir-de-linnovation", "incubateur", ""),
        # Seed 002.
        ("amd-92", "association", ""),
        ("conseil-departemental-des-hauts-de-seine", "conseil-departemental", ""),
        # Seed 004.
        ("conseil-general-de-lessonne", "conseil-departemental", ""),
        ("essonne-active", "financeur", ""),
        ("solicites", "association", ""),
        ("reseau-cree", "reseau", ""),
        ("cci-essonne", "chambre-consulaire", ""),
        # Seed 003.
        ("mef-mulhouse-sud-alsace", "centre-de-ressources", "Mulhouse"),
        ("le-48-atelier-des-entrepreneurs", "association", "Mulhouse"),
        ("tuba-mulhouse", "incubateur", "Mulhouse"),
        ("cress-grand-est", "reseau", ""),
    ],
)
def test_organisations_named_by_the_seeds_exist(slug, kind, city, directory_fr):
    page = actor(slug)
    assert page.get_parent().pk == directory_fr.pk and page.live
    assert (page.kind, page.city) == (kind, city)
    assert page.summary
    assert page.has_coordinates == bool(city)


def test_organisation_places_and_elected_representatives():
    assert actor("conseil-general-de-lessonne").departement == "91"
    assert actor("conseil-departemental-des-hauts-de-seine").departement == "92"
    (khaoua,) = actor("ville-de-sceaux").contacts.all()
    assert khaoua.name == "Othmane Khaoua" and khaoua.is_public
    (bonneau,) = actor("conseil-general-de-lessonne").contacts.all()
    assert bonneau.name == "Guy Bonneau" and bonneau.role == ActorContact.ELECTED
    assert "350 m²" in actor("ville-de-sceaux").example_actions


def test_sceaux_valley_projects_are_citizen_projects_in_sceaux():
    projects = ActorPage.objects.filter(locale__language_code="fr", kind="projet-citoyen")
    assert projects.count() == 13  # UP Sceaux and the twelve example projects
    assert set(projects.values_list("city", flat=True)) == {"Sceaux"}
    titles = set(projects.values_list("title", flat=True))
    assert {"UP Sceaux", "Mutum & Repair Café", "Pari Solidaire", "KOEO"} <= titles
    up = actor("up-sceaux")
    assert [block.value["value"] for block in up.key_figures] == ["244", "106"]


def test_every_actor_uses_known_codes():
    for page in ActorPage.objects.all():
        assert page.kind in KIND_LABELS, page.slug
        # National organisations (Moovjee, Comptoir de l'Innovation) have no région.
        assert page.region in {"", "11", "44"}, page.slug
        if page.departement:
            assert geo.departements()[page.departement].region == page.region, page.slug
        if page.postcode:
            assert geo.departement_from_postcode(page.postcode) == page.departement, page.slug


def test_running_the_seed_again_changes_nothing(capsys):
    def counts():
        return (
            Page.objects.count(),
            Revision.objects.count(),
            ActorContact.objects.count(),
            Network.objects.count(),
            ActorPage.networks.through.objects.count(),
        )

    before = counts()
    call_command("load_seed_content")
    assert counts() == before
    out = capsys.readouterr().out
    assert "directory.networks: 0 created, 0 updated" in out
    assert "directory.actors: 0 created, 0 updated" in out


def test_update_on_unchanged_seed_content_adds_no_revision():
    before = Revision.objects.count()
    call_command("load_seed_content", "--update", verbosity=0)
    assert Revision.objects.count() == before


def test_seed_leaves_editors_contacts_alone(publish):
    page = actor("grand-reims")
    page.contacts = [ActorContact(role=ActorContact.ELECTED, name="Nouvel élu")]
    publish(page)
    call_command("load_seed_content", verbosity=0)
    assert [c.name for c in actor("grand-reims").contacts.all()] == ["Nouvel élu"]


def test_seed_update_restores_contacts_and_networks_with_a_new_revision(publish):
    page = actor("grand-reims")
    page.contacts = [ActorContact(role=ActorContact.ELECTED, name="Nouvel élu")]
    page.networks = []
    publish(page)
    revisions = page.revisions.count()
    call_command("load_seed_content", "--update", verbosity=0)
    page = actor("grand-reims")
    assert [c.name for c in page.contacts.all()] == ["Thomas Dubois", "Nathalie Marié"]
    assert list(page.networks.values_list("slug", flat=True)) == ["rtes"]
    assert page.revisions.count() == revisions + 1


# --- The seed fiches as visitors read them --------------------------------------


def _text(html: str) -> str:
    """Visible text, spaces normalised (French thousands use narrow spaces)."""
    import re

    text = re.sub(r"<[^>]+>", " ", html).replace("&nbsp;", " ")
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def test_strasbourg_fiche_page_shows_its_facts(client):
    response = client.get(actor("strasbourg-eurometropole").url)
    assert response.status_code == 200
    text = _text(response.text)
    assert "Nombre d'habitants sur le territoire 474 524" in text
    assert "Membre depuis 2012" in text
    assert "Jeanne Barseghian" in text  # the elected representative
    # Staff, published as the network's fiche names her (« Contact public »).
    assert "Sandra Guilmin" in text
    assert "Alsace Active" in text


def test_region_grand_est_fiche_page_shows_its_budget(client):
    response = client.get(actor("region-grand-est").url)
    assert response.status_code == 200
    text = _text(response.text)
    assert "5 800 000 € budget 2018" in text
    assert "5 800 000 € pour le fonctionnement" in text
    assert "budget ESS 2018 pour le fonctionnement" in text  # the key figure
    assert "Catherine Zuber" in text
    assert "Aurélie Marand" in text


def test_auberive_fiche_page_says_it_is_a_draft(client):
    response = client.get(actor("communaute-de-communes-auberive-vingeanne-montsaugeonnais").url)
    assert "Fiche en cours de rédaction" in response.text
    assert "Patricia Andriot" in response.text
    assert "Eve Bourgeois" in response.text


def test_seed_directory_lists_the_rtes_fiches_under_grand_est(client, directory_fr):
    response = client.get(directory_fr.url, {"region": "44", "network": "rtes"})
    shown = {page.slug for page in response.context["results"].object_list}
    assert set(RTES_FICHES) <= shown
