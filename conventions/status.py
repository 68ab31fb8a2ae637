"""The status of a partnership convention, derived from its dates, never stored.

A convention goes through: proposed (the council has not decided yet, or the
decision date is unknown) → approved (the deliberation was adopted) → signed
(the signature is dated, the convention has not started) → in force (signed
and started) → expired (its end date has passed).

`convention_status()` is a pure function of the dates and of "today" (the date
in Europe/Paris, `paris_today()`), so that every boundary can be tested. The
index filters on the same rules in SQL with `status_q()`: both read the dates
the same way.

Boundaries, all inclusive:
- approved from the day of the session (`decision_date`);
- signed from the day of the signature (`signature_date`); a signature dated
  in the future is not a signature yet;
- in force from the start date (`start_date`, or the signature date when the
  start is not given), through the end date;
- expired from the day after the end date (`end_date`, or the start plus the
  duration: a 12-month convention starting on 1 January 2015 ends on
  31 December 2015).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

PARIS = ZoneInfo("Europe/Paris")


class Status(models.TextChoices):
    """The statuses in their order of succession (codes in URLs: ?status=)."""

    PROPOSED = "proposee", _("Proposée")
    APPROVED = "approuvee", _("Approuvée")
    SIGNED = "signee", _("Signée")
    IN_FORCE = "en-vigueur", _("En vigueur")
    EXPIRED = "echue", _("Échue")

    @property
    def description(self) -> str:
        return str(DESCRIPTIONS[self])


# The members by their short names: status.APPROVED…
PROPOSED, APPROVED, SIGNED, IN_FORCE, EXPIRED = Status
DESCRIPTIONS = {
    PROPOSED: _("La délibération n'a pas encore été adoptée (ou sa date n'est pas connue)."),
    APPROVED: _("La délibération a été adoptée ; la signature n'est pas encore datée."),
    SIGNED: _("La convention est signée ; elle n'a pas encore pris effet."),
    IN_FORCE: _("La convention est signée et en cours d'exécution."),
    EXPIRED: _("La date de fin de la convention est passée."),
}


def paris_today(now: datetime | None = None) -> date:
    """Today's date in Europe/Paris (the site's time zone), whatever the
    server's: at 23:30 UTC on 31 March it is already 1 April in Paris."""
    if now is None:
        now = datetime.now(tz=PARIS)
    elif now.tzinfo is None:
        raise ValueError("paris_today() needs an aware datetime")
    return now.astimezone(PARIS).date()


def add_months(start: date, months: int) -> date:
    """`start` plus `months` months, the day clamped to the month's length
    (31 January + 1 month = 28 or 29 February)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def effective_start(start_date: date | None, signature_date: date | None) -> date | None:
    return start_date or signature_date


def effective_end(
    start_date: date | None,
    signature_date: date | None,
    end_date: date | None,
    duration_months: int | None,
) -> date | None:
    """The last day of the convention: its end date, else the day before its
    start plus its duration, else unknown (None)."""
    if end_date:
        return end_date
    start = effective_start(start_date, signature_date)
    if start and duration_months:
        return add_months(start, duration_months) - timedelta(days=1)
    return None


def convention_status(
    *,
    today: date,
    decision_date: date | None = None,
    signature_date: date | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    duration_months: int | None = None,
) -> Status:
    """The status code of a convention on `today` (see the module's docstring)."""
    end = effective_end(start_date, signature_date, end_date, duration_months)
    if end is not None and end < today:
        return EXPIRED
    if signature_date is not None and signature_date <= today:
        start = effective_start(start_date, signature_date)
        return IN_FORCE if start <= today else SIGNED
    if decision_date is not None and decision_date <= today:
        return APPROVED
    return PROPOSED


def status_q(status: str, today: date, prefix: str = "") -> Q:
    """The conventions having `status` on `today`, as a filter on the stored
    dates (`computed_end_date` is the effective end that the model keeps up to
    date on save). Same rules as `convention_status()`."""

    def f(name):
        return f"{prefix}{name}"

    expired = Q(**{f("computed_end_date__lt"): today})
    not_expired = Q(**{f("computed_end_date__isnull"): True}) | Q(
        **{f("computed_end_date__gte"): today}
    )
    signed = Q(**{f("signature_date__lte"): today})
    not_signed = Q(**{f("signature_date__isnull"): True}) | Q(**{f("signature_date__gt"): today})
    started = Q(**{f("start_date__isnull"): True}) | Q(**{f("start_date__lte"): today})
    if status == EXPIRED:
        return expired
    if status == IN_FORCE:
        return not_expired & signed & started
    if status == SIGNED:
        return not_expired & signed & Q(**{f("start_date__gt"): today})
    if status == APPROVED:
        return not_expired & not_signed & Q(**{f("decision_date__lte"): today})
    if status == PROPOSED:
        return (
            not_expired
            & not_signed
            & (Q(**{f("decision_date__isnull"): True}) | Q(**{f("decision_date__gt"): today}))
        )
    raise ValueError(f"Unknown convention status {status!r}")
