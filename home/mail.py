"""Every email leaves through a task queue, never from inside a web request
(issue 16, item 2; issue 13).

`QueuedEmailBackend` is the site's EMAIL_BACKEND: sending a message — ours,
Wagtail's moderation notifications, Django's password reset — stores it as a
task of the `mail` task backend (django-tasks with django-tasks-db: a row in
the database, written in the same transaction as the change that caused it,
so a rolled-back change sends nothing). The worker (`manage.py db_worker
--backend mail --queue-name mail`, started by bin/serve beside the server;
a systemd unit in production, docs/operations.md) runs `deliver`, which sends
through EMAIL_DELIVERY_BACKEND (SMTP with EMAIL_TIMEOUT, or the console).

A failed send is logged and tried again later (EMAIL_MAX_ATTEMPTS times,
waiting 1, 2, 4, 8... minutes); the sender may name a `failure_callback` (a
dotted path and arguments, set on the message as `failure_callback`) called
with the error, so the failure is recorded where moderators see it (and with
an empty error once a later attempt succeeds).

Why django-tasks-db rather than RQ: the database is the one dependency the
site always has (Redis is optional and may fail: the queue must not), the
task row commits or rolls back with the change that enqueued it, and Wagtail
8 already builds on django-tasks.
"""

from __future__ import annotations

import base64
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

logger = logging.getLogger(__name__)

MAIL_BACKEND = "mail"
MAIL_QUEUE = "mail"


def _b64(content) -> str:
    return base64.b64encode(content.encode() if isinstance(content, str) else content).decode()


def serialise(message: EmailMessage) -> dict:
    """`message` as JSON-safe data a task can carry."""
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(k): str(v) for k, v in (message.extra_headers or {}).items()},
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        # (filename, content, mimetype) attachments; the site attaches no
        # prebuilt MIME parts.
        "attachments": [
            [
                name,
                base64.b64encode(
                    content.encode() if isinstance(content, str) else content
                ).decode(),
                mimetype,
            ]
            for name, content, mimetype in (a for a in message.attachments if isinstance(a, tuple))
        ],
    }


def rebuild(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        data["subject"],
        data["body"],
        data["from_email"],
        data["to"],
        bcc=data["bcc"],
        cc=data["cc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    for name, content, mimetype in data["attachments"]:
        message.attach(name, base64.b64decode(content), mimetype)
    return message


def send_now(message: EmailMessage) -> None:
    """Send `message` at once through EMAIL_DELIVERY_BACKEND (for the worker
    and worker-side commands); raises on failure."""
    get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False).send_messages([message])


def retry_delay(attempt: int) -> timedelta:
    """1, 2, 4, 8... minutes after the `attempt`-th failure (at most 2 hours)."""
    return timedelta(minutes=min(2 ** (attempt - 1), 120))


@task(backend=MAIL_BACKEND, queue_name=MAIL_QUEUE)
def deliver(data: dict, attempt: int = 1, failure_callback=None) -> str:
    """Send one message through the delivery backend; on failure, enqueue a
    later attempt, and tell `failure_callback` (with `final` once no attempt
    is left). Never raises: the worker's result row says what happened."""
    try:
        send_now(rebuild(data))
    except Exception as error:
        final = attempt >= settings.EMAIL_MAX_ATTEMPTS
        logger.warning(
            "Email %r to %s failed (attempt %s/%s): %s",
            data["subject"],
            ", ".join(data["to"]),
            attempt,
            settings.EMAIL_MAX_ATTEMPTS,
            error,
        )
        if not final:
            deliver.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
                data, attempt + 1, failure_callback
            )
        if failure_callback:
            path, args = failure_callback
            try:
                import_string(path)(*args, error=f"{type(error).__name__}: {error}", final=final)
            except Exception:
                logger.exception("The failure callback %s failed", path)
        return "failed, final" if final else "failed, retrying"
    if failure_callback and attempt > 1:
        # Sent after all: the sender clears the failure it recorded.
        path, args = failure_callback
        try:
            import_string(path)(*args, error="", final=True)
        except Exception:
            logger.exception("The failure callback %s failed", path)
    return "sent"


class QueuedEmailBackend(BaseEmailBackend):
    """Stores each message as a `deliver` task instead of sending it."""

    def send_messages(self, email_messages) -> int:
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            deliver.enqueue(serialise(message), 1, getattr(message, "failure_callback", None))
            count += 1
        return count
