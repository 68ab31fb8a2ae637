"""Networks and meeting minutes, public side: page tree rules, the network's
list of meetings with its filters (never a 500), the minutes page, the open
actions view, the section on actors' fiches, fixed query counts."""

import datetime
import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from directory.factories import ActorPageFactory, DirectoryIndexPageFactory, NetworkFactory
from directory.models import ActorPage
from home.models import PageTheme, Theme
from home.models.pages import HomePage, StandardPage
from network_minutes.factories import (
    ActionItemFactory,
    MeetingMinutesPageFactory,
    NetworkPageFactory,
    NetworksIndexPageFactory,
    ParticipantFactory,
)
from network_minutes.filters import MinutesFilterSet
from network_minutes.models import (
    MeetingMinutesPage,
    NetworkPage,
    NetworksIndexPage,
    Participant,
)
from tests.html import breadcrumb, facets, notices, soup

pytestmark = pytest.mark.django_db

PER_PAGE = MinutesFilterSet.per_page


# --- Fixtures ---------------------------------------------------------------------------


@pytest.fixture
def index(home_fr):
    """An index of our own, so that the seeded networks never change the counts."""
    return NetworksIndexPageFactory(parent=home_fr, title="Réseaux test", slug="reseaux-test")


@pytest.fixture
def directory(home_fr):
    return DirectoryIndexPageFactory(parent=home_fr, title="Annuaire test", slug="annuaire-test")


@pytest.fixture
def actors(directory):
    def make(title, **fields):
        actor = ActorPageFactory(parent=directory, title=title, **fields)
        actor.save_revision().publish()
        return actor

    return {
        "mairie": make("Mairie de Zéphyrville", kind="commune"),
        "asso": make("Association Quetzal", kind="association"),
    }


@pytest.fixture
def theme(db):
    return Theme.objects.create(name="Thème minutes test", slug="theme-minutes-test")


@pytest.fixture
def network(index, actors):
    page = NetworkPageFactory(
        parent=index,
        title="Réseau des Zéphyrs",
        slug="reseau-zephyrs",
        host_organisation=actors["mairie"],
    )
    page.save_revision().publish()
    return page


def add_meeting(network, *, themes=(), participants=(), actions=(), **fields):
    """A published minutes page, with inline rows set before publication."""
    page = MeetingMinutesPageFactory(parent=network, **fields)
    for position, values in enumerate(participants):
        ParticipantFactory(page=page, sort_order=position, **values)
    for position, values in enumerate(actions):
        ActionItemFactory(page=page, sort_order=position, **values)
    for theme in themes:
        PageTheme.objects.create(content_object=page, tag=theme)
    page.save_revision().publish()
    return page


@pytest.fixture
def meetings(network, actors, theme):
    return {
        "old": add_meeting(
            network,
            title="Réunion de printemps 2019",
            slug="2019-04",
            date=datetime.date(2019, 4, 2),
            summary="Les ressourceries du territoire.",
        ),
        "recent": add_meeting(
            network,
            title="Réunion d'automne 2021",
            slug="2021-10",
            date=datetime.date(2021, 10, 5),
            summary="Le coworking et les tiers-lieux.",
            themes=[theme],
            participants=[
                {
                    "name": "Anémone Brindille",
                    "function": "Adjointe au maire",
                    "organisation": actors["mairie"],
                    "attendance": Participant.SPEAKER,
                },
                {
                    "name": "Basile Trombe",
                    "function": "Président",
                    "organisation": actors["asso"],
                },
                {
                    "name": "Capucine Lierre",
                    "function": "Conseillère municipale",
                    "organisation": actors["mairie"],
                    "attendance": Participant.EXCUSED,
                },
                {"name": "Damien Osier", "organisation_text": "Collectif hors annuaire"},
            ],
            actions=[
                {"description": "Rédiger la charte du réseau", "agenda_point": 1},
                {"description": "Action déjà faite", "done": True},
            ],
            agenda=[
                {
                    "type": "item",
                    "value": {
                        "title": "Charte du réseau",
                        "discussion": "<p>Échanges sur la charte.</p>",
                        "speakers": ["Anémone Brindille"],
                        "decisions": ["La charte sera rédigée avant l'été."],
                    },
                }
            ],
        ),
    }


