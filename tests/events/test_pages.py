"""The agenda's public pages: the index (current events in date order, the
announced status and where each event stands in time, undated events), the
archive (all past events, by year, bad years), the empty state, the links to
feeds and exports, the map; an event's page (every block a visitor reads, the
schema.org JSON-LD parsed back, hostile titles); the English agenda; the
dates in words."""

import datetime as dt
import json
import re
from urllib.parse import unquote

import pytest
from django.utils import timezone
from django.utils.translation import override

from calls_for_projects.factories import CallForProjectsPageFactory, CallsIndexPageFactory
from directory.factories import ActorPageFactory, DirectoryIndexPageFactory
from events import views, vocab
from events.models import AgendaIndexPage, EventPage, EventSlot, paris
from home import http
from home.models import Theme
from network_minutes.factories import (
    MeetingMinutesPageFactory,
    NetworkPageFactory,
    NetworksIndexPageFactory,
)
from tests.html import breadcrumb, chips, notices, soup, texts

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
NBSP = "\u00a0"


@pytest.fixture
def actor(home_fr):
    directory = DirectoryIndexPageFactory(parent=home_fr, title="Annuaire", slug="annuaire-ev")
    fiche = ActorPageFactory(parent=directory, title="MEF Mulhouse Sud Alsace", slug="mef-ev")
    fiche.save_revision().publish()
    return fiche


def flat(text: str) -> str:
    return " ".join(text.replace(NBSP, " ").split())


def card_titles(response) -> list[str]:
    return texts(response, ".event-card__title")


def card(response, title: str):
    """The card showing `title` (a BeautifulSoup element)."""
    for item in soup(response).select(".event-card"):
        if flat(item.select_one(".event-card__title").get_text()) == title:
            return item
    raise AssertionError(f"no card {title!r}")


def json_ld(response) -> dict:
    (script,) = soup(response).select('script[type="application/ld+json"]')
    return json.loads(script.string)


# --- Dates in words -----------------------------------------------------------------------


def slot(start, start_time=None, end=None, end_time=None):
    return EventSlot(start_date=start, start_time=start_time, end_date=end, end_time=end_time)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            slot(dt.date(2018, 11, 17), dt.time(9, 30), None, dt.time(12, 0)),
            "samedi 17 novembre 2018, 9 h 30 – 12 h",
        ),
        (slot(dt.date(2018, 11, 17), dt.time(18, 5)), "samedi 17 novembre 2018, 18 h 05"),
        (slot(dt.date(2018, 11, 17)), "samedi 17 novembre 2018"),
        (slot(dt.date(2018, 11, 1)), "jeudi 1er novembre 2018"),
        (slot(dt.date(2018, 11, 2), None, dt.date(2018, 11, 30)), "du 2 au 30 novembre 2018"),
        (slot(dt.date(2018, 11, 1), None, dt.date(2018, 11, 30)), "du 1er au 30 novembre 2018"),
        (
            slot(dt.date(2018, 10, 28), None, dt.date(2018, 11, 3)),
            "du 28 octobre au 3 novembre 2018",
        ),
        (
            slot(dt.date(2018, 12, 28), None, dt.date(2019, 1, 3)),
            "du 28 décembre 2018 au 3 janvier 2019",
        ),
        (
            slot(dt.date(2018, 11, 17), dt.time(9, 0), dt.date(2018, 11, 18), dt.time(17, 0)),
            "du 17 novembre à 9 h au 18 novembre 2018 à 17 h",
        ),
    ],
)
def test_dates_are_written_in_french_words(value, expected):
    assert flat(views.slot_text(value)) == expected


def test_a_one_day_slot_without_times_is_all_day_on_the_event_page():
    value = slot(dt.date(2018, 11, 17))
    assert views.slot_text(value, all_day_note=True) == "samedi 17 novembre 2018, toute la journée"


