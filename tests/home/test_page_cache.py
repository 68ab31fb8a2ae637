"""The full-page cache for anonymous visitors (home/page_cache.py) and the
versions shared by every worker (home/cache.py): what is cached, what never
is, every change that must show at once (on this worker and on another one),
a call's status flipping at its deadline, the 304 answers, the CDN purge."""

import http.server
import threading
from datetime import timedelta

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone
from wagtail.models import Page

from calls_for_projects.factories import CallForProjectsPageFactory, CallsIndexPageFactory
from home import cache as versioned_cache
from home import page_cache
from home.models import StandardPage, Theme

pytestmark = pytest.mark.django_db

HEADER = "X-Page-Cache"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_TIMEOUT = 60
    settings.CACHE_VERSIONS = "database"


@pytest.fixture
def page(home_fr, add_page):
    return add_page(home_fr, StandardPage, title="Page en cache", slug="page-en-cache")


def get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    return response, response.get(HEADER)


# --- What is cached ----------------------------------------------------------------------------


def test_an_anonymous_page_is_computed_once_then_served_from_the_cache(
    client, page, django_assert_max_num_queries
):
    first, state = get(client, page.url)
    assert (first.status_code, state) == (200, "miss")
    # A hit reads the versions (one query) and nothing else.
    with django_assert_max_num_queries(1):
        second, state = get(client, page.url)
    assert (second.status_code, state) == (200, "hit")
    assert second.content == first.content
    control = second["Cache-Control"]
    assert "public" in control and "max-age=" in control
    assert second["ETag"] == first["ETag"]
    assert second["Last-Modified"] == first["Last-Modified"]


def test_the_query_string_is_normalised_and_hostile_ones_bypass(client, page):
    assert get(client, page.url + "?b=2&a=1")[1] == "miss"
    assert get(client, page.url + "?a=1&b=2")[1] == "hit"
    for query in ("?q=%ff%fe", "?q=%00", "?q=" + "x" * 10_000, "?a=\x01"):
        response, state = get(client, page.url + query)
        assert response.status_code < 500
        assert state == "bypass"
        assert "no-store" in response["Cache-Control"]


# --- What never is -------------------------------------------------------------------------------


def test_logged_in_users_previews_and_posts_bypass(client, page, django_user_model):
    get(client, page.url)  # cached for anonymous visitors
    assert get(client, page.url + "?preview=1")[1] == "bypass"
    assert client.post(page.url)[HEADER] == "bypass"
    user = django_user_model.objects.create_superuser("editor", "e@example.org", "pw")
    client.force_login(user)
    response, state = get(client, page.url)
    assert state == "bypass"
    assert "private" in response["Cache-Control"]
    assert get(client, "/admin/")[1] == "bypass"


def test_pages_with_a_csrf_token_are_not_cached(client):
    """An announcement's page embeds its contact form (a CSRF token)."""
    from events.announcements import AnnouncementPage

    page = AnnouncementPage.objects.live().filter(expires_on__gte=timezone.localdate()).first()
    assert page is not None, "the seed has a current announcement"
    for _ in range(2):
        response, state = get(client, page.url)
        assert response.status_code == 200
        assert b"csrfmiddlewaretoken" in response.content
        assert state == "bypass"
        assert "private" in response["Cache-Control"]


def test_a_404_is_not_cached(client, home_fr):
    assert get(client, home_fr.url + "nulle-part/")[1] == "bypass"
    assert get(client, home_fr.url + "nulle-part/")[1] == "bypass"


# --- Invalidation --------------------------------------------------------------------------------


def test_publishing_a_change_shows_at_once(client, page, publish):
    get(client, page.url)
    page.title = "Titre publié"
    publish(page)
    response, state = get(client, page.url)
    assert state == "miss"
    assert "Titre publié" in response.text


def test_unpublishing_and_deleting_show_at_once(client, page, home_fr, add_page):
    other = add_page(home_fr, StandardPage, title="Autre page", slug="autre-page")
    get(client, page.url)
    get(client, other.url)
    page.unpublish()
    assert client.get(page.url).status_code == 404
    Page.objects.get(pk=other.pk).delete()
    assert client.get(other.url).status_code == 404


def test_moving_a_page_shows_at_once(client, page, home_fr, add_page):
    parent = add_page(home_fr, StandardPage, title="Rubrique", slug="rubrique")
    old_url = page.url
    get(client, old_url)
    Page.objects.get(pk=page.pk).move(Page.objects.get(pk=parent.pk), pos="last-child")
    moved = client.get(old_url)  # Wagtail's redirect to the new place, not the cached page
    assert (moved.status_code, moved["Location"]) == (301, parent.url + "page-en-cache/")
    assert client.get(parent.url + "page-en-cache/").status_code == 200


