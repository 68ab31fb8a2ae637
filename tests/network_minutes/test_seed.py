"""The seed documents 002 (Réseau 92 ESS, 27 November 2015) and 004 (Comité
partenarial de l'ESS de l'Essonne, 20 March 2012) as structured minutes:
their facts, their links to the directory, and site search finding them."""

import datetime
from html import unescape

import pytest
from django.core.management import call_command

from directory.models import ActorPage
from network_minutes.models import MeetingMinutesPage, NetworkPage, NetworksIndexPage
from tests.html import soup

pytestmark = pytest.mark.django_db

MINUTES_2015 = "/fr/reseaux/reseau-92-ess/2015-11-27-premiere-reunion/"
MINUTES_2012 = "/fr/reseaux/comite-partenarial-ess-essonne/2012-03-20-comite-partenarial/"


@pytest.fixture
def minutes_2015(db):
    return MeetingMinutesPage.objects.get(
        locale__language_code="fr", slug="2015-11-27-premiere-reunion"
    )


@pytest.fixture
def minutes_2012(db):
    return MeetingMinutesPage.objects.get(
        locale__language_code="fr", slug="2012-03-20-comite-partenarial"
    )


def text_of(page) -> str:
    """Everything the agenda says, as one string."""
    parts = []
    for block in page.agenda:
        value = block.value
        parts += [value["title"], str(value["discussion"]), *value["speakers"], *value["decisions"]]
    return unescape(" ".join(parts))


def participants(page) -> dict[str, tuple[str, str]]:
    return {
        p.name: (p.function, p.organisation.slug if p.organisation else p.organisation_text)
        for p in page.participants.select_related("organisation")
    }


def test_index_pages_in_french_and_english(client, home_fr, home_en):
    index = NetworksIndexPage.objects.child_of(home_fr).get()
    assert index.url == "/fr/reseaux/"
    english = index.get_translation(home_en.locale)
    assert english.url == "/en/networks/"
    assert english.title == "Networks and meeting minutes"
    assert client.get("/fr/reseaux/").status_code == 200
    assert client.get("/en/networks/").status_code == 200
    html = client.get("/fr/reseaux/").content.decode()
    assert "Réseau 92 – Économie sociale et solidaire" in html
    assert "Comité partenarial de l&#x27;ESS de l&#x27;Essonne" in html


def test_networks_link_the_directory(db):
    reseau92 = NetworkPage.objects.get(locale__language_code="fr", slug="reseau-92-ess")
    assert reseau92.network.slug == "reseau-92-ess"
    assert reseau92.host_organisation.slug == "amd-92"
    essonne = NetworkPage.objects.get(
        locale__language_code="fr", slug="comite-partenarial-ess-essonne"
    )
    assert essonne.host_organisation.slug == "conseil-general-de-lessonne"


def test_seed_002_meeting_facts(minutes_2015):
    page = minutes_2015
    assert page.date == datetime.date(2015, 11, 27)
    assert page.date.weekday() == 4  # « vendredi »
    assert page.start_time is None  # the minutes give no time
    assert page.place == "Conseil départemental des Hauts-de-Seine"
    assert page.host.slug == "conseil-departemental-des-hauts-de-seine"
    assert page.get_parent().slug == "reseau-92-ess"
    # The next meeting: no date, a commune, probably in the first quarter of 2016.
    assert page.next_meeting_date is None
    assert page.next_meeting_approximate == "probablement durant le premier trimestre 2016"
    assert "commune" in page.next_meeting_host_text
    figures = {block.value["value"]: block.value["label"] for block in page.key_figures}
    assert "68" in figures
    assert "55 au niveau local" in figures["68"] and "13" in figures["68"]


