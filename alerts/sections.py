"""The alerts' sections on other apps' pages (home/registry.py): the
« Me rappeler la date limite » box of an open call with a deadline, the
« Suivre ce réseau » box of a network page. No query."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from .reminders import call_accepts_reminders


def call_reminder_section(call, request):
    """`call` names the French call (home/locales.py `relations_subject`)."""
    if not call_accepts_reminders(call, timezone.now()):
        return None
    return {
        "template": "alerts/_call_reminder.html",
        "stylesheets": ["css/alerts.css"],
        "url": reverse("alerts:reminder_subscribe", args=[call.pk]),
    }


def network_follow_section(network_page, request):
    if network_page is None or not network_page.pk:
        return None
    return {
        "template": "alerts/_network_follow.html",
        "stylesheets": ["css/alerts.css"],
        "url": reverse("alerts:network_subscribe", args=[network_page.pk]),
    }
