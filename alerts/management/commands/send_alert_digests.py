"""Queue the saved-search alerts' digests that are due (alerts/digest.py).

A daily alert is due 20 hours after its previous digest, a weekly one 6
days and 20 hours after: run this once a day (cron, systemd timer) and
each alert gets at most one email per period; running it twice the same
day sends nothing more. `--frequency daily|weekly` restricts the run.
Emails are queued (home/mail.py) and sent by the mail worker.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from alerts import digest
from alerts.models import Frequency

FREQUENCIES = {"daily": Frequency.DAILY, "weekly": Frequency.WEEKLY}


class Command(BaseCommand):
    help = "Queue the due digests of the saved-search alerts."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=sorted(FREQUENCIES), default=None)

    def handle(self, *args, frequency=None, verbosity=1, **options):
        frequencies = [FREQUENCIES[frequency]] if frequency else None
        report = digest.run(frequencies=frequencies)
        if verbosity:
            self.stdout.write(
                f"{report.alerts} alert(s) due in {report.groups} listing(s): "
                f"{report.emails} digest(s) queued, {report.errors} listing(s) failed."
            )
        if report.errors:
            self.stderr.write("Some digests failed: see the log.")
