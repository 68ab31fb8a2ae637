"""The site keeps serving when its search cluster fails (home/search.py).

The search backend is pointed at a loopback port nobody listens on, so the
real Elasticsearch client fails with « connection refused », or at a small
HTTP server that answers as a failing cluster would (a 5xx, a missing
index). Elasticsearch 9 rather than OpenSearch: opensearch-py cannot be
imported inside this project (its metrics import the `events` package, which
the agenda app shadows: docs/operations.md); both are Wagtail's same
Elasticsearch-based backend code.
"""

import http.server
import json
import logging
import socket
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.models import StandardPage
from home.search import SearchUnavailable, forget_failures, searching
from tests.html import notices, soup, texts

pytestmark = pytest.mark.django_db

BACKEND = "wagtail.search.backends.elasticsearch9"
SEARCH_UNAVAILABLE = "La recherche est momentanément indisponible. Réessayez dans quelques minutes."
KEYWORDS_UNAVAILABLE = "La recherche par mots-clés est momentanément indisponible"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cluster_at(url: str) -> dict:
    return {
        "default": {
            "BACKEND": BACKEND,
            "URLS": [url],
            "TIMEOUT": 1,
            "INDEX_PREFIX": "test_failure_",
        }
    }


class Cluster:
    """The search settings of a test: `fail()` points them at a cluster that
    fails, `revive()` puts the suite's database backend back."""

    def __init__(self, settings):
        self.settings = settings
        self.database_backends = settings.WAGTAILSEARCH_BACKENDS

    def point_at(self, url: str) -> None:
        self.settings.WAGTAILSEARCH_BACKENDS = cluster_at(url)

    def revive(self) -> None:
        self.settings.WAGTAILSEARCH_BACKENDS = self.database_backends


@pytest.fixture
def dead_cluster(settings):
    """A cluster that refuses connections (a port just freed)."""
    forget_failures()
    cluster = Cluster(settings)
    cluster.point_at(f"http://127.0.0.1:{free_port()}")
    yield cluster
    forget_failures()


class FakeClusterServer(http.server.ThreadingHTTPServer):
    status = 200
    hits = 0


