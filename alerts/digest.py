"""The digests: for each confirmed alert that is due, what its listing's
filter set selects among the pages first published since the alert's
watermark, in one email; nothing new, no email.

Alerts that follow the same listing with the same filters are handled
together: the filter set runs once for the group (over the oldest
watermark of the group), each alert keeps the items newer than its own
watermark, and the items shown are read in one query. So a run costs a
fixed number of queries per group, plus one insert per email queued, one
update per group (the watermarks) and its savepoint, whatever the number
of pages.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.text import Truncator

from home.registry import ALERT_SOURCES

from . import services, subscriptions
from .models import DEADLINE_FIELDS, Alert

logger = logging.getLogger(__name__)

# An email lists at most this many items (then a link to the listing).
MAX_ITEMS = 20
# The most new items one group's run reads (newest first).
MAX_MATCHES = 1000
# « Rappel 7 jours avant la clôture »: how far ahead a deadline is recalled.
REMINDER_AHEAD = timedelta(days=7)
# The fields tried, in order, for the line under an item's title.
LINE_FIELDS = ("summary", "introduction", "search_description")


@dataclass
class RunReport:
    alerts: int = 0
    emails: int = 0
    groups: int = 0
    errors: int = 0
    sources: dict = field(default_factory=lambda: defaultdict(int))


def item_line(page) -> str:
    for name in LINE_FIELDS:
        value = getattr(page, name, "")
        if isinstance(value, str) and value.strip():
            return Truncator(" ".join(value.split())).chars(200)
    return ""


def run(now=None, frequencies=None, stdout=None) -> RunReport:
    """Send every due digest (of `frequencies`, default all) at `now`."""
    now = now or timezone.now()
    report = RunReport()
    due = Alert.objects.due(now, frequencies).select_related("scope").order_by("pk")
    groups: dict[tuple, list[Alert]] = defaultdict(list)
    for alert in due:
        groups[(alert.source, alert.scope_id, alert.query)].append(alert)
    for (source_key, _scope, _query), alerts in groups.items():
        report.groups += 1
        report.alerts += len(alerts)
        try:
            with transaction.atomic():
                sent = run_group(source_key, alerts, now)
        except Exception:
            # One listing's failure (a filter that no longer exists...) must
            # not stop the others; its watermarks stay, it is tried next run.
            report.errors += 1
            logger.exception(
                "Alert digest failed for %s (alerts %s)", source_key, [a.pk for a in alerts]
            )
            continue
        report.emails += sent
        report.sources[source_key] += sent
    return report


def run_group(source_key: str, alerts: list[Alert], now) -> int:
    """Queue the digests of `alerts` (same listing, same filters), advance
    their watermarks; the number of emails queued."""
    source = ALERT_SOURCES.get(source_key)
    ids = [alert.pk for alert in alerts]
    if source is None:  # the listing is gone: nothing to send, ever
        Alert.objects.filter(pk__in=ids).update(last_sent_at=now)
        return 0
    scope = alerts[0].scope
    since = min(alert.last_sent_at for alert in alerts)
    filterset = source.filterset_class()(QueryDict(alerts[0].query), scope=scope, now=now)
    matches = list(
        filterset.qs.filter(first_published_at__gt=since, first_published_at__lte=now)
        .order_by("-first_published_at", "-pk")
        .values_list("pk", "first_published_at")[:MAX_MATCHES]
    )
    per_alert = {}
    wanted = set()
    for alert in alerts:
        new = [pk for pk, published in matches if published > alert.last_sent_at]
        if new:
            per_alert[alert.pk] = new
            wanted.update(new[:MAX_ITEMS])
    closing = closing_soon(source_key, filterset, alerts, since, now)
    per_alert_closing = {}
    for alert in alerts:
        if alert.deadline_reminder:
            mine = [pk for pk, moment in closing if moment > alert.last_sent_at]
            if mine:
                per_alert_closing[alert.pk] = mine
                wanted.update(mine[:MAX_ITEMS])
    pages = {}
    if wanted:
        model = filterset.queryset.model
        pages = {page.pk: page for page in model.objects.filter(pk__in=wanted).defer_streamfields()}
    sent = 0
    for alert in alerts:
        new = per_alert.get(alert.pk, [])
        soon = per_alert_closing.get(alert.pk, [])
        if not (new or soon):
            continue
        items = [pages[pk] for pk in new[:MAX_ITEMS] if pk in pages]
        closing_items = [pages[pk] for pk in soon[:MAX_ITEMS] if pk in pages]
        send_digest(alert, items, len(new), closing_items)
        sent += 1
    Alert.objects.filter(pk__in=ids).update(last_sent_at=now)
    return sent


def closing_soon(source_key, filterset, alerts, since, now) -> list:
    """[(pk, moment)] of the pages the filter set selects whose deadline is
    7 days away: the moment (deadline − 7 days) passed since `since`, the
    deadline still ahead. Only for a listing with deadlines (DEADLINE_FIELDS)
    and when one of `alerts` asked for it: one query, else none."""
    field = DEADLINE_FIELDS.get(source_key)
    if field is None or not any(alert.deadline_reminder for alert in alerts):
        return []
    rows = (
        filterset.qs.filter(
            **{
                f"{field}__gt": max(now, since + REMINDER_AHEAD),
                f"{field}__lte": now + REMINDER_AHEAD,
            }
        )
        .order_by(field, "pk")
        .values_list("pk", field)[:MAX_MATCHES]
    )
    return [(pk, deadline - REMINDER_AHEAD) for pk, deadline in rows]


def send_digest(alert: Alert, pages: list, total: int, closing: list = ()) -> None:
    def entry(page):
        return {"title": page.title, "url": page.get_full_url(), "line": item_line(page)}

    with translation.override(alert.language):
        items = [entry(page) for page in pages]
        context = {
            **services.email_context(alert),
            "closing": [
                {**entry(page), "deadline": getattr(page, DEADLINE_FIELDS[alert.source])}
                for page in closing
            ],
            "items": items,
            "total": total,
            "more": total - len(items),
        }
    subscriptions.send_subscriber_email(
        "alerts/emails/digest",
        context,
        alert.email,
        alert.language,
        unsubscribe_url=services.unsubscribe_url(alert),
    )
