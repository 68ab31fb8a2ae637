"""A call's status is derived from its dates and "now" (Europe/Paris), never
stored: the boundaries of the rule, in Python and in SQL, which must agree."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from calls_for_projects import status as st
from calls_for_projects.factories import CallForProjectsPageFactory, CallsIndexPageFactory
from calls_for_projects.models import CallForProjectsPage, CallLaureate

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def status(now, **facts) -> str:
    return st.derive_status(st.CallDates(**facts), now)


def base_queryset(index, now):
    """The index's calls with their status at `now`, as the listing reads them."""
    return CallForProjectsPage.objects.live().descendant_of(index).with_status(now)


# --- The deadline minute ---------------------------------------------------------------


DEADLINE = paris(2026, 6, 30, 12, 0)


def test_open_the_minute_before_the_deadline_closed_the_minute_after():
    assert status(DEADLINE - timedelta(minutes=1), deadline=DEADLINE) == st.CLOSING_SOON
    assert status(DEADLINE, deadline=DEADLINE) == st.CLOSED
    assert status(DEADLINE + timedelta(minutes=1), deadline=DEADLINE) == st.CLOSED


def test_results_published_after_the_deadline_only():
    before = DEADLINE - timedelta(minutes=1)
    after = DEADLINE + timedelta(minutes=1)
    assert status(before, deadline=DEADLINE, has_results=True) == st.CLOSING_SOON
    assert status(after, deadline=DEADLINE, has_results=True) == st.RESULTS


def test_closing_soon_is_the_last_14_days():
    window = timedelta(days=14)
    assert status(DEADLINE - window - timedelta(minutes=1), deadline=DEADLINE) == st.OPEN
    assert status(DEADLINE - window, deadline=DEADLINE) == st.CLOSING_SOON
    assert status(DEADLINE - timedelta(days=3), deadline=DEADLINE) == st.CLOSING_SOON


def test_upcoming_until_the_opening_day_at_midnight_paris():
    opens = date(2026, 5, 4)
    facts = {"opens_on": opens, "deadline": DEADLINE}
    assert status(paris(2026, 5, 3, 23, 59), **facts) == st.UPCOMING
    assert status(paris(2026, 5, 4, 0, 0), **facts) == st.OPEN
    # 23:30 UTC on the 3rd is already the 4th in Paris (UTC+2 in May).
    assert status(datetime(2026, 5, 3, 22, 30, tzinfo=UTC), **facts) == st.OPEN
    assert status(datetime(2026, 5, 3, 21, 59, tzinfo=UTC), **facts) == st.UPCOMING


def test_rolling_undated_discontinued_and_opened_without_deadline():
    now = paris(2026, 1, 15, 9, 0)
    assert status(now, is_rolling=True) == st.ROLLING
    assert status(now, is_rolling=True, opens_on=date(2026, 2, 1)) == st.UPCOMING
    assert status(now) == st.NOT_ANNOUNCED  # no date announced: not « upcoming »
    assert status(now, opens_on=date(2026, 1, 2)) == st.OPEN  # opened, deadline to come
    assert status(now, discontinued=True, is_rolling=True) == st.CLOSED
    assert status(now, discontinued=True, has_results=True) == st.CLOSED
    # A rolling scheme with an end date closes at it.
    end = paris(2026, 1, 15, 8, 0)
    assert status(now, is_rolling=True, deadline=end) == st.CLOSED


# --- Calls without any date: the last known edition ------------------------------------------


def test_undated_call_is_not_upcoming_its_dates_are_not_announced():
    now = paris(2026, 1, 15, 9, 0)
    assert status(now) == st.NOT_ANNOUNCED
    assert status(now, edition_year=2025) == st.NOT_ANNOUNCED  # last year's edition
    assert status(now, edition_year=2026) == st.NOT_ANNOUNCED
    assert status(now, edition_year=2024) == st.NO_SESSION  # more than a year old
    assert status(now, edition_year=2018) == st.NO_SESSION
    assert st.NOT_ANNOUNCED in st.CURRENT and st.UPCOMING in st.CURRENT
    assert st.NO_SESSION not in st.CURRENT and st.NO_SESSION not in st.FINISHED


