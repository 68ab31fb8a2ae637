"""Network subscriptions: « Suivre ce réseau » sends its confirmed
subscribers the network's new minutes (`MeetingMinutesPage`s under the
network page) and its meetings announced in the agenda (`EventPage`s whose
`network` is the network page), and editors invite the published contacts
of the network's members in bulk (each gets a confirmation link: nobody is
subscribed until they click it).

Sending is done by the scheduled command (`send_network_updates`), never by
a publication signal: what it sends is what is *live* when it runs and was
*first published* after the subscription's watermark. So a page published
then unpublished before the run sends nothing, and republishing a page
(same `first_published_at`) never sends it again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation

from directory.models import ActorPage
from events.models import EventPage
from home.privacy import public
from network_minutes.models import MeetingMinutesPage, NetworkPage

from . import follow, subscriptions
from .models import NetworkSubscription

logger = logging.getLogger(__name__)

# An email lists at most this many items of each kind.
MAX_ITEMS = 20
# At most this many invitations per confirmation (the rest on a next one).
MAX_INVITATIONS = 200


@dataclass
class RunReport:
    subscriptions: int = 0
    networks: int = 0
    emails: int = 0
    errors: int = 0


def new_pages(queryset, since, now):
    return list(
        public(queryset.live())
        .filter(first_published_at__gt=since, first_published_at__lte=now)
        .order_by("-first_published_at", "-pk")
        .defer_streamfields()[:1000]
    )


def run(now=None) -> RunReport:
    """Queue, for each confirmed subscription of a live network, what was
    first published since its watermark (nothing new, no email); advance the
    watermarks. A fixed number of queries per network, plus one insert per
    email."""
    now = now or timezone.now()
    report = RunReport()
    groups = defaultdict(list)
    for subscription in (
        NetworkSubscription.objects.confirmed()
        .filter(network__live=True)
        .select_related("network")
        .order_by("pk")
    ):
        groups[subscription.network_id].append(subscription)
    for group in groups.values():
        report.networks += 1
        report.subscriptions += len(group)
        try:
            with transaction.atomic():
                report.emails += run_network(group, now)
        except Exception:
            report.errors += 1
            logger.exception("Network updates failed for network page #%s", group[0].network_id)
    return report


def run_network(group: list, now) -> int:
    network = group[0].network
    since = min(subscription.last_sent_at or now for subscription in group)
    minutes = new_pages(MeetingMinutesPage.objects.child_of(network), since, now)
    events = new_pages(
        EventPage.objects.filter(network=network, locale_id=network.locale_id), since, now
    )
    # Claim the run first: a run beside this one finds nothing due.
    ids = [s.pk for s in group]
    claimed = set(
        NetworkSubscription.objects.filter(pk__in=ids)
        .filter(last_sent_at__lt=now)
        .values_list("pk", flat=True)
    )
    NetworkSubscription.objects.filter(pk__in=claimed).update(last_sent_at=now)
    sent = 0
    by_language = {}
    for subscription in group:
        if subscription.pk not in claimed:
            continue
        mark = subscription.last_sent_at or now
        new_minutes = [page for page in minutes if page.first_published_at > mark]
        new_events = [page for page in events if page.first_published_at > mark]
        if not (new_minutes or new_events):
            continue
        language = subscription.language
        if language not in by_language:
            by_language[language] = follow.localized([*minutes, *events], language)
        shown = by_language[language]
        send_update(
            subscription,
            [shown[page.pk] for page in new_minutes[:MAX_ITEMS]],
            [shown[page.pk] for page in new_events[:MAX_ITEMS]],
        )
        sent += 1
    return sent


def item(page) -> dict:
    line = getattr(page, "summary", "") or getattr(page, "search_description", "") or ""
    return {"title": page.title, "url": follow.page_url(page), "line": " ".join(line.split())[:200]}


def send_update(subscription, minutes: list, events: list) -> None:
    context = follow.email_context(subscription)
    with translation.override(subscription.language):
        context.update(minutes=[item(p) for p in minutes], events=[item(p) for p in events])
    subscriptions.send_subscriber_email(
        "alerts/emails/network_update",
        context,
        subscription.email,
        subscription.language,
        unsubscribe_url=follow.unsubscribe_url(subscription),
    )


# --- Bulk invitations ----------------------------------------------------------------------


@dataclass
class InvitationList:
    to_invite: list
    already: list  # subscribed, waiting for a confirmation, or unsubscribed
    members: int


def invitation_list(network_page, now=None) -> InvitationList:
    """The published contacts' addresses of the network's members (live
    French fiches listing the network), minus those already subscribed,
    waiting or unsubscribed (`already`). Three queries."""
    now = now or timezone.now()
    addresses = set()
    members = 0
    if network_page.network_id:
        actors = (
            ActorPage.objects.live()
            .filter(networks=network_page.network_id, locale_id=network_page.locale_id)
            .defer_streamfields()
            .prefetch_related("contacts")
        )
        for actor in actors:
            members += 1
            for contact in actor.public_contacts():
                if contact.email:
                    addresses.add(subscriptions.normalise_email(contact.email))
    known = NetworkSubscription.objects.filter(network=network_page, email__in=addresses)
    taken = set(known.filter(unsubscribed_at__isnull=False).values_list("email", flat=True)) | set(
        known.active(now).values_list("email", flat=True)
    )
    return InvitationList(
        to_invite=sorted(addresses - taken), already=sorted(addresses & taken), members=members
    )


def invite(network_page, addresses, now=None) -> int:
    """Queue one invitation (a confirmation link) per address; the number
    queued (at most MAX_INVITATIONS)."""
    now = now or timezone.now()
    count = 0
    for address in addresses[:MAX_INVITATIONS]:
        with transaction.atomic():
            try:
                follow.subscribe(
                    NetworkSubscription,
                    network_page,
                    address,
                    follow.SOURCE_LANGUAGE,
                    now=now,
                    invited=True,
                )
            except follow.FollowError:
                continue
        count += 1
    return count


def network_for_admin(page_id) -> NetworkPage | None:
    if not isinstance(page_id, int) or not 0 < page_id < 2**31:
        return None
    page = NetworkPage.objects.filter(pk=page_id).first()
    return follow.source_page(page)
