"""Two-factor authentication before the Wagtail admin.

Installed after django-otp's OTPMiddleware (which gives `request.user`
its `is_verified()`). Only requests under the admin prefix are looked at, so
public pages and the partner space cost nothing. For a logged-in user whose
session is not verified yet:

- with a confirmed authenticator app: redirect to the verify view;
- without one, when ADMIN_2FA_REQUIRED applies to them (superuser or member
  of ADMIN_2FA_GROUPS): redirect to the setup view;

both keeping where they were going in `next`. Anonymous users are left to
Wagtail (which sends them to its login page). The login, logout and password
reset pages, the verify and setup views themselves and what those pages load
from the admin (the JavaScript catalogue, the icon sprite) stay reachable.
"""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse

from . import devices

# URL names reachable before the second factor; their paths are prefixes
# (password_reset/ covers its done, confirm and complete pages).
EXEMPT_URL_NAMES = [
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_password_reset",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "two_factor_verify",
    "two_factor_setup",
]


def redirect_with_next(url_name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode({'next': next_url})}")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._paths = None

    def _admin_paths(self) -> tuple[str, tuple[str, ...]]:
        # Resolved on the first request: the URLconf is not loaded at start-up.
        if self._paths is None:
            self._paths = (
                reverse("wagtailadmin_home"),
                tuple(reverse(name) for name in EXEMPT_URL_NAMES),
            )
        return self._paths

    def __call__(self, request):
        prefix, exempt = self._admin_paths()
        if request.path.startswith(prefix) and not request.path.startswith(exempt):
            response = self.challenge(request)
            if response is not None:
                return response
        return self.get_response(request)

    def challenge(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        is_verified = getattr(user, "is_verified", None)
        if is_verified is not None and is_verified():
            return None
        next_url = request.get_full_path()
        if devices.has_confirmed_app(user):
            return redirect_with_next("two_factor_verify", next_url)
        if devices.must_use_two_factor(user):
            return redirect_with_next("two_factor_setup", next_url)
        return None
