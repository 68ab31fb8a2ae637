"""The site search keeps each query's counts and ranked pages per content
version and time window (home/views.py, issue 17): asked again, a query
costs its page's rows only, and never shows what changed since (a page
published or unpublished, an announcement past its last day)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import paris
from home.models import StandardPage

pytestmark = pytest.mark.django_db

SEARCH = "/fr/recherche/"
DAY = dt.timedelta(days=1)


def titles(client, query, **params):
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200
    return [page.title for page in response.context["result_pages"]]


def test_a_query_asked_again_runs_no_search(client, home_fr, add_page):
    add_page(home_fr, StandardPage, title="Zéphyrine et l'économie locale")
    assert titles(client, "zephyrine") == ["Zéphyrine et l'économie locale"]
    with CaptureQueriesContext(connection) as queries:
        assert titles(client, "zephyrine") == ["Zéphyrine et l'économie locale"]
    searched = [q["sql"] for q in queries if "wagtailsearch_indexentry" in q["sql"]]
    assert searched == []


def test_a_publication_and_an_unpublication_show_at_once(client, home_fr, add_page):
    first = add_page(home_fr, StandardPage, title="Zéphyrine, première page")
    assert titles(client, "zephyrine") == ["Zéphyrine, première page"]
    second = add_page(home_fr, StandardPage, title="Zéphyrine, seconde page")
    both = ["Zéphyrine, première page", "Zéphyrine, seconde page"]
    assert sorted(titles(client, "zephyrine")) == both
    first.unpublish()
    assert titles(client, "zephyrine") == [second.title]
    # The type filter's counts follow too.
    response = client.get(SEARCH, {"q": "zephyrine"})
    assert sum(row.count for row in response.context["type_counts"]) == 1


def test_an_announcement_leaves_the_results_at_the_paris_midnight_after_its_last_day(
    client, make_announcement, monkeypatch
):
    last_day = dt.date(2030, 1, 15)
    clock = {"now": dt.datetime.combine(last_day, dt.time(23, 59), tzinfo=paris())}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    make_announcement("Bureau Zéphyrine à partager", expires_on=last_day)
    assert titles(client, "zephyrine") == ["Bureau Zéphyrine à partager"]
    assert titles(client, "zephyrine") == ["Bureau Zéphyrine à partager"]  # kept
    clock["now"] = dt.datetime.combine(last_day + DAY, dt.time(0, 0), tzinfo=paris())
    assert titles(client, "zephyrine") == []
