"""A saved-search alert: a listing's filters, followed by email.

Only the address, the language and the filters are stored (issue 13): the
listing (`source`, a key of `home.registry.ALERT_SOURCES`), the page that
scopes it, its filter set's normalised query string and, for the
subscriber's eyes, a summary of those filters as they were labelled when the
alert was made.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from home.registry import ALERT_SOURCES

from .subscriptions import Subscription, SubscriptionQuerySet

# At most this many alerts (confirmed or waiting) per address.
MAX_ALERTS_PER_ADDRESS = 20
# The longest normalised query string kept (the listing's own limits keep a
# valid one far shorter).
MAX_QUERY_LENGTH = 1000


class Frequency(models.TextChoices):
    DAILY = "quotidienne", _("Chaque jour")
    WEEKLY = "hebdomadaire", _("Chaque semaine")


# A digest is due once this long has passed since the previous one (a little
# less than the period, so that a daily run at a slightly earlier hour than
# yesterday's does not skip a day; a second run the same day sends nothing).
DUE_AFTER = {
    Frequency.DAILY: timedelta(hours=20),
    Frequency.WEEKLY: timedelta(days=6, hours=20),
}


class AlertQuerySet(SubscriptionQuerySet):
    def due(self, now=None, frequencies=None):
        """Confirmed alerts whose digest is due at `now`."""
        now = now or timezone.now()
        due = Q()
        for frequency in frequencies or Frequency.values:
            due |= Q(frequency=frequency, last_sent_at__lte=now - DUE_AFTER[frequency])
        return self.confirmed().filter(due)


class Alert(Subscription):
    source = models.CharField(_("liste suivie"), max_length=40)
    scope = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page de la liste"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    query = models.TextField(_("filtres"), blank=True)
    summary = models.TextField(_("résumé des filtres"), blank=True)
    frequency = models.CharField(
        _("fréquence"), max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    # The digest's watermark: what was first published after it is new.
    # Set when the alert is confirmed, moved to each digest run's time.
    last_sent_at = models.DateTimeField(_("dernier envoi"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("alerte")
        verbose_name_plural = _("alertes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["frequency", "last_sent_at"])]

    def __str__(self) -> str:
        return f"{self.source_label} #{self.pk}"

    @property
    def source_entry(self):
        return ALERT_SOURCES.get(self.source)

    @property
    def source_label(self) -> str:
        entry = self.source_entry
        return str(entry.label) if entry else self.source

    def confirm(self, now=None) -> bool:
        """Confirm (once); False when it cannot be (done, expired, stopped)."""
        now = now or timezone.now()
        if not self.can_be_confirmed(now):
            return False
        updated = Alert.objects.filter(pk=self.pk, confirmed_at__isnull=True).update(
            confirmed_at=now, last_sent_at=now
        )
        self.confirmed_at = self.last_sent_at = now
        return bool(updated)

    def unsubscribe(self, now=None) -> None:
        if self.unsubscribed_at is None:
            self.unsubscribed_at = now or timezone.now()
            Alert.objects.filter(pk=self.pk, unsubscribed_at__isnull=True).update(
                unsubscribed_at=self.unsubscribed_at
            )