def test_seed_002_every_named_participant_with_the_minutes_function(minutes_2015):
    people = participants(minutes_2015)
    assert list(people) == [
        "Marie-Pierre Limogé",
        "Jacques Gautier",
        "Vincent Marchand",
        "Othmane Khaoua",
        "Julien Bouchet",
        "Catherine Picard",
        "Gunilla Westerberg-Dupuy",
        "Hervé Ingardia",
        "Philippe Mignard",
        "Armelle Tilly",
        "Fabienne Garon",
    ]
    assert people["Marie-Pierre Limogé"][0].endswith(
        "vice-présidente du Conseil départemental des Hauts-de-Seine déléguée à l'Économie "
        "collaborative"
    )
    assert people["Marie-Pierre Limogé"][1] == "conseil-departemental-des-hauts-de-seine"
    assert "1re adjointe au maire de Courbevoie" in people["Marie-Pierre Limogé"][0]
    assert people["Jacques Gautier"] == (
        "Président de l'AMD 92, sénateur-maire de Garches",
        "amd-92",
    )
    assert people["Vincent Marchand"] == ("Directeur général de l'AMD 92", "amd-92")
    assert people["Othmane Khaoua"] == (
        "Conseiller municipal de Sceaux délégué à l'économie sociale et solidaire",
        "ville-de-sceaux",
    )
    assert people["Julien Bouchet"][1] == "ville-de-clichy-la-garenne"
    assert (
        people["Catherine Picard"][0]
        == "Adjointe au maire de Malakoff et conseillère départementale"
    )
    assert people["Gunilla Westerberg-Dupuy"] == (
        "Adjointe au maire de Suresnes",
        "ville-de-suresnes",
    )
    assert people["Hervé Ingardia"][0].startswith(
        "Directeur général adjoint du Pôle Attractivité et Emploi"
    )
    assert people["Hervé Ingardia"][1] == "conseil-departemental-des-hauts-de-seine"
    assert people["Philippe Mignard"][0] == "Chargé de mission au sein de Clichy-la-Garenne"
    assert people["Armelle Tilly"] == ("Adjointe au maire de Chaville", "ville-de-chaville")
    assert people["Fabienne Garon"] == ("Adjointe au maire de Vaucresson", "ville-de-vaucresson")


def test_seed_002_discussion_topics(minutes_2015):
    text = text_of(minutes_2015)
    for fact in [
        "La démarche de Sceaux",
        "trois forces",
        "Sceaux Valley",
        "Up Sceaux",
        "350 m²",
        "coworking",
        "loi NOTRe",
        "fonds européens",
        "EPCI",
        "tiers-lieux",
        "« Le Cercle », à Nanterre",
        "Casaco",
        "68 initiatives",
        "TAG emploi",
        "premier trimestre 2016",
    ]:
        assert fact in text, fact


def test_seed_004_meeting_facts(minutes_2012):
    page = minutes_2012
    assert page.date == datetime.date(2012, 3, 20)
    assert page.meeting_format == "comite"
    assert page.place == ""  # not given by the minutes
    assert page.chair.startswith("Guy Bonneau, vice-président du Conseil général")
    assert page.next_meeting_date == datetime.date(2012, 7, 3)
    assert page.next_meeting_start_time == datetime.time(9, 30)
    assert page.next_meeting_end_time == datetime.time(12, 0)
    figures = {block.value["label"]: block.value["value"] for block in page.key_figures}
    assert figures["enjeux dégagés par les participants"] == "62"
    assert figures["grandes thématiques identifiées lors du world café"] == "6"
    assert figures["axes stratégiques de la politique départementale en faveur de l'ESS"] == "4"
    assert figures["partenaires réunis"] == "plus de 18"

    text = text_of(page)
    assert "Ouverture par Guy Bonneau" in text
    assert "4 axes stratégiques" in text
    assert "mobiliser les acteurs de l'ESS en Essonne" in text
    assert "Claire Marenco" in text and "rapport Vercamer en 2010" in text
    for theme in [
        "Les valeurs de l'ESS",
        "Faire connaître et reconnaître l'ESS auprès des acteurs de l'économie classique",
        "S'organiser collectivement",
        "Favoriser l'accompagnement à la création et au développement des structures de l'ESS",
        "consolider leurs moyens de financement",
        "Pour la mise en œuvre d'une politique de l'ESS en Essonne",
    ]:
        assert theme in text, theme
    assert "6 grandes thématiques et 62 enjeux" in text
    assert "réunion inter-réseaux" in text

    people = participants(page)
    assert people["Guy Bonneau"][1] == "conseil-general-de-lessonne"
    assert people["Claire Marenco"][1] == "latelier-ile-de-france"
    assert people["Alix de Saint Aulaire"] == (
        "Directrice d'Essonne Active, animatrice du mois de l'ESS",
        "essonne-active",
    )
    assert people["Michel Mombrun"][1] == "solicites"
    assert people["Myriam Beauvallet"] == (
        "Directrice du pôle emploi et mutations de l'Agence pour l'économie en Essonne",
        "agence-pour-leconomie-en-essonne",
    )
    assert people["Elise Labro"] == ("", "cci-essonne")
    actions = [a.description for a in page.action_items.all()]
    assert any("réunion inter-réseaux" in action for action in actions)