def test_dates_follow_the_language():
    with override("en"):
        text = views.slot_text(slot(dt.date(2018, 11, 17), dt.time(9, 30), None, dt.time(12, 0)))
    assert "November" in text and "2018" in text


def test_an_undated_event_says_what_is_known():
    event = EventPage(title="Réunion", dates_note="premier trimestre 2016")
    assert views.undated_text(event) == "Date à préciser : premier trimestre 2016"
    assert views.undated_text(EventPage(title="GSEF", expected_year=2016)) == (
        "Date à préciser : 2016"
    )
    assert views.undated_text(EventPage(title="?")) == "Date à préciser"


# --- The index ------------------------------------------------------------------------------


@pytest.fixture
def events(make_event, today, actor):
    """Events around today: in progress, today, next, later, undated,
    cancelled, and past ones (yesterday, two years ago)."""
    return {
        "ongoing": make_event(
            (today - 2 * DAY, None, today + 3 * DAY, None),
            title="Festival en cours",
            event_type=vocab.EventType.FESTIVAL,
            city="Metz",
            postcode="57000",
            departement="57",
            region="44",
        ),
        "today": make_event(
            (today, None, None, None),
            title="Atelier du jour",
            event_type=vocab.EventType.WORKSHOP,
            mode=vocab.ONLINE,
            online_url="https://example.org/visio",
        ),
        "next": make_event(
            (today + 5 * DAY, dt.time(9, 30), None, dt.time(12, 0)),
            title="Forum prochain",
            city="Mulhouse",
            postcode="68100",
            departement="68",
            region="44",
            series="Forum nécESSaire",
            edition="2030",
            latitude="47.749",
            longitude="7.339",
            organisers=[
                {"actor": actor, "role": vocab.Role.ORGANISER},
                {"name": "Région Grand Est", "role": vocab.Role.SUPPORT},
            ],
        ),
        "cancelled": make_event(
            (today + 8 * DAY, None, None, None),
            title="Table ronde annulée",
            event_type=vocab.EventType.CONFERENCE,
            status=vocab.CANCELLED,
            status_note="Faute de salle.",
            city="Colmar",
        ),
        "later": make_event(
            (today + 40 * DAY, dt.time(14, 0), None, None),
            (today + 60 * DAY, dt.time(14, 0), None, None),
            title="Rencontre plus tard",
            event_type=vocab.EventType.NETWORK_MEETING,
        ),
        "undated": make_event(
            title="Prochaine réunion",
            event_type=vocab.EventType.NETWORK_MEETING,
            dates_note="premier trimestre",
        ),
        "yesterday": make_event((today - DAY, None, None, None), title="Réunion d'hier"),
        "old": make_event(
            (dt.date(today.year - 2, 11, 17), dt.time(9, 30), None, dt.time(12, 0)),
            title="Forum ancien",
        ),
        "old_undated": make_event(title="GSEF ancien", expected_year=today.year - 2),
    }


def test_index_lists_current_events_in_date_order_undated_last(client, agenda, events):
    response = client.get(agenda.url)
    assert response.status_code == 200
    assert card_titles(response) == [
        "Festival en cours",
        "Atelier du jour",
        "Forum prochain",
        "Table ronde annulée",
        "Rencontre plus tard",
        "Prochaine réunion",
    ]
    assert flat(texts(response, ".listing__count")[0]) == "6 événements à venir ou en cours"


