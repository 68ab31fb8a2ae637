"""The calls' public pages: the index (default order, each filter, bad
parameters, pagination, empty state, archive), a call's page, the home page's
list and the organisers' directory fiches. Query counts do not grow with the
number of calls."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from calls_for_projects.factories import CallForProjectsPageFactory, CallsIndexPageFactory
from calls_for_projects.filters import CallFilterSet
from calls_for_projects.models import (
    ApplicantType,
    CallForProjectsPage,
    CallJury,
    CallLaureate,
    CallOrganiser,
    CallsIndexPage,
)
from directory.factories import ActorPageFactory, DirectoryIndexPageFactory
from home.models import PageTheme, Theme
from tests.html import breadcrumb, facets, notices, texts

pytestmark = pytest.mark.django_db
PER_PAGE = CallFilterSet.per_page


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture
def index(home_fr):
    """An index of our own, so that seeded calls never change the counts."""
    return CallsIndexPageFactory(parent=home_fr, title="Appels test", slug="appels-test")


@pytest.fixture
def directory(home_fr):
    return DirectoryIndexPageFactory(parent=home_fr, title="Annuaire test", slug="annuaire-test")


@pytest.fixture
def organiser(directory):
    actor = ActorPageFactory(parent=directory, title="Collectivité Zorglub", slug="zorglub")
    actor.save_revision().publish()
    return actor


@pytest.fixture
def theme(db):
    return Theme.objects.create(name="Thème appels alpha", slug="theme-appels-alpha")


def add_call(index, *, organisers=(), applicants=(), themes=(), laureates=(), **fields):
    call = CallForProjectsPageFactory(parent=index, **fields)
    for i, (actor, role) in enumerate(organisers):
        CallOrganiser.objects.create(call=call, actor=actor, role=role, sort_order=i)
    for code in applicants:
        CallForProjectsPage.applicants.through.objects.create(
            callforprojectspage=call, applicanttype=ApplicantType.objects.get(code=code)
        )
    for theme in themes:
        PageTheme.objects.create(content_object=call, tag=theme)
    for i, (actor, name) in enumerate(laureates):
        CallLaureate.objects.create(call=call, actor=actor, name=name, sort_order=i)
    call = CallForProjectsPage.objects.get(pk=call.pk)
    call.save_revision().publish()
    return CallForProjectsPage.objects.get(pk=call.pk)


@pytest.fixture
def calls(index, organiser, theme):
    now = timezone.now()
    today = timezone.localdate()
    return {
        "alpha": add_call(
            index,
            title="Alpha clôture proche",
            call_type="ami",
            deadline=now + timedelta(days=3, hours=1),
            region="44",
            departement="68",
            organisers=[(organiser, "organisateur")],
            applicants=["associations"],
            themes=[theme],
            summary="Un appel pour les associations.",
        ),
        "beta": add_call(
            index,
            title="Bêta ouvert",
            call_type="aap",
            deadline=now + timedelta(days=30),
            region="11",
            departement="92",
            organisers=[(organiser, "partenaire")],
            applicants=["cae"],
            summary="Pour les coopératives du zéphyrin solidaire.",
        ),
        "gamma": add_call(
            index,
            title="Gamma fil de l'eau",
            call_type="fil-de-l-eau",
            is_rolling=True,
            region="44",
        ),
        "delta": add_call(
            index,
            title="Delta à venir",
            call_type="ami",
            opens_on=today + timedelta(days=10),
            deadline=now + timedelta(days=60),
            region="44",
        ),
        "theta": add_call(index, title="Thêta sans date", call_type="ami", region="44"),
        # No date, last known edition more than a year old: not listed by default.
        "iota": add_call(
            index,
            title="Iota sans session",
            call_type="ami",
            region="44",
            edition_year=today.year - 2,
        ),
        "eta": add_call(
            index,
            title="Êta national",
            call_type="prix",
            deadline=now + timedelta(days=5),
            scope="national",
            region="",
        ),
        "epsilon": add_call(
            index,
            title="Epsilon clos",
            call_type="aap",
            deadline=now - timedelta(days=10),
            region="44",
            organisers=[(organiser, "organisateur")],
        ),
        "zeta": add_call(
            index,
            title="Zêta résultats",
            call_type="prix",
            deadline=now - timedelta(days=400),
            region="11",
            laureates=[(organiser, "")],
        ),
    }


def listing(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def titles(response):
    """The cards' titles, in the order the page shows them."""
    return texts(response, ".call-list .card__title")