def test_seed_pages_render_their_facts(client):
    html = unescape(client.get(MINUTES_2015).content.decode())
    assert "vendredi 27 novembre 2015" in html
    assert "Prochaine réunion" in html and "Probablement durant le premier trimestre 2016" in html
    assert '<a href="/fr/annuaire/ville-de-sceaux/">Ville de Sceaux</a>' in html
    assert "Othmane Khaoua" in html
    html = unescape(client.get(MINUTES_2012).content.decode())
    assert "mardi 20 mars 2012" in html
    assert "mardi 3 juillet 2012</time>, de 9 h 30 à 12 h 00" in html
    assert "62" in html


def test_seed_participants_appear_on_their_directory_fiches(client):
    html = unescape(client.get("/fr/annuaire/ville-de-sceaux/").content.decode())
    assert "Réunions de réseau" in html
    assert f'<a href="{MINUTES_2015}">Réunion du vendredi 27 novembre 2015</a>' in html
    html = unescape(client.get("/fr/annuaire/essonne-active/").content.decode())
    assert f'<a href="{MINUTES_2012}">Comité partenarial de l\'ESS du 20 mars 2012</a>' in html


def test_seed_organisations_added_to_the_directory(db):
    clichy = ActorPage.objects.get(locale__language_code="fr", slug="ville-de-clichy-la-garenne")
    assert clichy.kind == "commune" and clichy.departement == "92"
    assert "reseau-92-ess" in {n.slug for n in clichy.networks.all()}
    assert (
        ActorPage.objects.get(
            locale__language_code="fr", slug="agence-pour-leconomie-en-essonne"
        ).departement
        == "91"
    )


@pytest.mark.parametrize(
    "query, slug",
    [
        ("Limogé", "2015-11-27-premiere-reunion"),
        ("ressourcerie Nanterre", "2015-11-27-premiere-reunion"),
        ("Westerberg-Dupuy", "2015-11-27-premiere-reunion"),
        ("world café enjeux", "2012-03-20-comite-partenarial"),
        ("Marenco Vercamer", "2012-03-20-comite-partenarial"),
    ],
)
def test_seed_minutes_are_found_by_site_search(client, query, slug):
    response = client.get("/fr/recherche/", {"q": query})
    assert response.status_code == 200
    assert slug in [page.slug for page in response.context["result_pages"]]


def test_seed_is_idempotent(minutes_2015):
    revisions = minutes_2015.revisions.count()
    call_command("load_seed_content", verbosity=0, stdout=_Null())
    minutes_2015.refresh_from_db()
    assert minutes_2015.revisions.count() == revisions
    assert minutes_2015.participants.count() == 11


class _Null:
    def write(self, *_args, **_kwargs):
        pass

    def flush(self):
        pass


# --- Facts of seeds 002 and 004 the minutes had lost (issue 18) ----------------------


def page_text(client, url: str) -> str:
    """The published page's text as a visitor reads it (tags and line breaks gone)."""
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(soup(response).get_text(" ").split())