def test_cards_show_time_status_announced_status_and_facts(client, agenda, events, today):
    response = client.get(agenda.url)
    badges = {
        title: [flat(b.get_text()) for b in card(response, title).select(".badge")]
        for title in card_titles(response)
    }
    assert badges["Festival en cours"] == ["En cours"]
    assert badges["Atelier du jour"] == ["Aujourd'hui"]
    assert badges["Forum prochain"] == ["À venir"]
    assert badges["Table ronde annulée"] == ["Statut : Annulé", "À venir"]
    assert badges["Prochaine réunion"] == []

    cancelled = flat(card(response, "Table ronde annulée").get_text(" "))
    assert "Faute de salle." in cancelled

    forum = card(response, "Forum prochain")
    when = forum.select_one(".event-card__when time")
    assert when["datetime"] == (today + 5 * DAY).isoformat()
    assert flat(when.get_text()) == views.slot_text(events["next"].slots.get()).replace(NBSP, " ")
    assert flat(when.get_text()).endswith(", 9 h 30 – 12 h")
    facts = flat(forum.select_one(".event-card__facts").get_text(" "))
    assert "Mulhouse (Haut-Rhin)" in facts
    assert "Forum nécESSaire 2030" in facts
    assert "MEF Mulhouse Sud Alsace" in facts
    # A supporter is not an organiser.
    assert "Région Grand Est" not in facts

    assert "En ligne" in flat(card(response, "Atelier du jour").get_text(" "))
    later = flat(card(response, "Rencontre plus tard").get_text(" "))
    assert "(et 1 autre date)" in later
    undated = flat(card(response, "Prochaine réunion").select_one(".event-card__when").get_text())
    assert undated == "Date à préciser : premier trimestre"


def test_past_events_are_only_in_the_archive_newest_first(client, agenda, events, today):
    response = client.get(agenda.url)
    assert "Réunion d'hier" not in card_titles(response)
    # The index links to each archive year, with its count.
    years = {flat(a.get_text()): a["href"] for a in soup(response).select(".events-years a")}
    assert set(years) == {str(today.year - 2), str((today - DAY).year)}

    archive = client.get(agenda.url + agenda.reverse_subpage("archive"))
    assert archive.status_code == 200
    assert card_titles(archive) == ["Réunion d'hier", "Forum ancien", "GSEF ancien"]
    assert flat(texts(archive, ".listing__count")[0]) == "3 événements passés"
    old = flat(card(archive, "Forum ancien").select_one(".event-card__when").get_text())
    assert old.endswith(f"17 novembre {today.year - 2}, 9 h 30 – 12 h")
    # No « à venir » badge in the archive.
    assert not soup(archive).select(".event-card .event-time")

    year = client.get(years[str(today.year - 2)])
    assert year.status_code == 200
    assert card_titles(year) == ["Forum ancien", "GSEF ancien"]
    assert flat(texts(year, "h1")[0]) == f"Événements de {today.year - 2}"
    assert breadcrumb(year.content.decode())[-2:] == [
        ("Archives", agenda.url + "archives/"),
        (str(today.year - 2), None),
    ]


@pytest.mark.parametrize("year", ["1", "1899", "2101", "99999", "999999999999999999999"])
def test_out_of_range_archive_years_are_not_found(client, agenda, events, year):
    assert client.get(f"{agenda.url}archives/{year}/").status_code == 404


def test_an_archive_year_without_events_is_not_found_unless_filtered(client, agenda, events):
    url = f"{agenda.url}archives/1950/"
    assert client.get(url).status_code == 404
    # With filters, an empty year is an answer: nothing matches them.
    response = client.get(url, {"type": "atelier"})
    assert response.status_code == 200
    assert card_titles(response) == []
    message = flat(texts(response, ".listing-empty__title")[0])
    assert message == (
        "Aucun événement de 1950 ne correspond à ces critères : Type d'événement : Atelier."
    )


def test_empty_state_names_the_criteria_and_links_to_the_archive(client, agenda, events):
    response = client.get(agenda.url, {"type": "forum", "q": "ancien"})
    assert response.status_code == 200
    assert card_titles(response) == []
    message = flat(texts(response, ".listing-empty__title")[0])
    assert message == (
        "Aucun événement à venir ne correspond à ces critères : "
        "Recherche : « ancien » ; Type d'événement : Forum, salon."
    )
    (link,) = soup(response).select(".events-other a")
    assert flat(link.get_text()) == "Voir les 2 événements passés qui correspondent"
    assert link["href"] == agenda.url + "archives/?q=ancien&type=forum"
    archive = client.get(link["href"])
    assert card_titles(archive) == ["Forum ancien", "GSEF ancien"]


