"""Content-Security-Policy (issue 16, item 7; home/csp.py): the strict policy
on every public page type, the relaxed one in Wagtail's admin only, the
report-only roll-out and the sources the settings add."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse
from wagtail.models import Page

from calls_for_projects.models import CallForProjectsPage, CallsIndexPage
from conventions.models import ConventionIndexPage, ConventionPage
from directory.models import ActorPage, DirectoryIndexPage
from events.announcements import AnnouncementIndexPage, AnnouncementPage
from events.models import AgendaIndexPage, EventPage
from home.csp import public_directives, tile_source
from home.models import Theme
from network_minutes.models import MeetingMinutesPage, NetworkPage, NetworksIndexPage
from tests.partners.helpers import make_actor, make_user

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
HEADER = "Content-Security-Policy"
REPORT_ONLY = "Content-Security-Policy-Report-Only"
OSM_FR = "https://*.tile.openstreetmap.fr"


def directives(response, header=HEADER) -> dict[str, list[str]]:
    assert header in response, f"no {header} on {response.status_code} {response.get('Location')}"
    return parse(response[header])


def parse(header: str) -> dict[str, list[str]]:
    policy = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in policy, f"{name} twice"
        policy[name] = sources
    return policy


def live_url(model, **filters) -> str:
    page = model.objects.live().filter(locale__language_code="fr", **filters).first()
    assert page is not None, f"the seed has no live {model.__name__}"
    return page.url


def public_paths() -> dict[str, str]:
    theme = Theme.objects.order_by("slug").first()
    directory = live_url(DirectoryIndexPage)
    return {
        "home": "/fr/",
        "standard page": "/fr/sceaux-valley/",
        "directory index": directory,
        "directory map": directory + "carte/",
        "actor fiche with a map": live_url(ActorPage, latitude__isnull=False),
        "calls index": live_url(CallsIndexPage),
        "call": live_url(CallForProjectsPage),
        "networks index": live_url(NetworksIndexPage),
        "network": live_url(NetworkPage),
        "minutes": live_url(MeetingMinutesPage),
        "conventions index": live_url(ConventionIndexPage),
        "convention": live_url(ConventionPage),
        "agenda": live_url(AgendaIndexPage),
        "event": live_url(EventPage),
        "announcements": live_url(AnnouncementIndexPage),
        "announcement": live_url(AnnouncementPage),
        "search": reverse("search") + "?q=economie",
        "themes": reverse("theme_index"),
        "theme": reverse("theme_detail", args=[theme.slug]),
        "partner form": reverse("partners:propose_actor"),
        "partner space login": reverse("partners:space_login"),
        "not found": "/fr/cette-page-nexiste-pas/",
    }


def assert_strict(policy: dict[str, list[str]]):
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"][:2] == ["'self'", "data:"]
    assert OSM_FR in policy["img-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "https://www.youtube-nocookie.com" in policy["frame-src"]
    assert "https://player.vimeo.com" in policy["frame-src"]
    everything = [source for sources in policy.values() for source in sources]
    assert "'unsafe-inline'" not in everything
    assert "'unsafe-eval'" not in everything
    assert "blob:" not in everything


def test_every_public_page_type_gets_the_strict_policy(client):
    for name, path in public_paths().items():
        response = client.get(path)
        assert response.status_code == (404 if name == "not found" else 200), (name, path)
        assert REPORT_ONLY not in response, name
        assert_strict(directives(response))


def test_english_pages_get_the_strict_policy_too(client):
    assert_strict(directives(client.get("/en/")))


def test_the_partner_space_is_strict_for_a_logged_in_partner(client):
    user = make_user("partenaire-csp", partner_of=[make_actor("Coopérative CSP")])
    client.force_login(user)
    response = client.get(reverse("partners:space_home"))
    assert response.status_code == 200
    assert_strict(directives(response))


def test_an_editor_on_a_public_page_gets_the_strict_policy(admin_client):
    """Wagtail's userbar loads its script and stylesheet from the site: the
    public policy holds for a logged-in editor too (tests/browser/test_csp.py
    shows it works)."""
    response = admin_client.get("/fr/")
    assert "wagtail-userbar" in response.text
    assert_strict(directives(response))


def assert_relaxed(policy: dict[str, list[str]]):
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert "blob:" in policy["img-src"]
    assert policy["frame-src"][0] == "'self'"  # the preview panel
    # Relaxed for Wagtail's needs only: the rest is the public policy.
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert "'unsafe-eval'" not in policy["script-src"]


def test_the_admin_login_gets_the_relaxed_policy(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert_relaxed(directives(response))


def test_the_admin_dashboard_and_edit_view_get_the_relaxed_policy(admin_client):
    page = Page.objects.get(locale__language_code="fr", slug="sceaux-valley")
    for path in ("/admin/", reverse("wagtailadmin_pages:edit", args=[page.pk])):
        response = admin_client.get(path)
        assert response.status_code == 200, path
        assert_relaxed(directives(response))


def test_a_draft_or_preview_is_served_under_the_public_policy(admin_client):
    """Wagtail renders a draft or a preview through the site's middleware on a
    request for the page's own URL: the editor's browser enforces what the
    visitors' will, so a page the policy breaks shows in the preview."""
    page = Page.objects.get(locale__language_code="fr", slug="sceaux-valley")
    response = admin_client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    assert response.status_code == 200
    assert "Sceaux" in response.text
    assert_strict(directives(response))


