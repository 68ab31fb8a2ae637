"""Erase the alerts past their retention delay (alerts/subscriptions.py):
unconfirmed ones 30 days after they were asked for (they expired, and were
never sent anything, after 7), unsubscribed ones 30 days after. Run it
daily; `--dry-run` counts without erasing. The log never names an address.
"""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand

from alerts.models import Alert

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Erase unconfirmed and unsubscribed alerts after 30 days."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        rows = Alert.objects.purgeable()
        if dry_run:
            count = rows.count()
            if verbosity:
                self.stdout.write(f"{count} alert(s) would be erased.")
            return
        count, _ = rows.delete()
        if count:
            logger.info("Alerts: %s unconfirmed or unsubscribed row(s) erased", count)
        if verbosity:
            self.stdout.write(f"{count} alert(s) erased.")
