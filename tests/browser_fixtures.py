"""Shared browser fixtures: Debian's Chromium driven by Playwright, against
one real server (started the way `make run` starts it, seed content loaded)
for the whole test session.

Runs when /usr/bin/chromium exists. CI sets REQUIRE_BROWSER=1 and installs
Chromium first (bin/install-system-deps), so there a missing browser fails.

Each app's browser tests live in `tests/test_browser*.py`, mark themselves
`pytestmark = pytest.mark.browser` and use `live_site`, `browser`, `page`,
and `axe_violations(tab, path)`.
"""

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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


def _seeded_template(tmp_path_factory, manage) -> Path:
    """The seeded SQLite database, built once per test run: under pytest-xdist
    the first worker builds it (the others wait on a file lock), then each
    worker serves its own copy."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by the workers of this run
    template = base / "live-template.sqlite3"
    with open(base / "live-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            building = base / "live-template-building.sqlite3"
            building.unlink(missing_ok=True)
            url = f"sqlite:///{building}"
            manage(url, "migrate", "--noinput")
            manage(url, "setup_roles")
            manage(url, "load_seed_content")
            building.rename(template)
    return template


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """A served site with the seed content, in its own SQLite database."""
    _require_browser()
    workdir = tmp_path_factory.mktemp("live")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
    }

    def manage(database_url, *args):
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env={**env, "DATABASE_URL": database_url},
            check=True,
            capture_output=True,
            timeout=300,
        )

    database = workdir / "db.sqlite3"
    shutil.copyfile(_seeded_template(tmp_path_factory, manage), database)
    env["DATABASE_URL"] = f"sqlite:///{database}"
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
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


@pytest.fixture(scope="session")
def browser():
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
