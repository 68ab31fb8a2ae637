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


# The listings whose digest can remind of deadlines 7 days ahead: key ->
# the date-time field of their pages that holds the deadline.
DEADLINE_FIELDS = {"calls": "deadline"}


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
    TYPE = "alert"

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
    # Calls listing only: the digest also lists the matching calls whose
    # deadline is 7 days away (« rappel 7 jours avant la clôture »).
    deadline_reminder = models.BooleanField(_("rappel 7 jours avant la clôture"), default=False)

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

    def confirm_updates(self, now) -> dict:
        # The digest's watermark starts at the confirmation.
        return {"last_sent_at": now}


# --- Deadline reminders ----------------------------------------------------------------


class DeadlineReminder(Subscription):
    """« Me rappeler la date limite » on a call: one email 7 days and one 1
    day before its deadline. `call` is the French call (the English page is
    its alias or translation); each step records the deadline it was sent
    for, so a moved deadline re-arms it."""

    TYPE = "reminder"

    call = models.ForeignKey(
        "calls_for_projects.CallForProjectsPage",
        verbose_name=_("appel à projets"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    sent_7_for = models.DateTimeField(_("rappel J-7 envoyé pour la date"), null=True, blank=True)
    sent_1_for = models.DateTimeField(_("rappel J-1 envoyé pour la date"), null=True, blank=True)

    class Meta:
        verbose_name = _("rappel de date limite")
        verbose_name_plural = _("rappels de date limite")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"

    @property
    def target(self):
        return self.call

    @property
    def type_label(self) -> str:
        return str(_("Rappel de la date limite"))


# --- Network subscriptions ---------------------------------------------------------------


class NetworkSubscription(Subscription):
    """« Suivre ce réseau »: its new minutes and its meetings announced in the
    agenda, by email. `network` is the French network page;
    `last_sent_at` is the watermark (what was first published after it is
    new), set at the confirmation."""

    TYPE = "network"

    network = models.ForeignKey(
        "network_minutes.NetworkPage",
        verbose_name=_("réseau"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    last_sent_at = models.DateTimeField(_("dernier envoi"), null=True, blank=True)

    class Meta:
        verbose_name = _("abonnement à un réseau")
        verbose_name_plural = _("abonnements aux réseaux")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"

    def confirm_updates(self, now) -> dict:
        return {"last_sent_at": now}

    @property
    def target(self):
        return self.network

    @property
    def type_label(self) -> str:
        return str(_("Suivi d'un réseau"))


# Every kind of subscription an address may hold, by type key (the manage
# page, the purge, the erasure, the admin counts).
SUBSCRIPTION_MODELS = {"alert": Alert, "reminder": DeadlineReminder, "network": NetworkSubscription}