CURRENT_ORDER = [
    "Alpha clôture proche",
    "Êta national",
    "Bêta ouvert",
    "Gamma fil de l'eau",
    "Delta à venir",
    "Thêta sans date",
]


# --- Index ---------------------------------------------------------------------------------


def test_default_order_open_by_deadline_then_rolling_then_upcoming(client, index, calls):
    response = listing(client, index.url)
    assert titles(response) == CURRENT_ORDER
    assert "Epsilon clos" not in response.text  # closed calls are in the archive
    assert "Iota sans session" not in response.text  # on demand (status filter)
    assert "6 appels en cours ou à venir" in response.text


def test_cards_show_status_badges_and_time_left(client, index, calls):
    html = listing(client, index.url).text
    assert "Clôture proche" in html and "3 jours restants" in html
    assert "Au fil de l&#x27;eau" in html or "Au fil de l'eau" in html
    assert "Collectivité Zorglub" in html  # the organiser on the card


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"status": "ouvert"}, ["Alpha clôture proche", "Êta national", "Bêta ouvert"]),
        ({"status": "cloture-proche"}, ["Alpha clôture proche", "Êta national"]),
        ({"status": "fil-de-l-eau"}, ["Gamma fil de l'eau"]),
        ({"status": "a-venir"}, ["Delta à venir"]),
        ({"status": "dates-non-annoncees"}, ["Thêta sans date"]),
        ({"status": "pas-de-session"}, ["Iota sans session"]),
        ({"status": "clos"}, ["Epsilon clos", "Zêta résultats"]),
        ({"status": "resultats"}, ["Zêta résultats"]),
        (
            {"status": "tous"},
            CURRENT_ORDER + ["Iota sans session", "Epsilon clos", "Zêta résultats"],
        ),
        ({"type": "ami"}, ["Alpha clôture proche", "Delta à venir", "Thêta sans date"]),
        ({"type": "ami", "status": "ouvert"}, ["Alpha clôture proche"]),
        ({"type": "ami", "status": "a-venir"}, ["Delta à venir"]),
        ({"type": "ami", "status": "pas-de-session"}, ["Iota sans session"]),
        ({"organiser": "zorglub"}, ["Alpha clôture proche", "Bêta ouvert"]),
        ({"organiser": "zorglub", "status": "clos"}, ["Epsilon clos"]),
        ({"theme": "theme-appels-alpha"}, ["Alpha clôture proche"]),
        ({"applicant": "associations"}, ["Alpha clôture proche"]),
        ({"applicant": "cae"}, ["Bêta ouvert"]),
        (
            {"region": "44"},
            ["Alpha clôture proche", "Gamma fil de l'eau", "Delta à venir", "Thêta sans date"],
        ),
        ({"region": "44", "type": "ami", "status": "ouvert"}, ["Alpha clôture proche"]),
        ({"region": "national"}, ["Êta national"]),
        ({"q": "zéphyrin"}, ["Bêta ouvert"]),
        ({"q": "zephyrin solidaire"}, ["Bêta ouvert"]),
    ],
)
def test_each_filter(client, index, calls, params, expected):
    response = listing(client, index.url, **params)
    assert titles(response) == expected
    assert response.context["notices"] == []
    # The filters are kept in the form, the chips and the feed links.
    for key, value in params.items():
        assert response.context["filters"].params[key] == value
    assert "noindex" in response.text


def test_deadline_before_includes_the_whole_day(client, index, calls):
    day = timezone.localtime(calls["eta"].deadline).date()
    response = listing(client, index.url, deadline_before=day.isoformat())
    assert titles(response) == ["Alpha clôture proche", "Êta national"]
    day_before = day - timedelta(days=1)
    response = listing(client, index.url, deadline_before=day_before.isoformat())
    assert "Êta national" not in titles(response)
    # French day/month/year is accepted too.
    response = listing(client, index.url, deadline_before=day.strftime("%d/%m/%Y"))
    assert titles(response) == ["Alpha clôture proche", "Êta national"]


