"""The agenda's feeds follow the listing's filters and are read back: RSS and
Atom of the current events (xml.etree), the iCalendar feed whose VEVENTs are
the events' slots and an event's « add to my calendar » .ics (`icalendar`).
Cancelled and postponed events stay in the feeds, saying so."""

import datetime as dt
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.core.cache import cache
from django.utils import timezone

from directory.models import ActorPage
from events import vocab
from events.models import paris
from home.models import Theme

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DAY = dt.timedelta(days=1)
MOIS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"


JOURS = "lundi mardi mercredi jeudi vendredi samedi dimanche"


def french(day: dt.date) -> str:
    """« 1er mars 2027 », « 17 novembre 2026 »: how the site writes a day."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MOIS.split()[day.month - 1]} {day.year}"


def weekday(day: dt.date) -> str:
    return JOURS.split()[day.weekday()]


@pytest.fixture
def mef(fr):
    return ActorPage.objects.get(locale=fr, slug="mef-mulhouse-sud-alsace")


@pytest.fixture
def events(make_event, today, mef):
    forum = make_event(
        (today + 10 * DAY, None, today + 11 * DAY, None),
        title="Forum nécESSaire flux",
        summary="Tables rondes & ateliers <ESS>.",
        region="44",
        departement="68",
        place_name="MEF Mulhouse",
        address="7 rue de l'Ours",
        postcode="68100",
        city="Mulhouse",
        latitude="47.745300",
        longitude="7.339100",
        organisers=[{"actor": mef, "role": vocab.ORGANISER}],
    )
    atelier = make_event(
        (today + 20 * DAY, dt.time(9, 30), None, dt.time(12, 0)),
        (today + 27 * DAY, dt.time(14, 0), None, dt.time(17, 0)),
        title="Atelier annulé flux",
        event_type=vocab.EventType.WORKSHOP,
        status=vocab.CANCELLED,
        status_note="Annulé faute de salle.",
        region="11",
        departement="75",
        place_name="Maison des associations",
        city="Paris",
        postcode="75011",
    )
    webinar = make_event(
        (today + 5 * DAY, dt.time(18, 0), None, None),
        title="Webinaire reporté flux",
        event_type=vocab.EventType.CONFERENCE,
        status=vocab.POSTPONED,
        status_note="Nouvelle date à venir.",
        mode=vocab.ONLINE,
        online_url="https://visio.example.org/ess",
    )
    undated = make_event(
        title="Prochaine réunion flux",
        event_type=vocab.EventType.NETWORK_MEETING,
        dates_note="premier trimestre",
        region="44",
    )
    recent = make_event(
        (today - 10 * DAY, None, None, None), title="Passé récent flux", region="44"
    )
    old = make_event((today - 200 * DAY, None, None, None), title="Passé ancien flux", region="44")
    return {
        "forum": forum,
        "atelier": atelier,
        "webinar": webinar,
        "undated": undated,
        "recent": recent,
        "old": old,
    }


def get(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return response


def parse_xml(content: bytes):
    return ET.fromstring(content)  # noqa: S314 - the site's own feed, in a test


def rss_items(client, agenda, params=None) -> dict:
    response = get(client, f"{agenda.url}flux/rss/", params)
    assert response["Content-Type"].startswith("application/rss+xml")
    items = parse_xml(response.content).find("channel").findall("item")
    return {item.findtext("title"): item for item in items}


def parse_calendar(response, disposition="inline") -> icalendar.Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith(f"{disposition}; filename=")
    return icalendar.Calendar.from_ical(response.content)


def vevents(client, agenda, params=None) -> list:
    response = get(client, f"{agenda.url}flux/ical/", params)
    return parse_calendar(response).walk("VEVENT")


def summaries(events) -> list[str]:
    return [str(event["summary"]) for event in events]


# --- RSS and Atom ------------------------------------------------------------------


def test_rss_lists_current_events_newest_first_with_their_status(client, agenda, events):
    response = get(client, f"{agenda.url}flux/rss/")
    channel = parse_xml(response.content).find("channel")
    assert channel.findtext("title") == "Agenda des tests"
    titles = [item.findtext("title") for item in channel.findall("item")]
    # Newest publication first; the past events are in the archive, not here.
    assert titles == [
        "Prochaine réunion flux",
        "[Reporté] Webinaire reporté flux",
        "[Annulé] Atelier annulé flux",
        "Forum nécESSaire flux",
    ]
    items = {item.findtext("title"): item for item in channel.findall("item")}
    forum = items["Forum nécESSaire flux"]
    assert forum.findtext("link").endswith(events["forum"].url)
    description = forum.findtext("description")
    assert "Tables rondes & ateliers <ESS>." in description
    last = french(events["forum"].slots.get().end_date)
    assert description.count("Date : du ") == 1 and f" au {last}" in description
    assert "Lieu : MEF Mulhouse, 7 rue de l'Ours, 68100 Mulhouse" in description
    atelier = items["[Annulé] Atelier annulé flux"].findtext("description")
    assert atelier.startswith("Annulé faute de salle.")
    day = events["atelier"].ordered_slots[0].start_date
    hours = "9 h 30 – 12 h"  # one line, plain spaces
    assert f"Date : {weekday(day)} {french(day)}, {hours} (et une autre date)" in atelier
    assert [c.text for c in items["[Annulé] Atelier annulé flux"].findall("category")] == [
        "Atelier",
        "Annulé",
    ]
    webinar = items["[Reporté] Webinaire reporté flux"].findtext("description")
    assert "Lieu : En ligne : https://visio.example.org/ess" in webinar
    assert "Date à préciser : premier trimestre" in items["Prochaine réunion flux"].findtext(
        "description"
    )
    guids = [item.findtext("guid") for item in channel.findall("item")]
    assert f"urn:uuid:{events['forum'].translation_key}" in guids


def test_rss_follows_the_filters_and_ignores_bad_values(client, agenda, events):
    assert list(rss_items(client, agenda, {"region": "44"})) == [
        "Prochaine réunion flux",
        "Forum nécESSaire flux",
    ]
    # A bad value is left out, the valid ones still apply.
    narrowed = rss_items(client, agenda, {"region": "44", "type": "n'importe", "date_from": "x"})
    assert list(narrowed) == ["Prochaine réunion flux", "Forum nécESSaire flux"]
    assert list(rss_items(client, agenda, {"type": "atelier"})) == ["[Annulé] Atelier annulé flux"]


def test_atom_parses(client, agenda, events):
    response = get(client, f"{agenda.url}flux/atom/", {"region": "44"})
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = parse_xml(response.content).findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Prochaine réunion flux",
        "Forum nécESSaire flux",
    ]
    assert entries[1].findtext(f"{ATOM}id") == f"urn:uuid:{events['forum'].translation_key}"


def test_control_characters_do_not_break_the_feeds(client, agenda, make_event, today):
    make_event(
        (today + 3 * DAY, None, None, None),
        title="Forum\x0bdes\x1b ESS",
        summary="Ligne\x0cun\x08\nligne deux",  # no NUL: PostgreSQL never stores one
        place_name="Salle\x07 A",
    )
    (title,) = rss_items(client, agenda)
    assert title == "Forum des ESS"
    (event,) = vevents(client, agenda)
    assert str(event["summary"]) == "Forum des ESS"
    get(client, f"{agenda.url}flux/atom/")


# --- iCalendar -----------------------------------------------------------------------


def test_ical_feed_has_one_vevent_per_slot(client, agenda, events):
    response = get(client, f"{agenda.url}flux/ical/")
    calendar = parse_calendar(response)
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["x-wr-calname"]) == "Agenda des tests"
    assert any(component.name == "VTIMEZONE" for component in calendar.subcomponents)
    found = calendar.walk("VEVENT")
    # Nearest events first, each slot by date, then the recently ended; the
    # undated event has no slot, the one ended 200 days ago is left out.
    assert summaries(found) == [
        "[Reporté] Webinaire reporté flux",
        "Forum nécESSaire flux",
        "[Annulé] Atelier annulé flux",
        "[Annulé] Atelier annulé flux",
        "Passé récent flux",
    ]
    assert len({str(event["uid"]) for event in found}) == 5
    assert all(event.decoded("dtstamp").tzinfo is not None for event in found)


def test_ical_all_day_slots_are_dates_and_timed_ones_paris_times(client, agenda, events):
    webinar, forum, first, second, recent = vevents(client, agenda)
    start, end = forum.decoded("dtstart"), forum.decoded("dtend")
    assert type(start) is dt.date and type(end) is dt.date
    assert start == events["forum"].slots.get().start_date
    assert end == events["forum"].slots.get().end_date + DAY  # exclusive
    assert forum["dtstart"].params.get("VALUE") == "DATE"
    slot = events["atelier"].ordered_slots[0]
    assert first.decoded("dtstart") == dt.datetime.combine(slot.start_date, dt.time(9, 30), paris())
    assert str(first["dtstart"].params["TZID"]) == "Europe/Paris"
    assert first["dtstart"].to_ical() == f"{slot.start_date:%Y%m%d}T093000".encode()
    assert first["dtend"].to_ical() == f"{slot.start_date:%Y%m%d}T120000".encode()
    # Without an end time, until the end of the day.
    day = events["webinar"].slots.get().start_date
    assert webinar.decoded("dtend") == dt.datetime.combine(day + DAY, dt.time.min, paris())


def test_ical_statuses_locations_and_links(client, agenda, events):
    webinar, forum, first, second, recent = vevents(client, agenda)
    assert str(first["status"]) == str(second["status"]) == "CANCELLED"
    assert str(webinar["status"]) == "TENTATIVE"
    assert str(forum["status"]) == "CONFIRMED"
    assert str(forum["location"]) == "MEF Mulhouse, 7 rue de l'Ours, 68100 Mulhouse"
    geo = forum.decoded("geo")
    assert tuple(geo) == (47.7453, 7.3391)
    assert "geo" not in webinar
    assert str(webinar["location"]) == "En ligne : https://visio.example.org/ess"
    assert str(forum["url"]).endswith(events["forum"].url)
    assert forum["description"].endswith(str(forum["url"]))
    assert "Tables rondes & ateliers <ESS>." in str(forum["description"])
    assert str(first["description"]).startswith("Annulé faute de salle.")
    assert [str(c) for c in first["categories"].cats] == ["Atelier"]


def test_ical_uids_are_stable_per_event_and_slot(client, agenda, events):
    key = events["atelier"].translation_key
    uids = [str(e["uid"]) for e in vevents(client, agenda, {"type": "atelier"})]
    assert uids == [
        f"evenement-{key}-creneau-0@maison-ess",
        f"evenement-{key}-creneau-1@maison-ess",
    ]
    # Published again with a new title: the same identifiers.
    atelier = events["atelier"]
    atelier.title = "Atelier renommé flux"
    atelier.save_revision().publish()
    renamed = vevents(client, agenda, {"type": "atelier"})
    assert summaries(renamed) == ["[Annulé] Atelier renommé flux"] * 2
    assert [str(e["uid"]) for e in renamed] == uids


def test_ical_feed_follows_the_filters_and_ignores_bad_values(client, agenda, events):
    assert summaries(vevents(client, agenda, {"region": "44"})) == [
        "Forum nécESSaire flux",
        "Passé récent flux",
    ]
    bad = {"region": "44", "type": "n'importe", "period": "jamais", "page": "x"}
    assert summaries(vevents(client, agenda, bad)) == ["Forum nécESSaire flux", "Passé récent flux"]
    assert summaries(vevents(client, agenda, {"mode": "en-ligne"})) == [
        "[Reporté] Webinaire reporté flux"
    ]


def test_ical_feed_stamps_each_response_and_follows_publications(
    client, agenda, events, monkeypatch
):
    now = timezone.now().replace(microsecond=0)
    for offset in (dt.timedelta(0), dt.timedelta(hours=1)):
        monkeypatch.setattr(timezone, "now", lambda offset=offset: now + offset)
        stamps = {e.decoded("dtstamp") for e in vevents(client, agenda, {"region": "44"})}
        assert stamps == {now + offset}
    forum = events["forum"]
    forum.status = vocab.CANCELLED
    forum.save_revision().publish()
    (event, _recent) = vevents(client, agenda, {"region": "44"})
    assert str(event["summary"]) == "[Annulé] Forum nécESSaire flux"
    assert str(event["status"]) == "CANCELLED"


def test_ical_feed_holds_the_nearest_events_only(client, agenda, events, monkeypatch):
    from events import feeds

    monkeypatch.setattr(feeds, "ICAL_MAX_EVENTS", 2)
    assert summaries(vevents(client, agenda)) == [
        "[Reporté] Webinaire reporté flux",
        "Forum nécESSaire flux",
    ]


def test_ical_feeds_stay_complete_when_the_shared_cache_is_full(
    client, agenda, events, monkeypatch
):
    from events import feeds

    monkeypatch.setattr(feeds, "MAX_CACHED_EVENTS", 1)
    everything = summaries(vevents(client, agenda))
    assert summaries(vevents(client, agenda, {"region": "44"})) == [
        "Forum nécESSaire flux",
        "Passé récent flux",
    ]
    assert summaries(vevents(client, agenda)) == everything


# --- One event's .ics ----------------------------------------------------------------


def test_event_ics_holds_all_its_slots(client, agenda, events):
    atelier = events["atelier"]
    response = get(client, f"{atelier.url}ical/")
    calendar = parse_calendar(response, disposition="attachment")
    assert response["Content-Disposition"] == f'attachment; filename="{atelier.slug}.ics"'
    found = calendar.walk("VEVENT")
    assert [event.decoded("dtstart").date() for event in found] == [
        slot.start_date for slot in atelier.ordered_slots
    ]
    assert {str(event["status"]) for event in found} == {"CANCELLED"}
    # The same identifiers as in the feed.
    in_feed = vevents(client, agenda, {"type": "atelier"})
    assert [str(e["uid"]) for e in found] == [str(e["uid"]) for e in in_feed]


def test_event_ics_of_a_past_event_and_none_without_slots(client, agenda, events):
    old = parse_calendar(get(client, f"{events['old'].url}ical/"), disposition="attachment")
    (event,) = old.walk("VEVENT")
    assert event.decoded("dtstart") == events["old"].slots.get().start_date
    assert client.get(f"{events['undated'].url}ical/").status_code == 404


# --- Query counts --------------------------------------------------------------------


FEEDS = [
    ("flux/rss/", {}),
    ("flux/atom/", {"region": "44", "type": "forum"}),
    ("flux/ical/", {}),
    ("flux/ical/", {"region": "44", "period": "ce-mois-ci", "type": "n'importe"}),
]


def test_feed_query_counts_do_not_grow_with_events(
    client, agenda, make_event, today, mef, django_assert_max_num_queries
):
    """Each feed (filtered or not) runs as many queries with 30 events as
    with 3, with its cached events and without. The events are made once
    for every feed: making them is most of the test's time."""
    theme = Theme.objects.order_by("name").first()

    def add(start, stop):
        for n in range(start, stop):
            make_event(
                (today + (n % 20) * DAY, None, None, None),
                (today + (n % 20 + 1) * DAY, dt.time(10, 0), None, dt.time(12, 0)),
                title=f"Volume {n}",
                region="44",
                status=vocab.CANCELLED if n % 3 == 0 else vocab.SCHEDULED,
                organisers=[{"actor": mef}, {"name": "Collectif libre"}],
                themes=[theme],
            )

    def count(path, params):
        counts = []
        for clear in (True, False):  # without, then with the cached events
            if clear:
                cache.clear()
            with django_assert_max_num_queries(25) as captured:
                assert client.get(f"{agenda.url}{path}", params).status_code == 200
            counts.append(len(captured.captured_queries))
        return counts

    add(0, 3)
    few = {(path, str(params)): count(path, params) for path, params in FEEDS}
    add(3, 30)
    many = {(path, str(params)): count(path, params) for path, params in FEEDS}
    assert many == few
