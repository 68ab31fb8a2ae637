"""What the two « follow one page » subscriptions share (deadline reminders
on a call, network subscriptions): the page followed is the French one
(an English page is its alias or translation), the emails show the page in
the subscriber's language, the confirmation and unsubscribe links and the
emails about the subscription itself. The subscriptions' logic (double
opt-in, signed links, headers, retention) is `alerts.subscriptions`."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Page

from home.privacy import public
from home.sites import absolute

from . import subscriptions
from .models import MAX_ALERTS_PER_ADDRESS, DeadlineReminder, NetworkSubscription

SOURCE_LANGUAGE = "fr"
# The subscriptions reached through the /alertes/suivi/… links.
FOLLOW_MODELS = (DeadlineReminder, NetworkSubscription)


class FollowError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --- Pages ---------------------------------------------------------------------------


def source_page(page):
    """The French page of `page` (itself when French or without one)."""
    if page is None:
        return None
    if page.alias_of_id:
        found = type(page).objects.filter(pk=page.alias_of_id).first()
        if found is not None:
            page = found
    if page.locale.language_code == SOURCE_LANGUAGE:
        return page
    found = (
        type(page)
        .objects.filter(translation_key=page.translation_key, locale__language_code=SOURCE_LANGUAGE)
        .first()
    )
    return found or page


def localized(pages, language: str) -> dict:
    """{pk: the live page in `language`, or the page itself} for French
    `pages`: one query (none in French)."""
    pages = list(pages)
    found = {page.pk: page for page in pages}
    if not pages or (language or SOURCE_LANGUAGE) == SOURCE_LANGUAGE:
        return found
    keys = {page.translation_key: page.pk for page in pages}
    for page in (
        public(Page.objects.live())
        .filter(translation_key__in=keys, locale__language_code=language)
        .specific(defer=True)
    ):
        found[keys[page.translation_key]] = page
    return found


def page_url(page) -> str:
    return page.get_full_url() or absolute(page.url or "/")


# --- Links -------------------------------------------------------------------------------


def link(name: str, kind: str, subscription) -> str:
    with translation.override(subscription.language or settings.LANGUAGE_CODE):
        return absolute(
            reverse(f"alerts:{name}", args=[subscriptions.sign(kind, subscription.token)])
        )


def confirm_url(subscription) -> str:
    return link("follow_confirm", "confirm", subscription)


def unsubscribe_url(subscription) -> str:
    return link("follow_unsubscribe", "unsubscribe", subscription)


def manage_request_url(language: str) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return absolute(reverse("alerts:manage_request"))


def find(kind: str, value: str):
    """The reminder or network subscription a signed link of `kind` names,
    or None (forged, expired, erased)."""
    token = subscriptions.unsign(kind, value)
    if token is None:
        return None
    for model in FOLLOW_MODELS:
        found = model.objects.filter(token=token).first()
        if found is not None:
            return found
    return None


# --- Subscribing ---------------------------------------------------------------------------


def subscribe(model, target, email: str, language: str, now=None, invited=False):
    """Record `email`'s wish to follow `target` (a French page) and queue
    the confirmation. Asked again: a pending one gets its confirmation
    again, a confirmed one an email saying it exists (`invited`: nothing).
    Raises FollowError("limit") at MAX_ALERTS_PER_ADDRESS of this kind."""
    now = now or timezone.now()
    email = subscriptions.normalise_email(email)
    field = target_field(model)
    mine = model.objects.of_address(email).active(now)
    same = mine.filter(**{field: target}).first()
    if same is not None:
        if same.confirmed_at:
            if not invited:
                send_existing(same)
        else:
            send_confirmation(same, invited=invited)
        return same
    if mine.count() >= MAX_ALERTS_PER_ADDRESS:
        raise FollowError("limit")
    subscription = model.objects.create(
        email=email, language=language, created_at=now, **{field: target}
    )
    send_confirmation(subscription, invited=invited)
    return subscription


def target_field(model) -> str:
    return "call" if model is DeadlineReminder else "network"


def email_context(subscription) -> dict:
    target = localized([subscription.target], subscription.language)[subscription.target.pk]
    with translation.override(subscription.language):
        return {
            "subscription": subscription,
            "language": subscription.language,
            "is_reminder": subscription.TYPE == "reminder",
            "target_title": target.title,
            "target_url": page_url(target),
            "manage_request_url": manage_request_url(subscription.language),
            "confirmation_days": subscriptions.CONFIRMATION_DAYS,
        }


def send_confirmation(subscription, invited=False) -> None:
    context = {
        **email_context(subscription),
        "confirm_url": confirm_url(subscription),
        "invited": invited,
    }
    subscriptions.send_subscriber_email(
        "alerts/emails/follow_confirm", context, subscription.email, subscription.language
    )


def send_existing(subscription) -> None:
    subscriptions.send_subscriber_email(
        "alerts/emails/follow_existing",
        email_context(subscription),
        subscription.email,
        subscription.language,
        unsubscribe_url=unsubscribe_url(subscription),
    )
