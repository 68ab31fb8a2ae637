"""Queue, for the confirmed subscribers of each network, its minutes and
its meetings announced in the agenda first published since their previous
email (alerts/networks.py): what is live when it runs, so a page published
then unpublished before the run sends nothing and a republished page is
never sent twice. Run it every hour (or every minute). `--now` runs it as
at that moment."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from alerts import networks

from ._clock import parse_now


class Command(BaseCommand):
    help = "Queue the network subscribers' emails (new minutes, meetings announced)."

    def add_arguments(self, parser):
        parser.add_argument("--now", default=None, help="ISO 8601 date-time (default: now)")

    def handle(self, *args, now=None, verbosity=1, **options):
        report = networks.run(now=parse_now(now))
        if verbosity:
            self.stdout.write(
                f"{report.subscriptions} subscription(s) of {report.networks} network(s): "
                f"{report.emails} email(s) queued, {report.errors} network(s) failed."
            )
        if report.errors:
            self.stderr.write("Some networks failed: see the log.")
