"""The agenda's filters (events/filters.py) as a visitor uses them: each
filter and a few combinations, the named periods (« ce week-end », « ce
mois-ci »…) seen from a fixed moment, inclusive date ranges, and bad or
hostile values, which are ignored with a notice and never break the page.
The index runs the same number of queries with 3 or 30 events."""

import datetime as dt

import pytest

from directory.factories import ActorPageFactory, DirectoryIndexPageFactory
from events import vocab
from events.filters import EventFilterSet
from events.models import paris
from home.models import Theme
from tests.html import chips, notices, soup, texts

pytestmark = pytest.mark.django_db

# A Wednesday at noon, Paris time.
NOW = dt.datetime(2030, 5, 15, 12, 0, tzinfo=paris())
MAY = dt.date(2030, 5, 1)


def day(n: int, month: int = 5) -> dt.date:
    return dt.date(2030, month, n)


def titles(agenda, params=None, now=NOW, archive=False) -> list[str]:
    listing = EventFilterSet(params or {}, scope=agenda, now=now, archive=archive)
    assert not listing.notices, listing.notices
    return [event.title for event in listing.qs]


def card_titles(response) -> list[str]:
    return texts(response, ".event-card__title")


# --- Named periods and date ranges, from a fixed moment -----------------------------------------


@pytest.fixture
def calendar(make_event):
    """Events around Wednesday 15 May 2030 (NOW)."""
    make_event((day(10), None, day(16), None), title="En cours")
    make_event((day(14), None, None, None), title="Hier")
    make_event((day(15), dt.time(18, 0), None, dt.time(20, 0)), title="Ce soir")
    make_event((day(17), dt.time(9, 0), None, dt.time(12, 0)), title="Vendredi")
    make_event((day(18), None, None, None), title="Samedi")
    make_event((day(19), dt.time(23, 0), None, dt.time(23, 30)), title="Dimanche soir")
    make_event((day(20), None, None, None), title="Lundi")
    make_event((day(31), dt.time(22, 0), None, dt.time(23, 59)), title="Fin de mois")
    make_event((day(1, 6), None, None, None), title="Juin")
    make_event((day(2, 7), None, None, None), title="Juillet")
    make_event(title="Sans date", dates_note="à l'automne")


def test_current_events_in_date_order_without_filters(agenda, calendar):
    assert titles(agenda) == [
        "En cours",
        "Ce soir",
        "Vendredi",
        "Samedi",
        "Dimanche soir",
        "Lundi",
        "Fin de mois",
        "Juin",
        "Juillet",
        "Sans date",
    ]


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("aujourd-hui", ["En cours", "Ce soir"]),
        ("ce-week-end", ["Samedi", "Dimanche soir"]),
        ("cette-semaine", ["En cours", "Ce soir", "Vendredi", "Samedi", "Dimanche soir"]),
        (
            "ce-mois-ci",
            ["En cours", "Ce soir", "Vendredi", "Samedi", "Dimanche soir", "Lundi", "Fin de mois"],
        ),
        ("le-mois-prochain", ["Juin"]),
    ],
)
def test_named_periods(agenda, calendar, period, expected):
    assert titles(agenda, {"period": period}) == expected


def test_on_sunday_this_week_end_is_the_one_in_progress(agenda, calendar):
    sunday = dt.datetime(2030, 5, 19, 10, 0, tzinfo=paris())
    # Saturday's event is over: only the current part of the week-end.
    assert titles(agenda, {"period": "ce-week-end"}, now=sunday) == ["Dimanche soir"]
    saturday_night = dt.datetime(2030, 5, 18, 23, 30, tzinfo=paris())
    assert titles(agenda, {"period": "ce-week-end"}, now=saturday_night) == [
        "Samedi",
        "Dimanche soir",
    ]


def test_this_month_on_its_last_evening(agenda, calendar):
    last_evening = dt.datetime(2030, 5, 31, 21, 0, tzinfo=paris())
    assert titles(agenda, {"period": "ce-mois-ci"}, now=last_evening) == ["Fin de mois"]
    assert titles(agenda, {"period": "le-mois-prochain"}, now=last_evening) == ["Juin"]


