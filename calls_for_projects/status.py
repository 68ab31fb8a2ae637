"""A call's status, derived from its dates and "now", never stored.

`derive_status()` is the rule, a pure function of the call's facts and an
injected `now` (an aware datetime); `status_expression()` is the same rule as
an SQL CASE, so listings filter, count and sort by status in the database.
Both are evaluated at request time: no cached page, listing or count carries a
status past the moment it changes (see `seconds_until_change()`, which bounds
the HTTP cache lifetime of a call's page).

Calendar rules, in Europe/Paris (settings.TIME_ZONE):
- a deadline is an instant: at the deadline minute the call is closed;
- "closing soon" means the deadline is at most 14 days (of elapsed time) away;
- an opening date is a calendar day: the call opens at midnight, Paris time;
- a call with no date at all (no opening, no deadline, not rolling) is not
  "upcoming": its dates are not announced (`NOT_ANNOUNCED`), until its last
  known edition is more than a year old: then no session is announced
  (`NO_SESSION`). The last known edition is its edition year when editors
  gave one (more than a year old from the 1st of January two years later),
  else its last publication, the last time editors confirmed the page (more
  than a year old 365 days later).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import models
from django.db.models import Case, CharField, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """A call's status: derived at request time, never stored."""

    OPEN = "ouvert", _("Ouvert")
    CLOSING_SOON = "cloture-proche", _("Clôture proche")
    ROLLING = "fil-de-l-eau", _("Au fil de l'eau")
    UPCOMING = "a-venir", _("À venir")
    NOT_ANNOUNCED = "dates-non-annoncees", _("Dates non annoncées")
    NO_SESSION = "pas-de-session", _("Pas de session annoncée")
    RESULTS = "resultats", _("Résultats publiés")
    CLOSED = "clos", _("Clos")


# The codes, by name.
OPEN, CLOSING_SOON, ROLLING, UPCOMING, NOT_ANNOUNCED, NO_SESSION, RESULTS, CLOSED = Status
CLOSING_SOON_WINDOW = timedelta(days=14)
# A call without dates nor edition year, last published this long ago, has
# no session announced (with an edition year: `stale_edition_year`).
NO_SESSION_AFTER = timedelta(days=365)

# Calls one can apply to now (« open calls »: the home page's).
ACCEPTING = (OPEN, CLOSING_SOON, ROLLING)
# Calls people can still answer, or soon, or whose next dates are awaited:
# the index lists them by default; finished calls are in the archive, and
# calls with no session announced for more than a year are listed on demand.
CURRENT = (*ACCEPTING, UPCOMING, NOT_ANNOUNCED)
FINISHED = (CLOSED, RESULTS)
# Calls with no date at all.
UNDATED = (NOT_ANNOUNCED, NO_SESSION)
# The default order of the index: open calls first (closing soon included),
# then rolling schemes, then upcoming calls, then those whose dates are not
# announced, then those with no session announced, then the archive.
RANK = {
    CLOSING_SOON: 0,
    OPEN: 0,
    ROLLING: 1,
    UPCOMING: 2,
    NOT_ANNOUNCED: 3,
    NO_SESSION: 4,
    RESULTS: 5,
    CLOSED: 5,
}


@dataclass(frozen=True)
class CallDates:
    """The facts the status depends on."""

    opens_on: date | None = None
    deadline: datetime | None = None
    is_rolling: bool = False
    discontinued: bool = False
    has_results: bool = False
    # The last known edition (calls without dates): its year, else the last
    # publication of the page.
    edition_year: int | None = None
    last_published: datetime | None = None


def local_today(now: datetime) -> date:
    return timezone.localtime(now).date()


def stale_edition_year(now: datetime) -> int:
    """The most recent edition year that is more than a year old at `now`:
    an edition of year Y is taken to last until the end of Y, so it is more
    than a year old from the 1st of January of Y + 2 (Paris)."""
    return local_today(now).year - 2


def _undated_status(facts: CallDates, now: datetime) -> str:
    """The status of a call with no date at all (`now` in UTC)."""
    if facts.edition_year is not None:
        stale = facts.edition_year <= stale_edition_year(now)
    else:
        last = _utc(facts.last_published)
        stale = last is not None and last <= now - NO_SESSION_AFTER
    return NO_SESSION if stale else NOT_ANNOUNCED


def _utc(moment: datetime | None) -> datetime | None:
    """`moment` in UTC. Python compares and subtracts two datetimes sharing a
    tzinfo object by their wall-clock times, which is wrong across a
    daylight-saving change (and for the repeated autumn hour): always compute
    in UTC."""
    return moment.astimezone(UTC) if moment is not None else None


def derive_status(facts: CallDates, now: datetime) -> str:
    """The status of a call with `facts` at the instant `now` (aware)."""
    now, deadline = _utc(now), _utc(facts.deadline)
    if facts.discontinued:
        return CLOSED
    if deadline is not None and deadline <= now:
        return RESULTS if facts.has_results else CLOSED
    if facts.opens_on is not None and facts.opens_on > local_today(now):
        return UPCOMING
    if facts.is_rolling:
        return ROLLING
    if deadline is not None:
        return CLOSING_SOON if deadline - now <= CLOSING_SOON_WINDOW else OPEN
    if facts.opens_on is not None:
        return OPEN  # opened, deadline not announced yet
    return _undated_status(facts, now)  # no date announced