@pytest.mark.parametrize(
    "param, value",
    [
        ("status", "ouvertissime"),
        ("type", "appel"),
        ("organiser", "inconnu"),
        ("theme", "pas-un-theme"),
        ("applicant", "martiens"),
        ("region", "999"),
        ("deadline_before", "demain"),
        ("deadline_before", "2026-13-45"),
        ("deadline_before", "99999-01-01"),
        ("deadline_before", "0001-01-01"),
        ("q", "!!!"),
        ("q", "x" * 500),
        ("page", "-3"),
        ("page", "abc"),
    ],
)
def test_bad_values_are_ignored_with_a_notice(client, index, calls, param, value):
    response = listing(client, index.url, **{param: value})
    assert titles(response) == CURRENT_ORDER
    assert len(response.context["notices"]) == 1
    assert param not in response.context["filters"].params


def test_nul_byte_and_unknown_parameters(client, index, calls):
    response = listing(client, index.url, q="zéphyrin\x00", utm_source="x")
    assert titles(response) == ["Bêta ouvert"]


# --- The text query within the other filters ------------------------------------------------
# « solidaire » is in every call's summary but Alpha's (the factory's summary, and Bêta's).


def test_text_query_is_combined_with_the_other_filters(client, index, calls):
    response = listing(client, index.url, q="solidaire", type="ami")
    assert titles(response) == ["Delta à venir", "Thêta sans date"]
    assert response.context["results"].paginator.count == 2
    assert "2 appels en cours ou à venir" in response.text
    response = listing(client, index.url, q="solidaire")
    assert titles(response) == [
        "Êta national",
        "Bêta ouvert",
        "Gamma fil de l'eau",
        "Delta à venir",
        "Thêta sans date",
    ]
    # The status facet and the archive's years count the matches of every status.
    assert facets(response)["Statut"] == {
        "Ouverts (clôture proche comprise)": 2,
        "Clôture dans les 14 jours": 1,
        "Au fil de l'eau": 1,
        "À venir": 1,
        "Dates non annoncées": 1,
        "Pas de session annoncée depuis plus d'un an": 1,
        "Clos (archives)": 2,
        "Résultats publiés": 1,
    }
    assert sum(item.count for item in response.context["archive_years"]) == 2


def test_text_query_keeps_the_matches_of_the_other_filters(client, index, calls, monkeypatch):
    """More calls match the query than are kept: a filter still finds all its
    own matches, since the query is ranked within the other filters."""
    monkeypatch.setattr(CallFilterSet, "max_text_matches", 3)
    response = listing(client, index.url, q="solidaire")
    assert len(titles(response)) <= 3
    assert notices(response) == [
        "Plus de 3 appels correspondent à votre recherche : seuls les 3 plus pertinents "
        "sont retenus. Précisez-la ou ajoutez un filtre."
    ]
    response = listing(client, index.url, q="solidaire", type="ami")
    assert titles(response) == ["Delta à venir", "Thêta sans date"]
    assert notices(response) == []


def test_organiser_list_is_bounded_but_any_linked_fiche_works(
    client, index, calls, directory, monkeypatch
):
    from calls_for_projects import filters

    other = ActorPageFactory(parent=directory, title="Association Aardvark", slug="aardvark")
    other.save_revision().publish()
    add_call(index, title="Appel Aardvark", organisers=[(other, "organisateur")])
    monkeypatch.setattr(filters, "MAX_ORGANISER_CHOICES", 1)
    response = listing(client, index.url)
    choices = [value for value, _label in response.context["form"].fields["organiser"].choices]
    assert choices == ["", "zorglub"]  # the fiche linked to the most calls
    response = listing(client, index.url, organiser="aardvark", status="tous")
    assert titles(response) == ["Appel Aardvark"]
    assert response.context["notices"] == []