def test_date_range_is_inclusive(agenda, calendar):
    weekend = {"date_from": "2030-05-18", "date_to": "2030-05-19"}
    assert titles(agenda, weekend) == ["Samedi", "Dimanche soir"]
    assert titles(agenda, {"date_to": "2030-05-17"}) == ["En cours", "Ce soir", "Vendredi"]
    assert titles(agenda, {"date_from": "2030-05-31"}) == ["Fin de mois", "Juin", "Juillet"]
    # The French form of a date is accepted too.
    assert titles(agenda, {"date_from": "01/06/2030", "date_to": "01/06/2030"}) == ["Juin"]


def test_a_range_ending_before_it_starts_is_reported(agenda, calendar):
    listing = EventFilterSet(
        {"date_from": "2030-05-20", "date_to": "2030-05-18"}, scope=agenda, now=NOW
    )
    assert listing.notices == [
        "Jusqu'au\u00a0: «\u00a02030-05-18\u00a0» ignoré (la date de fin précède la date de début)."
    ]
    # The start is kept, the end ignored.
    assert [event.title for event in listing.qs] == ["Lundi", "Fin de mois", "Juin", "Juillet"]
    assert listing.params == {"date_from": "2030-05-20"}


def test_periods_apply_to_the_archive_too(agenda, calendar):
    later = dt.datetime(2030, 8, 1, 12, 0, tzinfo=paris())
    assert titles(agenda, {"date_from": "2030-05-18", "date_to": "2030-05-31"}, later, True) == [
        "Fin de mois",
        "Lundi",
        "Dimanche soir",
        "Samedi",
    ]


# --- What, where, who -----------------------------------------------------------------------------


@pytest.fixture
def catalogue(make_event, home_fr):
    directory = DirectoryIndexPageFactory(parent=home_fr, title="Annuaire", slug="annuaire-ef")
    mef = ActorPageFactory(parent=directory, title="MEF Mulhouse", slug="mef-ef")
    cress = ActorPageFactory(parent=directory, title="CRESS Île-de-France", slug="cress-ef")
    emploi = Theme.objects.create(name="Emploi filtres", slug="emploi-ef")
    finance = Theme.objects.create(name="Finance filtres", slug="finance-ef")
    make_event(
        (day(20), None, None, None),
        title="Alpha",
        event_type=vocab.EventType.FORUM,
        region="44",
        departement="68",
        city="Mulhouse",
        series="Mois de l'ESS",
        edition="2030",
        price=vocab.FREE,
        accessible=True,
        organisers=[{"actor": mef, "role": vocab.Role.ORGANISER}],
        themes=[emploi],
    )
    make_event(
        (day(3, 6), dt.time(18, 0), None, dt.time(19, 0)),
        title="Bravo",
        event_type=vocab.EventType.WORKSHOP,
        mode=vocab.ONLINE,
        online_url="https://example.org/visio",
        price=vocab.PAID,
        organisers=[{"name": "Collectif libre", "role": vocab.Role.ORGANISER}],
    )
    make_event(
        (day(4, 6), None, None, None),
        title="Charlie",
        event_type=vocab.EventType.CONFERENCE,
        mode=vocab.HYBRID,
        online_url="https://example.org/direct",
        region="11",
        departement="92",
        city="Sceaux",
        series="Forum",
        price=vocab.FREE,
        organisers=[{"actor": cress, "role": vocab.Role.PARTNER}],
        themes=[finance],
    )
    make_event(
        (day(5, 6), None, None, None),
        title="Delta",
        event_type=vocab.EventType.FORUM,
        region="44",
        departement="67",
        city="Strasbourg",
        price=vocab.PAID,
        organisers=[{"actor": mef, "role": vocab.Role.PARTNER}],
        themes=[emploi],
    )
    return {"mef": mef, "cress": cress}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "forum"}, ["Alpha", "Delta"]),
        ({"type": "atelier"}, ["Bravo"]),
        # On site includes hybrid events, and so does online.
        ({"mode": "sur-place"}, ["Alpha", "Charlie", "Delta"]),
        ({"mode": "en-ligne"}, ["Bravo", "Charlie"]),
        ({"mode": "hybride"}, ["Charlie"]),
        ({"region": "44"}, ["Alpha", "Delta"]),
        ({"departement": "92"}, ["Charlie"]),
        ({"city": "Strasbourg"}, ["Delta"]),
        ({"organiser": "mef-ef"}, ["Alpha", "Delta"]),
        ({"organiser": "cress-ef"}, ["Charlie"]),
        ({"series": "Mois de l'ESS"}, ["Alpha"]),
        ({"theme": "emploi-ef"}, ["Alpha", "Delta"]),
        ({"price": "gratuit"}, ["Alpha", "Charlie"]),
        ({"price": "payant"}, ["Bravo", "Delta"]),
        ({"accessible": "oui"}, ["Alpha"]),
        ({"q": "Strasbourg"}, ["Delta"]),
        # Combinations: every filter applies.
        ({"region": "44", "period": "ce-mois-ci"}, ["Alpha"]),
        ({"type": "forum", "organiser": "mef-ef", "price": "payant"}, ["Delta"]),
        ({"mode": "sur-place", "region": "11", "theme": "finance-ef"}, ["Charlie"]),
        ({"q": "Alpha", "region": "11"}, []),
        ({"date_from": "2030-06-01", "mode": "en-ligne", "price": "gratuit"}, ["Charlie"]),
    ],
)
def test_each_filter_and_combinations(agenda, catalogue, params, expected):
    assert titles(agenda, params) == expected


