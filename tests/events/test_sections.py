"""Where the agenda shows outside itself: the home page's next events, the
events a fiche organises, a network's meetings and a call's information
sessions (sections registered in events/apps.py). Each section runs a fixed
number of queries whatever the number of events."""

import datetime as dt
import re
from html import unescape

import pytest
from django.test import RequestFactory
from wagtail.models import Site

from calls_for_projects.models import CallForProjectsPage
from directory.factories import ActorPageFactory
from directory.models import ActorPage
from events import related, vocab
from events.models import AgendaIndexPage, EventOrganiser, EventPage, EventSlot
from network_minutes.models import MeetingMinutesPage, NetworkPage

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def agenda(fr):
    return AgendaIndexPage.objects.get(locale=fr, slug="agenda")


@pytest.fixture
def make_event(agenda):
    """A published event with its slots ((date, start, end) in Paris, or an
    EventSlot), organisers ((actor, role)) and related calls, set before
    publication."""

    def _make(title, *slots, organisers=(), calls=(), **fields):
        fields.setdefault("event_type", vocab.EventType.FORUM)
        page = EventPage(title=title, **fields)
        for slot in slots:
            if not isinstance(slot, EventSlot):
                day, start, end = slot
                slot = EventSlot(start_date=day, start_time=start, end_time=end)
            page.slots.add(slot)
        for i, (actor, role) in enumerate(organisers):
            page.organisers.add(EventOrganiser(actor=actor, role=role, sort_order=i))
        page.related_calls = list(calls)
        agenda.add_child(instance=page)
        page.save_revision().publish()
        return EventPage.objects.get(pk=page.pk)

    return _make


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def section(html: str, anchor: str) -> str:
    """The HTML of the section whose heading has the id `anchor`."""
    start = html.index(f'id="{anchor}"')
    return unescape(html[start : html.index("</section>", start)])


def item(html: str, title: str) -> str:
    """The text of the list item showing the event `title`."""
    (found,) = [li for li in html.split('<li class="event-item')[1:] if title in li]
    return text(found.split("</li>")[0])


def page_request():
    """A request whose site is resolved, as in a page's rendering."""
    request = RequestFactory().get("/")
    Site.find_for_request(request)
    return request


def titles_in_order(html: str, titles) -> list[str]:
    present = [title for title in titles if title in html]
    return sorted(present, key=html.index)


# --- The home page ---------------------------------------------------------------


def test_home_page_shows_the_next_events_in_date_order(client, home_fr, make_event, today):
    make_event("Accueil dans vingt jours", (today + 20 * DAY, None, None))
    make_event("Accueil après-demain", (today + 2 * DAY, dt.time(14, 0), dt.time(16, 30)))
    make_event("Accueil hier", (today - DAY, None, None))
    make_event(
        "Accueil annulé", (today + 5 * DAY, None, None), status=vocab.CANCELLED, city="Colmar"
    )
    make_event("Accueil dans quarante jours", (today + 40 * DAY, None, None))
    make_event("Accueil aujourd'hui", (today, None, None))
    make_event("Accueil sans date", dates_note="À l'automne")

    html = client.get(home_fr.url).content.decode()
    shown = section(html, "prochains-evenements")
    assert titles_in_order(
        shown,
        [
            "Accueil aujourd'hui",
            "Accueil après-demain",
            "Accueil annulé",
            "Accueil dans vingt jours",
            "Accueil dans quarante jours",
            "Accueil hier",
            "Accueil sans date",
        ],
    ) == [
        "Accueil aujourd'hui",
        "Accueil après-demain",
        "Accueil annulé",
        "Accueil dans vingt jours",
    ]
    assert len(re.findall(r'<li class="event-item', shown)) == related.HOME_EVENTS
    assert "Annulé" in item(shown, "Accueil annulé") and "Colmar" in item(shown, "Accueil annulé")
    assert "Aujourd'hui" in item(shown, "Accueil aujourd'hui")
    assert "14 h – 16 h 30" in item(shown, "Accueil après-demain")
    assert 'href="/fr/agenda/"' in shown and 'href="/fr/agenda/archives/"' in shown