def card_titles(html: str) -> list[str]:
    return [
        unescape(title)
        for title in re.findall(r'class="card__link" href="[^"]*">([^<]+)</a>', html)
    ]


# --- Page tree --------------------------------------------------------------------------


def test_page_tree_rules(home_fr, index, network):
    assert NetworksIndexPage.parent_page_types == ["home.HomePage"]
    assert NetworksIndexPage.max_count_per_parent == 1
    assert NetworkPage.can_create_at(index)
    assert not NetworkPage.can_create_at(home_fr)
    assert MeetingMinutesPage.can_create_at(network)
    assert not MeetingMinutesPage.can_create_at(index)
    assert not MeetingMinutesPage.can_create_at(home_fr)
    assert NetworkPage.allowed_subpage_models() == [MeetingMinutesPage]
    assert MeetingMinutesPage.allowed_subpage_models() == []
    assert not StandardPage.can_create_at(network)
    assert HomePage not in NetworkPage.allowed_parent_page_models()


def test_index_is_unique_per_home(home_fr):
    # The seed already made /fr/reseaux/: a second index cannot be created.
    assert NetworksIndexPage.objects.child_of(home_fr).count() == 1
    assert not NetworksIndexPage.can_create_at(home_fr)


def test_minutes_validation_refuses_inverted_times(network):
    page = MeetingMinutesPage(
        title="Réunion mal saisie",
        slug="mal-saisie",
        date=datetime.date(2022, 5, 1),
        start_time=datetime.time(12),
        end_time=datetime.time(9, 30),
        next_meeting_date=datetime.date(2022, 4, 1),
    )
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "end_time" in error.value.message_dict
    assert "next_meeting_date" in error.value.message_dict


# --- The network page ---------------------------------------------------------------------