def test_empty_states_without_filters(client, agenda):
    response = client.get(agenda.url)
    assert flat(texts(response, ".listing-empty__title")[0]) == (
        "Aucun événement n'est annoncé pour le moment."
    )
    assert not soup(response).select(".events-other")
    archive = client.get(agenda.url + "archives/")
    message = flat(texts(archive, ".listing-empty__title")[0])
    assert message == "Aucun événement passé pour le moment."


def test_archive_links_back_to_matching_current_events(client, agenda, events):
    response = client.get(agenda.url + "archives/", {"type": "atelier"})
    (link,) = soup(response).select(".events-other a")
    assert flat(link.get_text()) == "Voir l'événement à venir qui correspond"
    assert link["href"] == agenda.url + "?type=atelier"


def test_feeds_and_exports_keep_the_filters(client, agenda, events):
    response = client.get(agenda.url, {"region": "44", "type": "zzz"})
    links = {flat(a.get_text()): a["href"] for a in soup(response).select(".events-feeds a")}
    assert links == {
        "S'abonner dans un agenda (iCalendar)": agenda.url + "flux/ical/?region=44",
        "Flux RSS": agenda.url + "flux/rss/?region=44",
        "Flux Atom": agenda.url + "flux/atom/?region=44",
        "Exporter en CSV": agenda.url + "export/csv/?region=44",
        "Schéma des données du CSV (Table Schema)": agenda.url + "export/csv/schema/",
        "Exporter en JSON": agenda.url + "export/json/?region=44",
    }
    assert [
        (link["type"], link["href"])
        for link in soup(response).select('head link[rel="alternate"][type$="xml"]')
    ] == [
        ("application/rss+xml", agenda.url + "flux/rss/?region=44"),
        ("application/atom+xml", agenda.url + "flux/atom/?region=44"),
    ]


def test_the_map_holds_the_located_events_of_the_page(client, agenda, events):
    response = client.get(agenda.url)
    (element,) = soup(response).select("[data-directory-map]")
    assert element.has_attr("hidden")  # shown by the script: the list comes first
    url = element["data-geojson-url"]
    prefix = "data:application/geo+json;charset=utf-8,"
    assert url.startswith(prefix)
    data = json.loads(unquote(url[len(prefix) :]))
    (feature,) = data["features"]
    assert feature["properties"]["name"] == "Forum prochain"
    assert feature["properties"]["url"] == events["next"].url
    assert feature["geometry"]["coordinates"] == [7.339, 47.749]
    assert "directory-map.js" in response.content.decode()


def test_no_map_without_located_events(client, agenda, make_event, today):
    make_event((today + DAY, None, None, None), title="Sans lieu")
    response = client.get(agenda.url)
    assert not soup(response).select("[data-directory-map]")
    assert "leaflet.js" not in response.content.decode()


def test_listing_responses_are_cached_until_the_next_change(client, agenda, make_event):
    now = timezone.localtime(timezone.now(), paris())
    response = client.get(agenda.url)
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
    assert "public" in response["Cache-Control"] and max_age <= http.MAX_AGE
    # An event ending in two minutes: the page expires by then.
    soon = now + dt.timedelta(minutes=2)
    if soon.date() == now.date() and now.time() < dt.time(23, 50):
        make_event(
            (now.date(), now.time().replace(microsecond=0), None, soon.time()), title="Bientôt fini"
        )
        response = client.get(agenda.url)
        max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
        assert max_age <= 120