def test_home_page_says_when_no_event_is_announced(client, home_fr):
    # The seed's events are all past: they are in the archive, not on the home page.
    shown = text(section(client.get(home_fr.url).content.decode(), "prochains-evenements"))
    assert "Aucun événement n'est annoncé pour le moment." in shown
    assert "Forum nécESSaire" not in shown


def test_home_section_goes_with_its_agenda(client, home_fr, agenda):
    assert 'id="prochains-evenements"' in client.get(home_fr.url).content.decode()
    agenda.unpublish()  # the cached index is renewed with the page tree
    assert 'id="prochains-evenements"' not in client.get(home_fr.url).content.decode()


def test_home_section_runs_a_fixed_number_of_queries(
    home_fr, make_event, today, django_assert_max_num_queries, client
):
    def count():
        client.get(home_fr.url)  # warm the caches (site root paths, page tree…)
        with django_assert_max_num_queries(40) as captured:
            client.get(home_fr.url)
        return len(captured.captured_queries)

    make_event("Volume 0", (today + DAY, None, None))
    few = count()
    for n in range(1, 10):
        make_event(f"Volume {n}", (today + n * DAY, dt.time(9), dt.time(10)), (today, None, None))
    assert count() == few
    # The section itself: the events, their slots (the index is cached).
    request = page_request()
    with django_assert_max_num_queries(2):
        found = related.home_events_section(home_fr, request)
    assert len(found["events"]) == related.HOME_EVENTS


# --- A directory fiche ----------------------------------------------------------------


@pytest.fixture
def mef(fr):
    return ActorPage.objects.get(locale=fr, slug="mef-mulhouse-sud-alsace")


def test_fiche_lists_the_events_it_organises_upcoming_first(client, mef, make_event, today):
    make_event(
        "Forum de l'emploi solidaire",
        (today + 12 * DAY, dt.time(9, 0), dt.time(17, 0)),
        organisers=[(mef, vocab.Role.PARTNER)],
        city="Mulhouse",
    )
    make_event(
        "Atelier annulé de la MEF",
        (today + 3 * DAY, None, None),
        organisers=[(mef, vocab.ORGANISER)],
        status=vocab.CANCELLED,
        status_note="Faute d'inscrits",
    )
    make_event("Sans la MEF", (today + 4 * DAY, None, None))

    html = client.get(mef.url).content.decode()
    shown = section(html, "evenements")
    upcoming = shown[: shown.index("Passés")]
    assert titles_in_order(
        upcoming, ["Atelier annulé de la MEF", "Forum de l'emploi solidaire"]
    ) == [
        "Atelier annulé de la MEF",
        "Forum de l'emploi solidaire",
    ]
    assert "Sans la MEF" not in shown
    cancelled = item(shown, "Atelier annulé de la MEF")
    assert "Annulé" in cancelled and "Faute d'inscrits" in cancelled
    assert "Partenaire" in item(shown, "Forum de l'emploi solidaire")
    # Then the most recent past ones: the seed's, by year, with the fiche's role.
    past = shown[shown.index("Passés") :]
    assert titles_in_order(
        past, ["Forum nécESSaire 2019", "Forum nécESSaire 2018", "Courts-circuits"]
    ) == ["Forum nécESSaire 2019", "Forum nécESSaire 2018", "Courts-circuits"]
    assert "Organisateur" in item(past, "Forum nécESSaire 2018")
    assert "En 2018 ; la date de la journée n'est pas indiquée." in item(
        past, "Forum nécESSaire 2018"
    )


def test_fiche_without_events_has_no_section(client, fr):
    directory = ActorPage.objects.filter(locale=fr).first().get_parent()
    actor = ActorPageFactory(parent=directory, title="Sans événement", slug="sans-evenement")
    actor.save_revision().publish()
    assert 'id="evenements"' not in client.get(actor.url).content.decode()


