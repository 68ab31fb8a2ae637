"""The devices of a user and how a code is checked against them.

A user has at most one confirmed authenticator app (a `TOTPDevice`) and one
set of backup codes (a `StaticDevice` with its `StaticToken`s). Setting up an
app first creates it unconfirmed; the first code it gives confirms it and
replaces any previous app. Every check goes through the device's own
`verify_token` inside a transaction with the row locked, so django-otp's
throttling (1, 2, 4, 8… seconds after successive wrong codes, per device)
and its replay protection (a TOTP code is accepted once) apply.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

APP_NAME = "Application d'authentification"
BACKUP_NAME = "Codes de secours"
BACKUP_CODE_COUNT = 10
TOTP_DIGITS = 6

WRONG_CODE = _(
    "Ce code est incorrect ou a expiré. Saisissez le code à 6 chiffres affiché "
    "en ce moment par votre application."
)
WRONG_BACKUP_CODE = _("Ce code de secours est incorrect ou a déjà servi.")


def confirmed_app(user) -> TOTPDevice | None:
    """The user's authenticator app, once confirmed."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_confirmed_app(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def must_use_two_factor(user) -> bool:
    """With ADMIN_2FA_REQUIRED, superusers and members of ADMIN_2FA_GROUPS
    must have an authenticator app before they reach the admin."""
    if not settings.ADMIN_2FA_REQUIRED or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=settings.ADMIN_2FA_GROUPS).exists()


def pending_app(user) -> TOTPDevice:
    """The unconfirmed app being set up: the same secret across reloads of
    the setup page, until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=APP_NAME, confirmed=False, digits=TOTP_DIGITS
        )
    return device


def secret_groups(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it by hand: base32, in groups of
    four characters."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The `otpauth://` address of the device as an inline SVG QR code, drawn
    here (no external service ever sees the secret)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return image.to_string(encoding="unicode")


def normalise(code: str) -> str:
    """What people type: spaces and dashes dropped, letters lowered (backup
    codes are lower-case base32)."""
    return "".join(code.split()).replace("-", "").lower()


def is_app_code(code: str) -> bool:
    return len(code) == TOTP_DIGITS and code.isdigit()


@dataclass
class CheckResult:
    device: Device | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.device is not None


def throttled_message(data) -> str:
    locked_until = (data or {}).get("locked_until")
    seconds = 1
    if locked_until is not None:
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return ngettext(
        "Trop de codes erronés : attendez %(seconds)s seconde avant de réessayer.",
        "Trop de codes erronés : attendez %(seconds)s secondes avant de réessayer.",
        seconds,
    ) % {"seconds": seconds}


def _check(device_queryset, code, wrong) -> CheckResult:
    with transaction.atomic():
        devices = list(device_queryset.select_for_update())
        for device in devices:
            allowed, data = device.verify_is_allowed()
            if not allowed:
                return CheckResult(error=throttled_message(data))
            if device.verify_token(code):
                return CheckResult(device=device)
    return CheckResult(error=str(wrong))


def check_code(user, code: str, *, backup_codes=True) -> CheckResult:
    """A code from the user's confirmed app, or one of their backup codes
    (consumed when it matches)."""
    code = normalise(code)
    if is_app_code(code):
        return _check(TOTPDevice.objects.filter(user=user, confirmed=True), code, WRONG_CODE)
    if not backup_codes:
        return CheckResult(error=str(WRONG_CODE))
    return _check(StaticDevice.objects.filter(user=user, confirmed=True), code, WRONG_BACKUP_CODE)


def confirm_app(device: TOTPDevice, code: str) -> CheckResult:
    """The first code of an app being set up: confirms it and removes any
    previous app of the user."""
    code = normalise(code)
    if not is_app_code(code):
        return CheckResult(error=str(WRONG_CODE))
    result = _check(TOTPDevice.objects.filter(pk=device.pk, confirmed=False), code, WRONG_CODE)
    if result.ok:
        with transaction.atomic():
            confirmed = result.device
            confirmed.confirmed = True
            confirmed.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=confirmed.user).exclude(pk=confirmed.pk).delete()
    return result


def new_backup_codes(user) -> list[str]:
    """Ten fresh single-use codes; the previous ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def remove_devices(user) -> dict[str, int]:
    """Delete every device of the user (apps, confirmed or not, and backup
    codes). Returns how many of each were removed."""
    with transaction.atomic():
        apps = TOTPDevice.objects.filter(user=user)
        removed = {
            "apps": apps.filter(confirmed=True).count(),
            "pending": apps.filter(confirmed=False).count(),
            "backup_codes": StaticToken.objects.filter(device__user=user).count(),
        }
        apps.delete()
        StaticDevice.objects.filter(user=user).delete()
    return removed