def test_filters_through_the_page_show_chips_and_keep_counts(client, agenda, catalogue):
    response = client.get(agenda.url, {"region": "44", "type": "forum", "organiser": "mef-ef"})
    assert response.status_code == 200
    assert card_titles(response) == ["Alpha", "Delta"]
    assert chips(response) == [
        "Type d'événement : Forum, salon",
        "Région : Grand Est",
        "Organisateur ou partenaire : MEF Mulhouse",
    ]
    # The choices of the form come from the agenda's content.
    form = soup(response).select_one("form.listing-filters")
    organisers = [option["value"] for option in form.select("select[name=organiser] option")]
    assert organisers == ["", "cress-ef", "mef-ef"]
    cities = [option["value"] for option in form.select("select[name=city] option")]
    assert cities == ["", "Mulhouse", "Sceaux", "Strasbourg"]


# --- Bad and hostile values -----------------------------------------------------------------------


BAD_VALUES = {
    "period": "demain",
    "date_from": "hier",
    "date_to": "31/02/2030",
    "type": "zzz",
    "mode": "téléportation",
    "region": "99",
    "departement": "2C",
    "city": "Atlantis",
    "organiser": "personne",
    "series": "Aucune série",
    "theme": "inconnu",
    "price": "offert",
    "accessible": "non",
    "q": "?!",
    "page": "abc",
}


@pytest.mark.parametrize(("name", "value"), list(BAD_VALUES.items()))
def test_a_bad_value_is_ignored_with_a_notice(client, agenda, catalogue, name, value):
    response = client.get(agenda.url, {name: value})
    assert response.status_code == 200
    (notice,) = notices(response)
    assert value in notice and "ignoré" in notice
    # Ignored: the listing is the unfiltered one.
    assert card_titles(response) == ["Alpha", "Bravo", "Charlie", "Delta"]
    assert chips(response) == []


def test_all_bad_values_at_once(client, agenda, catalogue):
    response = client.get(agenda.url + "archives/", BAD_VALUES)
    assert response.status_code == 200
    assert len(notices(response)) == len(BAD_VALUES)