RESTORED_2015 = [
    # « TAG emploi »: what the platform is and that it leads to job offers.
    "TAG emploi est par exemple une plateforme digitale",
    "accessible depuis un ordinateur, une tablette ou un smartphone",
    "recense toutes les offres d'emploi, de stages et de formations disponibles au sein des "
    "communes et de leurs territoires",
    "il existe des applications numériques très intéressantes",
    # Opening
    "la modification de son champ d'action dans le secteur de l'économie sociale et solidaire",
    "Cette économie peut apporter énormément à l'ensemble des territoires",
    "partager les initiatives et les expériences de chacun",
    "de l'Éducation, de l'Égalité femmes-hommes, de la Santé, des Aidés-Aidants",
    "pour servir au mieux l'intérêt des concitoyens",
    "l'implication de tous sera nécessaire pour le faire vivre",
    "qui donne les principales coordonnées de chacun",
    "celles déjà visibles sur le site des communes ou dont les élus ont donné leur accord",
    # Sceaux
    "la possibilité d'interagir avec d'autres projets hors du territoire",
    "Afin de soutenir et de valoriser ces initiatives et ces solutions locales",
    "communiquer sur les événements, de diffuser diverses annonces",
    "et surtout de se faire connaître",
    "(étudiants, salariés, retraités)",
    "l'équilibre entre le travail, la vie de famille et les loisirs en réduisant les déplacements",
    "activités économiques porteuses d'innovations et d'emplois",
    "Les tarifs ont été soigneusement travaillés",
    "adaptés à la population de Sceaux",
    "Marie-Pierre Limogé le remercie pour cette présentation",
    # Coworking
    "au sein d'un cadre verdoyant",
    "soutien logistique de la mairie, en secrétariat et en communication",
    "une offre adaptée à la demande",
    "L'objectif est de le rouvrir, mais en tenant compte de ces paramètres",
    "des initiatives privées, voire associatives, qui montent ces projets",
    "coworking, bureaux partagés",
    "la proximité des transports, l'accessibilité à tous et l'intérêt d'un lieu porteur",
    "La question de la compétence des communes et des intercommunalités est posée",
    "encourager toutes les démarches innovantes au sein du territoire des Hauts-de-Seine",
    # Funding
    "qui répondent à un besoin et entrent sur un marché concurrentiel",
    "réfléchir à une nouvelle orientation pour poursuivre cette politique porteuse d'emplois",
    "faciliter l'implantation et l'essor des acteurs du changement sociétal",
    "son dernier projet a vu le jour à Montreuil",
    "une initiative très intéressante et très intelligente pour le secteur des aînés",
    "une simple mise en réseau ou en relation peut parfois permettre la concrétisation",
    "Une expérience d'économie sociale et solidaire à grande échelle, au sein de Lille Métropole",
    "Bouygues, GDF, Eiffage, la Banque postale, ou des plateformes alternatives",
    "ce service a une capitalisation d'expérience sur laquelle il faut s'appuyer",
    "surtout d'échanger les expériences de chacun",
    "des endroits disponibles même temporairement",
    "Ces espaces de travail, d'émulation et de vie sont appelés des tiers-lieux",
    "ce sont souvent des échanges très enrichissants",
    # Tiers-lieux, ressourcerie, seniors
    "servir de lien social dans un quartier à logement social",
    "des espaces de travail y seront également inclus",
    "le temporaire peut durer 3 ou 5 ans",
    "partager les expériences des personnes qui auraient déjà abordé cette thématique",
    "ne doit pas empiéter sur des lieux commerciaux",
    "ce projet a été porté par les élus en charge du développement durable",
    "les communes sont contraintes de revoir leur budget",
    "trouver des projets porteurs mais à moindre coût",
    "Le soutien des collectivités et du territoire est donc essentiel",
]


@pytest.mark.parametrize("fact", RESTORED_2015)
def test_seed_002_restored_facts_are_on_the_published_minutes(client, fact):
    assert fact in page_text(client, MINUTES_2015)


RESTORED_2012 = [
    "La liste des présents et l'ordre du jour étaient joints au compte rendu",
    "Le Conseil général s'engage actuellement",
    "Ces nouvelles propositions",
    "co-directrice de l'Atelier – Centre de ressources régional de l'économie sociale et solidaire",
    "Quelques notes de la présentation étaient jointes au compte rendu",
    "positionnement des participants et réactions des réseaux existants",
    "Pour démarrer le travail du comité partenarial",
    "la fiche qui les recense était jointe au compte rendu",
    "Sur la base de ce travail",
]


@pytest.mark.parametrize("fact", RESTORED_2012)
def test_seed_004_restored_facts_are_on_the_published_minutes(client, fact):
    assert fact in page_text(client, MINUTES_2012)


def test_seed_update_of_participants_keeps_rich_text_as_the_editor_saves_it(minutes_2015, publish):
    """`--update` brings changed participants back through the minutes' own
    branch (not `upsert_page`): its rich text is stored as the editor saves it too."""
    minutes_2015.participants = list(minutes_2015.participants.all())[:-1]
    publish(minutes_2015)
    call_command("load_seed_content", "--update", verbosity=0, stdout=_Null())
    restored = MeetingMinutesPage.objects.get(pk=minutes_2015.pk)
    assert restored.participants.count() == 11
    for block in restored.agenda:
        discussion = block.value["discussion"].source
        assert discussion.startswith("<p data-block-key="), block.value["title"]
