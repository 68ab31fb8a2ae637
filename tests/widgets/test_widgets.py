"""Embeddable widgets (home/widgets.py, issue 15): each listing's widget
selects with the listing's own filter set, shows no site header nor footer,
may be framed by other sites while every other page refuses it, never
answers a 500 to a hostile query, speaks English under /en/, and the
listings' « Intégrer sur votre site » panel builds its snippets from the
current filters."""

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from wagtail.models import Page

from calls_for_projects.factories import CallForProjectsPageFactory, CallsIndexPageFactory
from calls_for_projects.models import CallForProjectsPage
from directory.factories import ActorPageFactory, DirectoryIndexPageFactory, NetworkFactory
from directory.models import ActorPage
from events import vocab
from events.models import AgendaIndexPage, EventPage, EventSlot
from home.widgets import WIDGETS, snippets
from tests.html import soup

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


# --- Fixtures ---------------------------------------------------------------------------


@pytest.fixture
def directory(home_fr):
    return DirectoryIndexPageFactory(parent=home_fr, title="Annuaire widget", slug="annuaire-w")


@pytest.fixture
def rtes(db):
    return NetworkFactory(name="Réseau widget des territoires", slug="rtes-w", acronym="RTW")


def add_actor(index, networks=(), **fields):
    fields.setdefault("postcode", "")
    actor = ActorPageFactory(parent=index, **fields)
    for network in networks:
        ActorPage.networks.through.objects.create(actorpage=actor, network=network)
    actor.save_revision().publish()
    return actor


@pytest.fixture
def actors(directory, rtes):
    located = {"latitude": Decimal("47.750000"), "longitude": Decimal("7.330000")}
    return {
        "mulhouse": add_actor(
            directory,
            title="Mulhouse Solidaire",
            kind="commune",
            region="44",
            departement="68",
            city="Mulhouse",
            networks=[rtes],
            **located,
        ),
        "colmar": add_actor(
            directory,
            title="Colmar Coopère",
            kind="commune",
            region="44",
            departement="68",
            city="Colmar",
        ),
        "strasbourg": add_actor(
            directory,
            title="Strasbourg Réseau",
            kind="metropole",
            region="44",
            departement="67",
            city="Strasbourg",
            networks=[rtes],
        ),
        "paris": add_actor(
            directory,
            title="Paris Entraide",
            kind="commune",
            region="11",
            departement="75",
            city="Paris",
            networks=[rtes],
        ),
    }


@pytest.fixture
def calls_index(home_fr):
    return CallsIndexPageFactory(parent=home_fr, title="Appels widget", slug="appels-w")


def add_call(index, **fields):
    call = CallForProjectsPageFactory(parent=index, **fields)
    call = CallForProjectsPage.objects.get(pk=call.pk)
    call.save_revision().publish()
    return call


@pytest.fixture
def calls(calls_index):
    now = timezone.now()
    return {
        "grand_est": add_call(
            calls_index, title="Grand Est ouvert", deadline=now + 30 * DAY, region="44"
        ),
        "ile_de_france": add_call(
            calls_index, title="Île-de-France ouvert", deadline=now + 20 * DAY, region="11"
        ),
        "closed": add_call(
            calls_index, title="Grand Est clos", deadline=now - 10 * DAY, region="44"
        ),
        "upcoming": add_call(
            calls_index,
            title="Grand Est à venir",
            opens_on=timezone.localdate() + 10 * DAY,
            deadline=now + 60 * DAY,
            region="44",
        ),
    }


@pytest.fixture
def agenda(home_fr):
    index = AgendaIndexPage(title="Agenda widget", slug="agenda-w")
    home_fr.add_child(instance=index)
    index.save_revision().publish()
    return AgendaIndexPage.objects.get(pk=index.pk)


def add_event(agenda, day, **fields):
    event = EventPage(event_type=vocab.EventType.FORUM, **fields)
    event.slots.add(EventSlot(start_date=day))
    agenda.add_child(instance=event)
    event.save_revision().publish()
    return event


