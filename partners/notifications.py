"""Emails to the people who propose: acknowledgement, changes requested,
approval; and the partner space's login link.

Each email has a plain-text part and an HTML part (values escaped there by
the template engine). A failure (SMTP down...) is logged and recorded on the
submission, where moderators see it; it never undoes a saved submission.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def follow_url(submission) -> str:
    with translation.override(submission.language or settings.LANGUAGE_CODE):
        if submission.origin == submission.Origin.PARTNER:
            return absolute(reverse("partners:space_submission", args=[submission.pk]))
        return absolute(reverse("partners:follow", args=[submission.follow_key]))


def send(template: str, context: dict, to: str, language: str) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(
            render_to_string(f"partners/emails/{template}_subject.txt", context).split()
        )
        text = render_to_string(f"partners/emails/{template}.txt", context)
        html = render_to_string(f"partners/emails/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()


def send_to_submitter(submission, template: str, **extra) -> bool:
    from .models import Submission

    context = {
        "submission": submission,
        "follow_url": follow_url(submission),
        "site_name": settings.WAGTAIL_SITE_NAME,
        **extra,
    }
    try:
        send(template, context, submission.submitter_email, submission.language)
    except Exception as error:
        logger.exception("Email %r to the submitter of %s failed", template, submission.pk)
        note = (
            f"{timezone.localtime():%d/%m/%Y %H:%M} – {template} : {type(error).__name__}: {error}"
        )
        Submission.objects.filter(pk=submission.pk).update(email_error=note[:1000])
        submission.email_error = note[:1000]
        return False
    return True


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