def test_fiche_section_runs_a_fixed_number_of_queries(
    client, mef, make_event, today, django_assert_max_num_queries
):
    def count():
        client.get(mef.url)
        with django_assert_max_num_queries(45) as captured:
            client.get(mef.url)
        return len(captured.captured_queries)

    make_event("Volume 0", (today + DAY, None, None), organisers=[(mef, vocab.ORGANISER)])
    few = count()
    for n in range(1, 14):
        make_event(
            f"Volume {n}",
            (today + n * DAY, dt.time(9), dt.time(10)),
            organisers=[(mef, vocab.Role.SUPPORT)],
        )
    assert count() == few
    # The section itself: current events, past ones, slots, roles (the index is cached).
    request = page_request()
    with django_assert_max_num_queries(4):
        found = related.actor_events_section(mef, request)
    assert len(found["upcoming"]) == related.UPCOMING_SHOWN and found["more_upcoming"]
    html = client.get(mef.url).content.decode()
    assert 'href="/fr/agenda/?organiser=mef-mulhouse-sud-alsace"' in section(html, "evenements")


# --- A network page -----------------------------------------------------------------


@pytest.fixture
def reseau_92(fr):
    return NetworkPage.objects.get(locale=fr, slug="reseau-92-ess")


def test_network_page_lists_its_meetings_as_events(client, reseau_92, make_event, today):
    make_event(
        "Réseau 92 ESS : réunion à Sceaux",
        (today + 15 * DAY, dt.time(18, 30), None),
        event_type=vocab.EventType.NETWORK_MEETING,
        network=reseau_92,
    )
    html = client.get(reseau_92.url).content.decode()
    shown = section(html, "reunions-agenda")
    upcoming = shown[: shown.index("Dernières réunions")]
    assert "Réseau 92 ESS : réunion à Sceaux" in upcoming
    assert ", 18 h 30" in item(upcoming, "Réseau 92 ESS : réunion à Sceaux")
    past = shown[shown.index("Dernières réunions") :]
    # The seed's: the next meeting announced for 2016 (no date), then the
    # first meeting, linked to its minutes.
    assert titles_in_order(
        past, ["Réseau 92 ESS : prochaine réunion", "Réseau 92 ESS : première réunion"]
    ) == ["Réseau 92 ESS : prochaine réunion", "Réseau 92 ESS : première réunion"]
    assert "premier trimestre 2016" in item(past, "Réseau 92 ESS : prochaine réunion")
    minutes = MeetingMinutesPage.objects.get(
        locale__language_code="fr", slug="2015-11-27-premiere-reunion"
    )
    assert f'href="{minutes.url}"' in past
    assert "Lire le compte rendu" in item(past, "Réseau 92 ESS : première réunion")
    assert "Lire le compte rendu" not in item(past, "Réseau 92 ESS : prochaine réunion")


def test_an_announced_meeting_is_linked_to_its_minutes_once_published(
    client, reseau_92, make_event, today
):
    meeting = make_event("Réunion d'hier du réseau", (today - DAY, None, None), network=reseau_92)
    html = client.get(reseau_92.url).content.decode()
    assert "Lire le compte rendu" not in item(section(html, "reunions-agenda"), meeting.title)
    minutes = MeetingMinutesPage(title="Compte rendu d'hier", slug="hier", date=today - DAY)
    reseau_92.add_child(instance=minutes)
    minutes.save_revision().publish()
    meeting.minutes = minutes
    meeting.save_revision().publish()
    html = client.get(reseau_92.url).content.decode()
    assert "Lire le compte rendu" in item(section(html, "reunions-agenda"), meeting.title)


