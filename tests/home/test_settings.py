"""Settings come from the environment; production refuses to start unsafe.

Each case runs Django in a subprocess with a controlled environment, the way
a server would start.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-4f9c2b7e1d0a8",
    "ALLOWED_HOSTS": "maison-ess.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
    "EMAIL_HOST": "smtp.example.org",
}


def run_django(code: str, settings: str, env: dict[str, str], *args: str):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update({"DJANGO_SETTINGS_MODULE": settings, **env})
    return subprocess.run(  # noqa: S603
        [sys.executable, *args] if args else [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def read_setting(expr: str, settings: str = "config.settings.dev", **env) -> str:
    """A setting's value as a server started with `env` would have it. The
    settings module is read without loading the apps (`django.setup()`),
    which takes most of a start-up and changes no setting."""
    code = f"from django.conf import settings; value = ({expr}); print(value)"
    result = run_django(code, settings, env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PROD_ENV.items() if k != "SECRET_KEY"}
    result = run_django("import django; django.setup()", "config.settings.production", env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {k: v for k, v in PROD_ENV.items() if k != "ALLOWED_HOSTS"}
    result = run_django("import django; django.setup()", "config.settings.production", env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_refuses_to_start_without_a_mail_server():
    env = {k: v for k, v in PROD_ENV.items() if k != "EMAIL_HOST"}
    result = run_django("import django; django.setup()", "config.settings.production", env)
    assert result.returncode != 0
    assert "EMAIL_HOST is not set" in result.stderr
    # Writing emails to the log is a choice that must be said.
    result = run_django(
        "import django; django.setup()", "config.settings.production", {**env, "EMAIL_TO_LOG": "1"}
    )
    assert result.returncode == 0, result.stderr


def test_smtp_sends_time_out():
    # A mail server that never answers must not hold a worker for long.
    assert read_setting("settings.EMAIL_TIMEOUT", EMAIL_HOST="smtp.example.org") == "10"
    assert (
        read_setting("settings.EMAIL_TIMEOUT", EMAIL_HOST="smtp.example.org", EMAIL_TIMEOUT="3")
        == "3"
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_django(
        "",
        "config.settings.production",
        PROD_ENV,
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_sqlite_under_var_by_default():
    value = read_setting(
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']"
    )
    assert "sqlite3" in value and "var/db.sqlite3" in value


def test_postgresql_from_database_url_uses_french_search():
    value = read_setting(
        "settings.DATABASES['default']['ENGINE'], "
        "settings.WAGTAILSEARCH_BACKENDS['default']['SEARCH_CONFIG']",
        DATABASE_URL="postgres://u:p@db.example:5432/ess",
    )
    assert value == "('django.db.backends.postgresql', 'french_unaccent')"


def test_redis_cache_when_redis_url_is_set():
    value = read_setting(
        "settings.CACHES['default']['BACKEND']", REDIS_URL="redis://127.0.0.1:6379/1"
    )
    # Django's Redis cache, degrading to no cache when Redis fails.
    assert value == "home.cache_backends.FaultTolerantRedisCache"


def test_s3_media_when_a_bucket_is_configured():
    value = read_setting(
        "settings.STORAGES['default']['BACKEND'], settings.AWS_S3_ENDPOINT_URL",
        AWS_STORAGE_BUCKET_NAME="ess-media",
        AWS_S3_ENDPOINT_URL="https://s3.fr-par.scw.cloud",
    )
    assert value == "('storages.backends.s3.S3Storage', 'https://s3.fr-par.scw.cloud')"


@pytest.mark.parametrize(
    "backend, expected",
    [
        ("opensearch", "wagtail.search.backends.opensearch3"),
        ("elasticsearch", "wagtail.search.backends.elasticsearch9"),
    ],
)
def test_search_cluster_backends(backend, expected):
    value = read_setting(
        "settings.WAGTAILSEARCH_BACKENDS['default']['BACKEND'], "
        "settings.WAGTAILSEARCH_BACKENDS['default']['URLS'], "
        "settings.WAGTAILSEARCH_BACKENDS['default']['INDEX_PREFIX']",
        SEARCH_BACKEND=backend,
        SEARCH_URL="https://search.internal:9200",
    )
    assert value == f"('{expected}', ['https://search.internal:9200'], 'maison_ess_')"


def test_unknown_search_backend_is_refused():
    code = "import django; django.setup()"
    result = run_django(code, "config.settings.dev", {"SEARCH_BACKEND": "solr"})
    assert result.returncode != 0
    assert "SEARCH_BACKEND" in result.stderr


def test_smtp_email_when_a_host_is_configured():
    """Emails are queued (home/mail.py); the worker sends them to the console
    without a mail server, through SMTP with one."""
    assert read_setting("settings.EMAIL_BACKEND") == "home.mail.QueuedEmailBackend"
    assert (
        read_setting("settings.EMAIL_DELIVERY_BACKEND")
        == "django.core.mail.backends.console.EmailBackend"
    )
    value = read_setting("settings.EMAIL_DELIVERY_BACKEND", EMAIL_HOST="smtp.example.org")
    assert value == "django.core.mail.backends.smtp.EmailBackend"


def test_the_site_address_follows_the_port_in_development():
    """`PORT=8123 make run`: links in emails and the printed admin link use
    the port the site is served on (make exports PORT)."""
    value = read_setting("(settings.SITE_URL, settings.WAGTAILADMIN_BASE_URL)", PORT="8123")
    assert value == "('http://127.0.0.1:8123', 'http://127.0.0.1:8123')"


def test_site_url_from_the_environment_wins():
    value = read_setting(
        "(settings.SITE_URL, settings.WAGTAILADMIN_BASE_URL)",
        PORT="8123",
        SITE_URL="https://ess.example.org/",
    )
    assert value == "('https://ess.example.org', 'https://ess.example.org')"


def test_production_site_url_defaults_to_https_on_the_first_allowed_host():
    value = read_setting("settings.SITE_URL", "config.settings.production", **PROD_ENV)
    assert value == "https://maison-ess.example.org"


def test_production_requires_two_factor_authentication_for_administration():
    assert (
        read_setting("settings.ADMIN_2FA_REQUIRED", "config.settings.production", **PROD_ENV)
        == "True"
    )
    assert (
        read_setting(
            "settings.ADMIN_2FA_REQUIRED",
            "config.settings.production",
            **PROD_ENV,
            ADMIN_2FA_REQUIRED="0",
        )
        == "False"
    )


def test_the_opensearch_backend_loads_despite_the_agenda_app_named_events():
    """opensearch-py imports the `Events` library as `events`, the name of the
    agenda app: the app gives the library's names, so the backend loads (its
    client makes no request until a search)."""
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend(
        backend="wagtail.search.backends.opensearch3", URLS=["http://127.0.0.1:9"], TIMEOUT=1
    )
    assert type(backend).__module__.endswith("backends.opensearch3")
    from events import Events

    fired = []
    events = Events()
    events.request_start += lambda: fired.append("start")
    events.request_start()
    assert fired == ["start"]
