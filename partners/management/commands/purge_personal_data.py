"""Erase personal data once it is no longer needed (the retention policy).

PARTNERS_PERSONAL_DATA_MONTHS (12 by default) after a proposal was decided
(approved or closed: `Submission.decided_at`), its submitter's name, email,
organisation, consent date, message and email error, the contacts inside
its proposed content (emails, phones, contact names), the same in every
revision of the submission, and its uploaded files (private storage) are
erased; the submission is marked `personal_data_purged_at` and stays, with
its status and history. Open proposals and the published pages (and their
public images and documents) are never touched.

The announcements' relayed messages (`events.AnnouncementMessage`) lose
their sender's name, email, text and error the same delay after they were
sent, or after they were written if every attempt failed.

Idempotent: what was erased is not selected again. Run it daily (bin/serve
does beside the dev server; in production from cron or a systemd timer).
`--dry-run` prints what would be erased.
"""

from __future__ import annotations

import calendar
import json
import logging
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from partners import conf
from partners.models import Submission, private_storage

logger = logging.getLogger(__name__)

# The keys of `Submission.data` that hold contacts: the fiche's public email
# and phone (actors), a call's application email, an event's registration
# email, an announcement's private contact.
PERSONAL_DATA_KEYS = (
    "email",
    "phone",
    "application_email",
    "registration_email",
    "contact_name",
    "contact_email",
)
# The submission's own fields and their erased value.
ERASED_FIELDS = {
    "submitter_name": "",
    "submitter_email": "",
    "submitter_organisation": "",
    "consent_at": None,
    "message": "",
    "email_error": "",
    "logo": "",
    "document": "",
}
UPLOAD_PREFIX = "partners/submissions/"


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the last day
    of that month when it is shorter)."""
    year, month = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + year, month + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def due_submissions(cutoff: datetime):
    return Submission.objects.filter(
        status__in=(Submission.Status.APPROVED, Submission.Status.CANCELLED),
        decided_at__lte=cutoff,
        personal_data_purged_at=None,
    ).order_by("pk")


def due_messages(cutoff: datetime):
    """Relayed messages sent before `cutoff`, or failed for good and written
    before it, that still hold something personal."""
    from events.announcement_relay import MAX_ATTEMPTS
    from events.announcements import AnnouncementMessage

    done = Q(sent_at__lte=cutoff) | Q(
        sent_at=None, attempts__gte=MAX_ATTEMPTS, created_at__lte=cutoff
    )
    holds_data = ~Q(sender_email="") | ~Q(sender_name="") | ~Q(body="") | ~Q(error="")
    return AnnouncementMessage.objects.filter(done & holds_data)


def scrub_data(data):
    """The proposed content without its contacts (other keys unchanged)."""
    if isinstance(data, str):
        try:
            return json.dumps(scrub_data(json.loads(data)))
        except ValueError:
            return data
    if not isinstance(data, dict):
        return data
    return {key: "" if key in PERSONAL_DATA_KEYS else value for key, value in data.items()}


def scrub_content(content: dict) -> dict:
    """A revision's content without the submitter's details."""
    content = dict(content)
    for name, erased in ERASED_FIELDS.items():
        if name in content:
            content[name] = erased
    if "data" in content:
        content["data"] = scrub_data(content["data"])
    return content


def upload_names(submission: Submission) -> set[str]:
    """Every file the submission ever held: the current ones and those an
    earlier revision points at (a correction may have replaced a file)."""
    names = {submission.logo.name, submission.document.name}
    for content in submission.revisions.values_list("content", flat=True):
        if isinstance(content, dict):
            names.update(str(content.get(field) or "") for field in ("logo", "document"))
    return {name for name in names if name and name.startswith(UPLOAD_PREFIX)}


def purge_submission(submission: Submission, now: datetime) -> int:
    """Erase one submission's personal data; returns the number of files
    deleted. The files go first: if the storage fails, the submission is
    left as it was and the next run tries again."""
    storage = private_storage()
    names = upload_names(submission)
    for name in names:
        storage.delete(name)
    with transaction.atomic():
        for revision in submission.revisions.select_for_update():
            if isinstance(revision.content, dict):
                revision.content = scrub_content(revision.content)
                revision.save(update_fields=["content"])
        Submission.objects.filter(pk=submission.pk).update(
            **ERASED_FIELDS,
            data=scrub_data(submission.data),
            personal_data_purged_at=now,
        )
    return len(names)


def purge_messages(messages) -> int:
    return messages.update(sender_name="", sender_email="", body="", error="")


class Command(BaseCommand):
    help = (
        "Erase the personal data of proposals decided, and of announcement messages relayed, "
        "more than PARTNERS_PERSONAL_DATA_MONTHS months ago."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be erased, erase nothing"
        )

    def handle(self, *args, dry_run=False, **options):
        months = conf.get("PERSONAL_DATA_MONTHS")
        now = timezone.now()
        cutoff = months_before(now, months)
        submissions = list(due_submissions(cutoff))
        messages = due_messages(cutoff)
        if dry_run:
            files = sum(len(upload_names(submission)) for submission in submissions)
            self.stdout.write(
                f"Dry run (decided or sent before {cutoff:%Y-%m-%d}, {months} months): "
                f"{len(submissions)} proposal(s), {files} file(s) and "
                f"{messages.count()} announcement message(s) would be erased."
            )
            return
        files = failed = 0
        for submission in submissions:
            try:
                files += purge_submission(submission, now)
            except Exception:
                failed += 1
                logger.exception(
                    "Could not erase the personal data of submission %s", submission.pk
                )
        erased_messages = purge_messages(messages)
        self.stdout.write(
            f"{len(submissions) - failed} proposal(s), {files} file(s) and "
            f"{erased_messages} announcement message(s) erased (decided or sent before "
            f"{cutoff:%Y-%m-%d}, {months} months)."
        )
        if failed:
            raise CommandError(f"{failed} proposal(s) could not be erased: see the log.")