def test_an_edition_is_more_than_a_year_old_from_new_year_two_years_on_paris_time():
    assert status(paris(2025, 12, 31, 23, 59), edition_year=2024) == st.NOT_ANNOUNCED
    assert status(paris(2026, 1, 1, 0, 0), edition_year=2024) == st.NO_SESSION
    # 23:30 UTC on 31 December is already the 1st of January in Paris.
    assert status(datetime(2025, 12, 31, 23, 30, tzinfo=UTC), edition_year=2024) == (st.NO_SESSION)
    assert status(datetime(2025, 12, 31, 22, 59, tzinfo=UTC), edition_year=2024) == (
        st.NOT_ANNOUNCED
    )


def test_without_edition_year_the_last_publication_counts_for_a_year():
    published = paris(2025, 3, 10, 14, 0)
    year = st.NO_SESSION_AFTER
    assert year == timedelta(days=365)
    before = published + year - timedelta(minutes=1)
    assert status(before, last_published=published) == st.NOT_ANNOUNCED
    assert status(published + year, last_published=published) == st.NO_SESSION
    # The edition year, when given, decides whatever the publication.
    later = published + 3 * year
    assert status(later, last_published=published, edition_year=2027) == st.NOT_ANNOUNCED
    assert status(published, last_published=published, edition_year=2020) == st.NO_SESSION


def test_the_last_edition_matters_only_without_any_date():
    now = paris(2026, 1, 15, 9, 0)
    old = {"edition_year": 2010, "last_published": paris(2015, 1, 1)}
    assert status(now, opens_on=date(2026, 2, 1), **old) == st.UPCOMING
    assert status(now, opens_on=date(2026, 1, 2), **old) == st.OPEN
    assert status(now, deadline=paris(2026, 6, 1), **old) == st.OPEN
    assert status(now, is_rolling=True, **old) == st.ROLLING
    assert status(now, discontinued=True, **old) == st.CLOSED
    assert status(now, deadline=paris(2025, 6, 1), has_results=True, **old) == st.RESULTS


# --- Europe/Paris across a daylight-saving change ------------------------------------------


def test_deadline_just_after_spring_forward_is_an_instant_in_paris_time():
    # Clocks go from 02:00 to 03:00 on 29 March 2026: 12:00 that day is 10:00 UTC.
    deadline = paris(2026, 3, 29, 12, 0)
    assert deadline.utcoffset() == timedelta(hours=2)
    assert status(datetime(2026, 3, 29, 9, 59, tzinfo=UTC), deadline=deadline) == st.CLOSING_SOON
    assert status(datetime(2026, 3, 29, 10, 1, tzinfo=UTC), deadline=deadline) == st.CLOSED


def test_closing_soon_window_counts_elapsed_time_across_the_change():
    # Deadline Sunday 5 April 2026 12:00 (UTC+2); the window opens 14 × 24 h
    # earlier, at 11:00 Paris time on 22 March (still UTC+1), not at 12:00.
    deadline = paris(2026, 4, 5, 12, 0)
    assert status(paris(2026, 3, 22, 10, 59), deadline=deadline) == st.OPEN
    assert status(paris(2026, 3, 22, 11, 0), deadline=deadline) == st.CLOSING_SOON


def test_autumn_fall_back_deadline_at_the_repeated_hour():
    # 25 October 2026: 02:30 happens twice; the second one (UTC+1) is 01:30 UTC.
    deadline = datetime(2026, 10, 25, 2, 30, tzinfo=PARIS, fold=1)
    assert deadline.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    first_0230 = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert status(first_0230, deadline=deadline) == st.CLOSING_SOON
    assert status(datetime(2026, 10, 25, 1, 31, tzinfo=UTC), deadline=deadline) == st.CLOSED


# --- Time left and HTTP cache lifetime --------------------------------------------------------


def test_time_left_wording():
    with translation.override("fr"):
        _assert_time_left_wording()


