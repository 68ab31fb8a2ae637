import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from wagtail.models import Locale, Page, Site

pytest_plugins = ["tests.browser_fixtures"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds what `make run` sets up: roles, workflow and
    the seed content. Each test then runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        call_command("setup_roles", verbosity=0)
        call_command("load_seed_content", verbosity=0, stdout=_Null())


class _Null:
    def write(self, *_args, **_kwargs):
        pass

    def flush(self):
        pass


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