@pytest.fixture
def events(agenda):
    today = timezone.localdate()
    return {
        "forum": add_event(agenda, today + 10 * DAY, title="Forum widget Mulhouse", region="44"),
        "atelier": add_event(agenda, today + 20 * DAY, title="Atelier widget Paris", region="11"),
        "past": add_event(agenda, today - 20 * DAY, title="Forum widget passé", region="44"),
    }


def widget_url(index, query=""):
    return index.url + "widget/" + (f"?{query}" if query else "")


def names(response, selector):
    return [node.get_text(" ", strip=True) for node in soup(response).select(selector)]


def item_titles(response):
    """The titles the widget lists (cards' titles, or the map's list)."""
    page = soup(response)
    nodes = page.select(".card__title") or page.select(".map-list__item > a")
    return sorted(node.get_text(" ", strip=True) for node in nodes)


def assert_framable(response):
    assert "X-Frame-Options" not in response.headers
    policy = response.headers["Content-Security-Policy"]
    assert re.search(r"frame-ancestors \*(;|$)", policy), policy
    # The rest of the policy stays the public one.
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy


def assert_not_framable(response):
    assert response.headers.get("X-Frame-Options") in ("DENY", "SAMEORIGIN")
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]


# --- The registry ---------------------------------------------------------------------


def test_each_listing_app_registers_its_widget():
    assert [widget.key for widget in WIDGETS.widgets()] == ["calls", "directory", "agenda"]
    for widget in WIDGETS.widgets():
        assert widget.filterset_class().__name__.endswith("FilterSet")
        assert callable(widget.context_function())


# --- Each widget's selection ------------------------------------------------------------


def test_directory_widget_lists_network_actors_in_haut_rhin(client, directory, actors):
    response = client.get(widget_url(directory, "network=rtes-w&departement=68"))
    assert response.status_code == 200
    assert item_titles(response) == ["Mulhouse Solidaire"]
    page = soup(response)
    # The map loads the listing's own GeoJSON with the same filters.
    map_div = page.select_one("[data-directory-map]")
    geojson = urlsplit(map_div["data-geojson-url"])
    assert geojson.path == directory.url + "geojson/"
    assert parse_qs(geojson.query) == {"network": ["rtes-w"], "departement": ["68"]}
    assert (
        client.get(map_div["data-geojson-url"]).json()["features"][0]["properties"]["name"]
        == "Mulhouse Solidaire"
    )
    # The selection is said, and the link back leads to the same listing.
    criteria = page.select_one(".widget__criteria").get_text(" ", strip=True)
    assert "Haut-Rhin" in criteria and "RTW" in criteria
    back = page.select_one("a.widget__more-link")
    assert back["target"] == "_blank" and back["rel"] == ["noopener"]
    assert urlsplit(back["href"]).path == directory.url
    assert parse_qs(urlsplit(back["href"]).query) == {
        "network": ["rtes-w"],
        "departement": ["68"],
    }
    assert back["href"].startswith("http")


def test_directory_widget_without_filters_lists_every_actor(client, directory, actors):
    response = client.get(widget_url(directory))
    assert item_titles(response) == sorted(actor.title for actor in actors.values())
    # No actor located but one: the map still shows, counted.
    assert "dont 1 placé sur la carte" in soup(response).select_one("#widget-count").get_text()


def test_calls_widget_lists_open_calls_in_grand_est(client, calls_index, calls):
    response = client.get(widget_url(calls_index, "region=44&status=ouvert"))
    assert response.status_code == 200
    assert item_titles(response) == ["Grand Est ouvert"]
    # Without a status: the listing's default, open and upcoming.
    response = client.get(widget_url(calls_index, "region=44"))
    assert item_titles(response) == ["Grand Est ouvert", "Grand Est à venir"]
    # The response's lifetime ends before the next status change.
    assert "max-age=" in response.headers["Cache-Control"]


def test_agenda_widget_lists_the_next_events_of_the_selection(client, agenda, events):
    response = client.get(widget_url(agenda, "region=44"))
    assert response.status_code == 200
    assert item_titles(response) == ["Forum widget Mulhouse"]
    response = client.get(widget_url(agenda))
    assert item_titles(response) == ["Atelier widget Paris", "Forum widget Mulhouse"]


