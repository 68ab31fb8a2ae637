"""The public pages of the « follow one page » subscriptions: « Me rappeler
la date limite » (a call) and « Suivre ce réseau » (a network page), their
confirmation (a button: a mail scanner following the link confirms
nothing) and their one-click unsubscribe (RFC 8058). Bad input gets a clear
page, never a 500."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from calls_for_projects.models import CallForProjectsPage
from home import ratelimit
from home.privacy import public
from network_minutes.models import NetworkPage

from . import follow, reminders
from .forms import FollowForm
from .models import MAX_ALERTS_PER_ADDRESS, DeadlineReminder, NetworkSubscription
from .views import _address_ok, _private, _rate_limited


def _page(model, page_id):
    """The live, public page of `model` whose id is `page_id` (the page the
    visitor saw, in any language), or None."""
    if not isinstance(page_id, int) or not 0 < page_id < 2**31:
        return None
    return public(model.objects.live()).filter(pk=page_id).first()


def _follow(request, model, shown, target, context):
    """The form (GET) and its handling (POST) for following `target`."""
    language = translation.get_language() or "fr"
    context = {
        "kind": model.TYPE,
        "page": follow.localized([target], language)[target.pk],
        "max_alerts": MAX_ALERTS_PER_ADDRESS,
        **context,
    }
    if request.method == "POST":
        if not ratelimit.hit(request, "alerts"):
            return _rate_limited(request)
        form = FollowForm(request.POST)
        if form.is_valid():
            if form.honeypot_filled:
                return redirect("alerts:check_inbox")
            email = form.cleaned_data["email"]
            if not _address_ok(email):
                context["address_limited"] = True
            else:
                try:
                    follow.subscribe(model, target, email, translation.get_language() or "fr")
                except follow.FollowError:
                    context["limit_reached"] = True
                else:
                    return redirect("alerts:check_inbox")
    else:
        form = FollowForm()
    context["form"] = form
    status = 400 if form.errors or _refused(context) else 200
    return render(request, "alerts/follow.html", context, status=status)


def _refused(context) -> bool:
    return bool(context.get("limit_reached") or context.get("address_limited"))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def reminder_subscribe(request, page_id: int):
    shown = _page(CallForProjectsPage, page_id)
    call = follow.source_page(shown)
    now = timezone.now()
    if call is None or not (
        reminders.call_accepts_reminders(shown, now) and reminders.call_accepts_reminders(call, now)
    ):
        return render(request, "alerts/follow_unavailable.html", {"kind": "reminder"}, status=404)
    return _follow(
        request, DeadlineReminder, shown, call, {"deadline": timezone.localtime(call.deadline)}
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def network_subscribe(request, page_id: int):
    shown = _page(NetworkPage, page_id)
    network = follow.source_page(shown)
    if network is None or not network.live:
        return render(request, "alerts/follow_unavailable.html", {"kind": "network"}, status=404)
    return _follow(request, NetworkSubscription, shown, network, {})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow_confirm(request, token: str):
    subscription = follow.find("confirm", token)
    invalid = render(request, "alerts/link_invalid.html", {"kind": "confirm"}, status=400)
    if subscription is None:
        return _private(invalid)
    context = {"subscription": subscription, **_target(subscription)}
    if subscription.confirmed_at and not subscription.unsubscribed_at:
        return _private(render(request, "alerts/follow_confirmed.html", {**context, "already": 1}))
    now = timezone.now()
    if not subscription.can_be_confirmed(now):
        return _private(invalid)
    if request.method == "POST":
        subscription.confirm(now)
        return _private(render(request, "alerts/follow_confirmed.html", context))
    return _private(render(request, "alerts/follow_confirm.html", context))


@csrf_exempt  # RFC 8058: mail clients POST « List-Unsubscribe=One-Click », no token
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow_unsubscribe(request, token: str):
    subscription = follow.find("unsubscribe", token)
    if subscription is None:
        return _private(
            render(request, "alerts/link_invalid.html", {"kind": "unsubscribe"}, status=400)
        )
    context = {"subscription": subscription, **_target(subscription)}
    if request.method == "POST":
        subscription.unsubscribe()
        return _private(render(request, "alerts/follow_unsubscribed.html", context))
    return _private(render(request, "alerts/follow_unsubscribe.html", context))


def _target(subscription) -> dict:
    """The followed page in the current language, for the pages' wording."""
    language = translation.get_language() or "fr"
    page = follow.localized([subscription.target], language)[subscription.target.pk]
    return {"target": page}