def _assert_time_left_wording():
    assert st.time_left(DEADLINE, DEADLINE - timedelta(days=3, hours=2)) == "3 jours restants"
    assert st.time_left(DEADLINE, DEADLINE - timedelta(days=1)) == "1 jour restant"
    assert st.time_left(DEADLINE, DEADLINE - timedelta(hours=5, minutes=5)) == (
        "5 heures restantes"
    )
    assert st.time_left(DEADLINE, DEADLINE - timedelta(minutes=1)) == "1 minute restante"
    assert st.time_left(DEADLINE, DEADLINE) == ""
    assert st.time_left(None, DEADLINE) == ""


def test_seconds_until_the_next_status_change():
    facts = st.CallDates(deadline=DEADLINE)
    assert st.seconds_until_change(facts, DEADLINE - timedelta(minutes=1)) == 60
    far = DEADLINE - timedelta(days=20)
    assert st.seconds_until_change(facts, far) == 6 * 86400  # when it turns "closing soon"
    assert st.seconds_until_change(facts, DEADLINE + timedelta(seconds=1)) is None
    assert st.seconds_until_change(st.CallDates(is_rolling=True), far) is None


def test_seconds_until_an_undated_call_has_no_session_announced():
    edition = st.CallDates(edition_year=2024)
    assert st.seconds_until_change(edition, paris(2025, 12, 31, 23, 0)) == 3600
    assert st.seconds_until_change(edition, paris(2026, 1, 1, 0, 0)) is None
    published = paris(2025, 3, 10, 14, 0)
    facts = st.CallDates(last_published=published)
    assert st.seconds_until_change(facts, published + timedelta(days=364)) == 86400
    # A date makes the last edition irrelevant.
    dated = st.CallDates(deadline=DEADLINE, edition_year=2024)
    assert st.seconds_until_change(dated, paris(2025, 12, 31, 23, 0)) > 3600


# --- SQL and Python agree --------------------------------------------------------------------


NOW = paris(2026, 3, 29, 12, 0)  # the day clocks change

CASES = {
    "open-far": {"deadline": NOW + timedelta(days=40)},
    "soon": {"deadline": NOW + timedelta(days=14)},
    "soon-minute": {"deadline": NOW + timedelta(minutes=1)},
    "closed-now": {"deadline": NOW},
    "closed-minute": {"deadline": NOW - timedelta(minutes=1)},
    "results": {"deadline": NOW - timedelta(days=2), "laureate": True},
    "upcoming-dated": {"opens_on": date(2026, 3, 30), "deadline": NOW + timedelta(days=30)},
    "opened-today": {"opens_on": date(2026, 3, 29), "deadline": NOW + timedelta(days=30)},
    "undated": {},
    "undated-last-year": {"edition_year": 2025},
    "undated-edition-2024": {"edition_year": 2024},
    "undated-published-recently": {"last_published_at": NOW - timedelta(days=364)},
    # 365 days of elapsed time (computed in UTC: NOW is the day clocks change).
    "undated-published-a-year-ago": {
        "last_published_at": NOW.astimezone(UTC) - st.NO_SESSION_AFTER
    },
    "undated-published-a-year-ago-less-a-minute": {
        "last_published_at": NOW.astimezone(UTC) - st.NO_SESSION_AFTER + timedelta(minutes=1)
    },
    "undated-recent-edition-old-page": {
        "edition_year": 2025,
        "last_published_at": NOW - timedelta(days=900),
    },
    "undated-old-edition-new-page": {"edition_year": 2020, "last_published_at": NOW},
    "upcoming-old-edition": {"opens_on": date(2026, 4, 2), "edition_year": 2015},
    "opened-no-deadline": {"opens_on": date(2026, 1, 1)},
    "rolling": {"is_rolling": True, "call_type": "fil-de-l-eau"},
    "rolling-later": {
        "is_rolling": True,
        "call_type": "fil-de-l-eau",
        "opens_on": date(2026, 4, 1),
    },
    "discontinued": {"discontinued": True, "discontinued_year": 2015},
}


