"""The embeddable widgets framed by another site (home/widgets.py; fixtures in
tests/browser_fixtures.py): a partner's page, served from a second loopback
port (another origin), embeds the calls' widget by iframe and the directory's
and the agenda's by script tag. The widgets render inside their frames, the
script fits each frame to its content, and a main page embedded the same way
is refused by the browser (X-Frame-Options and CSP frame-ancestors)."""

import http.server
import threading
from functools import partial

import pytest

from tests.browser_fixtures import axe_violations, live_shell

pytestmark = pytest.mark.browser

OPEN_CALL = "Appel widget navigateur Grand Est"
ADD_CALL = f"""
from datetime import timedelta
from django.utils import timezone
from calls_for_projects.models import CallForProjectsPage, CallsIndexPage

index = CallsIndexPage.objects.get(locale__language_code="fr")
if not CallForProjectsPage.objects.filter(slug="appel-widget-navigateur").exists():
    call = CallForProjectsPage(
        title={OPEN_CALL!r}, slug="appel-widget-navigateur", call_type="aap",
        scope="region", region="44", deadline=timezone.now() + timedelta(days=12),
        summary="Un appel ouvert, pour le test des widgets.",
    )
    index.add_child(instance=call)
    call.save_revision().publish()
"""
CALLS = "/fr/appels-a-projets/"
DIRECTORY = "/fr/annuaire/"
AGENDA = "/fr/agenda/"


def partner_page(site: str) -> str:
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Site partenaire</title></head>
<body>
<h1>Site d'un partenaire</h1>
<iframe id="calls" title="Appels" width="100%" height="400"
        src="{site}{CALLS}widget/?region=44&amp;status=ouvert"></iframe>
<div id="directory-box"><script src="{site}/static/js/embed.js" async
        data-widget-url="{site}{DIRECTORY}widget/?region=44"
        data-widget-title="Annuaire" data-widget-height="300"></script></div>
<div id="agenda-box"><script src="{site}/static/js/embed.js" async
        data-widget-url="{site}{AGENDA}widget/"
        data-widget-title="Agenda" data-widget-height="200"></script></div>
<iframe id="main-page" title="Page" width="100%" height="300" src="{site}{CALLS}"></iframe>
<iframe id="fiche" title="Fiche" width="100%" height="300" src="{site}{DIRECTORY}"></iframe>
</body></html>"""


class _Handler(http.server.BaseHTTPRequestHandler):
    def __init__(self, body: bytes, *args, **kwargs):
        self.body = body
        super().__init__(*args, **kwargs)

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def partner(live_site):
    """The partner's site: another origin (a second loopback port)."""
    live_shell(live_site, ADD_CALL)
    body = partner_page(live_site).encode()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, body))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _frame(tab, selector):
    return tab.locator(selector).element_handle().content_frame()


def test_widgets_render_inside_frames_of_another_origin(page, partner, live_site):
    assert partner.split(":")[2] != live_site.split(":")[2]
    page.goto(partner)
    # By iframe: the open calls in Grand Est.
    calls = page.frame_locator("#calls")
    calls.locator("h1").wait_for()
    assert calls.locator("h1").inner_text() == "Appels à projets"
    assert OPEN_CALL in calls.locator(".call-list").inner_text()
    assert calls.locator(".site-header").count() == 0
    assert calls.locator("a.widget__more-link").get_attribute("target") == "_blank"
    # By script: the directory's and the agenda's frames are inserted and
    # fitted to their content (the widget posts its height; the script takes
    # it from that frame and origin only).
    for box in ("#directory-box", "#agenda-box"):
        frame_locator = page.frame_locator(f"{box} iframe")
        frame_locator.locator("h1").wait_for()
        assert frame_locator.locator(".widget__count").count() == 1
    page.wait_for_function(
        "() => ['#directory-box', '#agenda-box'].every(box => {"
        "  const frame = document.querySelector(box + ' iframe');"
        "  return frame && frame.style.height.endsWith('px');"
        "})"
    )
    agenda = page.locator("#agenda-box iframe")
    assert agenda.get_attribute("title") == "Agenda"
    inner = (
        page.frame_locator("#agenda-box iframe")
        .locator("body")
        .evaluate("body => body.scrollHeight")
    )
    assert abs(agenda.bounding_box()["height"] - inner) <= 2
    # The directory's list of actors in Grand Est is there.
    directory = page.frame_locator("#directory-box iframe")
    assert directory.locator(".map-list__item").count() >= 1


def test_main_pages_refuse_to_be_framed(page, partner):
    page.goto(partner)
    page.frame_locator("#calls").locator("h1").wait_for()
    for selector in ("#main-page", "#fiche"):
        frame = _frame(page, selector)
        # The browser shows its error page instead: none of the site's content.
        assert frame.url.startswith("chrome-error://") or frame.url == "about:blank", frame.url
        assert frame.locator(".site-header").count() == 0


def test_a_forged_height_message_from_another_frame_is_ignored(page, partner):
    page.goto(partner)
    page.wait_for_function("() => document.querySelector('#agenda-box iframe')")
    page.frame_locator("#agenda-box iframe").locator("h1").wait_for()
    page.wait_for_function(
        "() => document.querySelector('#agenda-box iframe').style.height.endsWith('px')"
    )
    before = page.locator("#agenda-box iframe").evaluate("frame => frame.style.height")
    # The partner page itself (not the widget's frame) posts a height.
    page.evaluate("() => window.postMessage({type: 'maison-ess-widget:height', height: 4321}, '*')")
    page.wait_for_timeout(300)
    assert page.locator("#agenda-box iframe").evaluate("frame => frame.style.height") == before


def test_embed_panel_copies_the_snippet(page, live_site, browser):
    context = browser.new_context(locale="fr-FR")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_site)
    tab = context.new_page()
    try:
        tab.goto(live_site + CALLS + "?region=44&status=ouvert")
        tab.locator("details.embed-panel summary").click()
        button = tab.locator("button[data-copy-target='integrer-iframe']")
        assert button.is_visible()
        button.click()
        tab.locator("#integrer-iframe-etat").filter(has_text="copié").wait_for()
        copied = tab.evaluate("() => navigator.clipboard.readText()")
        assert copied.startswith("<iframe src=") and "region=44" in copied
        assert copied == tab.locator("#integrer-iframe").input_value()
    finally:
        context.close()


def test_widgets_pass_axe(page, live_site):
    violations = []
    for path in (CALLS, DIRECTORY, AGENDA):
        violations += axe_violations(page, live_site, path + "widget/?region=44")
    violations += axe_violations(page, live_site, CALLS + "?region=44")
    assert violations == []
