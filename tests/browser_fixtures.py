"""Shared browser fixtures: Debian's Chromium driven by Playwright, against
one real server (started the way `make run` starts it, seed content loaded)
for the whole test session, on the suite's database engine (SQLite, or
PostgreSQL when DATABASE_URL points to it).

Runs when /usr/bin/chromium exists. CI sets REQUIRE_BROWSER=1 and installs
Chromium first (bin/install-system-deps), so there a missing browser fails.

Each app's browser tests live in `tests/browser/`, mark themselves
`pytestmark = pytest.mark.browser` and use `live_site`, `browser`, `page`,
and `axe_violations(tab, path)`.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
BASE_DIR = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # The site scrolls smoothly unless the visitor asks for reduced motion:
    # a click after Playwright's scroll into view could land where the
    # element was before the animation ended (a checkbox left unticked under
    # load). Reduced motion makes scrolling instant, as for those visitors.
    "--force-prefers-reduced-motion",
]


def _require_browser():
    if CHROMIUM.exists():
        return
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"REQUIRE_BROWSER is set but {CHROMIUM} is missing (make system-deps).")
    pytest.skip(f"{CHROMIUM} is not installed (make system-deps)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveSite(str):
    """The served site's base URL, which also knows its database's URL."""

    database_url: str = ""


def live_shell(live_site: LiveSite, code: str) -> str:
    """Run Python against the served site's database, the way an editor's
    `manage.py shell -c` would; returns what it printed."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": live_site.database_url,
        "DEBUG": "false",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout


def _in_a_fresh_thread(func):
    """`func()` run in a thread of its own, its database connection closed
    after: Playwright's sync API leaves an event loop running in the thread
    of the session's browser, where Django refuses database work."""

    def run():
        from django.db import connection

        try:
            return func()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _live_database(tmp_path_factory, workdir, name: str = "live") -> tuple[str, callable]:
    """A copy of this run's seeded test template (tests/database.py) for a
    served site, on the suite's engine: PostgreSQL when DATABASE_URL points
    to it, SQLite otherwise; `name` tells the copies of one worker apart.
    Returns the database's URL and a cleanup."""

    from django.db import connection

    from tests.database import SeededTemplate

    # Named from this thread's connection (the worker's test database); the
    # statements themselves run in a fresh thread, on a connection of their own.
    template = SeededTemplate(connection, tmp_path_factory)

    def copy():
        suite_database = os.environ.get("DATABASE_URL", "")
        if suite_database.startswith(("postgres://", "postgresql://")):
            parts = urlsplit(suite_database)
            own = f"{template.name}_{name}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
            template.copy_to(own)
            cleanup = lambda: _in_a_fresh_thread(lambda: template.drop(own))  # noqa: E731
            return urlunsplit(parts._replace(path=f"/{own}")), cleanup
        database = workdir / "db.sqlite3"
        template.copy_to(str(database))
        return f"sqlite:///{database}", lambda: None

    return _in_a_fresh_thread(copy)


@pytest.fixture(scope="session")
def live_site(tmp_path_factory, django_db_setup, django_db_blocker):
    """A served site with the seed content, in its own database: SQLite, or
    PostgreSQL when the suite runs on PostgreSQL (DATABASE_URL)."""
    _require_browser()
    workdir = tmp_path_factory.mktemp("live")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
    }

    with django_db_blocker.unblock():
        env["DATABASE_URL"], cleanup = _live_database(tmp_path_factory, workdir)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = LiveSite(f"http://127.0.0.1:{port}")
    base.database_url = env["DATABASE_URL"]
    try:
        # Up to 90 s: runserver's start-up is slow on a loaded 2-core machine.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("the test server did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
        with django_db_blocker.unblock():
            cleanup()


@pytest.fixture(scope="session")
def browser(live_site):
    """Chromium, started after the served site: Playwright's sync API keeps an
    event loop running in this thread while it is open, and Django refuses
    database work there (the served site's database is copied, and dropped
    at the end, through Django's connection on PostgreSQL)."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    tab = context.new_page()
    yield tab
    context.close()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(tab, base: str, path: str) -> list[str]:
    """axe-core (shipped by axe-playwright-python) on one page: WCAG 2.1 A and
    AA rules, colour contrast included. Returns one line per violation."""
    from importlib.resources import files

    tab.goto(base + path)
    tab.evaluate(files("axe_playwright_python").joinpath("axe.min.js").read_text())
    result = tab.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{path}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
