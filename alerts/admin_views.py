"""The alerts in the Wagtail admin, for the Administration group only (and
superusers): counts per listing and state, the latest alerts (read-only),
and the erasure of an address on request (logged without the address)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from home.registry import ALERT_SOURCES
from home.roles import ADMINISTRATORS

from . import services
from .models import SUBSCRIPTION_MODELS, Alert
from .subscriptions import CONFIRMATION_DAYS

STATES = [
    ("pending", _("En attente de confirmation")),
    ("confirmed", _("Confirmées")),
    ("expired", _("Non confirmées, expirées")),
    ("unsubscribed", _("Désinscrites")),
]
PER_PAGE = 50
logger = logging.getLogger(__name__)


def may_manage_alerts(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=ADMINISTRATORS).exists()


class EraseForm(forms.Form):
    email = forms.EmailField(label=_("Adresse à effacer"), max_length=254)


def _state_annotations(now):
    limit = now - timedelta(days=CONFIRMATION_DAYS)
    live = Q(unsubscribed_at__isnull=True)
    waiting = live & Q(confirmed_at__isnull=True)
    return {
        "pending": Count("pk", filter=waiting & Q(created_at__gt=limit)),
        "confirmed": Count("pk", filter=live & Q(confirmed_at__isnull=False)),
        "expired": Count("pk", filter=waiting & Q(created_at__lte=limit)),
        "unsubscribed": Count("pk", filter=Q(unsubscribed_at__isnull=False)),
    }


def _row(label, counts: dict) -> dict:
    cells = [counts.get(state, 0) for state, _label in STATES]
    return {"label": label, "cells": cells, "total": sum(cells)}


def state_counts(now=None) -> list[dict]:
    """One row per listing followed by alerts, then one per other kind of
    subscription (deadline reminders, network subscriptions): each per
    state (one GROUP BY query for the alerts, one aggregate per kind)."""
    now = now or timezone.now()
    counts = {
        row["source"]: row
        for row in Alert.objects.order_by().values("source").annotate(**_state_annotations(now))
    }
    keys = [source.key for source in ALERT_SOURCES.sources()]
    keys += sorted(set(counts) - set(keys))
    table = []
    for key in keys:
        entry = ALERT_SOURCES.get(key)
        table.append(_row(entry.label if entry else key, counts.get(key, {})))
    for key, model in SUBSCRIPTION_MODELS.items():
        if key != "alert":
            label = capfirst(model._meta.verbose_name_plural)
            table.append(_row(label, model.objects.aggregate(**_state_annotations(now))))
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


# --- Bulk invitations to follow a network ------------------------------------------------

# Bulk invitations one person may confirm per hour (each up to
# networks.MAX_INVITATIONS addresses).
INVITATION_RUNS_PER_HOUR = 5


def may_invite(user, network_page) -> bool:
    """Editors, moderators and administrators: whoever may edit the network
    page in the admin."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not user.has_perm("wagtailadmin.access_admin"):
        return False
    return network_page.permissions_for_user(user).can_edit()


class NetworkInviteView(WagtailAdminTemplateMixin, TemplateView):
    """The addresses to invite (published contacts of the network's
    members, minus those already subscribed, waiting or unsubscribed), a
    confirmation, then one queued invitation (a confirmation link) each."""

    template_name = "alerts/admin/invite.html"
    page_title = _("Inviter les membres à suivre le réseau")
    header_icon = "mail"

    def dispatch(self, request, page_id, *args, **kwargs):
        from . import networks

        self.network = networks.network_for_admin(page_id)
        if self.network is None:
            raise Http404
        if not may_invite(request.user, self.network):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        from . import networks

        context = super().get_context_data(**kwargs)
        found = networks.invitation_list(self.network)
        context.update(
            network=self.network,
            found=found,
            max_invitations=networks.MAX_INVITATIONS,
            edit_url=reverse("wagtailadmin_pages:edit", args=[self.network.pk]),
        )
        return context

    def post(self, request):
        from home import ratelimit

        from . import networks

        if request.POST.get("confirm") != "1":
            return redirect(request.path)
        if not ratelimit.hit_key(
            "alerts-invite", str(request.user.pk), INVITATION_RUNS_PER_HOUR, 3600
        ):
            messages.error(
                request,
                _("Trop d'invitations envoyées dans l'heure : réessayez plus tard."),
            )
            return redirect(request.path)
        # The list again, from the database: never addresses posted by the form.
        found = networks.invitation_list(self.network)
        count = networks.invite(self.network, found.to_invite)
        logger.info(
            "Network page #%s: %s invitation(s) queued by user #%s",
            self.network.pk,
            count,
            request.user.pk,
        )
        messages.success(
            request,
            _("%(count)s invitation(s) envoyée(s) : chaque personne doit confirmer.")
            % {"count": count},
        )
        return redirect(request.path)