# Control characters in the text query are removed (home/forms.py), the
# query kept: no notice for those.
CLEANED = [
    {"q": "forum\x00"},
    {"q": "\x1b[31mforum\x07"},
    {"q": "<script>alert(1)</script>"},
    {"q": "\x00\x01\x02"},
]
HOSTILE = [
    {"q": "é" * 10_000},
    {"type": "forum\x00"},
    {"city": "Mulhouse\x00"},
    {"organiser": "mef-ef\x00"},
    {"series": "Forum\x00"},
    {"theme": "\x00"},
    {"date_from": "0001-01-01"},
    {"date_to": "9999-12-31"},
    {"date_from": "1-1-1"},
    {"date_from": "2030-05-18\x00"},
    {"period": "ce-week-end\x00"},
    {"page": "99999999999999999999999999"},
    {"page": "-1"},
    {"page": "\x00"},
    {"region": "<b>44</b>"},
    {"departement": "6" * 10_000},
]


@pytest.mark.parametrize("params", HOSTILE + CLEANED, ids=lambda params: repr(params)[:40])
def test_hostile_input_never_breaks_the_index(client, agenda, catalogue, params):
    for url in (agenda.url, agenda.url + "archives/", agenda.url + "archives/2030/"):
        response = client.get(url, params)
        assert response.status_code in (200, 404), url
        if response.status_code == 404:
            # An archive year with no past event (without valid filters).
            assert url.endswith("2030/")
            continue
        assert bool(notices(response)) == (params not in CLEANED), (url, params)
        html = response.content.decode()
        assert "<script>alert" not in html and "<b>44" not in html
        assert "\x00" not in html


def test_a_page_past_the_end_shows_the_last_one_with_a_notice(client, agenda, catalogue):
    response = client.get(agenda.url, {"page": "99999"})
    assert response.status_code == 200
    assert notices(response) == ["La page 99999 n'existe pas : page 1 affichée."]
    assert card_titles(response) == ["Alpha", "Bravo", "Charlie", "Delta"]


def test_a_long_query_is_refused_not_truncated(client, agenda, catalogue):
    response = client.get(agenda.url, {"q": "forum " * 2_000, "type": "forum"})
    assert response.status_code == 200
    assert len(notices(response)) == 1 and "Mot-clé" in notices(response)[0]
    assert card_titles(response) == ["Alpha", "Delta"]


# --- Query count ----------------------------------------------------------------------------------


def test_index_query_count_is_pinned_and_constant(
    client, agenda, make_event, home_fr, django_assert_max_num_queries
):
    """The index runs the same queries with 3 or 30 events (20 per page):
    the counts, the page of events, their slots, their organisers."""
    directory = DirectoryIndexPageFactory(parent=home_fr, title="Annuaire", slug="annuaire-qc")
    actor = ActorPageFactory(parent=directory, title="Organisateur", slug="organisateur-qc")
    theme = Theme.objects.create(name="Thème compte", slug="theme-qc")
    urls = [
        ("index", agenda.url, {}),
        ("filtered", agenda.url, {"region": "44", "type": "forum", "organiser": "organisateur-qc"}),
        ("period", agenda.url, {"period": "ce-mois-ci", "theme": "theme-qc", "price": "gratuit"}),
        ("searched", agenda.url, {"q": "forum", "mode": "sur-place"}),
        ("archive", agenda.url + "archives/", {}),
    ]

    def add(start, stop):
        for n in range(start, stop):
            # Most to come, one in five past.
            when = dt.date(2030 if n % 5 else 2020, 1 + n % 12, 1 + n % 28)
            make_event(
                (when, dt.time(9, 0), None, dt.time(12, 0)),
                (when + dt.timedelta(days=7), None, None, None),
                title=f"Forum {n}",
                region="44",
                city=f"Ville {n % 4}",
                series=f"Série {n % 3}",
                price=vocab.FREE,
                latitude="47.7",
                longitude="7.3",
                organisers=[{"actor": actor}, {"name": f"Partenaire {n}", "role": "partenaire"}],
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
    # Today: routing (site, locale, pages, restrictions), the counts, the page
    # of events, their slots, their organisers, the site settings; a text
    # query adds its search and its ranking.
    assert few["index"] <= 12, few


# The budget for the agenda index, whatever the filters.
PINNED_INDEX_QUERIES = 15