def test_network_section_runs_a_fixed_number_of_queries(
    client, reseau_92, make_event, today, django_assert_max_num_queries
):
    def count():
        client.get(reseau_92.url)
        with django_assert_max_num_queries(40) as captured:
            client.get(reseau_92.url)
        return len(captured.captured_queries)

    few = count()
    for n in range(12):
        make_event(f"Volume {n}", (today + n * DAY, None, None), network=reseau_92)
    assert count() == few
    request = page_request()
    with django_assert_max_num_queries(3):
        found = related.network_events_section(reseau_92, request)
    assert len(found["upcoming"]) == related.UPCOMING_SHOWN


def test_network_without_events_has_no_section(client, fr):
    essonne = NetworkPage.objects.get(locale=fr, slug="comite-partenarial-ess-essonne")
    EventPage.objects.filter(network=essonne).update(network=None)
    assert related.network_events_section(essonne, page_request()) is None
    assert 'id="reunions-agenda"' not in client.get(essonne.url).content.decode()


# --- A call for projects ----------------------------------------------------------------


@pytest.fixture
def courts_circuits(fr):
    return CallForProjectsPage.objects.get(locale=fr, slug="courts-circuits")


def test_call_page_lists_its_information_sessions(client, courts_circuits, make_event, today):
    make_event(
        "Réunion d'information Courts-circuits",
        (today + 8 * DAY, dt.time(14, 0), dt.time(16, 0)),
        event_type=vocab.EventType.CONFERENCE,
        calls=[courts_circuits],
        city="Mulhouse",
    )
    make_event(
        "Session annulée Courts-circuits",
        (today + 9 * DAY, None, None),
        calls=[courts_circuits],
        status=vocab.CANCELLED,
    )
    html = client.get(courts_circuits.url).content.decode()
    shown = section(html, "evenements-appel")
    upcoming = shown[: shown.index("Passés")]
    assert "14 h – 16 h" in item(upcoming, "Réunion d'information Courts-circuits")
    assert "Annulé" in item(upcoming, "Session annulée Courts-circuits")
    # The seed's prize-giving, in the Mois de l'ESS: past, its day not given.
    past = shown[shown.index("Passés") :]
    prize = item(past, "Courts-circuits : remise du prix du jury et du prix du public")
    assert "Pendant le Mois de l'ESS ; la date n'est pas indiquée." in prize
    assert "Remise de prix" in prize


def test_call_section_runs_a_fixed_number_of_queries(
    client, courts_circuits, make_event, today, django_assert_max_num_queries
):
    def count():
        client.get(courts_circuits.url)
        with django_assert_max_num_queries(40) as captured:
            client.get(courts_circuits.url)
        return len(captured.captured_queries)

    make_event("Volume 0", (today + DAY, None, None), calls=[courts_circuits])
    few = count()
    for n in range(1, 12):
        make_event(f"Volume {n}", (today + n * DAY, None, None), calls=[courts_circuits])
    assert count() == few
    request = page_request()
    with django_assert_max_num_queries(3):
        related.call_events_section(courts_circuits, request)


def test_call_without_events_has_no_section(client, fr):
    call = CallForProjectsPage.objects.get(locale=fr, slug="ami-initiatives-territoriales")
    assert 'id="evenements-appel"' not in client.get(call.url).content.decode()


def test_items_show_the_slot_to_come_and_how_many_others(client, home_fr, make_event, today):
    make_event(
        "Cycle commencé hier",
        (today - DAY, dt.time(9), dt.time(12)),
        (today + 10 * DAY, dt.time(14, 30), dt.time(17)),
        (today + 17 * DAY, dt.time(14, 30), dt.time(17)),
    )
    make_event(
        "Salon sur trois jours",
        EventSlot(start_date=today + 11 * DAY, end_date=today + 13 * DAY),
    )
    shown = section(client.get(home_fr.url).content.decode(), "prochains-evenements")
    cycle = item(shown, "Cycle commencé hier")
    assert "14 h 30 – 17 h" in cycle and "(et 2 autres dates)" in cycle
    assert f"{(today + 10 * DAY).day} " in cycle
    fair = item(shown, "Salon sur trois jours")
    assert f"du {(today + 11 * DAY).day} " in fair and f"au {(today + 13 * DAY).day} " in fair
