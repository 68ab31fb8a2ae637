"""The agenda's listing keeps what it derives from the time (current or past,
the order by next start, the time statuses, the counts, a page of cards) in
its cache for a time window: until the next end of a slot or the next Paris
midnight, whichever comes first, and until the content changes. These tests
move the clock across those instants and check that nothing stale is shown."""

import datetime as dt

import pytest

from events.expiry import next_agenda_change
from events.models import paris

pytestmark = pytest.mark.django_db


def paris_dt(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=paris())


def slot_on(day, start, end):
    return (day, dt.time(start), day, dt.time(end))


def card_titles(response):
    html = response.content.decode()
    section = html[html.index('id="resultats"') :]
    return [title for title in ("Atelier du matin", "Forum du soir") if title in section]


def test_an_event_leaves_the_listing_when_its_last_slot_ends(client, agenda, make_event, clock):
    day = dt.date(2030, 3, 12)
    make_event(slot_on(day, 9, 11), title="Atelier du matin")
    make_event(slot_on(day, 18, 20), title="Forum du soir")
    clock(paris_dt(day, 10))
    response = client.get(agenda.url)
    assert card_titles(response) == ["Atelier du matin", "Forum du soir"]
    assert "2 événements à venir ou en cours" in response.content.decode()
    # The same instant again: the page comes from the cache, identical.
    assert client.get(agenda.url).content == response.content

    clock(paris_dt(day, 11, 1))
    response = client.get(agenda.url)
    assert card_titles(response) == ["Forum du soir"]
    assert "1 événement à venir ou en cours" in response.content.decode()
    archive = client.get(agenda.url + "archives/")
    assert "Atelier du matin" in archive.content.decode()


def test_an_upcoming_event_becomes_today_at_paris_midnight(client, agenda, make_event, clock):
    day = dt.date(2030, 3, 12)
    make_event(slot_on(day, 18, 20), title="Forum du soir")
    clock(paris_dt(day - dt.timedelta(days=1), 23, 50))
    assert "event-time--a-venir" in client.get(agenda.url).content.decode()
    clock(paris_dt(day, 0, 10))
    assert "event-time--aujourd-hui" in client.get(agenda.url).content.decode()


def test_a_publication_shows_at_once_within_a_window(client, agenda, make_event, clock):
    day = dt.date(2030, 3, 12)
    make_event(slot_on(day, 18, 20), title="Forum du soir")
    clock(paris_dt(day, 10))
    assert card_titles(client.get(agenda.url)) == ["Forum du soir"]
    make_event(slot_on(day, 9, 11), title="Atelier du matin")
    assert card_titles(client.get(agenda.url)) == ["Atelier du matin", "Forum du soir"]


def test_the_window_ends_at_the_next_slot_end_or_paris_midnight(agenda, make_event):
    day = dt.date(2030, 3, 12)
    make_event(slot_on(day, 9, 11), title="Atelier du matin")
    until = next_agenda_change(paris_dt(day, 10))
    assert until == paris_dt(day, 11)
    # After the last slot: the next Paris midnight (a DST change is at 2 or 3 am).
    until = next_agenda_change(paris_dt(day, 11, 30))
    assert until == paris_dt(day + dt.timedelta(days=1), 0)
    # The next slot end is recomputed once the cached one has passed.
    until = next_agenda_change(paris_dt(day, 10, 30))
    assert until == paris_dt(day, 11)


def test_the_listing_s_cache_lifetime_ends_with_its_window(client, agenda, make_event, clock):
    day = dt.date(2030, 3, 12)
    make_event(slot_on(day, 9, 11), title="Atelier du matin")
    clock(paris_dt(day, 10, 58))
    response = client.get(agenda.url)
    assert "max-age=120" in response["Cache-Control"]


def test_a_text_query_finds_an_event_published_after_the_same_query(client, agenda, make_event):
    # The ranked matches of a text query are cached with the content's
    # version: a publication renews them.
    day = dt.date(2030, 3, 12)
    make_event(slot_on(day, 18, 20), title="Forum du soir")
    assert card_titles(client.get(agenda.url, {"q": "atelier"})) == []
    make_event(slot_on(day, 9, 11), title="Atelier du matin")
    assert card_titles(client.get(agenda.url, {"q": "atelier"})) == ["Atelier du matin"]