def test_logged_in_visitors_get_a_private_page(admin_client, agenda):
    response = admin_client.get(agenda.url)
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_english_agenda(client, home_fr, en):
    agenda_en = AgendaIndexPage.objects.live().filter(locale=en).first()
    if agenda_en is None:
        source = AgendaIndexPage(title="Agenda", slug="agenda-en-test")
        home_fr.add_child(instance=source)
        source.save_revision().publish()
        agenda_en = source.copy_for_translation(en, copy_parents=True)
        agenda_en.save_revision().publish()
    response = client.get(agenda_en.url)
    assert agenda_en.url.startswith("/en/")
    assert response.status_code == 200
    assert soup(response).html["lang"] == "en"
    assert client.get(agenda_en.url + "archives/").status_code == 200


# --- An event's page ---------------------------------------------------------------------------


@pytest.fixture
def full_event(make_event, today, actor, home_fr):
    networks = NetworksIndexPageFactory(parent=home_fr, slug="reseaux-ev")
    network = NetworkPageFactory(parent=networks, title="Réseau 92 ESS", slug="reseau-92-ev")
    minutes = MeetingMinutesPageFactory(parent=network, title="Réunion du 27 novembre")
    calls = CallsIndexPageFactory(parent=home_fr, slug="appels-ev")
    call = CallForProjectsPageFactory(parent=calls, title="Courts-circuits", slug="cc-ev")
    theme = Theme.objects.create(name="Emploi solidaire", slug="emploi-solidaire-ev")
    event = make_event(
        (today + 20 * DAY, dt.time(14, 0), None, dt.time(18, 0)),
        (today + 10 * DAY, None, None, None),
        title="Forum nécESSaire",
        summary="Tables rondes, ateliers et espace entrepreneurs.",
        description="<p>Une journée pour <b>entreprendre autrement</b>.</p>",
        series="Forum nécESSaire",
        edition="2030",
        place_name="Parc des expositions",
        address="120 rue Lefebvre",
        postcode="68100",
        city="Mulhouse",
        departement="68",
        region="44",
        latitude="47.738",
        longitude="7.319",
        mode=vocab.HYBRID,
        online_url="https://example.org/direct",
        audience="Entrepreneurs et élus",
        price=vocab.FREE,
        price_note="Déjeuner offert",
        registration=vocab.Registration.LINK,
        registration_url="https://example.org/inscription",
        capacity=300,
        accessible=True,
        accessibility="Boucle magnétique en salle plénière.",
        network=network,
        minutes=minutes,
        organisers=[
            {"actor": actor, "role": vocab.Role.ORGANISER},
            {"name": "Caisse des dépôts", "role": vocab.Role.SUPPORT},
        ],
        themes=[theme],
    )
    event.related_calls.add(call)
    event.save_revision().publish()
    return EventPage.objects.get(pk=event.pk)


def test_event_page_shows_what_a_visitor_needs(client, full_event, actor, today):
    response = client.get(full_event.url)
    assert response.status_code == 200
    page = soup(response)
    assert flat(page.h1.get_text()) == "Forum nécESSaire"
    # The slots in date order (not in the order they were entered).
    slots = [flat(li.get_text()) for li in page.select(".event__slots li")]
    assert slots == [
        flat(views.slot_text(full_event.ordered_slots[0], all_day_note=True)),
        flat(views.slot_text(full_event.ordered_slots[1])),
    ]
    assert slots[0].endswith(", toute la journée")
    assert slots[1].endswith(", 14 h – 18 h")
    assert flat(page.select_one(".event-time").get_text()) == "À venir"
    assert not page.select(".event__status-banner")

    text = flat(page.get_text(" "))
    for expected in (
        "Parc des expositions",
        "120 rue Lefebvre",
        "68100 Mulhouse",
        "Haut-Rhin, Grand Est",
        "Entrepreneurs et élus",
        "Gratuit – Déjeuner offert",
        "300",
        "Accessible aux personnes à mobilité réduite. Boucle magnétique en salle plénière.",
        "Une journée pour entreprendre autrement",
        "Tables rondes, ateliers et espace entrepreneurs.",
        "Caisse des dépôts Soutien, financeur",
    ):
        assert expected in text, expected

    links = {flat(a.get_text()): a["href"] for a in page.select("main a[href]")}
    assert links["S'inscrire en ligne"] == "https://example.org/inscription"
    assert links["Suivre en ligne"] == "https://example.org/direct"
    assert links["MEF Mulhouse Sud Alsace"] == actor.url
    assert links["Réseau 92 ESS"] == full_event.network.url
    assert links["Réunion du 27 novembre"] == full_event.minutes.url
    assert links["Courts-circuits"].endswith("/cc-ev/")
    assert links["Emploi solidaire"].endswith("emploi-solidaire-ev/")
    assert links["Ajouter à mon agenda (.ics)"] == full_event.url + "ical/"
    assert "series=Forum+n%C3%A9cESSaire" in links["à venir"].replace("%20", "+")
    assert client.get(links["Ajouter à mon agenda (.ics)"]).status_code == 200

    (place_map,) = page.select("[data-actor-map]")
    assert (place_map["data-lat"], place_map["data-lng"]) == ("47.738000", "7.319000")


