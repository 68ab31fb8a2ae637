"""The alerts in the Wagtail admin, for the Administration group only (and
superusers): counts per listing and state, the latest alerts (read-only),
and the erasure of an address on request (logged without the address)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from home.registry import ALERT_SOURCES
from home.roles import ADMINISTRATORS

from . import services
from .models import Alert
from .subscriptions import CONFIRMATION_DAYS

STATES = [
    ("pending", _("En attente de confirmation")),
    ("confirmed", _("Confirmées")),
    ("expired", _("Non confirmées, expirées")),
    ("unsubscribed", _("Désinscrites")),
]
PER_PAGE = 50


def may_manage_alerts(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=ADMINISTRATORS).exists()


class EraseForm(forms.Form):
    email = forms.EmailField(label=_("Adresse à effacer"), max_length=254)


def state_counts(now=None) -> list[dict]:
    """One row per listing: its alerts per state (one GROUP BY query)."""
    now = now or timezone.now()
    limit = now - timedelta(days=CONFIRMATION_DAYS)
    live = Q(unsubscribed_at__isnull=True)
    waiting = live & Q(confirmed_at__isnull=True)
    counts = {
        row["source"]: row
        for row in Alert.objects.order_by()
        .values("source")
        .annotate(
            pending=Count("pk", filter=waiting & Q(created_at__gt=limit)),
            confirmed=Count("pk", filter=live & Q(confirmed_at__isnull=False)),
            expired=Count("pk", filter=waiting & Q(created_at__lte=limit)),
            unsubscribed=Count("pk", filter=Q(unsubscribed_at__isnull=False)),
        )
    }
    keys = [source.key for source in ALERT_SOURCES.sources()]
    keys += sorted(set(counts) - set(keys))
    table = []
    for key in keys:
        entry = ALERT_SOURCES.get(key)
        row = counts.get(key, {})
        cells = [row.get(state, 0) for state, _label in STATES]
        table.append({"label": entry.label if entry else key, "cells": cells, "total": sum(cells)})
    return table


class AlertsAdminView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "alerts/admin/index.html"
    page_title = _("Alertes")
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        if not may_manage_alerts(request.user):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(
            Alert.objects.select_related("scope").order_by("-created_at", "-pk"), PER_PAGE
        )
        context.update(
            states=STATES,
            table=state_counts(),
            page_obj=paginator.get_page(self.request.GET.get("p")),
            form=form or EraseForm(),
            erase_url=reverse("alerts_admin"),
        )
        return context

    def post(self, request):
        form = EraseForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        count = services.erase_address(form.cleaned_data["email"], user=request.user)
        messages.success(
            request, _("%(count)s alerte(s) effacée(s) pour cette adresse.") % {"count": count}
        )
        return redirect("alerts_admin")
