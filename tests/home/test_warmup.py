"""The warm-up before the first request (home/warmup.py) and gunicorn's
configuration that runs it in the master before forking
(config/gunicorn.conf.py)."""

import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.urls import URLResolver, clear_url_caches, reverse
from django.utils import translation
from django.utils.translation import trans_real
from wagtail.models import Site

from home import warmup
from tests.browser_fixtures import _free_port, _live_database

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def cached_loader():
    """The project's cached template loader, emptied."""
    loader = engines["django"].engine.template_loaders[0]
    assert isinstance(loader, CachedLoader)
    loader.reset()
    return loader


def _populations(languages=("fr", "en")) -> int:
    """How many times reversing a URL in each language populates the
    resolver's patterns."""
    original = URLResolver._populate
    with mock.patch.object(
        URLResolver, "_populate", autospec=True, side_effect=original
    ) as populate:
        for language in languages:
            with translation.override(language):
                reverse("search")
                reverse("wagtail_serve", args=[""])
    return populate.call_count


@pytest.mark.django_db
def test_warm_up_loads_what_a_first_request_would(cached_loader, monkeypatch):
    clear_url_caches()
    monkeypatch.setattr(trans_real, "_translations", {})
    assert _populations() > 0  # the spy sees a cold resolver populate
    clear_url_caches()

    summary = warmup.warm_up(force=True)

    assert summary["failed"] == []
    assert summary["database"] == "ok"
    # The default site's home page, rendered in each language.
    assert summary["pages"] == {"/fr/": 200, "/en/": 200}
    # Every pattern is there: reversing in either language populates nothing.
    assert _populations() == 0
    # The catalogs of both languages are loaded.
    assert {"fr", "en"} <= set(trans_real._translations)
    # The public pages' templates are compiled, a fiche's among them.
    compiled = set(cached_loader.get_template_cache)
    assert {
        "base.html",
        "404.html",
        "home/home_page.html",
        "directory/actor_page.html",
        "includes/main_navigation.html",
    } <= compiled
    # Once per process: gunicorn's hook after config/wsgi.py does nothing more.
    assert "skipped" in warmup.warm_up()


@pytest.mark.django_db
def test_a_database_that_fails_is_logged_and_the_warm_up_goes_on(
    cached_loader, caplog, monkeypatch
):
    clear_url_caches()
    monkeypatch.setattr(trans_real, "_translations", {})
    error = OperationalError("no such table: wagtailcore_site")
    with (
        mock.patch.object(CursorWrapper, "execute", side_effect=error) as execute,
        caplog.at_level(logging.INFO, logger="home.warmup"),
    ):
        summary = warmup.warm_up(force=True)

    assert summary["database"] == "not ready"
    assert "pages" not in summary
    assert summary["failed"] == []
    # One query tells the database is not ready: no page is tried.
    assert execute.call_count == 1
    assert "the database is not ready (OperationalError: no such table" in caplog.text
    # What needs no database is warm all the same.
    assert _populations() == 0
    assert {"fr", "en"} <= set(trans_real._translations)
    assert "base.html" in cached_loader.get_template_cache


@pytest.mark.django_db
def test_an_empty_database_renders_nothing():
    Site.objects.all().delete()
    summary = warmup.warm_up(force=True)
    assert (summary["database"], summary["failed"]) == ("empty", [])
    assert "pages" not in summary


@pytest.mark.django_db
def test_a_failing_step_is_logged_and_the_others_run(monkeypatch, caplog):
    def broken():
        raise RuntimeError("catalog unreadable")

    monkeypatch.setattr(warmup, "_translations", broken)
    with caplog.at_level(logging.INFO, logger="home.warmup"):
        summary = warmup.warm_up(force=True)

    assert summary["failed"] == ["translations"]
    assert summary["pages"] == {"/fr/": 200, "/en/": 200}
    assert "step 'translations' failed" in caplog.text
    assert "RuntimeError: catalog unreadable" in caplog.text


@pytest.mark.django_db
def test_the_warm_up_stores_no_page_and_a_publication_still_shows(
    settings, client, home_fr, publish
):
    settings.PAGE_CACHE_ENABLED = True
    settings.CACHE_VERSIONS = "database"
    assert warmup.warm_up(force=True)["pages"]["/fr/"] == 200

    # The warm-up's render was not kept: the first visitor's is a miss.
    first = client.get("/fr/")
    assert (first.status_code, first["X-Page-Cache"]) == (200, "miss")
    assert client.get("/fr/")["X-Page-Cache"] == "hit"

    # Whatever the warm-up kept (the page tree) follows the content.
    home_fr.title = "Accueil republié après le démarrage"
    publish(home_fr)
    after = client.get("/fr/")
    assert after["X-Page-Cache"] == "miss"
    assert "Accueil republié après le démarrage" in after.content.decode()


# --- gunicorn, for real ------------------------------------------------------------


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_gunicorn_starts_warm_with_its_configuration(
    tmp_path_factory, django_db_setup, django_db_blocker
):
    """One worker on a copy of the seeded database, replaced after two
    requests: the master warmed up before forking, and the worker forked
    later serves from the same preloaded application."""
    workdir = tmp_path_factory.mktemp("gunicorn")
    with django_db_blocker.unblock():
        database_url, cleanup = _live_database(tmp_path_factory, workdir, name="gunicorn")
    port = _free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_", "GUNICORN_", "PYTEST_"))
            and k not in {"BIND", "PORT", "WEB_CONCURRENCY", "WARM_UP"}
        },
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_MAX_REQUESTS": "2",
        "GUNICORN_MAX_REQUESTS_JITTER": "0",
    }
    log_path = workdir / "gunicorn.log"
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "w") as log:
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status = _get(base + "/fr/")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("gunicorn did not start:\n" + log_path.read_text())
                time.sleep(0.1)
        # The first worker ends after its second request; the third and
        # fourth go to the worker forked after it.
        statuses = [status] + [_get(base + path) for path in ("/en/", "/fr/", "/en/")]
    finally:
        server.terminate()
        server.wait(timeout=30)
        with django_db_blocker.unblock():
            cleanup()

    output = log_path.read_text()
    assert statuses == [200, 200, 200, 200], output
    assert "Warm-up in" in output and "pages: {'/fr/': 200, '/en/': 200}" in output, output
    assert output.count("Booting worker") >= 2, output
    assert "Traceback" not in output and "ERROR" not in output, output