def test_network_page_lists_meetings_newest_first_grouped_by_year(client, network, meetings):
    response = client.get(network.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert card_titles(html) == ["Réunion d'automne 2021", "Réunion de printemps 2019"]
    assert '<h3 class="meeting-year__title" id="annee-2021">2021</h3>' in html
    assert '<h3 class="meeting-year__title" id="annee-2019">2019</h3>' in html
    assert "2 comptes rendus" in html
    # Host organisation links to its fiche; feeds and open actions are linked.
    assert 'href="/fr/annuaire-test/mairie-de-zephyrville/"' in html
    assert f'href="{network.url}actions/"' in html
    assert f'href="{network.url}agenda/"' in html
    assert f'href="{network.url}rss/"' in html


def test_network_page_filters_by_year_theme_and_query(client, network, meetings, theme):
    html = client.get(network.url, {"year": "2019"}).content.decode()
    assert card_titles(html) == ["Réunion de printemps 2019"]
    assert "Année :" in html  # the active filter chip

    html = client.get(network.url, {"theme": theme.slug}).content.decode()
    assert card_titles(html) == ["Réunion d'automne 2021"]

    html = client.get(network.url, {"q": "ressourceries"}).content.decode()
    assert card_titles(html) == ["Réunion de printemps 2019"]

    # Participants' names are searched too.
    html = client.get(network.url, {"q": "Brindille"}).content.decode()
    assert card_titles(html) == ["Réunion d'automne 2021"]


def test_year_facet_counts_meetings_of_the_other_filters(client, network, meetings, theme):
    assert facets(client.get(network.url))["Par année"] == {"2021": 1, "2019": 1}
    html = client.get(network.url, {"theme": theme.slug}).content.decode()
    assert facets(html)["Par année"] == {"2021": 1}
    assert ">2019</a>" not in html
    # The selected year's facet still offers the others (the query among them).
    found = facets(client.get(network.url, {"q": "réunion", "year": "2019"}))
    assert found["Par année"] == {"2021": 1, "2019": 1}


def test_query_is_combined_with_the_other_filters(client, network, meetings, monkeypatch):
    """The text matches are ranked within what the other filters select: with
    one match kept at most, each year still finds its own meeting."""
    monkeypatch.setattr(MinutesFilterSet, "max_text_matches", 1)
    html = client.get(network.url, {"q": "réunion"}).content.decode()
    assert len(card_titles(html)) == 1
    assert "Plus de 1 comptes rendus correspondent" in " ".join(notices(html))
    for year, title in [("2019", "Réunion de printemps 2019"), ("2021", "Réunion d'automne 2021")]:
        html = client.get(network.url, {"q": "réunion", "year": year}).content.decode()
        assert card_titles(html) == [title]
        assert notices(html) == []


@pytest.mark.parametrize(
    "params, notice",
    [
        ({"year": "deux-mille"}, "Année : « deux-mille » ignoré (une année est attendue)"),
        ({"year": "1850"}, "Année : « 1850 » ignoré (année entre 1900 et 2100 attendue)"),
        ({"year": "99999999999999999999999"}, "Année :"),
        ({"theme": "inconnu"}, "Thème : « inconnu » ignoré (valeur inconnue)"),
        ({"q": "!!!"}, "« !!! » ignoré (ni mot ni nombre)"),
        ({"q": "x" * 300}, "caractères"),
        ({"q": "charte\x00"}, None),
        ({"page": "abc"}, "Numéro de page « abc » ignoré"),
        ({"page": "0"}, "Numéro de page « 0 » ignoré"),
        ({"page": "999"}, "La page 999 n'existe pas : page 1 affichée."),
        ({"year[]": "2019", "theme": ["a", "b"]}, None),
    ],
)
def test_bad_parameters_are_ignored_with_a_notice(client, network, meetings, params, notice):
    response = client.get(network.url, params)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    if notice:
        assert "Votre sélection a été ajustée" in html
        # (notices() reads no-break spaces as spaces)
        assert any(notice in text for text in notices(html))
    assert "Réunion" in html


def test_notices_bind_french_punctuation_to_their_word(client, network, meetings):
    """The notices are French-spaced, as on every listing: a no-break space
    before « : » and inside the guillemets."""
    html = unescape(client.get(network.url, {"year": "deux-mille"}).content.decode())
    assert "Année\u00a0: «\u00a0deux-mille\u00a0» ignoré" in html


def test_bad_year_keeps_other_valid_filters(client, network, meetings, theme):
    html = client.get(network.url, {"year": "abc", "theme": theme.slug}).content.decode()
    assert card_titles(html) == ["Réunion d'automne 2021"]
    # What people typed correctly is kept in the form.
    assert f'<option value="{theme.slug}" selected>' in html


def test_empty_state_with_a_reset_link(client, network, meetings):
    html = client.get(network.url, {"year": "2005"}).content.decode()
    assert "Aucun compte rendu ne correspond à ces critères" in html
    assert soup(html).select_one(".listing-empty a")["href"] == network.url
    assert '<meta name="robots" content="noindex, follow">' in html


def test_network_without_meetings(client, index):
    empty = NetworkPageFactory(parent=index, title="Réseau vide", slug="reseau-vide")
    empty.save_revision().publish()
    html = unescape(client.get(empty.url).content.decode())
    assert "Aucun compte rendu n'est encore publié pour ce réseau" in html


def test_pagination(client, network):
    for n in range(PER_PAGE + 3):
        add_meeting(
            network,
            title=f"Séance {n:02d}",
            slug=f"seance-{n}",
            date=datetime.date(2020, 1, 1) + datetime.timedelta(days=n),
        )
    html = client.get(network.url).content.decode()
    assert len(card_titles(html)) == PER_PAGE
    assert "page 1 sur 2" in html
    html = client.get(network.url, {"page": "2"}).content.decode()
    assert card_titles(html) == ["Séance 02", "Séance 01", "Séance 00"]


def test_unpublished_meetings_are_not_listed(client, network, meetings):
    meetings["old"].unpublish()
    html = client.get(network.url).content.decode()
    assert card_titles(html) == ["Réunion d'automne 2021"]


def test_members_come_from_the_directory_network(client, network, actors, directory):
    zephyrs = NetworkFactory(name="Réseau des Zéphyrs (annuaire)", slug="zephyrs-annuaire")
    member = actors["asso"]
    ActorPage.networks.through.objects.create(actorpage=member, network=zephyrs)
    network.network = zephyrs
    network.save_revision().publish()
    html = client.get(network.url).content.decode()
    assert '<h2 class="actor-box__title" id="membres">Membres</h2>' in html
    assert f'<a href="{member.url}">Association Quetzal</a>' in html
    assert "Mairie de Zéphyrville</a></li>" not in html


def test_network_index_lists_networks_with_their_meeting_counts(client, index, network, meetings):
    html = client.get(index.url).content.decode()
    assert "Réseau des Zéphyrs" in html
    assert "2 comptes rendus" in html
    assert "dernière réunion le 5 octobre 2021" in html
    assert "Animé par Mairie de Zéphyrville" in html


# --- The minutes page -----------------------------------------------------------------------


def test_minutes_page_groups_participants_by_organisation(client, meetings, actors):
    html = client.get(meetings["recent"].url).content.decode()
    section = html.split('id="participants"')[1].split("</section>")[0]
    # Groups in order of first appearance, people in the minutes' order.
    mairie = section.index("Mairie de Zéphyrville")
    asso = section.index("Association Quetzal")
    outside = section.index("Collectif hors annuaire")
    assert mairie < asso < outside
    assert section.index("Anémone Brindille") < section.index("Capucine Lierre") < asso
    # Organisations with a fiche link to it; the others are plain text.
    assert f'<a href="{actors["mairie"].url}">Mairie de Zéphyrville</a>' in section
    assert f'<a href="{actors["asso"].url}">Association Quetzal</a>' in section
    assert '<h3 class="participants__organisation">Collectif hors annuaire</h3>' in section
    assert "Intervenant·e" in section and "Excusé·e" in section
    assert "Adjointe au maire" in section


def test_minutes_page_shows_agenda_decisions_and_actions(client, meetings, network):
    html = client.get(meetings["recent"].url).content.decode()
    number = '<span class="agenda-item__number">1.</span>'
    assert f'<h3 class="agenda-item__title">{number} Charte du réseau</h3>' in html
    assert "Échanges sur la charte." in html
    assert "La charte sera rédigée avant l&#x27;été." in html
    assert "Rédiger la charte du réseau" in html
    assert "Réalisée" in html
    assert f'href="{network.url}actions/"' in html


# --- Open actions ------------------------------------------------------------------------------


def test_open_actions_lists_undone_actions_across_meetings(client, network, meetings):
    today = timezone.localdate()
    add_meeting(
        network,
        title="Réunion à échéances",
        slug="echeances",
        date=datetime.date(2022, 3, 1),
        actions=[
            {"description": "Action en retard", "due_date": today - datetime.timedelta(days=3)},
            {"description": "Action à venir", "due_date": today + datetime.timedelta(days=30)},
        ],
    )
    response = client.get(network.url + "actions/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 actions en cours" in html
    assert "Action déjà faite" not in html
    # Due dates first (oldest first), then the action without a due date.
    assert html.index("Action en retard") < html.index("Action à venir")
    assert html.index("Action à venir") < html.index("Rédiger la charte du réseau")
    assert "Échéance dépassée" in html
    assert 'href="/fr/reseaux-test/reseau-zephyrs/2021-10/"' in html
    assert breadcrumb(html)[-3:] == [
        (network.get_parent().title, network.get_parent().url),
        (network.title, network.url),
        ("Actions en cours", None),
    ]


def test_open_actions_empty_and_bad_page(client, index):
    quiet = NetworkPageFactory(parent=index, title="Réseau calme", slug="reseau-calme")
    quiet.save_revision().publish()
    response = client.get(quiet.url + "actions/", {"page": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aucune action en cours" in html
    assert notices(html)[0].startswith("Numéro de page « x » ignoré")


# --- Actors' fiches ------------------------------------------------------------------------------


def test_actor_fiche_lists_meetings_it_took_part_in(client, meetings, actors, network):
    html = client.get(actors["asso"].url).content.decode()
    assert "Réunions de réseau" in html
    assert f'<a href="{meetings["recent"].url}">Réunion d&#x27;automne 2021</a>' in html
    assert "Réunion de printemps 2019" not in html
    assert "Réseau des Zéphyrs" in html
    html = client.get(actors["mairie"].url).content.decode()
    assert "2 participant·es" in html


def test_actor_fiche_lists_hosted_meetings(client, network, actors):
    add_meeting(network, title="Réunion accueillie", slug="accueillie", host=actors["asso"])
    html = client.get(actors["asso"].url).content.decode()
    assert "Réunion accueillie" in html
    assert "organisation hôte" in html


def test_actor_without_meetings_has_no_section(client, directory):
    loner = ActorPageFactory(parent=directory, title="Acteur sans réunion")
    loner.save_revision().publish()
    assert "Réunions de réseau" not in client.get(loner.url).content.decode()


# --- Fixed query counts --------------------------------------------------------------------------


def _fill(network, actors, theme, n, offset=0):
    for i in range(n):
        add_meeting(
            network,
            title=f"Volume {offset + i}",
            slug=f"volume-{offset + i}",
            date=datetime.date(2010 + i % 12, 1 + i % 12, 1 + i % 27),
            themes=[theme],
            participants=[
                {"name": f"Personne {i}", "organisation": actors["mairie"]},
                {"name": f"Autre {i}", "organisation": actors["asso"]},
            ],
            actions=[{"description": f"Action {i}"}],
        )


NETWORK_VIEWS = [
    ("", {}),
    ("", {"year": "2012"}),
    ("", {"theme": "theme-minutes-test", "page": "2"}),
    ("actions/", {}),
]


def test_network_views_run_a_fixed_number_of_queries(
    client, network, actors, theme, django_assert_max_num_queries
):
    """A network's page (filtered, paginated) and its actions run as many
    queries with 48 meetings as with 3. The meetings are made once for
    every view: making them is most of the test's time."""

    def count(path, params):
        client.get(network.url + path, params)  # warm caches (site root paths…)
        with django_assert_max_num_queries(30) as captured:
            assert client.get(network.url + path, params).status_code == 200
        # Counted now: Django keeps the last 9,000 queries only, and filling writes many.
        return len(captured.captured_queries)

    _fill(network, actors, theme, 3)
    few = {(path, str(params)): count(path, params) for path, params in NETWORK_VIEWS}
    _fill(network, actors, theme, 45, offset=3)
    # (New pages reset the page-tree cache: `count` warms it again.)
    many = {(path, str(params)): count(path, params) for path, params in NETWORK_VIEWS}
    for view, few_count in few.items():
        assert many[view] <= few_count, view


def test_minutes_page_and_fiche_run_a_fixed_number_of_queries(
    client, network, actors, theme, django_assert_max_num_queries
):
    _fill(network, actors, theme, 2)
    page = MeetingMinutesPage.objects.get(locale__language_code="fr", slug="volume-0")
    client.get(page.url)
    with django_assert_max_num_queries(40) as few:
        client.get(page.url)
    with django_assert_max_num_queries(40) as fiche_few:
        client.get(actors["mairie"].url)
    # Counted now: Django keeps the last 9,000 queries only, and filling writes many.
    few_count, fiche_few_count = len(few.captured_queries), len(fiche_few.captured_queries)
    for i in range(12):
        ParticipantFactory(page=page, name=f"En plus {i}", organisation=actors["asso"])
    page.save_revision().publish()
    _fill(network, actors, theme, 25, offset=2)
    client.get(page.url)  # new pages reset the page-tree cache: warm again
    client.get(actors["mairie"].url)
    with django_assert_max_num_queries(few_count):
        client.get(page.url)
    with django_assert_max_num_queries(fiche_few_count):
        client.get(actors["mairie"].url)


def test_upcoming_meeting_is_marked(client, network, meetings):
    add_meeting(
        network,
        title="Réunion programmée",
        slug="programmee",
        date=timezone.localdate() + datetime.timedelta(days=20),
    )
    html = client.get(network.url).content.decode()
    assert html.count("badge--upcoming") == 1
    assert card_titles(html)[0] == "Réunion programmée"
