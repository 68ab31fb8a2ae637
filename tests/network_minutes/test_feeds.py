"""The networks' feeds: the iCalendar file of upcoming meetings (parsed back
with `icalendar`) and the RSS of new minutes (parsed as XML)."""

import datetime
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from network_minutes.factories import (
    MeetingMinutesPageFactory,
    NetworkPageFactory,
    NetworksIndexPageFactory,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def index(home_fr):
    return NetworksIndexPageFactory(parent=home_fr, title="Réseaux flux", slug="reseaux-flux")


@pytest.fixture
def network(index):
    page = NetworkPageFactory(parent=index, title="Réseau des Alizés", slug="alizes")
    page.save_revision().publish()
    return page


def rss_channel(content: bytes):
    """The <channel> of an RSS document (our own feed: no external entities)."""
    return ElementTree.fromstring(content).find("channel")  # noqa: S314


def add_meeting(network, **fields):
    page = MeetingMinutesPageFactory(parent=network, **fields)
    page.save_revision().publish()
    return page


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return calendar, list(calendar.walk("VEVENT"))


def test_ical_lists_upcoming_meetings_and_announced_next_meetings(client, network):
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=10)
    announced = today + datetime.timedelta(days=40)
    add_meeting(
        network,
        title="Réunion passée",
        slug="passee",
        date=today - datetime.timedelta(days=20),
        next_meeting_date=announced,
        next_meeting_start_time=datetime.time(9, 30),
        next_meeting_end_time=datetime.time(12),
        next_meeting_host_text="Mairie des Alizés",
    )
    add_meeting(
        network,
        title="Réunion programmée",
        slug="programmee",
        date=soon,
        start_time=datetime.time(14),
        end_time=datetime.time(16, 30),
        place="Salle du conseil",
        summary="Ordre du jour : la charte.",
    )
    add_meeting(
        network,
        title="Réunion sans heure",
        slug="sans-heure",
        date=soon + datetime.timedelta(days=1),
    )
    calendar, found = events(client.get(network.url + "agenda/"))
    assert str(calendar["X-WR-CALNAME"]) == "Réseau des Alizés"
    by_summary = {str(event["SUMMARY"]): event for event in found}
    assert set(by_summary) == {
        "Réseau des Alizés – Réunion programmée",
        "Réseau des Alizés – Réunion sans heure",
        "Réseau des Alizés – prochaine réunion",
    }

    planned = by_summary["Réseau des Alizés – Réunion programmée"]
    assert planned.decoded("DTSTART") == datetime.datetime.combine(soon, datetime.time(14), PARIS)
    assert planned.decoded("DTEND") == datetime.datetime.combine(soon, datetime.time(16, 30), PARIS)
    assert str(planned["LOCATION"]) == "Salle du conseil"
    assert str(planned["DESCRIPTION"]) == "Ordre du jour : la charte."
    assert str(planned["URL"]).endswith("/fr/reseaux-flux/alizes/programmee/")

    all_day = by_summary["Réseau des Alizés – Réunion sans heure"]
    assert all_day.decoded("DTSTART") == soon + datetime.timedelta(days=1)
    assert all_day.decoded("DTEND") == soon + datetime.timedelta(days=2)

    next_one = by_summary["Réseau des Alizés – prochaine réunion"]
    start = next_one.decoded("DTSTART")
    assert start == datetime.datetime.combine(announced, datetime.time(9, 30), PARIS)
    assert start.tzinfo is not None and start.utcoffset() in {
        datetime.timedelta(hours=1),
        datetime.timedelta(hours=2),
    }
    assert str(next_one["LOCATION"]) == "Mairie des Alizés"
    assert "Réunion passée" in str(next_one["DESCRIPTION"])
    # Unique, stable identifiers; the time zone is described in the file.
    assert len({str(event["UID"]) for event in found}) == 3
    assert calendar.walk("VTIMEZONE")


def test_ical_skips_an_announcement_once_the_meeting_has_its_page(client, network):
    day = timezone.localdate() + datetime.timedelta(days=15)
    add_meeting(
        network,
        title="Réunion précédente",
        slug="precedente",
        date=day - datetime.timedelta(days=60),
        next_meeting_date=day,
    )
    add_meeting(network, title="Réunion du jour annoncé", slug="jour-annonce", date=day)
    _calendar, found = events(client.get(network.url + "agenda/"))
    assert [str(event["SUMMARY"]) for event in found] == [
        "Réseau des Alizés – Réunion du jour annoncé"
    ]


def test_ical_of_a_network_without_upcoming_meetings_is_an_empty_calendar(client, network):
    add_meeting(network, title="Vieille réunion", slug="vieille", date=datetime.date(2012, 3, 20))
    calendar, found = events(client.get(network.url + "agenda/"))
    assert found == []
    assert str(calendar["VERSION"]) == "2.0"


def test_rss_lists_new_minutes_newest_first(client, network, index):
    first = add_meeting(network, title="Première réunion", slug="premiere", summary="Le début.")
    second = add_meeting(network, title="Deuxième réunion", slug="deuxieme", summary="La suite.")
    first.first_published_at = timezone.now() - datetime.timedelta(days=3)
    first.save(update_fields=["first_published_at"])
    second.refresh_from_db()
    assert second.first_published_at > first.first_published_at

    response = client.get(network.url + "rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = rss_channel(response.content)
    assert channel.findtext("title") == "Réseau des Alizés – comptes rendus"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Deuxième réunion", "Première réunion"]
    assert items[0].findtext("description") == "La suite."
    assert items[0].findtext("link").endswith("/fr/reseaux-flux/alizes/deuxieme/")
    assert items[0].findtext("pubDate")

    # The index's feed gathers every network's minutes.
    other = NetworkPageFactory(parent=index, title="Autre réseau", slug="autre")
    other.save_revision().publish()
    add_meeting(other, title="Réunion d'un autre réseau", slug="autre-reunion")
    channel = rss_channel(client.get(index.url + "rss/").content)
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert set(titles) == {"Deuxième réunion", "Première réunion", "Réunion d'un autre réseau"}
    # A network's feed stays its own.
    channel = rss_channel(client.get(network.url + "rss/").content)
    assert "Réunion d'un autre réseau" not in [i.findtext("title") for i in channel.findall("item")]


def test_rss_leaves_out_unpublished_minutes(client, network):
    add_meeting(network, title="Publiée", slug="publiee")
    draft = add_meeting(network, title="Retirée", slug="retiree")
    draft.unpublish()
    channel = rss_channel(client.get(network.url + "rss/").content)
    assert [item.findtext("title") for item in channel.findall("item")] == ["Publiée"]


def test_rss_follows_the_listing_filters(client, network):
    """The feed reuses the network page's filter set: ?year=, ?theme=, ?q=."""
    add_meeting(network, title="Réunion de 2019", slug="r2019", date=datetime.date(2019, 5, 2))
    add_meeting(network, title="Réunion de 2021", slug="r2021", date=datetime.date(2021, 5, 2))
    channel = rss_channel(client.get(network.url + "rss/", {"year": "2019"}).content)
    assert [item.findtext("title") for item in channel.findall("item")] == ["Réunion de 2019"]
    # A value the listing ignores is ignored here too, never a 500.
    response = client.get(network.url + "rss/", {"year": "abc", "theme": "inconnu"})
    assert response.status_code == 200
    assert len(rss_channel(response.content).findall("item")) == 2
