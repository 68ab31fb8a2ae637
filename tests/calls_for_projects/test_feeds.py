"""The calls' feeds parse and follow the listing's filters: RSS 2.0 and Atom
of newly published calls, the iCalendar feed of deadlines and a call's
"add to my calendar" .ics (read back with the `icalendar` package)."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from calls_for_projects.factories import CallForProjectsPageFactory, CallsIndexPageFactory
from calls_for_projects.models import CallForProjectsPage

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def index(home_fr):
    return CallsIndexPageFactory(parent=home_fr, title="Appels flux", slug="appels-flux")


def add_call(index, **fields):
    call = CallForProjectsPageFactory(parent=index, **fields)
    call.save_revision().publish()
    return CallForProjectsPage.objects.get(pk=call.pk)


@pytest.fixture
def calls(index):
    now = timezone.now()
    return {
        "ami": add_call(
            index,
            title="AMI Grand Est flux",
            call_type="ami",
            region="44",
            deadline=now + timedelta(days=9),
            summary="Résumé de l'AMI & de ses <objectifs>.",
        ),
        "aap": add_call(
            index,
            title="AAP Île-de-France flux",
            call_type="aap",
            region="11",
            deadline=now + timedelta(days=20),
        ),
        "rolling": add_call(
            index, title="Aide au fil de l'eau flux", call_type="fil-de-l-eau", is_rolling=True
        ),
        "closed": add_call(
            index,
            title="AMI clos flux",
            call_type="ami",
            region="44",
            deadline=now - timedelta(days=3),
        ),
    }


def parse_xml(content: bytes):
    return ET.fromstring(content)  # noqa: S314 - the site's own feed, in a test


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return response


def test_rss_parses_and_lists_the_filtered_calls_newest_first(client, index, calls):
    response = get(client, f"{index.url}flux/rss/")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse_xml(response.content).find("channel")
    assert channel.findtext("title") == "Appels flux"
    items = channel.findall("item")
    titles = [item.findtext("title") for item in items]
    # Newest publication first; closed calls are in the archive, not the feed.
    assert titles == [
        "Au fil de l'eau – Aide au fil de l'eau flux",
        "AAP – AAP Île-de-France flux",
        "AMI – AMI Grand Est flux",
    ]
    first_link = items[-1].findtext("link")
    assert first_link.endswith(calls["ami"].url)
    assert "Résumé de l'AMI & de ses <objectifs>." in items[-1].findtext("description")

    filtered = parse_xml(get(client, f"{index.url}flux/rss/", type="ami", region="44").content)
    assert [i.findtext("title") for i in filtered.iter("item")] == ["AMI – AMI Grand Est flux"]
    archive = parse_xml(get(client, f"{index.url}flux/rss/", status="clos").content)
    assert [i.findtext("title") for i in archive.iter("item")] == ["AMI – AMI clos flux"]


def test_feeds_say_when_dates_are_not_announced(client, index, calls):
    """An undated call is not « À venir » in the feeds either: the listing's
    statuses, its last known edition, and the same status filter."""
    year = timezone.localdate().year
    add_call(index, title="Annuel sans dates flux", call_type="aap", edition_year=year - 1)
    add_call(index, title="AMI sans session flux", call_type="ami", edition_year=year - 3)
    channel = parse_xml(get(client, f"{index.url}flux/rss/").content).find("channel")
    items = {item.findtext("title"): item for item in channel.findall("item")}
    assert "AMI – AMI sans session flux" not in items  # as in the default listing
    awaited = items["AAP – Annuel sans dates flux"]
    assert [c.text for c in awaited.findall("category")] == [
        "Appel à projets (AAP)",
        "Dates non annoncées",
    ]
    assert f"Dates non annoncées (dernière édition connue : {year - 1})." in awaited.findtext(
        "description"
    )
    response = get(client, f"{index.url}flux/atom/", status="pas-de-session")
    entries = parse_xml(response.content).findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["AMI – AMI sans session flux"]
    terms = [category.get("term") for category in entries[0].findall(f"{ATOM}category")]
    assert "Pas de session annoncée" in terms
    upcoming = parse_xml(get(client, f"{index.url}flux/rss/", status="a-venir").content)
    assert [i.findtext("title") for i in upcoming.iter("item")] == []


def test_atom_parses(client, index, calls):
    response = get(client, f"{index.url}flux/atom/", status="ouvert")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse_xml(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert sorted(titles) == ["AAP – AAP Île-de-France flux", "AMI – AMI Grand Est flux"]
    for entry in feed.findall(f"{ATOM}entry"):
        assert entry.findtext(f"{ATOM}id").startswith("urn:uuid:")
        assert entry.find(f"{ATOM}updated") is not None


def test_feeds_ignore_bad_parameters(client, index, calls):
    for path in ("flux/rss/", "flux/atom/", "flux/ical/"):
        get(client, f"{index.url}{path}", status="n'importe", deadline_before="hier", page="x")


def parse_calendar(response) -> icalendar.Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.ics"')
    return icalendar.Calendar.from_ical(response.content)


def test_ical_feed_of_deadlines_parses_and_follows_filters(client, index, calls):
    calendar = parse_calendar(get(client, f"{index.url}flux/ical/"))
    assert str(calendar["version"]) == "2.0"
    events = calendar.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [
        "Date limite : AMI Grand Est flux",
        "Date limite : AAP Île-de-France flux",
    ]  # nearest deadline first; the rolling scheme has none, the closed one is past
    start = events[0].decoded("dtstart")
    assert start == calls["ami"].deadline.replace(microsecond=0)
    assert start.tzinfo is not None and str(events[0]["dtstart"].params["TZID"]) == "Europe/Paris"
    assert any(c.name == "VTIMEZONE" for c in calendar.subcomponents)
    assert str(events[0]["url"]).endswith(calls["ami"].url)
    assert len({str(e["uid"]) for e in events}) == 2
    assert events[0].walk("VALARM") == []  # no reminders pushed by a subscribed feed

    filtered = parse_calendar(get(client, f"{index.url}flux/ical/", type="ami", region="44"))
    assert [str(e["summary"]) for e in filtered.walk("VEVENT")] == [
        "Date limite : AMI Grand Est flux"
    ]


def test_call_ics_is_its_deadline_in_paris_time(client, index):
    deadline = timezone.now().replace(microsecond=0) + timedelta(days=40)
    call = add_call(index, title="Appel agenda", deadline=deadline)
    response = get(client, f"{call.url}ical/")
    assert 'filename="' in response["Content-Disposition"]
    calendar = parse_calendar(response)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == deadline
    assert (
        event.decoded("dtstart").astimezone(PARIS).utcoffset()
        == deadline.astimezone(PARIS).utcoffset()
    )
    assert str(event["summary"]) == "Date limite : Appel agenda"
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == timedelta(days=-7)


def test_call_ics_across_daylight_saving(client, index):
    from datetime import datetime

    deadline = datetime(2031, 3, 30, 12, 0, tzinfo=PARIS)  # the day after clocks change
    call = add_call(index, title="Appel heure d'été", deadline=deadline)
    calendar = parse_calendar(get(client, f"{call.url}ical/"))
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart").astimezone(ZoneInfo("UTC")).hour == 10
    assert event["dtstart"].to_ical() == b"20310330T120000"


def test_no_ics_without_deadline(client, index, calls):
    assert client.get(f"{calls['rolling'].url}ical/").status_code == 404


def test_ical_feed_holds_the_nearest_deadlines_only(client, index, calls, monkeypatch):
    from calls_for_projects import feeds

    monkeypatch.setattr(feeds, "ICAL_MAX_EVENTS", 1)
    calendar = parse_calendar(get(client, f"{index.url}flux/ical/"))
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == [
        "Date limite : AMI Grand Est flux"
    ]


def test_ical_feed_events_are_stamped_per_request_and_follow_publications(
    client, index, calls, monkeypatch
):
    """Events are cached without their DTSTAMP (feeds.py): each response
    stamps them with its own time, and a publication renews them."""
    now = timezone.now().replace(microsecond=0)
    for offset in (timedelta(0), timedelta(hours=1)):
        monkeypatch.setattr(timezone, "now", lambda offset=offset: now + offset)
        events = parse_calendar(get(client, f"{index.url}flux/ical/")).walk("VEVENT")
        assert [e.decoded("dtstamp") for e in events] == [now + offset] * 2
    call = calls["ami"]
    call.title = "AMI Grand Est renommé"
    call.save_revision().publish()
    events = parse_calendar(get(client, f"{index.url}flux/ical/")).walk("VEVENT")
    assert str(events[0]["summary"]) == "Date limite : AMI Grand Est renommé"


def test_ical_feed_drops_a_call_once_its_deadline_has_passed(client, index, calls, monkeypatch):
    get(client, f"{index.url}flux/ical/")  # events cached
    later = calls["ami"].deadline + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    events = parse_calendar(get(client, f"{index.url}flux/ical/")).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Date limite : AAP Île-de-France flux"]


FEEDS = [
    ("flux/rss/", {}),
    ("flux/atom/", {"type": "ami", "status": "ouvert"}),
    ("flux/ical/", {}),
    ("flux/ical/", {"type": "ami", "region": "44", "status": "ouvert"}),
]


def test_feed_query_counts_do_not_grow_with_calls(client, index, django_assert_max_num_queries):
    """Each feed (filtered or not) runs as many queries with 40 calls as
    with 3. The calls are made once for every feed: making them is most of
    the test's time."""
    now = timezone.now()

    def add(start, stop):
        for n in range(start, stop):
            add_call(
                index,
                title=f"Flux volume {n}",
                call_type="ami" if n % 2 else "aap",
                region="44",
                deadline=now + timedelta(days=5 + n),
            )

    def count(path, params):
        client.get(f"{index.url}{path}", params)
        with django_assert_max_num_queries(20) as captured:
            assert client.get(f"{index.url}{path}", params).status_code == 200
        return len(captured.captured_queries)

    add(0, 3)
    few = {(path, str(params)): count(path, params) for path, params in FEEDS}
    add(3, 40)
    many = {(path, str(params)): count(path, params) for path, params in FEEDS}
    assert many == few


