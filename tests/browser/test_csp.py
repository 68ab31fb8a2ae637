"""The Content-Security-Policy in a real browser (home/csp.py; fixtures in
tests/browser_fixtures.py): the public pages with their maps and forms, the
Wagtail admin with its preview panel, and the userbar an editor sees on the
site, load and work with no `securitypolicyviolation` and no CSP error in
the console."""

import base64
import re

import pytest

from tests.browser_fixtures import live_shell

pytestmark = pytest.mark.browser

EDITOR = ("redactrice-csp", "Politique-De-Securite-2026")

# Collected in every frame (the preview panel's iframe too) before any of the
# page's own scripts runs.
COLLECT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${location.pathname}: ${event.effectiveDirective} refused ${event.blockedURI || "?"}`
        + ` (${event.sourceFile || "?"}:${event.lineNumber}) ${event.sample || ""}`
    );
});
"""
# A transparent 1×1 PNG: the map's tiles, served without the network. A
# request the policy refuses never reaches this route, so counting the tiles
# served shows that img-src lets them through.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
TILES = re.compile(r"^https://[a-z]\.tile\.openstreetmap\.fr/")

# An editor account, an upcoming event placed on the map (the seed's events
# are past and have no coordinates), and the pages to open, in the live
# site's database.
SETUP = f"""
import datetime as dt
from decimal import Decimal
from django.contrib.auth import get_user_model
from django.utils import timezone
from directory.models import ActorPage, DirectoryIndexPage
from events.models import AgendaIndexPage, EventPage, EventSlot
from home.models import StandardPage

username, password = {EDITOR!r}
user, _ = get_user_model().objects.get_or_create(username=username)
user.set_password(password); user.email = username + "@example.org"
user.is_superuser = True; user.is_staff = True; user.save()
fr = dict(locale__language_code="fr")
if not EventPage.objects.filter(slug="forum-csp").exists():
    event = EventPage(
        title="Forum de la politique de sécurité", slug="forum-csp", event_type="forum",
        postcode="67000", city="Strasbourg", place_name="Salle des fêtes",
        latitude=Decimal("48.5734"), longitude=Decimal("7.7521"), summary="Ateliers.",
    )
    day = timezone.localdate() + dt.timedelta(days=30)
    event.slots.add(EventSlot(start_date=day, start_time=dt.time(9, 30)))
    event.clean()
    AgendaIndexPage.objects.get(**fr).add_child(instance=event)
    event.save_revision().publish()
print(DirectoryIndexPage.objects.live().get(**fr).url)
print(ActorPage.objects.live().filter(latitude__isnull=False, **fr).first().url)
print(AgendaIndexPage.objects.live().get(**fr).url)
print(EventPage.objects.get(locale__language_code="fr", slug="forum-csp").url)
print(StandardPage.objects.live().get(locale__language_code="fr", slug="sceaux-valley").pk)
"""


@pytest.fixture(scope="module")
def site(live_site):
    lines = live_shell(live_site, SETUP).strip().splitlines()[-5:]
    directory, actor, agenda, event, standard_pk = lines
    return {
        "base": live_site,
        "directory": directory,
        "actor": actor,
        "agenda": agenda,
        "event": event,
        "standard_pk": standard_pk,
    }


class Watched:
    """A browser tab whose CSP violations and console errors are collected,
    and whose tile requests are answered locally and counted."""

    def __init__(self, browser, base):
        self.base = base
        self.context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        self.context.add_init_script(COLLECT)
        self.tiles = 0
        self.console = []
        self.headers = {}
        self.context.route(TILES, self._tile)
        self.tab = self.context.new_page()
        self.tab.on("console", self._console)

    def _tile(self, route):
        self.tiles += 1
        route.fulfill(status=200, content_type="image/png", body=PNG)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def open(self, path):
        response = self.tab.goto(self.base + path)
        assert response.ok, (path, response.status)
        self.headers[path] = response.headers.get("content-security-policy", "")
        assert self.headers[path], f"{path} has no Content-Security-Policy"
        return response

    def violations(self) -> list[str]:
        found = list(self.console)
        for frame in self.tab.frames:
            found += frame.evaluate("window.__cspViolations || []")
        return found

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser, site):
    tab = Watched(browser, site["base"])
    yield tab
    tab.close()


def test_the_collector_sees_a_refused_inline_style(watched):
    """The check below can fail: an inline <style> added to a public page is
    reported by the listener."""
    watched.open("/fr/")
    watched.tab.evaluate(
        "document.head.insertAdjacentHTML('beforeend', '<style>body { color: red; }</style>')"
    )
    # (A function, not an expression: Playwright would eval an expression in
    # the page, which the policy refuses.)
    watched.tab.wait_for_function("() => window.__cspViolations.length > 0")
    assert any("style-src" in line for line in watched.violations())


def test_public_pages_maps_and_forms_work_under_the_strict_policy(watched, site):
    tab = watched.tab
    watched.open("/fr/")
    tab.get_by_role("searchbox").first.fill("économie")
    tab.get_by_role("searchbox").first.press("Enter")
    tab.wait_for_url(lambda url: "/fr/recherche/" in url)

    # The directory's map: the GeoJSON endpoint, markers in clusters, tiles.
    watched.open(site["directory"] + "carte/")
    tab.locator("#carte.leaflet-container:not([aria-busy])").wait_for()
    assert tab.locator("#carte .leaflet-marker-icon").count() > 0
    tab.locator("#carte .leaflet-tile-loaded").first.wait_for()
    tiles_after_directory = watched.tiles
    assert tiles_after_directory > 0

    # A fiche's map: its marker on the tiles (the map hides itself without).
    watched.open(site["actor"])
    tab.locator("#carte-acteur .leaflet-tile-loaded").first.wait_for()
    assert tab.locator("#carte-acteur").is_visible()
    assert tab.locator("#carte-acteur .leaflet-marker-icon").count() == 1
    assert watched.tiles > tiles_after_directory

    # The agenda's map of its events (a data: URL, read by the script rather
    # than fetched), its archive and an event's map.
    # (Searched for: the served site caches its agenda in its own memory, where
    # another test may have put it before this module's event was added.)
    watched.open(site["agenda"] + "?q=politique")
    tab.locator("#carte.leaflet-container:not([aria-busy])").wait_for()
    assert tab.locator("#carte .leaflet-marker-icon").count() > 0
    watched.open(site["agenda"] + "archives/")
    watched.open(site["event"])
    tab.locator("#carte-evenement .leaflet-tile-loaded").first.wait_for()

    # A public form refused: the error summary script takes the focus.
    watched.open("/fr/proposer/structure/")
    tab.locator("form.partners-form button[type=submit]").click()
    tab.locator("[data-error-summary]").wait_for()
    # forms.js (deferred) moves the focus once it runs.
    tab.locator("#erreurs:focus").wait_for()

    # The partner space's login.
    watched.open("/fr/espace-partenaires/connexion/")

    for path, policy in watched.headers.items():
        assert "'unsafe-inline'" not in policy, path
    assert watched.violations() == []


def _log_in(watched):
    watched.open("/admin/login/")
    watched.tab.fill("#id_username", EDITOR[0])
    watched.tab.fill("#id_password", EDITOR[1])
    watched.tab.locator("button[type=submit]").click()
    watched.tab.wait_for_url(lambda url: url.rstrip("/").endswith("/admin"))


def test_the_admin_and_its_preview_panel_work_under_their_policy(watched, site):
    tab = watched.tab
    _log_in(watched)
    watched.open("/admin/")
    tab.wait_for_load_state("networkidle")

    edit = f"/admin/pages/{site['standard_pk']}/edit/"
    watched.open(edit)
    tab.wait_for_load_state("networkidle")
    # The preview panel: the page rendered in an iframe of the admin.
    tab.locator("[data-side-panel-toggle='preview']").click()
    tab.frame_locator("#w-preview-iframe").locator("main#contenu").wait_for()
    # The checks panel runs the content checker (axe) in the preview.
    tab.locator("[data-side-panel-toggle='checks']").click()
    tab.wait_for_timeout(2000)
    # A draft as editors open it from the page's menu.
    watched.open(f"/admin/pages/{site['standard_pk']}/view_draft/")
    tab.locator("main#contenu").wait_for()

    assert "'unsafe-inline'" in watched.headers[edit]
    assert watched.violations() == []


def test_the_userbar_works_for_an_editor_on_a_public_page(watched):
    tab = watched.tab
    _log_in(watched)
    response = watched.open("/fr/sceaux-valley/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    trigger = tab.locator("wagtail-userbar").locator("[data-wagtail-userbar-trigger]")
    trigger.click()
    items = tab.locator("wagtail-userbar").locator("#wagtail-userbar-items")
    # The menu shows (styled by its stylesheet, which the policy lets in).
    items.get_by_role("menuitem").first.wait_for()
    # The accessibility checker (axe-core) runs in the page.
    items.locator("#checker-trigger").click()
    tab.locator("wagtail-userbar").locator("#checker-results").wait_for()
    assert watched.violations() == []
