"""The admin's two-factor pages (URLs in `urls.py`, under /admin/two-factor/).

verify, setup and the backup codes use the bare layout of Wagtail's login
page (no menus: the user has not finished logging in); the account page
« Double authentification » uses the admin's usual layout. Wagtail wraps
every one of them in its admin access check.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from . import devices
from .forms import CodeForm
from .middleware import redirect_with_next

# The backup codes of a setup or a renewal, shown once by `backup_codes`.
BACKUP_CODES_SESSION_KEY = "two_factor_backup_codes"


def safe_next(request, default: str | None = None) -> str:
    """Where to go afterwards: `next` when it stays on this site, else the
    default (the dashboard)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse("wagtailadmin_home")


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


@sensitive_post_parameters("code")
def verify(request):
    """The code asked after the password, from the app or a backup code."""
    user = request.user
    next_url = safe_next(request)
    if is_verified(user):
        return HttpResponseRedirect(next_url)
    if not devices.has_confirmed_app(user):
        if devices.must_use_two_factor(user):
            return redirect_with_next("two_factor_setup", next_url)
        return HttpResponseRedirect(next_url)

    backup = (request.POST.get("backup") or request.GET.get("backup")) == "1"
    form = CodeForm(request.POST if request.method == "POST" else None, backup=backup)
    form.fields["code"].widget.attrs["autofocus"] = True
    if request.method == "POST" and form.is_valid():
        result = devices.check_code(user, form.cleaned_data["code"])
        if result.ok:
            otp_login(request, result.device)
            if isinstance(result.device, StaticDevice):
                left = devices.backup_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "Code de secours accepté. Il vous en reste %(count)s : "
                        "pensez à en générer de nouveaux.",
                        "Code de secours accepté. Il vous en reste %(count)s.",
                        left,
                    )
                    % {"count": left},
                )
            return HttpResponseRedirect(next_url)
        form.reject(result.error)
    return TemplateResponse(
        request,
        "two_factor/verify.html",
        {
            "page_title": _("Code de vérification"),
            "form": form,
            "backup": backup,
            "next": next_url,
            "has_backup_codes": devices.backup_codes_left(user) > 0,
        },
    )


@sensitive_post_parameters("code")
def setup(request):
    """Add an authenticator app (or replace the current one): QR code and
    secret, then a first code confirms it. Replacing needs a verified
    session, so a password alone never registers a new app."""
    user = request.user
    next_url = safe_next(request, reverse("two_factor_account"))
    replacing = devices.has_confirmed_app(user)
    if replacing and not is_verified(user):
        return redirect_with_next("two_factor_verify", next_url)

    device = devices.pending_app(user)
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        label=_("Code affiché par l'application"),
    )
    if request.method == "POST" and form.is_valid():
        result = devices.confirm_app(device, form.cleaned_data["code"])
        if result.ok:
            otp_login(request, result.device)
            request.session[BACKUP_CODES_SESSION_KEY] = devices.new_backup_codes(user)
            messages.success(request, _("La double authentification est activée."))
            return redirect_with_next("two_factor_backup_codes", next_url)
        form.reject(result.error)
    if form.errors:
        form.fields["code"].widget.attrs["autofocus"] = True
    required = devices.must_use_two_factor(user) and not replacing
    return TemplateResponse(
        request,
        "two_factor/setup.html",
        {
            "page_title": _("Remplacer l'application d'authentification")
            if replacing
            else _("Activer la double authentification"),
            "form": form,
            "next": next_url,
            "replacing": replacing,
            "required": required,
            # Drawn by qrcode from the device's otpauth:// address only.
            "qr_code": mark_safe(devices.qr_code_svg(device)),  # noqa: S308
            "secret": devices.secret_groups(device),
            "issuer": device._read_str_from_settings("OTP_TOTP_ISSUER") or "",
            "account_name": user.get_username(),
        },
    )


def backup_codes(request):
    """The backup codes just made, shown once."""
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("two_factor_account")
    return TemplateResponse(
        request,
        "two_factor/backup_codes.html",
        {
            "page_title": _("Vos codes de secours"),
            "codes": codes,
            "next": safe_next(request),
        },
    )


@method_decorator(sensitive_post_parameters("disable-code", "codes-code"), name="dispatch")
class AccountView(WagtailAdminTemplateMixin, TemplateView):
    """« Double authentification » in the account: the state, and adding,
    replacing or removing one's own app, or renewing the backup codes (both
    asking for a current code)."""

    template_name = "two_factor/account.html"
    page_title = _("Double authentification")
    header_icon = "key"

    def get_breadcrumbs_items(self):
        return super().get_breadcrumbs_items() + [
            {"url": reverse("wagtailadmin_account"), "label": _("Compte")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "app": devices.confirmed_app(user),
                "backup_codes_left": devices.backup_codes_left(user),
                "required": devices.must_use_two_factor(user),
                "disable_form": kwargs.get("disable_form") or CodeForm(prefix="disable"),
                "codes_form": kwargs.get("codes_form") or CodeForm(prefix="codes"),
                "setup_url": f"{reverse('two_factor_setup')}?next={self.request.path}",
            }
        )
        return context

    def post(self, request):
        user = request.user
        action = request.POST.get("action")
        if devices.confirmed_app(user) is None or action not in ("disable", "codes"):
            return redirect("two_factor_account")
        if action == "disable" and devices.must_use_two_factor(user):
            messages.error(
                request,
                _(
                    "La double authentification est obligatoire pour votre compte : "
                    "vous pouvez remplacer votre application, pas la désactiver."
                ),
            )
            return redirect("two_factor_account")

        form = CodeForm(request.POST, prefix=action)
        if form.is_valid():
            result = devices.check_code(user, form.cleaned_data["code"], backup_codes=False)
            if result.ok:
                if action == "disable":
                    devices.remove_devices(user)
                    messages.success(request, _("La double authentification est désactivée."))
                    return redirect("two_factor_account")
                request.session[BACKUP_CODES_SESSION_KEY] = devices.new_backup_codes(user)
                return redirect_with_next("two_factor_backup_codes", request.path)
            form.reject(result.error)
        form.fields["code"].widget.attrs["autofocus"] = True
        return self.render_to_response(self.get_context_data(**{f"{action}_form": form}))
