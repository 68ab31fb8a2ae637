"""The sections a page shows from other apps are kept per content version and
time window (home/registry.py `cached=True`, issue 17): a fiche or the home
page served without the full-page cache reads only its own rows, and never
shows a section older than the content or the time it derives from."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls_for_projects.factories import CallForProjectsPageFactory
from calls_for_projects.models import CallOrganiser, CallsIndexPage
from directory.models import ActorPage, DirectoryIndexPage
from home.registry import ACTOR_SECTIONS, SectionRegistry
from tests.html import soup as parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    state = {"now": timezone.now().replace(microsecond=0)}
    monkeypatch.setattr(timezone, "now", lambda: state["now"])
    return state


@pytest.fixture
def actor(fr, publish):
    index = DirectoryIndexPage.objects.get(locale=fr)
    page = ActorPage(title="Région Zéphyr", slug="region-zephyr", kind="conseil-regional")
    index.add_child(instance=page)
    return publish(page)


def organised_call(actor, publish, title, deadline):
    index = CallsIndexPage.objects.get(locale=actor.locale)
    call = CallForProjectsPageFactory(parent=index, title=title, deadline=deadline)
    CallOrganiser.objects.create(call=call, actor=actor, role="organisateur", sort_order=0)
    return publish(call)


def calls_section(client, actor) -> list[str]:
    doc = parse(client.get(actor.url).content.decode())
    return [item.get_text(" ", strip=True) for item in doc.select("li.actor-calls__item")]


def test_a_fiche_served_again_reads_none_of_its_sections_rows(client, actor, publish, clock):
    organised_call(actor, publish, "Appel Alizé", clock["now"] + timedelta(days=30))
    client.get(actor.url)
    with CaptureQueriesContext(connection) as queries:
        assert any("Appel Alizé" in item for item in calls_section(client, actor))
    tables = " ".join(query["sql"] for query in queries)
    for table in ("calls_for_projects_callforprojectspage", "conventions_conventionpage",
                  "network_minutes_meetingminutespage", "events_eventpage"):  # fmt: skip
        assert table not in tables, table


def test_a_publication_shows_on_a_fiche_already_served(client, actor, publish, clock):
    organised_call(actor, publish, "Appel Alizé", clock["now"] + timedelta(days=30))
    assert len(calls_section(client, actor)) == 1
    call = organised_call(actor, publish, "Appel Mistral", clock["now"] + timedelta(days=20))
    assert any("Appel Mistral" in item for item in calls_section(client, actor))
    call.title = "Appel Mistral renommé"
    publish(call)
    assert any("Appel Mistral renommé" in item for item in calls_section(client, actor))
    call.unpublish()
    assert not any("Mistral" in item for item in calls_section(client, actor))


def test_a_call_status_on_a_fiche_flips_at_its_deadline(client, actor, publish, clock):
    deadline = clock["now"] + timedelta(hours=3)
    organised_call(actor, publish, "Appel Zéphyr", deadline)
    (item,) = calls_section(client, actor)
    assert "Clos" not in item
    clock["now"] = deadline - timedelta(seconds=5)
    (item,) = calls_section(client, actor)
    assert "Clos" not in item
    clock["now"] = deadline + timedelta(seconds=1)
    (item,) = calls_section(client, actor)
    assert "Clos" in item


def test_a_section_that_depends_on_who_asks_is_never_kept(client, actor, monkeypatch):
    registry = SectionRegistry("test")
    calls = []

    def personal(subject, request):
        calls.append(request.user.is_authenticated)
        return {"template": "x.html"}

    def shared(subject, request):
        calls.append("shared")
        return {"template": "y.html", "now": timezone.now()}

    registry.register("personal", personal)
    registry.register("shared", shared, cached=True)
    request = type("Request", (), {"user": type("U", (), {"is_authenticated": False})()})()
    monkeypatch.setattr("home.http.site_key", lambda request: "1")
    for _ in range(3):
        sections = registry.sections(actor, request)
    assert calls == [False, "shared", False, False]
    assert [section["key"] for section in sections] == ["personal", "shared"]


def test_the_fiche_sections_are_the_cached_ones():
    cached = {key for key, section in ACTOR_SECTIONS._sections.items() if section.cached}
    assert cached == {"calls", "events", "meetings", "conventions"}
    assert not ACTOR_SECTIONS._sections["propose_update"].cached