def test_a_snippet_change_shows_at_once(client):
    theme = Theme.objects.get(slug="mobilite")
    url = f"/fr/themes/{theme.slug}/"
    first, _state = get(client, url)
    assert first.status_code == 200
    assert get(client, url)[1] == "hit"
    theme.name = "Mobilités douces"
    theme.save()
    response, state = get(client, url)
    assert state == "miss"
    assert "Mobilités douces" in response.text


def test_no_stale_page_across_two_workers_without_redis(client, page, publish, monkeypatch):
    """Two workers: each its own local-memory cache, the versions in the
    database. A publication through one is served at once by the other."""
    worker_a = LocMemCache("worker-a", {})
    worker_b = LocMemCache("worker-b", {})

    def use(worker):
        monkeypatch.setattr(versioned_cache, "cache", worker)
        monkeypatch.setattr(page_cache, "cache", worker)

    use(worker_a)
    assert get(client, page.url)[1] == "miss"
    assert get(client, page.url)[1] == "hit"
    use(worker_b)
    page.title = "Publié par un autre worker"
    publish(page)
    use(worker_a)
    response, state = get(client, page.url)
    assert state == "miss"
    assert "Publié par un autre worker" in response.text


def test_the_versions_are_read_once_per_request_and_shared(client, page):
    before = versioned_cache.CONTENT.version()
    versioned_cache.CONTENT.bump()
    # Another process sees the row, not this process's memory.
    from home.models import CacheVersion

    assert CacheVersion.objects.get(namespace="content").token != before
    assert versioned_cache.CONTENT.version() != before


# --- Time ---------------------------------------------------------------------------------------


def test_a_call_status_flips_at_its_deadline_with_a_cached_listing(client, home_fr, monkeypatch):
    start = timezone.now().replace(microsecond=0)
    clock = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    index = CallsIndexPageFactory(parent=home_fr, title="Appels horloge", slug="appels-horloge")
    deadline = start + timedelta(hours=3)
    call = CallForProjectsPageFactory(parent=index, title="Appel Zéphyr", deadline=deadline)
    call.save_revision().publish()
    index.save_revision().publish()
    url = index.url
    response, state = get(client, url)
    assert state == "miss"
    assert "Appel Zéphyr" in response.text
    clock["now"] = deadline - timedelta(seconds=30)
    response, state = get(client, url)
    assert (state, "Appel Zéphyr" in response.text) == ("miss", True)
    clock["now"] = deadline - timedelta(seconds=5)
    response, state = get(client, url)
    assert state == "hit"
    assert int(response["Cache-Control"].split("max-age=")[1].split(",")[0]) <= 30
    clock["now"] = deadline + timedelta(seconds=1)
    response, state = get(client, url)
    assert state == "miss"
    assert "Appel Zéphyr" not in response.text  # closed: in the archive now


def test_registered_next_changes_bound_every_entry(client, page, monkeypatch):
    """The home page shows calls without a max-age of its own: the calls'
    registered next change bounds its entry."""
    start = timezone.now()
    monkeypatch.setattr(page_cache, "now", lambda: start)
    soon = start + timedelta(seconds=7)
    page_cache.PAGE_EXPIRY.register("test-soon", lambda now: soon)
    try:
        get(client, page.url)
        monkeypatch.setattr(page_cache, "now", lambda: soon + timedelta(seconds=1))
        assert get(client, page.url)[1] == "miss"
    finally:
        page_cache.PAGE_EXPIRY._funcs.pop("test-soon")


# --- HTTP ---------------------------------------------------------------------------------------


def test_304_on_if_none_match_and_if_modified_since(client, page):
    first, _state = get(client, page.url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get(page.url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(page.url, headers={"if-modified-since": modified}).status_code == 304
    assert client.get(page.url, headers={"if-none-match": '"autre"'}).status_code == 200


def test_a_publication_purges_the_frontend_cache(page, publish, settings):
    purged = []

    class Purger(http.server.BaseHTTPRequestHandler):
        def do_PURGE(self):  # noqa: N802 (the HTTP method)
            purged.append((self.headers["Host"], self.path))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Purger)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.WAGTAILFRONTENDCACHE = {
            "http": {
                "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                "LOCATION": f"http://127.0.0.1:{server.server_address[1]}",
            }
        }
        page.title = "Purgée"
        publish(page)
    finally:
        server.shutdown()
        server.server_close()
    assert ("testserver", page.url) in purged or any(path == page.url for _h, path in purged)