def test_event_json_ld(client, full_event, actor, today):
    data = json_ld(client.get(full_event.url))
    first = today + 10 * DAY
    last = today + 20 * DAY
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "Forum nécESSaire"
    assert data["url"] == "http://localhost" + full_event.url
    assert data["description"] == "Tables rondes, ateliers et espace entrepreneurs."
    assert data["startDate"] == first.isoformat()
    end = dt.datetime.fromisoformat(data["endDate"])
    assert end.utcoffset() is not None
    assert end == dt.datetime.combine(last, dt.time(18, 0), tzinfo=paris())
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    place, virtual = data["location"]
    assert place["@type"] == "Place"
    assert place["name"] == "Parc des expositions"
    assert place["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "120 rue Lefebvre",
        "postalCode": "68100",
        "addressLocality": "Mulhouse",
        "addressRegion": "Grand Est",
        "addressCountry": "FR",
    }
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 47.738, "longitude": 7.319}
    assert virtual == {"@type": "VirtualLocation", "url": "https://example.org/direct"}
    assert data["organizer"] == [
        {
            "@type": "Organization",
            "name": "MEF Mulhouse Sud Alsace",
            "url": "http://localhost" + actor.url,
        }
    ]
    assert data["sponsor"] == [{"@type": "Organization", "name": "Caisse des dépôts"}]
    assert data["isAccessibleForFree"] is True
    assert data["offers"]["price"] == 0
    assert data["offers"]["priceCurrency"] == "EUR"
    assert data["offers"]["url"] == "https://example.org/inscription"


@pytest.mark.parametrize(
    ("status", "schema", "banner"),
    [
        (vocab.CANCELLED, "EventCancelled", "Cet événement est annulé. Faute de salle."),
        (vocab.POSTPONED, "EventRescheduled", "Cet événement est reporté. Faute de salle."),
        (vocab.FULL, "EventScheduled", "Cet événement est complet. Faute de salle."),
    ],
)
def test_announced_status_is_prominent_on_the_page(
    client, make_event, today, status, schema, banner
):
    event = make_event(
        (today + 3 * DAY, None, None, None),
        title="Rencontre",
        status=status,
        status_note="Faute de salle.",
        mode=vocab.ONLINE,
        online_url="https://example.org/visio",
        registration=vocab.Registration.EMAIL,
        registration_email="inscription@example.org",
    )
    response = client.get(event.url)
    page = soup(response)
    assert flat(page.select_one(".event__status-banner").get_text()) == banner
    assert flat(page.select_one(".event-status").get_text()) == (
        f"Statut : {vocab.Status(status).label}"
    )
    data = json_ld(response)
    assert data["eventStatus"] == f"https://schema.org/{schema}"
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://example.org/visio"}
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    registration = flat(page.select_one("#infos-pratiques").find_parent("section").get_text(" "))
    if status == vocab.FULL:
        assert "Complet : les inscriptions sont closes." in registration
        assert data["offers"]["availability"] == "https://schema.org/SoldOut"
    elif status == vocab.CANCELLED:
        assert "inscription@example.org" not in registration
    else:
        assert "Par courriel : inscription@example.org" in registration


