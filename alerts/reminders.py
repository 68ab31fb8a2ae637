"""Deadline reminders: one email 7 days and one 1 day before a call's
deadline, to the confirmed subscribers of that call, in their language.

Never for a call that is closed (or discontinued), unpublished, restricted
or deleted (the rows go with it). Each step records the deadline it was
sent for (`sent_7_for`, `sent_1_for`): running twice sends once, and a
moved deadline re-arms both steps for the new date. A step is due from its
moment (deadline − 7 days, deadline − 1 day) until the next one: a run that
comes late still sends it, never both at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation

from calls_for_projects import status as call_status
from calls_for_projects.models import CallForProjectsPage
from home.privacy import public

from . import follow, subscriptions
from .models import DeadlineReminder

logger = logging.getLogger(__name__)

# (days before the deadline, field recording the deadline it was sent for),
# the nearest first.
STEPS = ((1, "sent_1_for"), (7, "sent_7_for"))
WINDOW = timedelta(days=max(days for days, _field in STEPS))


@dataclass
class RunReport:
    due: int = 0
    emails: int = 0


def call_accepts_reminders(call, now=None) -> bool:
    """A call one may ask a reminder for: live, open, its deadline ahead."""
    now = now or timezone.now()
    return bool(
        call is not None
        and call.live
        and call.deadline is not None
        and call.deadline > now
        and call.status_at(now) in call_status.ACCEPTING
    )


def reminder_calls(now):
    """The calls a reminder may be sent for at `now`: live, public, open,
    their deadline within WINDOW."""
    return (
        public(CallForProjectsPage.objects.live())
        .open_at(now)
        .filter(deadline__gt=now, deadline__lte=now + WINDOW)
    )


def due_step(deadline, now) -> tuple[int, str]:
    """The step whose moment has come (the nearest one)."""
    for days, field in STEPS:
        if deadline - now <= timedelta(days=days):
            return days, field
    raise ValueError("deadline beyond the window")


def run(now=None) -> RunReport:
    """Queue the reminders due at `now`; each at most once per deadline."""
    now = now or timezone.now()
    report = RunReport()
    candidates = (
        DeadlineReminder.objects.confirmed()
        .filter(call__in=reminder_calls(now).values("pk"))
        .select_related("call")
        .order_by("pk")
    )
    for reminder in candidates:
        deadline = reminder.call.deadline
        days, field = due_step(deadline, now)
        if getattr(reminder, field) == deadline:
            continue
        report.due += 1
        with transaction.atomic():
            # Claimed in the same transaction as the email's task row: a run
            # beside this one, or after it, finds it done.
            claimed = (
                DeadlineReminder.objects.filter(pk=reminder.pk)
                .exclude(**{field: deadline})
                .update(**{field: deadline})
            )
            if claimed:
                send_reminder(reminder, days, now)
                report.emails += 1
    return report


def send_reminder(reminder, days: int, now) -> None:
    context = follow.email_context(reminder)
    with translation.override(reminder.language):
        context.update(
            deadline=timezone.localtime(reminder.call.deadline),
            days=days,
            hours_left=int((reminder.call.deadline - now).total_seconds() // 3600),
        )
    subscriptions.send_subscriber_email(
        "alerts/emails/reminder",
        context,
        reminder.email,
        reminder.language,
        unsubscribe_url=follow.unsubscribe_url(reminder),
    )