def test_widget_shows_at_most_its_limit_and_links_to_the_rest(client, calls_index):
    now = timezone.now()
    for number in range(12):
        add_call(
            calls_index, title=f"Appel nombreux {number:02d}", deadline=now + (number + 1) * DAY
        )
    response = client.get(widget_url(calls_index))
    assert len(item_titles(response)) == 10
    assert "Voir les 12 appels sur le site" in soup(response).select_one(".widget__more").get_text()


@pytest.mark.parametrize("count", [3, 30])
def test_widget_queries_do_not_grow_with_content(
    client, calls_index, directory, agenda, count, django_assert_max_num_queries
):
    now = timezone.now()
    for number in range(count):
        add_call(calls_index, title=f"Appel {number}", deadline=now + (number + 1) * DAY)
        add_actor(directory, title=f"Acteur {number}", kind="commune", region="44")
        add_event(agenda, timezone.localdate() + (number + 1) * DAY, title=f"Forum {number}")
    for index in (calls_index, directory, agenda):
        client.get(widget_url(index))  # warms the site's caches (settings, menus)
        with django_assert_max_num_queries(25):
            assert client.get(widget_url(index, "region=44")).status_code == 200


# --- Without the site's header and footer, accessible ------------------------------------------


@pytest.mark.parametrize("fixture", ["directory", "calls_index", "agenda"])
def test_widget_page_is_minimal_and_accessible(client, request, fixture):
    index = request.getfixturevalue(fixture)
    response = client.get(widget_url(index))
    page = soup(response)
    assert page.html["lang"] == "fr"
    assert page.title.get_text(strip=True).startswith(index.title)
    assert page.select_one("h1").get_text(strip=True) == index.title
    assert not page.select(".site-header, .site-footer, .main-nav, .skip-links, .breadcrumb")
    assert page.select_one('meta[name="viewport"]')
    assert page.select_one('meta[name="robots"]')["content"] == "noindex, follow"
    # Every link leaves the frame for a new window.
    assert page.select_one("base")["target"] == "_blank"
    stylesheets = [link["href"] for link in page.select('link[rel="stylesheet"]')]
    assert any(href.endswith("css/site.css") for href in stylesheets)
    assert any(href.endswith("css/widgets.css") for href in stylesheets)
    scripts = [script["src"] for script in page.select("script[src]")]
    assert any(src.endswith("js/embed.js") for src in scripts)
    assert not page.select("script:not([src])")


def test_english_widget(client, home_en):
    calls_en = Page.objects.get(locale=home_en.locale, slug="calls-for-projects").specific
    response = client.get(calls_en.url + "widget/?status=nimporte")
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "en"
    assert calls_en.url.startswith("/en/")
    back = page.select_one("a.widget__more-link")
    assert urlsplit(back["href"]).path == calls_en.url


# --- Framing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["directory", "calls_index", "agenda"])
def test_only_the_widget_may_be_framed(client, request, fixture, settings):
    settings.X_FRAME_OPTIONS = "SAMEORIGIN"  # as in production
    index = request.getfixturevalue(fixture)
    assert_framable(client.get(widget_url(index)))
    assert_not_framable(client.get(index.url))
    assert_not_framable(client.get("/fr/"))


def test_fiches_and_other_routes_keep_refusing_frames(client, directory, actors):
    assert_not_framable(client.get(actors["mulhouse"].url))
    assert_not_framable(client.get(directory.url + "carte/"))


def test_frame_ancestors_can_be_a_list_of_partners(client, calls_index, settings):
    settings.WIDGET_FRAME_ANCESTORS = [
        "https://partenaire.example.org",
        "https://autre.example.net",
    ]
    policy = client.get(widget_url(calls_index)).headers["Content-Security-Policy"]
    assert "frame-ancestors https://partenaire.example.org https://autre.example.net" in policy
    assert_not_framable(client.get(calls_index.url))


def test_a_bad_frame_ancestors_setting_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    from home.csp import widget_frame_ancestors

    settings.WIDGET_FRAME_ANCESTORS = ["https://ok.example.org; script-src *"]
    with pytest.raises(ImproperlyConfigured):
        widget_frame_ancestors()


