"""Relay the messages visitors wrote to the posters of announcements.

The contact form only stores them (events/announcement_relay.py): this command
sends each one not sent yet, a failure recorded on it and tried again by the
next run, up to `MAX_ATTEMPTS` sends in all. bin/serve runs it every minute;
in production run it from cron or a systemd timer (every minute)."""

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