def test_chips_remove_one_filter(client, index, calls):
    response = listing(client, index.url, type="ami", region="44")
    chips = {chip.param: chip.remove_query for chip in response.context["chips"]}
    assert chips == {"type": "region=44", "region": "type=ami"}


def test_facets_count_statuses_types_and_regions(client, index, calls):
    response = listing(client, index.url)
    facets = {
        facet.param: {i.value: i.count for i in facet.items} for facet in response.context["facets"]
    }
    assert facets["status"] == {
        "ouvert": 3,
        "cloture-proche": 2,
        "fil-de-l-eau": 1,
        "a-venir": 1,
        "dates-non-annoncees": 1,
        "pas-de-session": 1,
        "clos": 2,
        "resultats": 1,
    }
    assert facets["type"] == {"aap": 1, "ami": 3, "prix": 1, "fil-de-l-eau": 1}
    assert facets["region"] == {"44": 4, "11": 1}


def test_pagination(client, index):
    now = timezone.now()
    for n in range(PER_PAGE + 3):
        add_call(index, title=f"Appel page {n:02d}", deadline=now + timedelta(days=20 + n))
    first = listing(client, index.url)
    assert len(titles(first)) == PER_PAGE
    assert titles(first)[0] == "Appel page 00"
    second = listing(client, index.url, page=2)
    assert titles(second) == [f"Appel page {n:02d}" for n in range(PER_PAGE, PER_PAGE + 3)]
    beyond = listing(client, index.url, page=99)
    assert titles(beyond) == titles(second)
    assert notices(beyond) == ["La page 99 n'existe pas : page 2 affichée."]


def test_empty_state(client, index, calls):
    response = listing(client, index.url, type="autre")
    assert titles(response) == []
    assert "Aucun appel ne correspond à ces critères" in response.text
    empty_index = CallsIndexPageFactory(
        parent=index.get_parent(), title="Appels vides", slug="appels-vides"
    )
    response = listing(client, empty_index.url)
    assert "ouvert ni annoncé pour le moment" in response.text


def test_archive_by_year(client, index, calls):
    year = timezone.localtime(calls["epsilon"].deadline).year
    old_year = timezone.localtime(calls["zeta"].deadline).year
    response = listing(client, index.url)
    years = [(item.year, item.count) for item in response.context["archive_years"]]
    assert years == [(year, 1), (old_year, 1)]  # 390 days apart: two years, newest first
    archive = listing(client, f"{index.url}archives/{old_year}/")
    assert titles(archive) == ["Zêta résultats"]
    assert client.get(f"{index.url}archives/").status_code == 200
    assert client.get(f"{index.url}archives/2090/").status_code == 200  # empty year
    assert client.get(f"{index.url}archives/99999/").status_code == 404


def test_archive_year_says_when_the_page_does_not_exist(client, index, calls):
    """The archive paginates like the index: the same notice (it said nothing)."""
    year = timezone.localtime(calls["zeta"].deadline).year
    archive = listing(client, f"{index.url}archives/{year}/", page=9)
    assert titles(archive) == ["Zêta résultats"]
    assert notices(archive) == ["La page 9 n'existe pas : page 1 affichée."]


def test_archive_breadcrumb_leads_back_to_the_index(client, index, calls):
    year = timezone.localtime(calls["zeta"].deadline).year
    archives = client.get(f"{index.url}archives/")
    assert breadcrumb(archives.text) == [
        ("Accueil", "/fr/"),
        (index.title, index.url),
        ("Archives", None),
    ]
    one_year = client.get(f"{index.url}archives/{year}/")
    assert breadcrumb(one_year.text) == [
        ("Accueil", "/fr/"),
        (index.title, index.url),
        ("Archives", f"{index.url}archives/"),
        (str(year), None),
    ]
    assert breadcrumb(client.get(index.url).text)[-1] == (index.title, None)


# --- The status at request time, whatever the cache ----------------------------------------