def test_hostile_title_cannot_break_out_of_the_json_ld(client, make_event, today):
    title = '</script><script>alert("x")</script> & <!-- Forum'
    event = make_event((today + DAY, None, None, None), title=title, summary="</SCRIPT>")
    response = client.get(event.url)
    html = response.content.decode()
    head = html[: html.index("</head>")]
    start = head.index('<script type="application/ld+json">')
    content = head[start : head.index("</script>", start)]
    assert "<" not in content.removeprefix('<script type="application/ld+json">')
    # Nowhere in the page does the title open an element.
    assert "<script>alert" not in html and "<!-- Forum" not in html
    data = json_ld(response)
    assert data["name"] == title
    assert data["description"] == "</SCRIPT>"
    # Shown as text in the page.
    assert flat(soup(response).h1.get_text()) == flat(title)


def test_undated_and_past_event_pages(client, make_event, today):
    undated = make_event(title="Réunion future", dates_note="premier trimestre")
    response = client.get(undated.url)
    page = soup(response)
    assert "Date à préciser : premier trimestre" in flat(page.select_one("#dates").parent.text)
    assert not page.select(".event__ical")
    assert "startDate" not in json_ld(response)

    past = make_event((today - 3 * DAY, dt.time(10, 0), None, dt.time(11, 0)), title="Passé")
    page = soup(client.get(past.url))
    assert flat(page.select_one(".event-time").get_text()) == "Passé"
    back = page.select_one(".event__back a")
    assert back["href"].endswith("/archives/")


def test_event_page_query_count_does_not_grow(
    client, make_event, today, actor, django_assert_max_num_queries
):
    def count(event):
        client.get(event.url)
        with django_assert_max_num_queries(40) as captured:
            assert client.get(event.url).status_code == 200
        return len(captured.captured_queries)

    few = make_event((today + DAY, None, None, None), title="Peu", organisers=[{"actor": actor}])
    many = make_event(
        *[(today + n * DAY, dt.time(9, 0), None, dt.time(10, 0)) for n in range(1, 9)],
        title="Beaucoup",
        organisers=[{"actor": actor}] + [{"name": f"Partenaire {n}"} for n in range(8)],
    )
    assert count(few) == count(many)


def test_chips_and_notices_helpers_read_the_index(client, agenda, events):
    response = client.get(agenda.url, {"type": "forum", "region": "zz"})
    assert chips(response) == ["Type d'événement : Forum, salon"]
    assert notices(response) == ["Région : « zz » ignoré (valeur inconnue)."]


def test_event_image_and_documents(client, make_event, today, settings, tmp_path):
    from wagtail_factories import DocumentFactory, ImageFactory

    from events.models import EventDocument

    settings.MEDIA_ROOT = str(tmp_path)
    image = ImageFactory(title="Affiche")
    document = DocumentFactory(title="Programme détaillé")
    event = make_event(
        (today + DAY, None, None, None),
        title="Forum illustré",
        image=image,
        image_alt="Le public du forum dans la grande salle",
    )
    EventDocument.objects.create(event=event, document=document, title="Programme", sort_order=0)
    response = client.get(event.url)
    page = soup(response)
    (img,) = page.select(".event__image img")
    assert img["alt"] == "Le public du forum dans la grande salle"
    (link,) = page.select("#documents ~ ul a")
    assert flat(link.select_one(".block-document__title").get_text()) == "Programme"
    assert link["href"] == document.url
    data = json_ld(response)
    # An absolute URL of a rendition (on the host the page was asked on).
    assert re.fullmatch(r"http://testserver/media/images/.+\.fill-1200x630\.\w+", data["image"])
