"""Queue the deadline reminders that are due (alerts/reminders.py): 7 days
and 1 day before each followed call's deadline, each at most once per
deadline (running twice sends once; a moved deadline re-arms them). Run it
every hour (or every minute): a run sends what is due since the last one.
`--now 2027-03-01T09:00` runs it as at that moment."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from alerts import reminders

from ._clock import parse_now


class Command(BaseCommand):
    help = "Queue the deadline reminders (7 days and 1 day before) that are due."

    def add_arguments(self, parser):
        parser.add_argument("--now", default=None, help="ISO 8601 date-time (default: now)")

    def handle(self, *args, now=None, verbosity=1, **options):
        report = reminders.run(now=parse_now(now))
        if verbosity:
            self.stdout.write(f"{report.emails} reminder(s) queued.")