def status_expression(now: datetime, values: dict | None = None) -> Case:
    """`derive_status` as an SQL expression over CallForProjectsPage rows;
    with `values` (e.g. `RANK`), each status's value in it instead of its
    code: one CASE over the columns, not one CASE per status."""
    now = _utc(now)
    today = local_today(now)
    if values is None:
        value, output_field = Value, CharField()
    else:
        value, output_field = (lambda status: Value(values[status])), IntegerField()
    return Case(
        When(discontinued=True, then=value(CLOSED)),
        When(deadline__lte=now, has_results=True, then=value(RESULTS)),
        When(deadline__lte=now, then=value(CLOSED)),
        When(opens_on__gt=today, then=value(UPCOMING)),
        When(is_rolling=True, then=value(ROLLING)),
        When(deadline__lte=now + CLOSING_SOON_WINDOW, then=value(CLOSING_SOON)),
        When(deadline__isnull=False, then=value(OPEN)),
        When(opens_on__isnull=False, then=value(OPEN)),
        # No date at all: is the last known edition more than a year old?
        When(edition_year__lte=stale_edition_year(now), then=value(NO_SESSION)),
        When(
            edition_year__isnull=True,
            last_published_at__lte=now - NO_SESSION_AFTER,
            then=value(NO_SESSION),
        ),
        default=value(NOT_ANNOUNCED),
        output_field=output_field,
    )


def rank_expression(now: datetime) -> Case:
    """Each call's rank in the default order (`RANK`) at `now`."""
    return status_expression(now, RANK)


def status_q(statuses, now: datetime) -> Q:
    """Rows whose status at `now` is one of `statuses`, as a plain Q (usable
    where an annotation is not, e.g. in the admin's filters)."""
    now = _utc(now)
    today = local_today(now)
    soon = now + CLOSING_SOON_WINDOW
    live = Q(discontinued=False)
    past = Q(deadline__lte=now)
    not_past = Q(deadline__isnull=True) | Q(deadline__gt=now)
    started = Q(opens_on__isnull=True) | Q(opens_on__lte=today)
    undated = live & Q(is_rolling=False, deadline__isnull=True, opens_on__isnull=True)
    year, published = stale_edition_year(now), now - NO_SESSION_AFTER
    # Written out both ways (not with ~): the columns may be NULL.
    stale = Q(edition_year__lte=year) | Q(
        edition_year__isnull=True, last_published_at__lte=published
    )
    fresh = Q(edition_year__gt=year) | (
        Q(edition_year__isnull=True)
        & (Q(last_published_at__isnull=True) | Q(last_published_at__gt=published))
    )
    conditions = {
        CLOSED: Q(discontinued=True) | (past & Q(has_results=False)),
        RESULTS: live & past & Q(has_results=True),
        UPCOMING: live & not_past & Q(opens_on__gt=today),
        NOT_ANNOUNCED: undated & fresh,
        NO_SESSION: undated & stale,
        ROLLING: live & not_past & started & Q(is_rolling=True),
        CLOSING_SOON: live
        & started
        & Q(is_rolling=False)
        & Q(deadline__gt=now, deadline__lte=soon),
        OPEN: live
        & started
        & Q(is_rolling=False)
        & (Q(deadline__gt=soon) | (Q(deadline__isnull=True) & Q(opens_on__isnull=False))),
    }
    result = Q(pk__in=[])
    for status in statuses:
        result |= conditions[status]
    return result


def seconds_until_change(facts: CallDates, now: datetime) -> int | None:
    """Seconds until the status of a call may next change (None: never by
    itself). A page showing the status may be cached that long at most."""
    now, deadline = _utc(now), _utc(facts.deadline)
    moments = []
    if not facts.discontinued:
        if deadline is not None:
            moments += [deadline - CLOSING_SOON_WINDOW, deadline]
        if facts.opens_on is not None:
            midnight = datetime.combine(facts.opens_on, time.min)
            moments.append(_utc(timezone.make_aware(midnight)))
        elif deadline is None and not facts.is_rolling:
            # Undated: when its last known edition turns more than a year old.
            if facts.edition_year is not None:
                new_year = datetime.combine(date(facts.edition_year + 2, 1, 1), time.min)
                moments.append(_utc(timezone.make_aware(new_year)))
            elif facts.last_published is not None:
                moments.append(_utc(facts.last_published) + NO_SESSION_AFTER)
    future = [(moment - now).total_seconds() for moment in moments if moment > now]
    if not future:
        return None
    return max(0, int(min(future)))


def time_left(deadline: datetime | None, now: datetime) -> str:
    """« 3 jours restants », « 5 heures restantes »… before `deadline`; empty
    once it has passed or without a deadline."""
    from django.utils.translation import ngettext

    now, deadline = _utc(now), _utc(deadline)
    if deadline is None or deadline <= now:
        return ""
    seconds = int((deadline - now).total_seconds())
    days, rest = divmod(seconds, 86400)
    if days >= 1:
        return ngettext("%(n)s jour restant", "%(n)s jours restants", days) % {"n": days}
    hours = rest // 3600
    if hours >= 1:
        return ngettext("%(n)s heure restante", "%(n)s heures restantes", hours) % {"n": hours}
    minutes = max(1, rest // 60)
    return ngettext("%(n)s minute restante", "%(n)s minutes restantes", minutes) % {"n": minutes}