@pytest.fixture
def matrix(home_fr):
    index = CallsIndexPageFactory(parent=home_fr, title="Appels statut", slug="appels-statut")
    calls = {}
    for key, facts in CASES.items():
        facts = dict(facts)
        laureate = facts.pop("laureate", False)
        call = CallForProjectsPageFactory(parent=index, title=f"Statut {key}", **facts)
        if laureate:
            CallLaureate.objects.create(call=call, name="Lauréat témoin", project="Projet")
            call.save()  # has_results follows the laureates
        calls[key] = call
    return index, calls


@pytest.mark.django_db
def test_sql_status_matches_python_for_every_case(matrix):
    index, calls = matrix
    rows = dict(base_queryset(index, NOW).values_list("title", "status_now"))
    for key, call in calls.items():
        call = CallForProjectsPage.objects.get(pk=call.pk)
        assert rows[call.title] == call.status_at(NOW), key
    expected = {
        "open-far": st.OPEN,
        "soon": st.CLOSING_SOON,
        "soon-minute": st.CLOSING_SOON,
        "closed-now": st.CLOSED,
        "closed-minute": st.CLOSED,
        "results": st.RESULTS,
        "upcoming-dated": st.UPCOMING,
        "opened-today": st.OPEN,
        "undated": st.NOT_ANNOUNCED,
        "undated-last-year": st.NOT_ANNOUNCED,
        "undated-edition-2024": st.NO_SESSION,
        "undated-published-recently": st.NOT_ANNOUNCED,
        "undated-published-a-year-ago": st.NO_SESSION,
        "undated-published-a-year-ago-less-a-minute": st.NOT_ANNOUNCED,
        "undated-recent-edition-old-page": st.NOT_ANNOUNCED,
        "undated-old-edition-new-page": st.NO_SESSION,
        "upcoming-old-edition": st.UPCOMING,
        "opened-no-deadline": st.OPEN,
        "rolling": st.ROLLING,
        "rolling-later": st.UPCOMING,
        "discontinued": st.CLOSED,
    }
    assert {key: rows[f"Statut {key}"] for key in CASES} == expected


@pytest.mark.django_db
@pytest.mark.parametrize("wanted", [s for s, _label in st.Status.choices])
def test_plain_q_filter_matches_the_case_expression(matrix, wanted):
    index, calls = matrix
    queryset = CallForProjectsPage.objects.descendant_of(index)
    by_q = set(queryset.filter(st.status_q([wanted], NOW)).values_list("title", flat=True))
    by_case = set(
        base_queryset(index, NOW).filter(status_now=wanted).values_list("title", flat=True)
    )
    assert by_q == by_case
    by_method = queryset.in_status([wanted], NOW).values_list("title", flat=True)
    assert set(by_method) == by_case


@pytest.mark.django_db
def test_open_calls_are_those_one_can_apply_to(matrix):
    """`open_at`: the one definition of « open call » (home page, bench)."""
    index, calls = matrix
    open_now = CallForProjectsPage.objects.descendant_of(index).open_at(NOW)
    accepting = ["open-far", "soon", "soon-minute", "opened-today", "opened-no-deadline", "rolling"]
    assert {call.title for call in open_now} == {f"Statut {key}" for key in accepting}


@pytest.mark.django_db
def test_sql_closing_soon_window_across_the_daylight_saving_change(home_fr):
    index = CallsIndexPageFactory(parent=home_fr, title="Appels heure", slug="appels-heure")
    CallForProjectsPageFactory(parent=index, title="Heure d'été", deadline=paris(2026, 4, 5, 12))
    statuses = base_queryset(index, paris(2026, 3, 22, 10, 59)).values_list("status_now")
    assert list(statuses) == [(st.OPEN,)]
    statuses = base_queryset(index, paris(2026, 3, 22, 11, 0)).values_list("status_now")
    assert list(statuses) == [(st.CLOSING_SOON,)]


@pytest.mark.django_db
def test_status_is_not_a_column(matrix):
    """Nothing stores the status: only the facts it is derived from."""
    names = {field.name for field in CallForProjectsPage._meta.get_fields()}
    assert not {"status", "call_status", "status_now"} & names
    assert timezone.is_aware(matrix[1]["soon"].deadline)
