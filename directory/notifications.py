"""One review email per CSV import, not one per actor.

An import by a named user submits every new draft to the review workflow
(docs/csv-import.md). Wagtail notifies the moderators of each submission:
a file of 500 actors sent each moderator 500 emails. While
`batched_review_emails()` is active, Wagtail's two submission notifiers
(task and workflow) record their recipients and pages instead of sending,
and on leaving the block each recipient gets one email listing the pages
to review. Outside the block, and for any other sender, Wagtail's
notifiers work as usual.
"""

from __future__ import annotations

import contextvars
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)

_batch: contextvars.ContextVar[ReviewBatch | None] = contextvars.ContextVar(
    "directory_review_batch", default=None
)


@dataclass
class ReviewBatch:
    # Recipient (user) -> the pages submitted to them, in submission order.
    pages_by_recipient: dict = field(default_factory=dict)

    def add(self, recipients, page) -> None:
        for recipient in recipients:
            pages = self.pages_by_recipient.setdefault(recipient, [])
            if page is not None and page not in pages:
                pages.append(page)


class BatchedNotifier:
    """Wraps one of Wagtail's notifiers: sends as usual, or records while a
    batch is active."""

    def __init__(self, notifier):
        self.notifier = notifier

    def __call__(self, instance=None, **kwargs):
        batch = _batch.get()
        if batch is None or not self.notifier.can_handle(instance, **kwargs):
            return self.notifier(instance=instance, **kwargs)
        page = getattr(instance, "content_object", None)
        if page is None and hasattr(instance, "workflow_state"):
            page = instance.workflow_state.content_object
        batch.add(self.notifier.get_valid_recipients(instance, **kwargs), page)
        return True


def connect_notifiers() -> None:
    """Put the batching wrappers in place of Wagtail's submission notifiers
    (same signals, senders and dispatch ids, whichever app is ready first)."""
    from wagtail.admin import signal_handlers
    from wagtail.models import TaskState, WorkflowState
    from wagtail.signals import task_submitted, workflow_submitted

    for signal, sender, uid, notifier in [
        (
            task_submitted,
            TaskState,
            "group_approval_task_submitted_email_notification",
            signal_handlers.task_submission_email_notifier,
        ),
        (
            workflow_submitted,
            WorkflowState,
            "workflow_state_submitted_email_notification",
            signal_handlers.workflow_submission_email_notifier,
        ),
    ]:
        signal.disconnect(sender=sender, dispatch_uid=uid)
        signal.connect(BatchedNotifier(notifier), sender=sender, dispatch_uid=uid, weak=False)


def _admin_url(page) -> str:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    return base + reverse("wagtailadmin_pages:edit", args=[page.pk])


def _send(batch: ReviewBatch, user) -> int:
    sent = 0
    from_email = getattr(settings, "WAGTAILADMIN_NOTIFICATION_FROM_EMAIL", None)
    for recipient, pages in batch.pages_by_recipient.items():
        if not pages:
            continue
        context = {
            "recipient": recipient,
            "user": user,
            "pages": [(page.get_admin_display_title(), _admin_url(page)) for page in pages],
            "count": len(pages),
        }
        subject = render_to_string("directory/emails/import_review_subject.txt", context)
        body = render_to_string("directory/emails/import_review.txt", context)
        try:
            send_mail(" ".join(subject.split()), body, from_email, [recipient.email])
            sent += 1
        except Exception:  # a mail server down must not undo the import
            logger.exception("Review email to %s not sent", recipient.email)
    return sent


@contextmanager
def batched_review_emails(user=None):
    """Within the block, submissions for review are notified once, at the
    end, by one email per recipient (nothing is sent if the block fails)."""
    batch = ReviewBatch()
    token = _batch.set(batch)
    try:
        yield batch
    finally:
        _batch.reset(token)
    _send(batch, user)
