"""Where an event stands in time is derived from its slots and the moment of
the request, in Paris time: the same rule in SQL (listings, feeds) and in
Python (the page), around midnight and the daylight-saving changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from events import vocab
from events.models import EventPage

PARIS = ZoneInfo("Europe/Paris")
S = vocab.TimeStatus


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def sql_status(event, now):
    return EventPage.objects.filter(pk=event.pk).with_time_status(now).get().time_status


def both(event, now):
    """The status in SQL and in Python: they must agree."""
    python = EventPage.objects.get(pk=event.pk).time_status_at(now)
    assert sql_status(event, now) == python
    return python


@pytest.mark.django_db
def test_an_all_day_event_is_today_from_paris_midnight_to_the_next(make_event):
    event = make_event((dt.date(2026, 11, 20), None, None, None))
    assert both(event, at(2026, 11, 19, 23, 59)) == S.UPCOMING
    assert both(event, at(2026, 11, 20, 0, 0)) == S.TODAY
    assert both(event, at(2026, 11, 20, 23, 59)) == S.TODAY
    assert both(event, at(2026, 11, 21, 0, 0)) == S.PAST


@pytest.mark.django_db
def test_a_timed_event_is_today_until_it_ends_then_past(make_event):
    event = make_event((dt.date(2026, 3, 20), dt.time(9, 30), None, dt.time(12, 0)))
    assert both(event, at(2026, 3, 20, 8, 0)) == S.TODAY
    assert both(event, at(2026, 3, 20, 11, 59)) == S.TODAY
    assert both(event, at(2026, 3, 20, 12, 0)) == S.PAST


@pytest.mark.django_db
def test_a_multi_day_event_is_ongoing_after_its_first_day(make_event):
    event = make_event((dt.date(2026, 11, 2), None, dt.date(2026, 11, 30), None))
    assert both(event, at(2026, 11, 2, 10, 0)) == S.TODAY
    assert both(event, at(2026, 11, 15, 10, 0)) == S.ONGOING
    assert both(event, at(2026, 12, 1, 0, 0)) == S.PAST


@pytest.mark.django_db
def test_daylight_saving_changes_do_not_shift_the_day(make_event):
    # Clocks go forward on 29 March 2026 and back on 25 October 2026: the
    # day still starts at Paris midnight (UTC+1 before, UTC+2 after).
    spring = make_event((dt.date(2026, 3, 29), None, None, None), title="Printemps")
    assert timezone_offset(spring.starts_at) == dt.timedelta(hours=1)
    assert spring.ends_at - spring.starts_at == dt.timedelta(hours=23)
    assert both(spring, at(2026, 3, 28, 23, 30)) == S.UPCOMING
    assert both(spring, at(2026, 3, 29, 23, 30)) == S.TODAY
    autumn = make_event((dt.date(2026, 10, 25), dt.time(2, 30), None, dt.time(3, 30)))
    assert autumn.ends_at > autumn.starts_at
    assert both(autumn, at(2026, 10, 24, 23, 0)) == S.UPCOMING
    assert both(autumn, at(2026, 10, 25, 0, 30)) == S.TODAY


def timezone_offset(value):
    return value.astimezone(PARIS).utcoffset()


@pytest.mark.django_db
def test_the_next_slot_decides_and_slots_are_ordered(make_event):
    event = make_event(
        (dt.date(2026, 11, 26), dt.time(14, 0), None, dt.time(17, 0)),
        (dt.date(2026, 11, 5), dt.time(9, 0), None, dt.time(12, 0)),
    )
    page = EventPage.objects.get(pk=event.pk)
    assert [slot.start_date.day for slot in page.ordered_slots] == [5, 26]
    assert event.starts_at == at(2026, 11, 5, 9, 0)
    assert event.ends_at == at(2026, 11, 26, 17, 0)
    # Between the two slots: upcoming again (the next one is in three weeks).
    assert both(event, at(2026, 11, 6, 10, 0)) == S.UPCOMING
    annotated = EventPage.objects.filter(pk=event.pk).with_next_start(at(2026, 11, 6, 10, 0))
    assert annotated.get().next_start == at(2026, 11, 26, 14, 0)


@pytest.mark.django_db
def test_an_event_without_dates_is_undated_until_its_expected_year_is_over(make_event):
    unknown = make_event(title="Prochaine réunion", dates_note="premier trimestre 2016")
    assert both(unknown, at(2016, 1, 5, 12, 0)) == S.UNDATED
    expected = make_event(title="GSEF", expected_year=2016)
    assert both(expected, at(2016, 6, 1, 12, 0)) == S.UNDATED
    assert both(expected, at(2017, 1, 1, 0, 0)) == S.PAST
    now = at(2017, 1, 1, 0, 0)
    current = set(EventPage.objects.current(now).values_list("title", flat=True))
    past = set(EventPage.objects.past(now).values_list("title", flat=True))
    assert "Prochaine réunion" in current and "GSEF" in past
