"""A convention's status is derived from its dates and "today" in Paris, never
stored: the pure function at each boundary, and the SQL filter agreeing with it."""

from datetime import UTC, date, datetime

import pytest

from conventions import status as lifecycle
from conventions.factories import ConventionIndexPageFactory, ConventionPageFactory
from conventions.models import ConventionPage
from conventions.status import (
    APPROVED,
    EXPIRED,
    IN_FORCE,
    PROPOSED,
    SIGNED,
    add_months,
    convention_status,
    effective_end,
    paris_today,
    status_q,
)

SESSION = date(2014, 9, 30)
SIGNED_ON = date(2014, 11, 3)
STARTS = date(2015, 1, 1)
ENDS = date(2016, 12, 31)


def full(today):
    return convention_status(
        today=today,
        decision_date=SESSION,
        signature_date=SIGNED_ON,
        start_date=STARTS,
        end_date=ENDS,
    )


@pytest.mark.parametrize(
    "today, expected",
    [
        (date(2014, 9, 29), PROPOSED),  # the day before the session
        (SESSION, APPROVED),  # approved on the day of the session
        (date(2014, 11, 2), APPROVED),
        (SIGNED_ON, SIGNED),  # signed that day, not started
        (date(2014, 12, 31), SIGNED),
        (STARTS, IN_FORCE),  # in force from its first day
        (ENDS, IN_FORCE),  # ...through its last day
        (date(2017, 1, 1), EXPIRED),  # expired the day after
    ],
)
def test_status_at_each_boundary(today, expected):
    assert full(today) == expected


def test_nothing_known_is_proposed():
    assert convention_status(today=date(2020, 1, 1)) == PROPOSED


def test_a_session_in_the_future_is_still_a_proposal():
    assert convention_status(today=date(2014, 9, 1), decision_date=SESSION) == PROPOSED


def test_without_a_start_date_it_takes_effect_on_signature():
    kwargs = {"decision_date": SESSION, "signature_date": SIGNED_ON}
    assert convention_status(today=date(2014, 11, 2), **kwargs) == APPROVED
    assert convention_status(today=SIGNED_ON, **kwargs) == IN_FORCE
    assert convention_status(today=date(2030, 1, 1), **kwargs) == IN_FORCE  # no end known


def test_signature_dated_in_the_future_is_not_a_signature_yet():
    kwargs = {"decision_date": SESSION, "signature_date": date(2014, 12, 1)}
    assert convention_status(today=date(2014, 11, 15), **kwargs) == APPROVED


def test_duration_gives_the_end_date():
    kwargs = {"decision_date": SESSION, "signature_date": STARTS, "duration_months": 12}
    assert effective_end(STARTS, None, None, 12) == date(2015, 12, 31)
    assert convention_status(today=date(2015, 12, 31), **kwargs) == IN_FORCE
    assert convention_status(today=date(2016, 1, 1), **kwargs) == EXPIRED


def test_duration_counts_from_the_start_date_when_given():
    assert effective_end(date(2015, 3, 1), date(2015, 2, 10), None, 3) == date(2015, 5, 31)


def test_duration_without_any_start_gives_no_end():
    assert effective_end(None, None, None, 12) is None
    assert (
        convention_status(today=date(2099, 1, 1), decision_date=SESSION, duration_months=12)
        == APPROVED
    )


def test_end_date_passed_is_expired_even_if_never_signed():
    assert (
        convention_status(today=date(2017, 1, 1), decision_date=SESSION, end_date=ENDS) == EXPIRED
    )


def test_add_months_clamps_the_day():
    assert add_months(date(2015, 1, 31), 1) == date(2015, 2, 28)
    assert add_months(date(2016, 1, 31), 1) == date(2016, 2, 29)
    assert add_months(date(2015, 11, 15), 3) == date(2016, 2, 15)


def test_today_is_the_date_in_paris():
    # 23:30 UTC on 31 March 2015 is 01:30 on 1 April in Paris (summer time).
    assert paris_today(datetime(2015, 3, 31, 23, 30, tzinfo=UTC)) == date(2015, 4, 1)
    # 22:30 UTC on 31 December is 23:30 in Paris (winter time): still the 31st.
    assert paris_today(datetime(2015, 12, 31, 22, 30, tzinfo=UTC)) == date(2015, 12, 31)
    with pytest.raises(ValueError):
        paris_today(datetime(2015, 1, 1, 12, 0))


def test_unknown_status_code_is_refused():
    with pytest.raises(ValueError):
        status_q("perdue", date(2015, 1, 1))


@pytest.mark.django_db
def test_sql_filter_agrees_with_the_function(home_fr):
    """Every status filter of the index selects exactly the conventions the
    function gives that status, at several dates."""
    index = ConventionIndexPageFactory(parent=home_fr, slug="conventions-statuts")
    cases = [
        {},
        {"decision_date": SESSION},
        {"decision_date": SESSION, "signature_date": SIGNED_ON},
        {"decision_date": SESSION, "signature_date": SIGNED_ON, "start_date": STARTS},
        {"decision_date": SESSION, "signature_date": SIGNED_ON, "end_date": ENDS},
        {"decision_date": SESSION, "signature_date": STARTS, "duration_months": 12},
        {"decision_date": SESSION, "end_date": ENDS},
        {"decision_date": date(2030, 1, 1)},
    ]
    pages = [
        ConventionPageFactory(parent=index, title=f"Statut {n}", **fields)
        for n, fields in enumerate(cases)
    ]
    ids = [page.pk for page in pages]
    for today in [
        date(2014, 9, 29),
        SESSION,
        SIGNED_ON,
        STARTS,
        date(2015, 12, 31),
        date(2016, 1, 1),
        ENDS,
        date(2017, 1, 1),
    ]:
        for code in lifecycle.Status:
            in_sql = set(
                ConventionPage.objects.filter(pk__in=ids)
                .filter(status_q(code, today))
                .values_list("pk", flat=True)
            )
            in_python = {page.pk for page in pages if page.status_on(today) == code}
            assert in_sql == in_python, (today, code)
            # The domain query the listing, the admin and the fiches use.
            selected = ConventionPage.objects.filter(pk__in=ids).with_status(code, today)
            assert set(selected.values_list("pk", flat=True)) == in_python, (today, code)


@pytest.mark.django_db
def test_status_is_not_stored_but_follows_the_dates(home_fr, publish):
    index = ConventionIndexPageFactory(parent=home_fr, slug="conventions-statut-date")
    page = ConventionPageFactory(parent=index, title="Convention à dater")
    assert page.convention_status == PROPOSED
    page.decision_date = date(2014, 9, 30)
    page.signature_date = date(2014, 10, 15)
    page.duration_months = 12
    publish(page)
    assert page.computed_end_date == date(2015, 10, 14)
    assert page.convention_status == EXPIRED  # today is well after 2015
    assert not any(field.name == "status" for field in ConventionPage._meta.get_fields())
