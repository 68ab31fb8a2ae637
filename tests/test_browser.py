"""The site as a person uses it: Debian's Chromium, driven by Playwright,
against a real server started the way `make run` starts it.

Runs when /usr/bin/chromium exists. CI sets REQUIRE_BROWSER=1 and installs
Chromium first (bin/install-system-deps), so there a missing browser fails.
"""

import os
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

pytestmark = pytest.mark.browser


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


@pytest.fixture(scope="module")
def live_site(tmp_path_factory):
    """A served site with the seed content, in its own SQLite database."""
    _require_browser()
    workdir = tmp_path_factory.mktemp("live")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "DEBUG": "false",
    }

    def manage(*args):
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )

    manage("migrate", "--noinput")
    manage("setup_roles")
    manage("load_seed_content")
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
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the test server did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
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


def test_home_switch_to_english_and_search(live_site, page):
    page.goto(live_site + "/")
    assert page.url == live_site + "/fr/"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Maison de l'ESS" in page.title()

    # The first Tab reaches the skip link, which leads to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#contenu"

    # Search from the header form, as a visitor types it (no accents).
    search = page.get_by_role("searchbox").first
    search.fill("propositions citoyennes")
    search.press("Enter")
    page.wait_for_load_state()
    assert "/fr/recherche/" in page.url
    page.get_by_role("link", name="Sceaux Valley").first.wait_for()

    # Switch to English: the search page in English, same query.
    page.locator("a[hreflang='en']").first.click()
    page.wait_for_load_state()
    assert "/en/search/" in page.url and "propositions" in page.url
    assert page.locator("html").get_attribute("lang") == "en"

    page.goto(live_site + "/en/")
    assert "The portal of the social and solidarity economy" in page.content()


def test_directory_filter_by_region_and_open_a_fiche(live_site, page):
    page.goto(live_site + "/fr/annuaire/")
    form = page.locator("form[data-directory-filters]")
    form.locator("select[name=region]").select_option("44")  # Grand Est
    form.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state()
    assert "region=44" in page.url
    fiche = page.get_by_role("link", name="Strasbourg Eurométropole").first
    fiche.click()
    page.wait_for_load_state()
    assert "/fr/annuaire/" in page.url and page.url != live_site + "/fr/annuaire/"
    text = page.locator("main").inner_text()
    assert "474" in text and "524" in text  # 474 524 habitants
    assert "2012" in text  # membre depuis 2012


def test_phone_width_has_no_horizontal_scroll(live_site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="fr-FR")
    tab = context.new_page()
    for path in [
        "/fr/",
        "/fr/sceaux-valley/",
        "/fr/recherche/?q=economie",
        "/fr/annuaire/",
        "/fr/annuaire/?region=44",
        "/fr/annuaire/carte/",
        "/fr/annuaire/region-grand-est/",
    ]:
        tab.goto(live_site + path)
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px"
    context.close()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.mark.parametrize("width", [1280, 375])
def test_pages_have_no_accessibility_violations(live_site, browser, width):
    """axe-core (shipped by axe-playwright-python) on each page type, WCAG 2.1
    A and AA rules, colour contrast included."""
    from importlib.resources import files

    axe_source = files("axe_playwright_python").joinpath("axe.min.js").read_text()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    tab = context.new_page()
    problems = []
    for path in [
        "/fr/",
        "/en/",
        "/fr/sceaux-valley/",
        "/fr/recherche/?q=economie",
        "/fr/recherche/?q=zzzzqq",
        "/fr/recherche/?q=%21%21",
        "/fr/themes/",
        "/fr/themes/innovation-sociale/",
        "/fr/page-inexistante/",
        "/fr/annuaire/",
        "/fr/annuaire/?region=44&kind=zzz",
        "/fr/annuaire/carte/",
        "/fr/annuaire/strasbourg-eurometropole/",
        "/fr/annuaire/communaute-de-communes-auberive-vingeanne-montsaugeonnais/",
        "/en/directory/",
    ]:
        tab.goto(live_site + path)
        tab.evaluate(axe_source)
        result = tab.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        problems += [
            f"{path}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
        ]
    context.close()
    assert problems == []
