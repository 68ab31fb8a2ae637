"""The registers' real HTTP client against a local `http.server` on a
loopback port serving the recorded answers: the parsing, the errors and the
timeout are tested for real (a server that never answers gives a timeout
error, shown to the editor, and nothing hangs)."""

import html
import json
import threading
import time
import urllib.parse
import uuid
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale

from directory.models import ActorPage, DirectoryIndexPage
from directory.registers import (
    RegisterBadAnswer,
    RegisterNotFound,
    RegisterTimeout,
    RegisterUnreachable,
)
from directory.registers.fake import RECORDINGS
from directory.registers.http import HttpRegisters
from home.roles import EDITORS

TIMEOUT = 0.5


class RecordedRegisters(BaseHTTPRequestHandler):
    """/search → API Recherche d'entreprises, /search/ → API Adresse, from
    the recordings; the `mode` of the server turns it silent, broken,
    missing or busy."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        server = self.server
        server.requests.append(self.path)
        if server.mode == "silent":
            server.release.wait(10)  # never answers within the client's timeout
            return
        if server.mode == "broken":
            return self._send(200, b"<html>maintenance</html>")
        if server.mode == "missing":
            return self._send(404, b"{}")
        if server.mode == "busy":
            return self._send(503, b"{}")
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        q = query.get("q", [""])[0]
        if url.path == "/search":
            name = RECORDINGS / f"entreprises_{q[:9]}.json"
            if not name.exists():
                name = RECORDINGS / "entreprises_empty.json"
        elif url.path == "/search/":
            lilas = "LILAS" in q.upper() and query.get("postcode", ["92330"])[0] == "92330"
            name = RECORDINGS / ("adresse_sceaux.json" if lilas else "adresse_empty.json")
        else:
            return self._send(404, b"{}")
        self._send(200, name.read_bytes())

    def _send(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), RecordedRegisters)
    httpd.daemon_threads = True
    httpd.mode = "normal"
    httpd.requests = []
    httpd.release = threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def http_registers(settings, server):
    settings.REGISTERS_ENABLED = True
    settings.REGISTERS_BACKEND = "directory.registers.http.HttpRegisters"
    settings.REGISTERS_COMPANY_URL = server.url
    settings.REGISTERS_ADDRESS_URL = server.url + "/"
    settings.REGISTERS_TIMEOUT = TIMEOUT
    return HttpRegisters()


def test_company_over_http(http_registers, server):
    company = http_registers.company("77567227200025")
    assert company.name == "RESSOURCERIE DU CHAT PERCHE"
    assert (company.siret, company.city) == ("77567227200025", "BOURG-LA-REINE")
    assert company.is_ess and company.is_siae
    path = urllib.parse.urlsplit(server.requests[0])
    assert path.path == "/search"
    assert urllib.parse.parse_qs(path.query)["q"] == ["77567227200025"]


def test_unknown_company_over_http_is_not_found(http_registers):
    with pytest.raises(RegisterNotFound):
        http_registers.company("732829320")


def test_geocoding_over_http(http_registers, server):
    address = http_registers.geocode("12 RUE DES LILAS 92330 SCEAUX", "92330")
    assert address.label == "12 Rue des Lilas 92330 Sceaux"
    assert (address.latitude, address.longitude) == (Decimal("48.778204"), Decimal("2.290561"))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(server.requests[0]).query)
    assert query["postcode"] == ["92330"]
    assert query["limit"] == ["1"]
    assert http_registers.geocode("nulle part", "75001") is None


def test_silent_server_times_out_without_hanging(http_registers, server):
    server.mode = "silent"
    started = time.monotonic()
    with pytest.raises(RegisterTimeout):
        http_registers.company("775672272")
    assert time.monotonic() - started < TIMEOUT * 4
    assert len(server.requests) == 1  # no retry


@pytest.mark.parametrize(
    ("mode", "error"),
    [("broken", RegisterBadAnswer), ("missing", RegisterNotFound), ("busy", RegisterUnreachable)],
)
def test_server_failures_are_clear_errors(http_registers, server, mode, error):
    server.mode = mode
    with pytest.raises(error):
        http_registers.company("775672272")
    assert len(server.requests) == 1  # no retry


def test_closed_port_is_unreachable(settings, http_registers):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), RecordedRegisters)
    port = httpd.server_address[1]
    httpd.server_close()  # nobody listens there any more
    settings.REGISTERS_COMPANY_URL = f"http://127.0.0.1:{port}"
    with pytest.raises(RegisterUnreachable):
        HttpRegisters().company("775672272")


def test_non_http_base_url_is_refused(settings, http_registers):
    settings.REGISTERS_COMPANY_URL = "file:///etc"
    with pytest.raises(RegisterUnreachable):
        HttpRegisters().company("775672272")


# --- The editor's page, with the real client --------------------------------------


@pytest.fixture
def editor_and_actor(db, django_user_model):
    index = DirectoryIndexPage.objects.get(locale=Locale.objects.get(language_code="fr"))
    actor = ActorPage(
        title="Chat perché",
        slug=f"registres-http-{uuid.uuid4().hex[:8]}",
        kind="association",
        siret="775672272",
    )
    index.add_child(instance=actor)
    actor.save_revision().publish()
    user = django_user_model.objects.create_user("registres-http", "h@example.org", "x")
    user.groups.add(Group.objects.get(name=EDITORS))
    client = Client()
    client.force_login(user)
    return client, actor


def test_check_page_over_http_shows_the_differences(http_registers, server, editor_and_actor):
    client, actor = editor_and_actor
    response = client.get(reverse("directory_registers_check", args=[actor.pk]))
    assert response.status_code == 200
    proposals = response.context["result"].proposals
    assert proposals["title"] == "RESSOURCERIE DU CHAT PERCHE"
    assert proposals["city"] == "Sceaux"
    assert [urllib.parse.urlsplit(p).path for p in server.requests] == ["/search", "/search/"]
    json.dumps(proposals)  # what the signed token carries


def test_check_page_with_a_silent_register_shows_the_timeout(
    http_registers, server, editor_and_actor
):
    client, actor = editor_and_actor
    server.mode = "silent"
    started = time.monotonic()
    response = client.get(reverse("directory_registers_check", args=[actor.pk]))
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "n'a pas répondu à temps" in content
    assert response.context["result"].differences == []
    # The register and then the address base (of the fiche: no address) each wait once.
    assert elapsed < TIMEOUT * 6
