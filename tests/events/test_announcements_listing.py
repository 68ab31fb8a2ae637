"""The announcements' listing (`/fr/annonces/`) and its feeds as a visitor
uses them: each filter and combinations, facets, chips, the empty state,
pagination, bad and hostile values ignored with a notice, RSS and Atom read
back, expired announcements nowhere; the index runs the same number of
queries with 3 or 30 announcements."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from events.announcement_filters import AnnouncementFilterSet
from events.announcements import AnnouncementIndexPage
from events.models import paris
from home.models import Theme
from tests.events.conftest import PRIVATE_EMAIL
from tests.html import chips, facets, notices, soup, texts

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=paris())
LATER = dt.date(2030, 6, 30)  # current, whatever the day the tests run
LONG_AGO = dt.date(2020, 1, 31)  # expired, whatever the day
ATOM = "{http://www.w3.org/2005/Atom}"


def titles(index, params=None, now=NOW) -> list[str]:
    listing = AnnouncementFilterSet(params or {}, scope=index, now=now)
    assert not listing.notices, listing.notices
    return [item.title for item in listing.qs]


def read_feed(content):
    return ET.fromstring(content)  # noqa: S314 - the site's own feed, in a test


def card_titles(response) -> list[str]:
    return texts(response, ".announcement-card__title")


@pytest.fixture
def catalogue(make_announcement):
    """Five current announcements (published in this order) and an expired one."""
    locaux = Theme.objects.create(name="Locaux annonces", slug="locaux-an")
    emploi = Theme.objects.create(name="Emploi annonces", slug="emploi-an")
    make_announcement(
        "Alpha bureau",
        kind="offre",
        category="locaux",
        postcode="92330",
        city="Sceaux",
        expires_on=LATER,
        themes=[locaux],
    )
    make_announcement(
        "Bravo bénévoles",
        kind="demande",
        category="benevolat",
        postcode="68100",
        city="Mulhouse",
        text="Nous cherchons des bénévoles pour une collecte solidaire.",
        expires_on=LATER,
    )
    make_announcement(
        "Charlie stage",
        kind="demande",
        category="emploi-stage",
        postcode="92330",
        city="Sceaux",
        expires_on=dt.date(2030, 1, 10),
        themes=[emploi],
    )
    make_announcement(
        "Delta coworking",
        kind="offre",
        category="coworking",
        postcode="67000",
        city="Strasbourg",
        expires_on=LATER,
        themes=[locaux],
    )
    make_announcement(
        "Echo matériel", kind="offre", category="materiel", departement="91", expires_on=LATER
    )
    make_announcement(
        "Foxtrot expirée", kind="offre", category="locaux", city="Sceaux", expires_on=LONG_AGO
    )


NEWEST_FIRST = [
    "Echo matériel",
    "Delta coworking",
    "Charlie stage",
    "Bravo bénévoles",
    "Alpha bureau",
]


def test_current_announcements_newest_first(announcements_index, catalogue):
    assert titles(announcements_index) == NEWEST_FIRST


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "offre"}, ["Echo matériel", "Delta coworking", "Alpha bureau"]),
        ({"kind": "demande"}, ["Charlie stage", "Bravo bénévoles"]),
        ({"category": "locaux"}, ["Alpha bureau"]),
        ({"category": "emploi-stage"}, ["Charlie stage"]),
        ({"region": "44"}, ["Delta coworking", "Bravo bénévoles"]),
        ({"region": "11"}, ["Echo matériel", "Charlie stage", "Alpha bureau"]),
        ({"departement": "92"}, ["Charlie stage", "Alpha bureau"]),
        ({"departement": "91"}, ["Echo matériel"]),
        ({"city": "Sceaux"}, ["Charlie stage", "Alpha bureau"]),
        ({"city": "Mulhouse"}, ["Bravo bénévoles"]),
        ({"theme": "locaux-an"}, ["Delta coworking", "Alpha bureau"]),
        ({"q": "collecte"}, ["Bravo bénévoles"]),
        # Combinations: every filter applies.
        ({"city": "Sceaux", "theme": "emploi-an"}, ["Charlie stage"]),
        ({"kind": "offre", "region": "11"}, ["Echo matériel", "Alpha bureau"]),
        ({"kind": "offre", "departement": "92", "category": "locaux"}, ["Alpha bureau"]),
        ({"kind": "demande", "theme": "locaux-an"}, []),
        ({"q": "collecte", "region": "11"}, []),
        (
            {"sort": "expiration"},
            ["Charlie stage", *[t for t in NEWEST_FIRST if t != "Charlie stage"]],
        ),
    ],
)
def test_each_filter_and_combinations(announcements_index, catalogue, params, expected):
    assert titles(announcements_index, params) == expected


def test_the_page_shows_chips_facets_and_the_form_choices(client, announcements_index, catalogue):
    response = client.get(announcements_index.url, {"kind": "offre", "region": "11"})
    assert response.status_code == 200
    assert card_titles(response) == ["Echo matériel", "Alpha bureau"]
    assert chips(response) == ["Offre ou demande : Offre", "Région : Île-de-France"]
    found = facets(response)
    assert found["Catégorie"] == {"Locaux": 1, "Matériel": 1}
    assert found["Région"] == {"Île-de-France": 2}
    # The communes offered are those in use (an expired one's too: choices
    # depend on the content, not on the day).
    form = soup(response).select_one("form.listing-filters")
    cities = [option["value"] for option in form.select("select[name=city] option")]
    assert cities == ["", "Mulhouse", "Sceaux", "Strasbourg"]
    assert "2 annonces en cours" in soup(response).select_one("#resultats-titre").get_text()


def test_expired_announcements_are_nowhere_in_the_listing(client, announcements_index, catalogue):
    response = client.get(announcements_index.url, {"city": "Sceaux"})
    assert "Foxtrot expirée" not in response.content.decode()
    for feed in ("flux/rss/", "flux/atom/"):
        assert "Foxtrot" not in client.get(announcements_index.url + feed).content.decode()


def test_empty_states(client, announcements_index, catalogue, home_fr):
    response = client.get(announcements_index.url, {"kind": "demande", "category": "locaux"})
    empty = soup(response).select_one(".listing-empty").get_text(" ", strip=True)
    assert "Aucune annonce en cours ne correspond à ces critères" in empty
    assert "Catégorie\u00a0: Locaux" in empty
    assert "Effacer tous les filtres" in empty

    bare = AnnouncementIndexPage(title="Annonces vides", slug="annonces-vides")
    home_fr.add_child(instance=bare)
    bare.save_revision().publish()
    response = client.get(bare.url)
    assert response.status_code == 200
    assert soup(response).select_one(".listing-empty").get_text(" ", strip=True) == (
        "Aucune annonce n'est en cours pour le moment."
    )


def test_pagination(client, announcements_index, make_announcement):
    for n in range(25):
        make_announcement(f"Annonce {n:02d}", expires_on=LATER)
    first = client.get(announcements_index.url)
    assert len(card_titles(first)) == 20 and card_titles(first)[0] == "Annonce 24"
    second = client.get(announcements_index.url, {"page": "2"})
    assert card_titles(second) == [f"Annonce {n:02d}" for n in range(4, -1, -1)]
    past_the_end = client.get(announcements_index.url, {"page": "99"})
    assert notices(past_the_end) == ["La page 99 n'existe pas : page 2 affichée."]
    assert card_titles(past_the_end) == card_titles(second)


# --- Bad and hostile values ------------------------------------------------------------------

BAD_VALUES = {
    "kind": "troc",
    "category": "voitures",
    "region": "99",
    "departement": "2C",
    "city": "Atlantis",
    "theme": "inconnu",
    "sort": "au-hasard",
    "q": "?!",
    "page": "abc",
}


@pytest.mark.parametrize(("name", "value"), list(BAD_VALUES.items()))
def test_a_bad_value_is_ignored_with_a_notice(client, announcements_index, catalogue, name, value):
    response = client.get(announcements_index.url, {name: value})
    assert response.status_code == 200
    (notice,) = notices(response)
    assert value in notice and "ignoré" in notice
    assert card_titles(response) == NEWEST_FIRST
    assert chips(response) == []


def test_all_bad_values_at_once(client, announcements_index, catalogue):
    response = client.get(announcements_index.url, BAD_VALUES)
    assert response.status_code == 200
    assert len(notices(response)) == len(BAD_VALUES)


HOSTILE = [
    {"q": "é" * 10_000},
    {"kind": "offre\x00"},
    {"city": "Sceaux\x00"},
    {"theme": "\x00"},
    {"category": "<script>alert(1)</script>"},
    {"region": "<b>44</b>"},
    {"departement": "6" * 10_000},
    {"page": "99999999999999999999999999"},
    {"page": "-1"},
    {"sort": "expiration\x01"},
    {"date_from": "0001-01-01", "date_to": "9999-12-31"},  # not a parameter here: ignored
]
CLEANED = [{"q": "bureau\x00"}, {"q": "\x1b[31mbureau\x07"}, {"q": "<script>alert(1)</script>"}]


@pytest.mark.parametrize("params", HOSTILE + CLEANED, ids=lambda params: repr(params)[:40])
def test_hostile_input_never_breaks_the_listing_or_its_feeds(
    client, announcements_index, catalogue, params
):
    for url in (announcements_index.url, announcements_index.url + "flux/rss/"):
        response = client.get(url, params)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "<script>alert" not in body and "<b>44" not in body
        assert "\x00" not in body
    page = client.get(announcements_index.url, params)
    unknown = "date_from" in params
    assert bool(notices(page)) == (params not in CLEANED and not unknown), params


# --- Feeds -----------------------------------------------------------------------------------


def test_rss_lists_the_filtered_current_announcements(client, announcements_index, catalogue):
    response = client.get(announcements_index.url + "flux/rss/", {"city": "Sceaux"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = read_feed(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "[Demande] Charlie stage",
        "[Offre] Alpha bureau",
    ]
    alpha = items[1]
    assert alpha.findtext("link").endswith("/alpha-bureau/")
    assert [c.text for c in alpha.findall("category")] == ["Offre", "Locaux"]
    description = alpha.findtext("description")
    assert "Sceaux (92)" in description and "Un bureau de 12 m²" in description
    assert "30/06/2030" in description
    assert PRIVATE_EMAIL not in response.content.decode()
    # The page links to its feeds with the valid filters.
    page = soup(client.get(announcements_index.url, {"city": "Sceaux", "kind": "zzz"}))
    rss = page.select_one('link[type="application/rss+xml"]')["href"]
    assert rss.endswith("flux/rss/?city=Sceaux")


def test_atom_feed(client, announcements_index, catalogue):
    response = client.get(announcements_index.url + "flux/atom/", {"kind": "demande"})
    assert response.status_code == 200
    root = read_feed(response.content)
    assert [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")] == [
        "[Demande] Charlie stage",
        "[Demande] Bravo bénévoles",
    ]


# --- Query count -------------------------------------------------------------------------------


def test_index_query_count_is_pinned_and_constant(
    client, announcements_index, make_announcement, home_fr, django_assert_max_num_queries
):
    """The index runs the same queries with 3 or 30 announcements (20 per
    page): the counts and the page of announcements with their fiches."""
    from directory.factories import ActorPageFactory, DirectoryIndexPageFactory

    directory = DirectoryIndexPageFactory(parent=home_fr, title="Annuaire", slug="annuaire-an")
    actor = ActorPageFactory(parent=directory, title="Asso annonces", slug="asso-an")
    theme = Theme.objects.create(name="Thème annonces", slug="theme-an")
    base = announcements_index.url
    urls = [
        ("index", base, {}),
        (
            "filtered",
            base,
            {"kind": "offre", "region": "11", "city": "Sceaux", "theme": "theme-an"},
        ),
        ("searched", base, {"q": "bureau", "category": "locaux"}),
        ("rss", base + "flux/rss/", {"departement": "92"}),
    ]

    def add(start, stop):
        for n in range(start, stop):
            make_announcement(
                f"Bureau {n}",
                postcode="92330",
                city="Sceaux",
                actor=actor if n % 2 else None,
                organisation="" if n % 2 else f"Collectif {n}",
                expires_on=LATER if n % 5 else LONG_AGO,
                themes=[theme],
            )

    def counts():
        result = {}
        for label, url, params in urls:
            client.get(url, params)  # caches warmed: versions, choices, menu
            with django_assert_max_num_queries(PINNED_INDEX_QUERIES) as captured:
                assert client.get(url, params).status_code == 200
            result[label] = len(captured.captured_queries)
        return result

    add(0, 3)
    few = counts()
    add(3, 30)
    many = counts()
    assert many == few
    assert few["index"] <= 10, few


# The budget for the announcements' index, whatever the filters.
PINNED_INDEX_QUERIES = 15


# --- Benchmark data ------------------------------------------------------------------------------


def test_bench_generator_writes_current_and_expired_announcements(client, announcements_index):
    import random

    from events.announcements import ANNOUNCEMENTS, paris_today
    from events.bench import announcements_urls, create_announcements

    pages = create_announcements(announcements_index, 40, random.Random(5))
    ANNOUNCEMENTS.bump()
    today = paris_today()
    current = [page for page in pages if page.expires_on >= today]
    assert 0 < len(current) < len(pages)
    response = client.get(announcements_index.url)
    heading = soup(response).select_one("#resultats-titre").get_text()
    assert f"{len(current)} annonces en cours" in heading
    # The benchmark's URLs answer (those of the seeded index).
    for label, url in announcements_urls():
        assert client.get(url).status_code == 200, label
