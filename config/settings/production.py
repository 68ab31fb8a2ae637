"""Production: everything sensitive comes from the environment.

Refuses to start without SECRET_KEY, ALLOWED_HOSTS and a mail server
(EMAIL_HOST, or EMAIL_TO_LOG=1 on purpose). With those set, `manage.py check
--deploy` prints no warning.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import EMAIL_HOST, SECRET_KEY
from .env import env_bool, env_int, env_list, env_str

DEBUG = env_bool("DEBUG", False)

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set (comma-separated host names).")

# One-time login links, private follow links and notifications must reach
# people: without a mail server they would only be written to the log.
if not EMAIL_HOST and not env_bool("EMAIL_TO_LOG", False):
    raise ImproperlyConfigured(
        "EMAIL_HOST is not set: emails (login links, follow links, notifications) would "
        "only be written to the server log. Set EMAIL_HOST (with EMAIL_HOST_USER and "
        "EMAIL_HOST_PASSWORD), or EMAIL_TO_LOG=1 to write them to the log on purpose."
    )

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

# HTTPS everywhere. Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER=1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# Wagtail's live preview shows the page in a same-origin iframe, so framing
# is allowed for our own origin only; W019 asks for DENY, which breaks preview.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]

# Administration accounts (and superusers) must use a TOTP device; opt out
# only on purpose (ADMIN_2FA_REQUIRED=0).
ADMIN_2FA_REQUIRED = env_bool("ADMIN_2FA_REQUIRED", True)

ADMINS = [("Admin", email) for email in env_list("ADMIN_EMAILS")]
# The public address (home/sites.py): https on the first allowed host unless set.
SITE_URL = (env_str("SITE_URL") or f"https://{ALLOWED_HOSTS[0]}").rstrip("/")
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL") or SITE_URL
