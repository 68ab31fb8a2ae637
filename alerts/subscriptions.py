"""What every email subscription of the site shares (saved-search alerts
today; deadline reminders and network subscriptions can build on it): the
address, the language, double opt-in, one-click unsubscribe, the signed
links, the emails' unsubscribe headers and the retention rules.

- `Subscription`: an abstract model (email, language, created_at,
  confirmed_at, unsubscribed_at, token) and `SubscriptionQuerySet`
  (`active`, `confirmed`, `expired_unconfirmed`, `purgeable`).
- `sign(kind, token)` / `unsign(kind, value, max_age)`: the links. A link
  carries the subscription's unguessable token, signed with a salt per kind
  (`confirm`, `unsubscribe`, `manage`), so a link of one kind is useless as
  another, and the timed kinds expire.
- `send_subscriber_email(...)`: a multipart (text + HTML) email in the
  subscriber's language, with `List-Unsubscribe` and
  `List-Unsubscribe-Post` (RFC 8058) when it has an unsubscribe link.
  Queued like every email (home/mail.py), sent by the worker.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

# An unconfirmed subscription is never sent anything after this delay, and
# its confirmation link no longer works.
CONFIRMATION_DAYS = 7
# Unconfirmed (past the delay above) and unsubscribed rows are erased after this.
RETENTION_DAYS = 30
# How long a link to the page that lists an address's subscriptions works.
MANAGE_LINK_HOURS = 48

TIMED_LINKS = {
    "confirm": timedelta(days=CONFIRMATION_DAYS),
    "manage": timedelta(hours=MANAGE_LINK_HOURS),
}


def new_token() -> str:
    return secrets.token_urlsafe(32)


def normalise_email(address: str) -> str:
    """Addresses are kept and compared in lower case."""
    return (address or "").strip().lower()


class SubscriptionQuerySet(models.QuerySet):
    def active(self, now=None):
        """Neither unsubscribed nor expired: confirmed, or waiting for a
        confirmation that may still come."""
        now = now or timezone.now()
        limit = now - timedelta(days=CONFIRMATION_DAYS)
        return self.filter(unsubscribed_at__isnull=True).filter(
            Q(confirmed_at__isnull=False) | Q(created_at__gt=limit)
        )

    def confirmed(self):
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def expired_unconfirmed(self, now=None):
        now = now or timezone.now()
        limit = now - timedelta(days=CONFIRMATION_DAYS)
        return self.filter(confirmed_at__isnull=True, created_at__lte=limit)

    def purgeable(self, now=None):
        """Rows erased by the purge: unconfirmed or unsubscribed for
        RETENTION_DAYS."""
        now = now or timezone.now()
        limit = now - timedelta(days=RETENTION_DAYS)
        return self.filter(
            Q(confirmed_at__isnull=True, created_at__lte=limit) | Q(unsubscribed_at__lte=limit)
        )

    def of_address(self, email: str):
        return self.filter(email=normalise_email(email))


class Subscription(models.Model):
    """An email address that asked to receive something, and nothing else
    about that person."""

    email = models.EmailField(_("adresse électronique"), max_length=254, db_index=True)
    language = models.CharField(_("langue"), max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("désinscrite le"), null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def state(self) -> str:
        if self.unsubscribed_at:
            return "unsubscribed"
        if self.confirmed_at:
            return "confirmed"
        if self.created_at <= timezone.now() - timedelta(days=CONFIRMATION_DAYS):
            return "expired"
        return "pending"

    def can_be_confirmed(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.confirmed_at is None
            and self.unsubscribed_at is None
            and self.created_at > now - timedelta(days=CONFIRMATION_DAYS)
        )

    def confirm_updates(self, now) -> dict:
        """Fields a subclass sets with the confirmation (a watermark...)."""
        return {}

    def confirm(self, now=None) -> bool:
        """Confirm (once); False when it cannot be (done, expired, stopped)."""
        now = now or timezone.now()
        if not self.can_be_confirmed(now):
            return False
        fields = {"confirmed_at": now, **self.confirm_updates(now)}
        updated = (
            type(self)
            ._default_manager.filter(pk=self.pk, confirmed_at__isnull=True)
            .update(**fields)
        )
        for name, value in fields.items():
            setattr(self, name, value)
        return bool(updated)

    def unsubscribe(self, now=None) -> None:
        if self.unsubscribed_at is None:
            self.unsubscribed_at = now or timezone.now()
            type(self)._default_manager.filter(pk=self.pk, unsubscribed_at__isnull=True).update(
                unsubscribed_at=self.unsubscribed_at
            )


# --- Signed links ------------------------------------------------------------------


def sign(kind: str, token: str) -> str:
    salt = f"alerts.{kind}"
    if kind in TIMED_LINKS:
        return signing.TimestampSigner(salt=salt).sign(token)
    return signing.Signer(salt=salt).sign(token)


def unsign(kind: str, value: str) -> str | None:
    """The token in a signed link of `kind`, or None (forged, altered, of
    another kind, expired, absurdly long)."""
    if not isinstance(value, str) or len(value) > 200:
        return None
    salt = f"alerts.{kind}"
    try:
        if kind in TIMED_LINKS:
            return signing.TimestampSigner(salt=salt).unsign(value, max_age=TIMED_LINKS[kind])
        return signing.Signer(salt=salt).unsign(value)
    except signing.BadSignature:  # SignatureExpired included
        return None


# --- Emails ------------------------------------------------------------------------


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail clients show an « unsubscribe » button
    that POSTs `List-Unsubscribe=One-Click` to `url`."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def send_subscriber_email(
    template: str, context: dict, to: str, language: str, unsubscribe_url: str = ""
) -> None:
    """Queue `template` (`<template>_subject.txt`, `.txt`, `.html`) to `to`
    in `language`, with the unsubscribe headers when `unsubscribe_url`."""
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "unsubscribe_url": unsubscribe_url,
        **context,
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    headers = unsubscribe_headers(unsubscribe_url) if unsubscribe_url else {}
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers
    )
    message.attach_alternative(html, "text/html")
    message.send()
