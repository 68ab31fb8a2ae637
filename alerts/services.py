"""Making, confirming and stopping alerts, and the emails about them (the
digest itself is in digest.py)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation

from home.privacy import public
from home.registry import ALERT_SOURCES
from home.sites import absolute

from . import subscriptions
from .models import (
    DEADLINE_FIELDS,
    MAX_ALERTS_PER_ADDRESS,
    MAX_QUERY_LENGTH,
    SUBSCRIPTION_MODELS,
    Alert,
)

logger = logging.getLogger(__name__)

# A raw query string longer than this is refused before any parsing.
MAX_RAW_QUERY_LENGTH = 2 * MAX_QUERY_LENGTH


class AlertError(Exception):
    """A request for an alert that cannot be honoured, with what to tell
    the visitor (`reasons`: the listing's notices, if any)."""

    def __init__(self, code: str, reasons=()):
        super().__init__(code)
        self.code = code
        self.reasons = list(reasons)


def scope_page(source, page_id):
    """The live, public page of `source`'s scope model whose id is
    `page_id`, or None."""
    model = source.scope_model_class()
    if not isinstance(page_id, int) or not 0 < page_id < 2**31:
        return None
    return public(model.objects.live()).filter(pk=page_id).first()


def listing_for(source_key: str, page_id, query_string: str, now=None):
    """(source, scope page, filter set) for a request to follow a listing;
    raises AlertError when the listing is unknown, the filters too long or
    one of them invalid."""
    source = ALERT_SOURCES.get(source_key)
    if source is None:
        raise AlertError("unknown_source")
    scope = scope_page(source, page_id)
    if scope is None:
        raise AlertError("unknown_source")
    if len(query_string) > MAX_RAW_QUERY_LENGTH:
        raise AlertError("too_long")
    data = QueryDict(query_string)
    filterset = source.filterset_class()(data, scope=scope, now=now)
    rejected = [name for name in filterset.form.errors if name not in ("page", "sort")]
    if rejected:
        raise AlertError("invalid", filterset.notices)
    if len(normalised_query(filterset)) > MAX_QUERY_LENGTH:
        raise AlertError("too_long")
    return source, scope, filterset


def normalised_query(filterset) -> str:
    """The valid filters, in the listing's stable order (no sort, no page)."""
    return filterset.querystring(sort=None, page=None)


def summary(filterset) -> str:
    """The active filters as the listing's chips label them."""
    return " ; ".join(f"{chip.label} : {chip.value}" for chip in filterset.chips)


def listing_url(alert) -> str:
    """The listing with the alert's filters, on the site's public address."""
    url = alert.scope.get_full_url() or absolute(alert.scope.url or "/")
    return f"{url}?{alert.query}" if alert.query else url


# --- Links -------------------------------------------------------------------------


def link(name: str, kind: str, token: str, language: str) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return absolute(reverse(f"alerts:{name}", args=[subscriptions.sign(kind, token)]))


def confirm_url(alert) -> str:
    return link("confirm", "confirm", alert.token, alert.language)


def unsubscribe_url(alert) -> str:
    return link("unsubscribe", "unsubscribe", alert.token, alert.language)


def manage_url(alert) -> str:
    return link("manage", "manage", alert.token, alert.language)


def manage_request_url(language: str) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return absolute(reverse("alerts:manage_request"))


# --- Subscribing ---------------------------------------------------------------------


def active_count(email: str, now=None) -> int:
    return Alert.objects.of_address(email).active(now).count()


def subscribe(
    email, frequency, source, scope, filterset, language, now=None, deadline_reminder=False
):
    """Record the request and queue the confirmation email; returns the
    alert. The same filters asked again by the same address do not make a
    second alert: a pending one gets its confirmation again, a confirmed
    one an email saying it exists. Raises AlertError("limit") at
    MAX_ALERTS_PER_ADDRESS alerts."""
    now = now or timezone.now()
    email = subscriptions.normalise_email(email)
    query = normalised_query(filterset)
    deadline_reminder = bool(deadline_reminder) and source.key in DEADLINE_FIELDS
    same = (
        Alert.objects.of_address(email)
        .active(now)
        .filter(source=source.key, scope=scope, query=query)
        .first()
    )
    if same is not None:
        if same.confirmed_at:
            send_existing(same)
        else:
            if (same.frequency, same.deadline_reminder) != (frequency, deadline_reminder):
                same.frequency = frequency
                same.deadline_reminder = deadline_reminder
                same.save(update_fields=["frequency", "deadline_reminder"])
            send_confirmation(same)
        return same
    if active_count(email, now) >= MAX_ALERTS_PER_ADDRESS:
        raise AlertError("limit")
    alert = Alert.objects.create(
        email=email,
        language=language,
        source=source.key,
        scope=scope,
        query=query,
        summary=summary(filterset)[:2000],
        frequency=frequency,
        deadline_reminder=deadline_reminder,
        created_at=now,
    )
    send_confirmation(alert)
    return alert


def email_context(alert) -> dict:
    return {
        "alert": alert,
        "source_label": alert.source_label,
        "scope_title": alert.scope.title,
        "listing_url": listing_url(alert),
        "manage_request_url": manage_request_url(alert.language),
        "confirmation_days": subscriptions.CONFIRMATION_DAYS,
    }


def send_confirmation(alert) -> None:
    with translation.override(alert.language):
        context = {**email_context(alert), "confirm_url": confirm_url(alert)}
    subscriptions.send_subscriber_email(
        "alerts/emails/confirm", context, alert.email, alert.language
    )


def send_existing(alert) -> None:
    with translation.override(alert.language):
        context = email_context(alert)
    subscriptions.send_subscriber_email(
        "alerts/emails/existing",
        context,
        alert.email,
        alert.language,
        unsubscribe_url=unsubscribe_url(alert),
    )


def manage_anchor(email: str):
    """The newest active subscription of `email`, of any kind (the manage
    link carries its token), or None."""
    found = [
        model.objects.of_address(email).active().order_by("-created_at", "-pk").first()
        for model in SUBSCRIPTION_MODELS.values()
    ]
    found = [row for row in found if row is not None]
    return max(found, key=lambda row: row.created_at) if found else None


def find_by_token(token: str):
    """The subscription (any kind) whose token is `token`, or None."""
    for model in SUBSCRIPTION_MODELS.values():
        row = model.objects.filter(token=token).first()
        if row is not None:
            return row
    return None


def send_manage_link(email: str, language: str) -> bool:
    """Email the link to the page listing `email`'s subscriptions, if it has
    any (the visitor is told the same either way)."""
    anchor = manage_anchor(email)
    if anchor is None:
        return False
    context = {"manage_url": link("manage", "manage", anchor.token, language)}
    context["manage_hours"] = subscriptions.MANAGE_LINK_HOURS
    subscriptions.send_subscriber_email("alerts/emails/manage", context, anchor.email, language)
    return True


# --- Erasure -------------------------------------------------------------------------


def erase_address(email: str, user=None) -> int:
    """Delete every subscription of `email`, of every kind (a request to erase one's data); the
    log says how many and who asked, never the address."""
    deleted = sum(
        model.objects.of_address(email).delete()[0] for model in SUBSCRIPTION_MODELS.values()
    )
    logger.warning(
        "Alerts: erased %s row(s) of one address on request (by user #%s)",
        deleted,
        getattr(user, "pk", None),
    )
    return deleted
