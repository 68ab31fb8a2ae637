"""The shared feed helpers (home/feeds.py), read back with `icalendar`: event
times in Paris across daylight saving changes, the .ics response, hostile
text, and the cache of serialised events."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar

from home import feeds
from home.cache import VersionedCache

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//Maison de l'ESS//Tests//FR"
EVENTS = VersionedCache("test-feeds-events")
HOSTILE = "Réunion\x00 « test »\x07\x1b\r\nsuite\ud800" + "é" * 10_000


def parse(calendar, events) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(feeds.calendar_bytes(calendar, events))


def one_event(day, start=None, end=None, **times) -> icalendar.Event:
    event = feeds.new_event(feeds.uid("test", 1), "Réunion")
    feeds.add_times(event, day, start, end, **times)
    (parsed,) = parse(feeds.new_calendar("Agenda", PRODID), [event]).walk("VEVENT")
    return parsed


def test_an_all_day_event_is_a_date_ending_the_day_after_its_last():
    event = one_event(dt.date(2031, 3, 29), last_day=dt.date(2031, 3, 30))
    assert event.decoded("dtstart") == dt.date(2031, 3, 29)
    assert event.decoded("dtend") == dt.date(2031, 3, 31)
    assert not isinstance(event.decoded("dtstart"), dt.datetime)


def test_timed_events_are_in_paris_time_across_daylight_saving_changes():
    # Clocks go forward on 30 March 2031 at 02:00 and back on 26 October.
    spring = one_event(dt.date(2031, 3, 30), dt.time(1, 30), dt.time(3, 30))
    assert spring.decoded("dtstart") == dt.datetime(2031, 3, 30, 0, 30, tzinfo=dt.UTC)
    assert spring.decoded("dtend") == dt.datetime(2031, 3, 30, 1, 30, tzinfo=dt.UTC)
    assert str(spring["dtstart"].params["TZID"]) == "Europe/Paris"
    assert spring["dtstart"].to_ical() == b"20310330T013000"

    over_days = one_event(
        dt.date(2031, 3, 29), dt.time(10), dt.time(18), last_day=dt.date(2031, 3, 30)
    )
    assert over_days.decoded("dtstart").utcoffset() == dt.timedelta(hours=1)
    assert over_days.decoded("dtend") == dt.datetime(2031, 3, 30, 18, tzinfo=PARIS)
    assert over_days.decoded("dtend").utcoffset() == dt.timedelta(hours=2)

    # Without an end time: for `duration` (wall clock), else to the end of the last day.
    autumn = one_event(dt.date(2031, 10, 26), dt.time(14), duration=dt.timedelta(hours=2))
    assert autumn.decoded("dtend") == dt.datetime(2031, 10, 26, 15, tzinfo=dt.UTC)
    until_midnight = one_event(dt.date(2031, 10, 25), dt.time(20), last_day=dt.date(2031, 10, 26))
    assert until_midnight.decoded("dtend") == dt.datetime(2031, 10, 26, 23, tzinfo=dt.UTC)


def test_the_time_zone_is_described_only_when_an_event_has_a_time():
    calendar = feeds.new_calendar("Agenda", PRODID)
    all_day = feeds.new_event(feeds.uid("jour", 1), "Journée")
    feeds.add_times(all_day, dt.date(2031, 6, 1))
    assert parse(calendar, [all_day]).walk("VTIMEZONE") == []
    assert parse(calendar, []).walk("VTIMEZONE") == []
    timed = feeds.new_event(feeds.uid("heure", 2), "Réunion")
    feeds.add_times(timed, dt.date(2031, 6, 1), dt.time(9))
    parsed = parse(calendar, [all_day, timed.to_ical()])
    assert [str(zone["TZID"]) for zone in parsed.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert [c.name for c in parsed.subcomponents] == ["VTIMEZONE", "VEVENT", "VEVENT"]
    assert str(parsed["PRODID"]) == PRODID
    assert str(parsed["X-WR-TIMEZONE"]) == "Europe/Paris"


def test_ical_response_is_a_calendar_download_with_a_safe_name():
    response = feeds.ical_response(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", 'Réu "x"/../\r\nnion')
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="reu-x-nion.ics"'
    assert response.content == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    calendar = feeds.new_calendar("Agenda", PRODID)
    response = feeds.ical_response(calendar, "日本", "appel", inline=True)
    assert response["Content-Disposition"] == 'inline; filename="appel.ics"'
    assert icalendar.Calendar.from_ical(response.content)["X-WR-CALNAME"] == "Agenda"
    long_name = feeds.ical_response(b"", "a" * 200)["Content-Disposition"]
    assert long_name == f'attachment; filename="{"a" * 80}.ics"'


def test_hostile_text_still_gives_a_calendar_that_parses():
    calendar = feeds.new_calendar(HOSTILE, PRODID)
    event = feeds.new_event(
        feeds.uid("test", 1), HOSTILE, dt.datetime(2031, 1, 1, tzinfo=dt.UTC), location=HOSTILE
    )
    feeds.add_times(event, dt.date(2031, 1, 2), dt.time(9))
    body = feeds.ical_response(feeds.calendar_bytes(calendar, [event]), HOSTILE).content
    assert b"\x00" not in body and b"\x07" not in body and b"\x1b" not in body
    parsed = icalendar.Calendar.from_ical(body)
    name = str(parsed["X-WR-CALNAME"])
    assert name == "Réunion « test »  suite" + "é" * 10_000
    (parsed_event,) = parsed.walk("VEVENT")
    assert str(parsed_event["SUMMARY"]) == "Réunion « test »\nsuite" + "é" * 10_000
    assert str(parsed_event["LOCATION"]) == str(parsed_event["SUMMARY"])
    assert parsed_event.decoded("DTSTAMP") == dt.datetime(2031, 1, 1, tzinfo=dt.UTC)


def test_uid():
    assert feeds.uid("appel", "abc", "date-limite") == "appel-abc-date-limite@maison-ess"
    assert feeds.uid("meeting", "0123", domain="example.org") == "meeting-0123@example.org"


def test_cached_events_are_built_once_and_stamped_per_call():
    built = []

    def build(keys):
        built.append(keys)
        # Key 3 is gone (deleted meanwhile): left out.
        return {
            key: feeds.new_event(feeds.uid("e", key), f"Événement {key}")
            for key in keys
            if key != 3
        }

    def summaries(keys, stamp, limit=10):
        events = feeds.cached_events(EVENTS, ("fr", "1"), keys, build, stamp, limit=limit)
        parsed = parse(feeds.new_calendar("Agenda", PRODID), events).walk("VEVENT")
        assert {event.decoded("DTSTAMP") for event in parsed} <= {stamp}
        return [str(event["SUMMARY"]) for event in parsed]

    first = dt.datetime(2031, 1, 1, 12, tzinfo=PARIS)
    assert summaries([2, 1, 3], first) == ["Événement 2", "Événement 1"]
    later = first + dt.timedelta(hours=1)
    assert summaries([1, 2], later) == ["Événement 1", "Événement 2"]
    assert built == [[2, 1, 3]]  # the second call built nothing
    # Past `limit`, the entry keeps this feed's events only, and all are served.
    assert summaries([4, 1], later, limit=2) == ["Événement 4", "Événement 1"]
    assert built[-1] == [4]
    assert summaries([2], later, limit=2) == ["Événement 2"]
    assert built[-1] == [2]
    EVENTS.bump()
    summaries([1], later)
    assert built[-1] == [1]