class FakeClusterHandler(http.server.BaseHTTPRequestHandler):
    """Answers every request with the server's `status`, as Elasticsearch does."""

    def answer(self):
        self.server.hits += 1
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status = self.server.status
        if status == 200:
            payload = {"name": "fake", "version": {"number": "9.0.0"}, "tagline": "You Know"}
        elif status == 404:
            payload = {
                "error": {"type": "index_not_found_exception", "reason": "no such index"},
                "status": 404,
            }
        else:
            payload = {"error": {"type": "node_failure", "reason": "boom"}, "status": status}
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = answer

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_cluster(settings):
    """An HTTP server on a loopback port answering as a cluster would."""
    forget_failures()
    server = FakeClusterServer(("127.0.0.1", 0), FakeClusterHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    cluster = Cluster(settings)
    cluster.point_at(f"http://127.0.0.1:{server.server_address[1]}")
    yield server
    server.shutdown()
    server.server_close()
    forget_failures()


def search_warnings(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "home.search"]


def result_ids(response) -> list[int]:
    return [page.pk for page in response.context["results"].object_list]


# --- The site search ---------------------------------------------------------


def test_site_search_says_it_is_unavailable_and_keeps_the_query(client, dead_cluster, caplog):
    caplog.set_level(logging.WARNING)
    response = client.get("/fr/recherche/", {"q": "économie sociale"})
    assert response.status_code == 503
    html = response.content.decode()
    assert SEARCH_UNAVAILABLE in " ".join(soup(html).get_text().split())
    assert soup(html).select_one(".search-form input[name=q]")["value"] == "économie sociale"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert int(response["Retry-After"]) > 0
    # Logged once, naming the client's exception, without a traceback.
    [warning] = search_warnings(caplog)
    assert warning.levelno == logging.WARNING
    assert "ConnectionError" in warning.getMessage()
    assert warning.exc_info is None

    # The next search does not ask the cluster again (nor logs again).
    caplog.clear()
    again = client.get("/fr/recherche/", {"q": "coopératives"})
    assert again.status_code == 503
    assert SEARCH_UNAVAILABLE in " ".join(soup(again.content.decode()).get_text().split())
    assert search_warnings(caplog) == []
    assert not [record for record in caplog.records if record.name.startswith("elastic")]


def test_the_unavailable_search_page_is_not_kept_by_the_page_cache(client, dead_cluster, settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.CACHE_VERSIONS = "database"
    response = client.get("/fr/recherche/", {"q": "économie"})
    assert response.status_code == 503
    assert response["X-Page-Cache"] == "bypass"

    dead_cluster.revive()
    back = client.get("/fr/recherche/", {"q": "économie"})
    assert back.status_code == 200
    assert back["X-Page-Cache"] == "miss"
    assert back.context["results"].paginator.count > 0
    assert SEARCH_UNAVAILABLE not in back.content.decode()


@pytest.mark.parametrize("status", [500, 404])
def test_an_error_answer_of_the_cluster_is_a_failure_too(client, fake_cluster, caplog, status):
    # 500: the cluster fails; 404: the index is missing (never built, deleted).
    caplog.set_level(logging.WARNING)
    fake_cluster.status = status
    response = client.get("/fr/recherche/", {"q": "économie"})
    assert response.status_code == 503
    assert SEARCH_UNAVAILABLE in " ".join(soup(response.content.decode()).get_text().split())
    [warning] = search_warnings(caplog)
    assert str(status) in warning.getMessage()
    asked = fake_cluster.hits
    assert asked >= 1
    assert client.get("/fr/recherche/", {"q": "économie"}).status_code == 503
    assert fake_cluster.hits == asked


def test_database_errors_are_not_swallowed():
    with pytest.raises(DatabaseError), searching(), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_here")


# --- The listings ------------------------------------------------------------


def seeded_kind_narrower_than_the_directory():
    from directory.models import ActorPage

    actors = ActorPage.objects.live().filter(locale__language_code="fr")
    kinds = sorted(set(actors.values_list("kind", flat=True)))
    kind = min(kinds, key=lambda kind: actors.filter(kind=kind).count())
    assert 0 < actors.filter(kind=kind).count() < actors.count()
    return kind


def test_directory_ignores_the_text_query_with_a_notice_and_keeps_the_other_filters(
    client, dead_cluster, settings
):
    settings.PAGE_CACHE_ENABLED = True
    settings.CACHE_VERSIONS = "database"
    kind = seeded_kind_narrower_than_the_directory()
    degraded = client.get("/fr/annuaire/", {"q": "zzqxw", "kind": kind})
    assert degraded.status_code == 200
    html = degraded.content.decode()
    assert any(KEYWORDS_UNAVAILABLE in notice for notice in notices(html))
    assert soup(html).select_one(".listing-filters input[name=q]")["value"] == "zzqxw"
    # The other filters' selection, in the listing's default order.
    filtered = client.get("/fr/annuaire/", {"kind": kind})
    assert result_ids(degraded) == result_ids(filtered)
    cards = texts(html, ".actor-card__title")
    assert cards == texts(filtered.content.decode(), ".actor-card__title")
    assert cards
    # Neither the page cache nor a CDN keeps the degraded answer; the page
    # that needed no search is cached as usual.
    assert degraded["X-Page-Cache"] == "bypass"
    assert "no-store" in degraded["Cache-Control"]
    assert filtered["X-Page-Cache"] == "miss"

    # Once the search is back, the query is searched again: nothing the
    # listing cached while it was down is served (no actor matches).
    dead_cluster.revive()
    back = client.get("/fr/annuaire/", {"q": "zzqxw", "kind": kind})
    assert back.status_code == 200
    assert back["X-Page-Cache"] == "miss"
    assert result_ids(back) == []
    html = back.content.decode()
    assert texts(html, ".actor-card__title") == []
    assert not any(KEYWORDS_UNAVAILABLE in notice for notice in notices(html))


def test_relevance_falls_back_to_the_default_order(client, dead_cluster):
    kind = seeded_kind_narrower_than_the_directory()
    degraded = client.get("/fr/annuaire/", {"q": "zzqxw", "kind": kind, "sort": "relevance"})
    assert degraded.status_code == 200
    assert result_ids(degraded) == result_ids(client.get("/fr/annuaire/", {"kind": kind}))
    # The map's data asks for its order before the search fails.
    degraded = client.get("/fr/annuaire/geojson/", {"q": "zzqxw"}).json()["features"]
    filtered = client.get("/fr/annuaire/geojson/").json()["features"]
    assert [feature["id"] for feature in degraded] == [feature["id"] for feature in filtered]
    assert len(filtered) > 1


@pytest.mark.parametrize(
    "path",
    [
        "/fr/annuaire/export/csv/",
        "/fr/annuaire/export/json/",
        "/fr/annuaire/carte/",
        "/fr/annuaire/geojson/",
        "/fr/appels-a-projets/",
        "/fr/appels-a-projets/flux/rss/",
        "/fr/appels-a-projets/flux/ical/",
        "/fr/appels-a-projets/export/csv/",
        "/fr/agenda/",
    ],
)
def test_feeds_exports_and_other_listings_answer_without_the_text_query(client, dead_cluster, path):
    response = client.get(path, {"q": "zzqxw"})
    assert response.status_code == 200, path
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body


def test_the_csv_export_selects_what_the_other_filters_select(client, dead_cluster):
    kind = seeded_kind_narrower_than_the_directory()
    degraded = client.get("/fr/annuaire/export/csv/", {"q": "zzqxw", "kind": kind})
    filtered = client.get("/fr/annuaire/export/csv/", {"kind": kind})
    assert degraded.status_code == filtered.status_code == 200
    assert b"".join(degraded.streaming_content) == b"".join(filtered.streaming_content)


def test_the_api_answers_with_a_notice(client, dead_cluster, settings):
    settings.API_RATE_LIMIT = 100_000
    kind = seeded_kind_narrower_than_the_directory()
    degraded = client.get("/api/v1/actors/", {"q": "zzqxw", "kind": kind})
    assert degraded.status_code == 200
    data = degraded.json()
    assert any(KEYWORDS_UNAVAILABLE in notice for notice in data["notices"])
    filtered = client.get("/api/v1/actors/", {"kind": kind}).json()
    assert data["count"] == filtered["count"] > 0
    assert [item["id"] for item in data["results"]] == [item["id"] for item in filtered["results"]]


def test_outside_a_request_a_listing_raises_rather_than_ignore_its_query(dead_cluster):
    # A command or a task (an alert's digest) must not act on a selection
    # that leaves its text query out: it fails, and tries again later.
    from directory.filters import DirectoryFilterSet
    from directory.models import DirectoryIndexPage

    index = DirectoryIndexPage.objects.filter(locale__language_code="fr").first()
    with pytest.raises(SearchUnavailable):
        list(DirectoryFilterSet({"q": "coopérative"}, scope=index).qs)


def test_an_alert_with_a_text_query_is_not_sent_while_the_search_is_down(dead_cluster, home_fr):
    from alerts import digest
    from alerts.models import Alert
    from calls_for_projects.factories import CallForProjectsPageFactory, CallsIndexPageFactory
    from calls_for_projects.models import CallForProjectsPage

    index = CallsIndexPageFactory(parent=home_fr, title="Appels en panne", slug="appels-panne")
    call = CallForProjectsPageFactory(parent=index, title="Appel sans énergie", region="44")
    call.save_revision().publish()
    now = timezone.now()
    since = now - timedelta(days=1)
    hour_ago = now - timedelta(hours=1)
    CallForProjectsPage.objects.filter(pk=call.pk).update(first_published_at=hour_ago)

    def alert(email, query):
        return Alert.objects.create(
            email=email, language="fr", source="calls", frequency="quotidienne", scope=index,
            query=query, created_at=since, confirmed_at=since, last_sent_at=since,
        )  # fmt: skip

    by_words = alert("mots@example.org", "q=hydrog%C3%A8ne&region=44")
    by_region = alert("region@example.org", "region=44")
    mail.outbox.clear()
    report = digest.run(now=now)
    assert report.errors == 1
    assert [message.to for message in mail.outbox] == [["region@example.org"]]
    by_words.refresh_from_db()
    by_region.refresh_from_db()
    assert by_words.last_sent_at == since  # tried again at the next run
    assert by_region.last_sent_at == now


# --- Health check and publication -----------------------------------------------


def test_healthz_reports_the_search_cluster(client, dead_cluster):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content.decode() == "database: ok\ncache: ok\nsearch: unavailable\n"


def test_healthz_says_ok_while_the_cluster_answers(client, fake_cluster):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content.decode() == "database: ok\ncache: ok\nsearch: ok\n"
    fake_cluster.status = 500
    forget_failures()
    assert client.get("/healthz").content.decode().endswith("search: unavailable\n")


def test_healthz_has_no_search_line_with_the_database_backend(client):
    assert "search" not in client.get("/healthz").content.decode()


def test_an_editor_publishes_while_the_cluster_is_down(client, dead_cluster, home_fr, caplog):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("panne", "panne@example.org", "x")
    client.force_login(user)
    fields = {
        "title": "Publiée pendant la panne",
        "slug": "publiee-pendant-la-panne",
        "introduction": "Indexée au prochain update_index.",
        "body": streamfield([("paragraph", rich_text("<p>Texte.</p>"))]),
        "themes": "",
    }
    add_url = reverse("wagtailadmin_pages:add", args=("home", "standardpage", home_fr.pk))
    assert client.post(add_url, nested_form_data(fields)).status_code == 302
    page = StandardPage.objects.get(locale__language_code="fr", slug="publiee-pendant-la-panne")
    caplog.clear()
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    response = client.post(edit_url, nested_form_data({**fields, "action-publish": "publish"}))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.live
    # The index update was tried against the cluster, failed, and was logged.
    failures = [record for record in caplog.records if record.name == "modelsearch.index"]
    assert failures
    assert all("search backend" in record.getMessage() for record in failures)
    client.logout()
    assert client.get(page.url).status_code == 200