def test_listing_and_page_follow_the_clock_without_any_cache_reset(client, index, monkeypatch):
    deadline = timezone.now() + timedelta(days=1)
    call = add_call(index, title="Appel à la minute", deadline=deadline)
    monkeypatch.setattr(timezone, "now", lambda: deadline - timedelta(minutes=1))
    before = listing(client, index.url)
    assert titles(before) == ["Appel à la minute"]
    page = client.get(call.url)
    assert "Clôture proche" in page.text and "1 minute restante" in page.text
    assert int(page["Cache-Control"].split("max-age=")[1].split(",")[0]) <= 60

    monkeypatch.setattr(timezone, "now", lambda: deadline + timedelta(minutes=1))
    after = listing(client, index.url)
    assert titles(after) == []
    page = client.get(call.url)
    assert "Clôture proche" not in page.text and "Ouvert" not in page.text
    assert ">Clos<" in page.text


def test_http_cache_lifetime_ends_before_the_next_status_change(client, index, django_user_model):
    soon = add_call(
        index, title="Appel bientôt clos", deadline=timezone.now() + timedelta(minutes=2)
    )
    far = add_call(index, title="Appel lointain", deadline=timezone.now() + timedelta(days=90))
    assert "public" in client.get(far.url)["Cache-Control"]
    assert "max-age=300" in client.get(far.url)["Cache-Control"]
    lifetime = int(client.get(soon.url)["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert 0 < lifetime <= 120
    listing_lifetime = client.get(index.url)["Cache-Control"]
    assert int(listing_lifetime.split("max-age=")[1].split(",")[0]) <= 120
    editor = django_user_model.objects.create_user("lecteur-appels", password="x")
    client.force_login(editor)
    control = client.get(far.url)["Cache-Control"]
    assert "private" in control and "public" not in control


def card(html, title):
    """The HTML of the card of the call named `title` in a listing."""
    cards = [part for part in html.split('<li class="card call-card') if title in part]
    assert len(cards) == 1, f"{title!r}: {len(cards)} cards"
    return cards[0].split("</li>")[0]


def test_cached_cards_show_the_status_and_time_left_of_each_request(client, index, monkeypatch):
    """Cards are cached (cards.py), their status and time left are not."""
    deadline = timezone.now() + timedelta(days=1)
    add_call(index, title="Carte à la minute", deadline=deadline)
    moments = [
        (timedelta(hours=-3, minutes=-5), "Clôture proche", "3 heures restantes"),
        (timedelta(hours=-2, minutes=-5), "Clôture proche", "2 heures restantes"),
        (timedelta(minutes=-1), "Clôture proche", "1 minute restante"),
        (timedelta(minutes=1), "Clos", None),
        (timedelta(days=3), "Clos", None),
    ]
    for offset, label, left in moments:
        monkeypatch.setattr(timezone, "now", lambda offset=offset: deadline + offset)
        html = card(listing(client, index.url, status="tous").text, "Carte à la minute")
        assert f"</span>{label}</span>" in html, offset
        if left:
            assert f"({left})" in html, offset
        else:
            assert "restant" not in html and "Clôture proche" not in html, offset
            assert "call-card--clos" in html


def test_cards_follow_a_publication_of_the_call_or_its_organiser(client, index, organiser):
    call = add_call(
        index,
        title="Carte avant",
        deadline=timezone.now() + timedelta(days=30),
        organisers=[(organiser, "organisateur")],
    )
    html = card(listing(client, index.url).text, "Carte avant")
    assert "Collectivité Zorglub" in html
    call.title = "Carte après"
    call.save_revision().publish()
    organiser.title = "Collectivité Zorglub renommée"
    organiser.save_revision().publish()
    html = listing(client, index.url).text
    assert "Carte avant" not in html
    assert "Collectivité Zorglub renommée" in card(html, "Carte après")
    # The home page's cards come from the same cache.
    seeded = CallsIndexPage.objects.get(locale=index.locale, slug="appels-a-projets")
    add_call(seeded, title="Carte accueil", deadline=timezone.now() + timedelta(days=1))
    home = client.get(index.get_parent().url).text
    assert "Clôture proche" in card(home, "Carte accueil")


# --- A call's page -----------------------------------------------------------------------------


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD script"
    return json.loads(match.group(1))


def test_call_page_shows_everything(client, index, organiser):
    call = add_call(
        index,
        title="Appel complet",
        call_type="ami",
        deadline=timezone.now() + timedelta(days=8, hours=2),
        organisers=[(organiser, "organisateur")],
        applicants=["associations", "siae"],
        framework="Mois de l'ESS",
        max_per_project=50000,
        funding_note="pour la première année",
        edition_number=3,
        edition_year=2026,
        application_url="https://exemple.org/candidater",
    )
    CallOrganiser.objects.create(call=call, name="Fondation hors annuaire", role="financeur")
    CallJury.objects.create(
        call=call, name="Jury citoyen", college="citoyens", award="prix du public"
    )
    response = client.get(call.url)
    assert response.status_code == 200
    html = response.text
    assert "Clôture proche" in html and "8 jours restants" in html
    assert f'href="{organiser.url}"' in html  # the organiser's fiche is linked
    assert "Fondation hors annuaire" in html
    assert "Associations" in html and "Structures d&#x27;insertion" in html
    assert re.search(r"50\D000", html) and "pour la première année" in html
    assert "Jury citoyen" in html and "prix du public" in html
    assert "Mois de l&#x27;ESS" in html
    assert f"{call.url}ical/" in html  # add to my calendar
    data = json_ld(html)
    assert data["@type"] == "MonetaryGrant"
    assert data["name"] == "Appel complet"
    assert {f["name"] for f in data["funder"]} == {
        "Collectivité Zorglub",
        "Fondation hors annuaire",
    }
    assert data["amount"] == {"@type": "MonetaryAmount", "currency": "EUR", "value": 50000.0}
    assert data["potentialAction"]["target"] == "https://exemple.org/candidater"
    assert data["potentialAction"]["endTime"].startswith(
        timezone.localtime(call.deadline).strftime("%Y-%m-%dT%H:%M")
    )


def test_call_page_json_ld_escapes_script(client, index):
    call = add_call(index, title="Appel </script><script>alert(1)</script>")
    html = client.get(call.url).text
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)["name"] == "Appel </script><script>alert(1)</script>"


def test_undated_and_discontinued_calls(client, index):
    undated = add_call(index, title="Appel sans dates", dates_note="Dates à venir.")
    html = client.get(undated.url).text
    assert ">Dates non annoncées<" in html and "Pas encore annoncées" in html
    assert ">À venir<" not in html
    assert "ical/" not in html
    assert client.get(f"{undated.url}ical/").status_code == 404
    stopped = add_call(
        index,
        title="Appel arrêté",
        discontinued=True,
        discontinued_year=2015,
        discontinued_note="Stoppé depuis la loi NOTRe.",
    )
    html = client.get(stopped.url).text
    assert ">Clos<" in html and "Stoppé depuis la loi NOTRe." in html
    assert "potentialAction" not in html


# --- Calls without dates: the last known edition ------------------------------------------


def test_undated_calls_show_their_last_known_edition_not_upcoming(client, index):
    year = timezone.localdate().year
    add_call(
        index,
        title="Annuel attendu",
        call_type="ami",
        edition_number=4,
        edition_year=year - 1,
        dates_note="Prochaine édition en préparation.",
    )
    stale = add_call(index, title="AMI d'une autre époque", call_type="ami", edition_year=2018)
    html = listing(client, index.url).text
    awaited = card(html, "Annuel attendu")
    assert "</span>Dates non annoncées</span>" in awaited
    assert f"<dt>Dernière édition connue</dt><dd>n° 4, {year - 1}</dd>" in awaited
    assert "À venir" not in awaited
    assert "AMI d&#x27;une autre époque" not in html  # not in the default listing
    # « À venir » promises a session: only dated ones.
    assert titles(listing(client, index.url, status="a-venir")) == []
    response = listing(client, index.url, type="ami", status="pas-de-session")
    assert titles(response) == ["AMI d'une autre époque"]
    old = card(response.text, "AMI d&#x27;une autre époque")
    assert "</span>Pas de session annoncée</span>" in old and "call-card--pas-de-session" in old
    assert "<dt>Dernière édition connue</dt><dd>2018</dd>" in old

    page = client.get(stale.url).text
    assert ">Pas de session annoncée<" in page and ">À venir<" not in page
    assert "Aucune session de cet appel n'a été annoncée depuis plus d'un an." in page
    assert "<dt>Dernière édition connue</dt><dd>2018</dd>" in page
    assert "potentialAction" not in page  # nothing to apply to


def test_undated_call_without_edition_year_counts_from_its_last_publication(
    client, index, monkeypatch
):
    call = add_call(index, title="Appel sans année", call_type="aap")
    published = call.last_published_at
    response = listing(client, index.url)
    assert titles(response) == ["Appel sans année"]
    html = card(response.text, "Appel sans année")
    assert "</span>Dates non annoncées</span>" in html
    day = timezone.localtime(published).date()
    assert f'<dt>Dernière mise à jour</dt><dd><time datetime="{day.isoformat()}">' in html
    # The HTTP cache lifetime of the page ends when it changes, a year later.
    monkeypatch.setattr(timezone, "now", lambda: published + timedelta(days=365, minutes=-1))
    page = client.get(call.url)
    assert ">Dates non annoncées<" in page.text
    assert int(page["Cache-Control"].split("max-age=")[1].split(",")[0]) <= 60
    monkeypatch.setattr(timezone, "now", lambda: published + timedelta(days=365, minutes=1))
    assert titles(listing(client, index.url)) == []
    assert titles(listing(client, index.url, status="pas-de-session")) == ["Appel sans année"]
    assert ">Pas de session annoncée<" in client.get(call.url).text


def test_call_page_query_count_does_not_grow_with_its_relations(
    client, index, directory, django_assert_max_num_queries
):
    call = add_call(index, title="Appel relations", deadline=timezone.now() + timedelta(days=40))

    def count():
        client.get(call.url)
        with django_assert_max_num_queries(40) as captured:
            assert client.get(call.url).status_code == 200
        return len(captured.captured_queries)

    few = count()
    for n in range(12):
        actor = ActorPageFactory(parent=directory, title=f"Partenaire {n}")
        CallOrganiser.objects.create(call=call, actor=actor, role="partenaire", sort_order=n)
        CallLaureate.objects.create(call=call, actor=actor, project=f"Projet {n}", sort_order=n)
    assert count() == few


# --- Home page and organisers' fiches ---------------------------------------------------------


def test_home_page_lists_open_calls_closing_soonest(client, home_fr):
    from calls_for_projects.related import HOME_CALLS

    seeded = CallsIndexPage.objects.get(locale=home_fr.locale, slug="appels-a-projets")
    now = timezone.now()
    add_call(seeded, title="Accueil dans 20 jours", deadline=now + timedelta(days=20))
    add_call(seeded, title="Accueil dans 2 jours", deadline=now + timedelta(days=2))
    add_call(seeded, title="Accueil clos", deadline=now - timedelta(days=2))
    add_call(seeded, title="Accueil au fil de l'eau", is_rolling=True, call_type="fil-de-l-eau")
    add_call(seeded, title="Accueil sans dates", edition_year=timezone.localdate().year)
    response = client.get(home_fr.url)
    assert response.status_code == 200
    (section,) = [s for s in response.context["sections"] if s["key"] == "calls"]
    calls = section["calls"]
    shown = [call.title for call in calls]
    # Dated calls first, nearest deadline first; then rolling grants fill the list.
    assert shown[:2] == ["Accueil dans 2 jours", "Accueil dans 20 jours"]
    assert len(shown) == HOME_CALLS and all(call.is_rolling for call in calls[2:])
    assert "Accueil clos" not in shown and "Accueil sans dates" not in shown
    html = response.text
    assert html.index("Accueil dans 2 jours") < html.index("Accueil dans 20 jours")
    assert f'href="{seeded.url}"' in html


def test_home_page_query_count_does_not_grow(client, home_fr, django_assert_max_num_queries):
    seeded = CallsIndexPage.objects.get(locale=home_fr.locale, slug="appels-a-projets")
    now = timezone.now()

    def count():
        client.get(home_fr.url)
        with django_assert_max_num_queries(40) as captured:
            client.get(home_fr.url)
        return len(captured.captured_queries)

    add_call(seeded, title="Accueil compte 0", deadline=now + timedelta(days=3))
    few = count()
    for n in range(1, 10):
        add_call(seeded, title=f"Accueil compte {n}", deadline=now + timedelta(days=3 + n))
    assert count() == few


def test_organiser_fiche_lists_its_calls(client, index, calls, organiser):
    response = client.get(organiser.url)
    assert response.status_code == 200
    html = response.text
    section = html[html.index('id="appels-a-projets"') :]
    for title in ["Alpha clôture proche", "Bêta ouvert", "Epsilon clos"]:
        assert title in section
    assert "Partenaire" in section and "Organisateur" in section
    assert "Lauréat de" in section and "Zêta résultats" in section
    assert "Gamma fil de l" not in section  # not linked to this actor


def test_fiche_without_calls_has_no_section(client, directory):
    actor = ActorPageFactory(parent=directory, title="Sans appel")
    actor.save_revision().publish()
    assert 'id="appels-a-projets"' not in client.get(actor.url).text


def test_fiche_query_count_does_not_grow_with_calls(
    client, index, organiser, django_assert_max_num_queries
):
    now = timezone.now()

    def count():
        client.get(organiser.url)
        with django_assert_max_num_queries(40) as captured:
            client.get(organiser.url)
        return len(captured.captured_queries)

    add_call(
        index,
        title="Fiche 0",
        deadline=now + timedelta(days=3),
        organisers=[(organiser, "organisateur")],
    )
    few = count()
    for n in range(1, 12):
        add_call(
            index,
            title=f"Fiche {n}",
            deadline=now + timedelta(days=3 + n),
            organisers=[(organiser, "financeur")],
        )
    assert count() == few


def debug_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return "\n".join(q["sql"][:300] for q in ctx.captured_queries)


# --- Query counts of the listing ---------------------------------------------------------------


def test_index_query_count_does_not_grow_with_calls(
    client, index, organiser, theme, django_assert_max_num_queries
):
    now = timezone.now()
    urls = [
        ("index", {}),
        ("filtered", {"type": "ami", "region": "44", "status": "ouvert"}),
        ("searched", {"q": "appel", "theme": "theme-appels-alpha"}),
        ("archive", {"status": "clos"}),
    ]

    def add(start, stop):
        for n in range(start, stop):
            add_call(
                index,
                title=f"Appel volume {n}",
                call_type="ami" if n % 2 else "aap",
                # a closed call and open ones in the few, a mix in the many
                deadline=now + timedelta(days=-3 if n == 0 else 10 - n),
                organisers=[(organiser, "organisateur")],
                themes=[theme] if n % 3 else [],
                applicants=["associations"],
            )

    def counts():
        result = {}
        for label, params in urls:
            client.get(index.url, params)
            with django_assert_max_num_queries(25) as captured:
                assert client.get(index.url, params).status_code == 200
            result[label] = len(captured.captured_queries)
        return result

    add(0, 3)
    few = counts()
    add(3, 45)
    many = counts()
    assert many == few, debug_queries(client, index.url)


def test_a_listing_asked_again_reads_no_call(client, index, calls):
    """Its counts and its page of cards are kept per selection and time
    window: a second request selects nothing from the calls (the first
    does), and a publication shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def calls_read(params):
        with CaptureQueriesContext(connection) as captured:
            response = listing(client, index.url, **params)
        sql = [q["sql"] for q in captured.captured_queries]
        return response, [q for q in sql if "calls_for_projects_callforprojectspage" in q]

    for params in ({}, {"status": "tous", "page": "1"}, {"type": "aap"}):
        first, read = calls_read(params)
        assert read, params
        again, read = calls_read(params)
        assert read == [] and titles(again) == titles(first), params
    add_call(index, title="Appel publié entre-temps", deadline=timezone.now() + timedelta(days=30))
    assert "Appel publié entre-temps" in titles(calls_read({})[0])