# --- Hostile query strings -------------------------------------------------------------------

HOSTILE = [
    ("region", "99"),
    ("region", "4\x004"),
    ("departement", "x" * 10_000),
    ("network", "\x1b[31m"),
    ("status", "<script>alert(1)</script>"),
    ("page", "99999999999999999999"),
    ("q", "\x00"),
    ("q", "a" * 10_000),
    ("deadline_before", "0001-01-01"),
    ("date_from", "0000-13-45"),
    ("theme", "../../etc/passwd"),
    ("sort", "-password"),
]


@pytest.mark.parametrize("param,value", HOSTILE)
def test_hostile_query_strings_get_notices_never_a_500(
    client, directory, calls_index, agenda, param, value
):
    for index in (directory, calls_index, agenda):
        response = client.get(widget_url(index), {param: value})
        assert response.status_code == 200, (index, param)
        body = response.content.decode()
        assert "<script>alert(1)" not in body
        assert_framable(response)


def test_rejected_values_get_the_listings_notices(client, calls_index, calls):
    response = client.get(widget_url(calls_index, "region=99&status=ouvert"))
    notices = names(response, ".listing-notices li")
    assert len(notices) == 1
    assert notices[0] == "Territoire\xa0: «\xa099\xa0» ignoré (valeur inconnue)."
    # The valid filter still applies.
    assert item_titles(response) == ["Grand Est ouvert", "Île-de-France ouvert"]


def test_a_page_without_a_widget_has_no_widget_route(client, home_fr):
    assert client.get("/fr/widget/").status_code == 404


# --- The « Intégrer sur votre site » panel -------------------------------------------------------


def panel(response):
    return soup(response).select_one("details.embed-panel")


def test_listing_panel_snippets_reflect_the_filters(client, calls_index, calls):
    response = client.get(calls_index.url, {"region": "44", "status": "ouvert", "page": "1"})
    details = panel(response)
    assert details.select_one("summary").get_text(strip=True) == "Intégrer sur votre site"
    iframe_code = details.select_one("textarea#integrer-iframe")
    script_code = details.select_one("textarea#integrer-script")
    # Labelled, readonly, selectable without JavaScript.
    assert details.select_one('label[for="integrer-iframe"]')
    assert details.select_one('label[for="integrer-script"]')
    assert iframe_code.has_attr("readonly") and script_code.has_attr("readonly")
    iframe = soup(iframe_code.get_text()).select_one("iframe")
    src = urlsplit(iframe["src"])
    assert src.scheme in ("http", "https") and src.netloc
    assert src.path == calls_index.url + "widget/"
    assert parse_qs(src.query) == {"region": ["44"], "status": ["ouvert"]}
    assert iframe["title"].startswith(calls_index.title)
    script = soup(script_code.get_text()).select_one("script")
    assert script["src"].endswith("/static/js/embed.js") and script["src"].startswith("http")
    assert script["data-widget-url"] == iframe["src"]
    # The copy buttons appear with JavaScript only.
    assert all(button.has_attr("hidden") for button in details.select("button[data-copy-target]"))


@pytest.mark.parametrize("fixture", ["directory", "agenda"])
def test_every_listing_has_the_panel(client, request, fixture):
    index = request.getfixturevalue(fixture)
    response = client.get(index.url, {"region": "44", "region_bad": "x"})
    src = soup(panel(response).select_one("#integrer-iframe").get_text())
    assert parse_qs(urlsplit(src.select_one("iframe")["src"]).query) == {"region": ["44"]}


def test_panel_leaves_out_rejected_values(client, calls_index):
    response = client.get(calls_index.url, {"region": "99", "type": "aap"})
    code = panel(response).select_one("#integrer-iframe").get_text()
    assert "region" not in code and "type=aap" in code


def test_snippets_escape_titles(calls_index):
    calls_index.title = 'Appels "<b>" & co'
    result = snippets(calls_index, None)
    assert 'title="Appels &quot;&lt;b&gt;&quot; &amp; co' in result["iframe"]
    assert "<b>" not in result["script"]
