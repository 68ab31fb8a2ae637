"""Emails to the people who propose: acknowledgement, changes requested,
approval; and the partner space's login link.

Each email has a plain-text part and an HTML part (values escaped there by
the template engine). Emails are queued and sent by the worker (home/mail.py),
never from the request; a failed send (SMTP down...) is tried again, and
recorded on the submission, where moderators see it; it never undoes a saved
submission.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from home.sites import absolute

logger = logging.getLogger(__name__)


def follow_url(submission) -> str:
    with translation.override(submission.language or settings.LANGUAGE_CODE):
        if submission.origin == submission.Origin.PARTNER:
            return absolute(reverse("partners:space_submission", args=[submission.pk]))
        return absolute(reverse("partners:follow", args=[submission.follow_key]))


def send(template: str, context: dict, to: str, language: str, failure_callback=None) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(
            render_to_string(f"partners/emails/{template}_subject.txt", context).split()
        )
        text = render_to_string(f"partners/emails/{template}.txt", context)
        html = render_to_string(f"partners/emails/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.failure_callback = failure_callback
    message.send()


def send_to_submitter(submission, template: str, **extra) -> bool:
    from .models import Submission

    context = {
        "submission": submission,
        "follow_url": follow_url(submission),
        "site_name": settings.WAGTAIL_SITE_NAME,
        **extra,
    }
    callback = ("partners.notifications.record_email_failure", [submission.pk, template])
    try:
        send(template, context, submission.submitter_email, submission.language, callback)
    except Exception as error:  # the email could not even be queued
        logger.exception("Email %r to the submitter of %s failed", template, submission.pk)
        record_email_failure(submission.pk, template, error=f"{type(error).__name__}: {error}")
        submission.email_error = Submission.objects.get(pk=submission.pk).email_error
        return False
    return True


def record_email_failure(submission_pk: int, template: str, *, error: str, final=True) -> None:
    """Note on the submission that an email to its submitter failed (called
    by the mail worker, home/mail.py): moderators see it in its summary."""
    from .models import Submission

    if not error:  # sent after all
        Submission.objects.filter(pk=submission_pk).update(email_error="")
        return
    retry = "" if final else " (nouvel essai prévu)"
    note = f"{timezone.localtime():%d/%m/%Y %H:%M} – {template} : {error}{retry}"
    Submission.objects.filter(pk=submission_pk).update(email_error=note[:1000])


def send_acknowledgement(submission) -> bool:
    return send_to_submitter(submission, "acknowledgement")


def send_changes_requested(submission, comment: str) -> bool:
    return send_to_submitter(submission, "changes_requested", comment=comment)


def send_approved(submission) -> bool:
    page = submission.result_page
    page_url = absolute(page.url) if page is not None and page.url else ""
    if page is not None and page.full_url:
        page_url = page.full_url
    return send_to_submitter(submission, "approved", page_url=page_url)


def send_login_link(user, url: str, language: str) -> bool:
    context = {"user": user, "login_url": url, "site_name": settings.WAGTAIL_SITE_NAME}
    try:
        send("login_link", context, user.email, language)
    except Exception:
        logger.exception("Login link email to user %s failed", user.pk)
        return False
    return True