def test_ical_feeds_stay_complete_when_the_shared_event_cache_is_full(
    client, index, calls, monkeypatch
):
    from calls_for_projects import feeds

    monkeypatch.setattr(feeds, "MAX_CACHED_EVENTS", 1)
    expected = ["Date limite : AMI Grand Est flux", "Date limite : AAP Île-de-France flux"]
    for params in ({}, {"type": "aap"}, {}):
        events = parse_calendar(get(client, f"{index.url}flux/ical/", **params)).walk("VEVENT")
        wanted = [title for title in expected if "AAP" in title] if params else expected
        assert [str(e["summary"]) for e in events] == wanted


@pytest.mark.parametrize("route", ["rss", "atom"])
def test_a_control_character_in_a_stored_title_does_not_break_the_feeds(client, index, route):
    """One title approved with a control character (pasted from a word
    processor) must not turn the shared feed into a server error."""
    # (No NUL byte: PostgreSQL refuses it in a text column, so none is stored.)
    add_call(index, title="Appel\x0b vertical\x08", summary="Résumé\x1b avec échappement")
    response = client.get(index.url + index.reverse_subpage(route))
    assert response.status_code == 200
    root = parse_xml(response.content)
    titles = [element.text for element in root.iter() if element.tag.endswith("title")]
    assert "AAP – Appel vertical" in titles
