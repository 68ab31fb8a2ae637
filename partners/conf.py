"""The partners app's settings, each overridable in Django settings as
`PARTNERS_<NAME>` (see docs/partners.md for the environment variables)."""

from django.conf import settings

from home import ratelimit

_DEFAULTS = {
    # The public forms' rate limit (RATE_LIMIT posts per client IP per
    # RATE_WINDOW seconds, TRUSTED_PROXY_COUNT reverse proxies), shared by
    # every public form: home/ratelimit.py.
    **ratelimit.DEFAULTS,
    # Uploads.
    "LOGO_MAX_SIZE": 2 * 1024 * 1024,
    "LOGO_CONTENT_TYPES": ["image/png", "image/jpeg", "image/webp"],
    "DOCUMENT_MAX_SIZE": 10 * 1024 * 1024,
    "DOCUMENT_CONTENT_TYPES": ["application/pdf"],
    # Dashboard: a submission pending longer than this is overdue.
    "OVERDUE_DAYS": 14,
    # The partner space's one-time login link stays valid this long (seconds).
    "LOGIN_LINK_MAX_AGE": 30 * 60,
    # Longest accepted text in a free-text field of the public forms.
    "TEXT_MAX_LENGTH": 5000,
    # Personal data of a decided proposal (and of an announcement's relayed
    # message) is erased this many months after the decision
    # (`manage.py purge_personal_data`).
    "PERSONAL_DATA_MONTHS": 12,
}


def get(name: str):
    return getattr(settings, f"PARTNERS_{name}", _DEFAULTS[name])
