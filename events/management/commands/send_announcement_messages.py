"""Relay again the announcements' messages whose email failed.

Each message is stored before its email is sent (events/announcement_relay.py);
a failure is recorded on it. This command tries each unsent message again, up
to `MAX_ATTEMPTS` sends in all; run it from cron (every 15 minutes, say)."""

from django.core.management.base import BaseCommand

from events.announcement_relay import MAX_ATTEMPTS, retry_unsent


class Command(BaseCommand):
    help = f"Relay the announcements' messages not sent yet (at most {MAX_ATTEMPTS} attempts each)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=None, help="at most this many messages this run"
        )

    def handle(self, *args, limit=None, **options):
        sent, failed = retry_unsent(limit)
        self.stdout.write(f"{sent} message(s) sent, {failed} failed.")