@override_settings(CSP_REPORT_ONLY_MODE=True)
def test_report_only_mode_sends_the_same_policy_under_the_report_only_header(client):
    for path in ("/fr/", reverse("partners:propose_actor"), "/admin/login/"):
        response = client.get(path)
        assert HEADER not in response, path
        policy = directives(response, REPORT_ONLY)
        if path.startswith("/admin/"):
            assert_relaxed(policy)
        else:
            assert_strict(policy)


@override_settings(CSP_REPORT_ENDPOINT="https://csp.example.org/report")
def test_violation_reports_go_to_the_configured_endpoint(client):
    assert directives(client.get("/fr/"))["report-uri"] == ["https://csp.example.org/report"]


def test_no_report_uri_without_an_endpoint(client):
    assert "report-uri" not in directives(client.get("/fr/"))


@override_settings(
    MAP_TILES_URL="https://tiles.example.org:8443/{z}/{x}/{y}.png",
    CSP_EXTRA_IMG_SRC=["https://images.example.org"],
    CSP_EXTRA_FRAME_SRC=["https://video.example.org"],
)
def test_the_tile_server_and_the_operators_hosts_are_allowed(client):
    policy = directives(client.get("/fr/"))
    assert "https://tiles.example.org:8443" in policy["img-src"]
    assert OSM_FR not in policy["img-src"]
    assert "https://images.example.org" in policy["img-src"]
    assert "https://video.example.org" in policy["frame-src"]
    assert "https://images.example.org" not in policy["frame-src"]


@pytest.mark.parametrize(
    "url, source",
    [
        ("https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png", OSM_FR),
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://tiles-{s}.example.org/{z}/{x}/{y}{r}.png", "https://*.example.org"),
        ("/tuiles/{z}/{x}/{y}.png", None),
    ],
)
def test_tile_source_from_the_tile_url(url, source):
    assert tile_source(url) == source


def test_a_placeholder_for_the_domain_itself_is_refused():
    with pytest.raises(ImproperlyConfigured):
        tile_source("https://tiles.{s}/{z}/{x}/{y}.png")


@pytest.mark.parametrize(
    "storage, expected",
    [
        ({"AWS_S3_CUSTOM_DOMAIN": "media.example.org"}, ["https://media.example.org"]),
        (
            {"AWS_S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud"},
            ["https://s3.fr-par.scw.cloud", "https://ess-media.s3.fr-par.scw.cloud"],
        ),
    ],
)
def test_media_on_s3_is_allowed_as_images(client, storage, expected):
    settings = {"AWS_S3_CUSTOM_DOMAIN": None, "AWS_S3_ENDPOINT_URL": None, **storage}
    with override_settings(AWS_STORAGE_BUCKET_NAME="ess-media", **settings):
        policy = directives(client.get("/fr/"))
    for source in expected:
        assert source in policy["img-src"]


@pytest.mark.parametrize("value", ["https://x.example.org; script-src *", "'unsafe-inline'", "a b"])
@pytest.mark.parametrize("setting", ["CSP_EXTRA_IMG_SRC", "CSP_EXTRA_FRAME_SRC"])
def test_an_extra_source_cannot_inject_a_directive(setting, value):
    with override_settings(**{setting: [value]}), pytest.raises(ImproperlyConfigured):
        public_directives()


def test_the_report_uri_cannot_inject_a_directive():
    with (
        override_settings(CSP_REPORT_ENDPOINT="https://csp.example.org/r; script-src *"),
        pytest.raises(ImproperlyConfigured),
    ):
        public_directives()


def test_the_server_error_page_has_no_inline_style(rf):
    from home.views import server_error

    text = server_error(rf.get("/fr/")).content.decode()
    assert "<style" not in text and "style=" not in text
    assert 'href="/static/css/error.css"' in text


def test_the_environment_switches_the_header(tmp_path):
    """CSP_REPORT_ONLY=1 and CSP_REPORT_URI in the environment, as a server
    starts: the response carries the report-only header with the endpoint."""
    code = (
        "import django; django.setup()\n"
        "from django.http import HttpResponse\n"
        "from django.test import RequestFactory\n"
        "from home.csp import ContentSecurityPolicyMiddleware\n"
        "middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())\n"
        "response = middleware(RequestFactory().get('/fr/'))\n"
        "for name in ('Content-Security-Policy', 'Content-Security-Policy-Report-Only'):\n"
        "    print(name, '=', response.get(name, '-'))\n"
    )
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CSP_"))
    }

    def run(**extra):
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code],
            cwd=BASE_DIR,
            env={
                **env,
                "DJANGO_SETTINGS_MODULE": "config.settings.dev",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                **extra,
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return dict(line.split(" = ", 1) for line in result.stdout.splitlines())

    enforced = run()
    assert "script-src 'self'" in enforced[HEADER]
    assert enforced[REPORT_ONLY] == "-"
    reported = run(CSP_REPORT_ONLY="1", CSP_REPORT_URI="https://csp.example.org/r")
    assert reported[HEADER] == "-"
    report_only = parse(reported[REPORT_ONLY])
    assert report_only.pop("report-uri") == ["https://csp.example.org/r"]
    assert report_only == parse(enforced[HEADER])
