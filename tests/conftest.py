import pytest
from django.conf import settings
from django.utils import translation
from wagtail.models import Locale, Page, Site

pytest_plugins = ["tests.browser_fixtures"]


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
    tmp_path_factory,
):
    """The test database holds what `make run` sets up: roles, workflow and
    the seed content, built once per run and copied for each xdist worker
    (tests/database.py). Each test then runs in a rolled-back transaction."""
    from django.db import connection
    from django.test.utils import teardown_databases

    from tests.database import setup_worker_database

    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        old_config = setup_worker_database(
            connection, tmp_path_factory, keepdb=keepdb, verbosity=request.config.option.verbose
        )
    yield
    if old_config:
        with django_db_blocker.unblock():
            teardown_databases(old_config, verbosity=request.config.option.verbose)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in French, the site's default: a request to an /en/ URL
    leaves English active in the thread, which would leak into the next test's
    `reverse()` and gettext calls."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (facet counts, site settings...)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _rate_limit_clock(monkeypatch):
    """The rate limiter counts in fixed windows of the clock: a test posting
    up to a limit must not see a window end halfway (home/ratelimit.py)."""
    monkeypatch.setattr("home.ratelimit.now", lambda: 1_800_000_000.0)


@pytest.fixture
def mail_worker_connection(monkeypatch):
    """The mail worker closes database connections between tasks (a
    long-running process must); run in a test, it shares the test's
    connection and transaction (tests/mail_backends.py `run_worker`)."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


@pytest.fixture
def fr(db):
    return Locale.objects.get(language_code="fr")


@pytest.fixture
def en(db):
    return Locale.objects.get(language_code="en")


@pytest.fixture
def home_fr(db):
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def home_en(home_fr, en):
    return home_fr.get_translation(en).specific


@pytest.fixture
def publish():
    """Publish a page the way editors do (a revision, then publish)."""

    def _publish(page):
        page.save_revision().publish()
        page.refresh_from_db()
        return page

    return _publish


@pytest.fixture
def add_page(publish):
    """Create and publish a child page under `parent`."""

    def _add(parent, model, **fields):
        page = model(**fields)
        parent.add_child(instance=page)
        return publish(page)

    return _add


@pytest.fixture
def root_page(db):
    return Page.get_first_root_node()
