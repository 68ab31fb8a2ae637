"""Erase the subscriptions (alerts, deadline reminders, network
subscriptions) past their retention delay (alerts/subscriptions.py):
unconfirmed ones 30 days after they were asked for (they expired, and were
never sent anything, after 7), unsubscribed ones 30 days after. Run it
daily; `--dry-run` counts without erasing. The log never names an address.
"""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand

from alerts.models import SUBSCRIPTION_MODELS

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Erase unconfirmed and unsubscribed alerts, reminders, follows after 30 days."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        querysets = [model.objects.purgeable() for model in SUBSCRIPTION_MODELS.values()]
        if dry_run:
            count = sum(rows.count() for rows in querysets)
            if verbosity:
                self.stdout.write(f"{count} alert(s) would be erased.")
            return
        count = sum(rows.delete()[0] for rows in querysets)
        if count:
            logger.info("Alerts: %s unconfirmed or unsubscribed row(s) erased", count)
        if verbosity:
            self.stdout.write(f"{count} alert(s) erased.")
