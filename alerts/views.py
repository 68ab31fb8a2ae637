"""The public pages of the alerts: follow a listing (email and frequency),
« check your inbox », confirm, unsubscribe (one click, RFC 8058), and the
page where an address sees and deletes its alerts (reached by an emailed
link). Bad input gets a clear page, never a 500."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from home import ratelimit

from . import services, subscriptions
from .forms import AlertForm, ManageRequestForm
from .models import DEADLINE_FIELDS, MAX_ALERTS_PER_ADDRESS, SUBSCRIPTION_MODELS, Alert

# Emails (confirmations, links) to one address per hour, whoever asks: the
# forms cannot be used to flood someone's inbox.
EMAILS_PER_ADDRESS_PER_HOUR = 5


def _private(response):
    """Pages reached through a private link: not cached, not indexed, and
    the link never leaks to another site in a Referer header."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _rate_limited(request):
    unavailable = ratelimit.unavailable()
    return render(
        request,
        "alerts/rate_limited.html",
        {
            "unavailable": unavailable,
            "window_minutes": ratelimit.window_minutes(),
        },
        status=503 if unavailable else 429,
    )


def _address_ok(email: str) -> bool:
    return ratelimit.hit_key(
        "alerts-address", subscriptions.normalise_email(email), EMAILS_PER_ADDRESS_PER_HOUR, 3600
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request, source: str, page_id: int):
    """Follow the listing `source` of page `page_id` with the filters of the
    query string (the listing's own parameters)."""
    try:
        entry, scope, filterset = services.listing_for(
            source, page_id, request.META.get("QUERY_STRING", "")
        )
    except services.AlertError as error:
        return render(
            request,
            "alerts/invalid_listing.html",
            {"code": error.code, "reasons": error.reasons},
            status=404 if error.code == "unknown_source" else 400,
        )
    context = {
        "source": entry,
        "scope": scope,
        "chips": filterset.chips,
        "listing_url": scope.get_url(request)
        + (f"?{q}" if (q := services.normalised_query(filterset)) else ""),
        "max_alerts": MAX_ALERTS_PER_ADDRESS,
        "offers_deadline_reminder": entry.key in DEADLINE_FIELDS,
    }
    if request.method == "POST":
        form = AlertForm(request.POST)
        if not ratelimit.hit(request, "alerts"):
            return _rate_limited(request)
        if form.is_valid():
            if form.honeypot_filled:
                return redirect("alerts:check_inbox")
            email = form.cleaned_data["email"]
            language = translation.get_language() or "fr"
            if services.active_count(email) >= MAX_ALERTS_PER_ADDRESS:
                context["limit_reached"] = True
            elif not _address_ok(email):
                context["address_limited"] = True
            else:
                try:
                    services.subscribe(
                        email,
                        form.cleaned_data["frequency"],
                        entry,
                        scope,
                        filterset,
                        language,
                        deadline_reminder=form.cleaned_data["deadline_reminder"],
                    )
                except services.AlertError:  # reached the limit meanwhile
                    context["limit_reached"] = True
                else:
                    return redirect("alerts:check_inbox")
    else:
        form = AlertForm()
    context["form"] = form
    status = (
        400 if form.errors or "limit_reached" in context or "address_limited" in context else 200
    )
    return render(request, "alerts/subscribe.html", context, status=status)


@never_cache
def check_inbox(request):
    return render(
        request,
        "alerts/check_inbox.html",
        {"confirmation_days": subscriptions.CONFIRMATION_DAYS},
    )


def _alert(kind: str, value: str):
    token = subscriptions.unsign(kind, value)
    if token is None:
        return None
    return Alert.objects.select_related("scope").filter(token=token).first()


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token: str):
    """GET shows a button, POST confirms: link previews and mail scanners
    that follow links cannot confirm on the person's behalf."""
    alert = _alert("confirm", token)
    if alert is None:
        return _private(
            render(request, "alerts/link_invalid.html", {"kind": "confirm"}, status=400)
        )
    now = timezone.now()
    if alert.confirmed_at and not alert.unsubscribed_at:
        return _private(render(request, "alerts/confirmed.html", {"alert": alert, "already": True}))
    if not alert.can_be_confirmed(now):
        return _private(
            render(request, "alerts/link_invalid.html", {"kind": "confirm"}, status=400)
        )
    if request.method == "POST":
        alert.confirm(now)
        return _private(render(request, "alerts/confirmed.html", {"alert": alert}))
    return _private(render(request, "alerts/confirm.html", {"alert": alert}))


@csrf_exempt  # RFC 8058: mail clients POST « List-Unsubscribe=One-Click », no token
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    alert = _alert("unsubscribe", token)
    if alert is None:
        return _private(
            render(request, "alerts/link_invalid.html", {"kind": "unsubscribe"}, status=400)
        )
    if request.method == "POST":
        alert.unsubscribe()
        return _private(render(request, "alerts/unsubscribed.html", {"alert": alert}))
    return _private(render(request, "alerts/unsubscribe.html", {"alert": alert}))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage_request(request):
    """Enter an address, receive the link to its alerts: the same answer
    whether or not it has any."""
    sent = False
    if request.method == "POST":
        if not ratelimit.hit(request, "alerts"):
            return _rate_limited(request)
        form = ManageRequestForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            if not form.honeypot_filled and _address_ok(email):
                services.send_manage_link(email, translation.get_language() or "fr")
            sent = True
    else:
        form = ManageRequestForm()
    status = 400 if form.errors else 200
    return render(
        request, "alerts/manage_request.html", {"form": form, "sent": sent}, status=status
    )


def _manage_anchor(value: str):
    token = subscriptions.unsign("manage", value)
    return services.find_by_token(token) if token else None


def _address_rows(email: str) -> dict:
    """The active subscriptions of `email`, per kind (a query per kind)."""
    return {
        "alert": list(Alert.objects.of_address(email).active().select_related("scope")),
        "reminder": list(
            SUBSCRIPTION_MODELS["reminder"]
            .objects.of_address(email)
            .active()
            .select_related("call")
        ),
        "network": list(
            SUBSCRIPTION_MODELS["network"]
            .objects.of_address(email)
            .active()
            .select_related("network")
        ),
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token: str):
    """An address's alerts, deadline reminders and network subscriptions,
    each with « Supprimer » (`delete`: "<kind>:<id>", or an alert's id)."""
    anchor = _manage_anchor(token)
    if anchor is None:
        return _private(render(request, "alerts/link_invalid.html", {"kind": "manage"}, status=400))
    rows = _address_rows(anchor.email)
    deleted = None
    if request.method == "POST":
        raw = request.POST.get("delete", "")
        kind, _sep, number = raw.rpartition(":") if ":" in raw else ("alert", "", raw)
        if kind in rows and number.isdigit() and len(number) < 12:
            target = next((row for row in rows[kind] if row.pk == int(number)), None)
            if target is not None:
                target.unsubscribe()
                deleted = target
                rows[kind] = [row for row in rows[kind] if row.pk != target.pk]
    return _private(
        render(
            request,
            "alerts/manage.html",
            {
                "email": anchor.email,
                "alerts": rows["alert"],
                "reminders": rows["reminder"],
                "networks": rows["network"],
                "deleted": deleted,
            },
        )
    )
