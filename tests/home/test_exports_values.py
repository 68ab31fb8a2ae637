"""The calls' and the minutes' CSV exports built from `values()` a chunk at a
time with home/exports.py (`value_chunks`, `page_themes`, `descendant_urls`):
each cell as the instances gave it, the themes in the page's own order, the
addresses of `get_full_url`, and a constant number of queries per chunk."""

import csv
import datetime as dt
import io
import math
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls_for_projects import exports as call_exports
from calls_for_projects import vocab as call_vocab
from calls_for_projects.models import (
    CallForProjectsPage,
    CallLaureate,
    CallOrganiser,
    CallsIndexPage,
)
from directory.factories import ActorPageFactory
from directory.models import DirectoryIndexPage
from home.exports import descendant_urls, page_themes
from home.models import Theme
from network_minutes import exports as minutes_exports
from network_minutes.models import (
    ActionItem,
    MeetingMinutesPage,
    NetworkPage,
    NetworksIndexPage,
    Participant,
)

pytestmark = pytest.mark.django_db

WORD = "zorglubesque"


def fr_index(model):
    return model.objects.live().filter(locale__language_code="fr").first()


def read(client, url, params=None) -> dict[str, dict]:
    """The export's rows by title."""
    response = client.get(url, params or {})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return {row["title"]: row for row in csv.DictReader(io.StringIO(text), delimiter=";")}


@pytest.fixture
def themes(db):
    """Three themes in the order an editor adds them to a page, which is
    neither their names' order nor their ids'."""
    middle = Theme.objects.create(name="Maraîchage test", slug="maraichage-test")
    last = Theme.objects.create(name="Zythum solidaire", slug="zythum-solidaire")
    first = Theme.objects.create(name="Agriculture urbaine test", slug="agriculture-urbaine-test")
    return [last, first, middle]


@pytest.fixture
def actor(db):
    return ActorPageFactory(
        parent=fr_index(DirectoryIndexPage), title="Région hôte des tests", slug="region-hote"
    )


@pytest.fixture
def call(themes, actor, publish):
    call = CallForProjectsPage(
        title=f"=Appel {WORD}",
        slug="appel-des-valeurs",
        call_type=call_vocab.PRIZE,
        summary="Première ligne\nseconde\x07 ligne",
        framework="Mois de l'ESS",
        opens_on=dt.date(2026, 1, 5),
        is_rolling=True,
        recurrence=call_vocab.Recurrence.values[0],
        edition_year=2026,
        scope=call_vocab.REGIONAL,
        region="44",
        departement="68",
        total_envelope=Decimal("100000.00"),
        funding_rate=Decimal("50.00"),
        application_url="https://example.org/candidater",
    )
    call.themes.set(themes)
    call.organisers = [
        CallOrganiser(actor=actor, role=call_vocab.FUNDER),
        CallOrganiser(name="Partenaire | libre", role=call_vocab.Role.PARTNER),
    ]
    call.laureates = [CallLaureate(name="Lauréat 1"), CallLaureate(name="Lauréat 2")]
    fr_index(CallsIndexPage).add_child(instance=call)
    return publish(call)


@pytest.fixture
def meetings(themes, actor, publish):
    network = fr_index(NetworkPage)
    hosted = MeetingMinutesPage(
        title=f"Réunion {WORD} hébergée",
        slug="reunion-hebergee",
        date=dt.date(2026, 3, 12),
        start_time=dt.time(9, 30),
        end_time=dt.time(12, 0),
        meeting_format="atelier",
        place="Salle du conseil",
        host=actor,
        chair="@Présidente",
        summary="Résumé",
        next_meeting_date=dt.date(2026, 6, 1),
    )
    hosted.themes.set(themes)
    hosted.participants = [Participant(name=f"Personne {n}") for n in range(3)]
    hosted.action_items = [
        ActionItem(description="Faite", done=True),
        ActionItem(description="À faire"),
        ActionItem(description="À faire aussi"),
    ]
    network.add_child(instance=hosted)
    elsewhere = MeetingMinutesPage(
        title=f"Réunion {WORD} ailleurs",
        slug="reunion-ailleurs",
        date=dt.date(2026, 2, 1),
        host_text="Une commune du réseau",
    )
    network.add_child(instance=elsewhere)
    return network, publish(hosted), publish(elsewhere)


# --- Each cell ----------------------------------------------------------------------------------


def test_a_call_row_cell_by_cell(client, call, actor):
    status = CallForProjectsPage.objects.with_status(timezone.now()).get(pk=call.pk).status_now
    rows = read(client, fr_index(CallsIndexPage).url + "export/csv/", {"status": status})
    row = rows[f"'=Appel {WORD}"]
    assert row == {
        "id": str(call.translation_key),
        "title": f"'=Appel {WORD}",
        "url": call.get_full_url(),
        "summary": "Première ligne seconde ligne",
        "type": "prix",
        "type_label": "Prix ou trophée",
        "status": status,
        "status_label": call_vocab.label(call_exports.st.Status, status),
        "framework": "Mois de l'ESS",
        "opens_on": "2026-01-05",
        "preregistration_on": "",
        "deadline": "",
        "is_rolling": "oui",
        "dates_note": "",
        "recurrence": call_vocab.Recurrence.values[0],
        "edition_year": "2026",
        "scope": call_vocab.REGIONAL,
        "region": "44",
        "region_name": "Grand Est",
        "departement": "68",
        "departement_name": "Haut-Rhin",
        "territory_note": "",
        "total_envelope": "100000.00",
        "max_per_project": "",
        "funding_rate": "50.00",
        "application_url": "https://example.org/candidater",
        "organisers": "Région hôte des tests | Partenaire | libre",
        "organiser_roles": "financeur | partenaire",
        # The themes in the order the page gives them (added), not by name.
        "themes": "Zythum solidaire | Agriculture urbaine test | Maraîchage test",
        "laureates": "2",
        "last_published": timezone.localtime(call.last_published_at).isoformat(timespec="seconds"),
    }
    assert [theme.name for theme in call.themes.all()] == row["themes"].split(" | ")


def test_minutes_rows_cell_by_cell(client, meetings, actor):
    network, hosted, elsewhere = meetings
    rows = read(client, network.url + "export/csv/")
    assert rows[hosted.title] == {
        "id": str(hosted.translation_key),
        "title": hosted.title,
        "url": hosted.get_full_url(),
        "network": network.title,
        "date": "2026-03-12",
        "start_time": "09:30:00",
        "end_time": "12:00:00",
        "format": "atelier",
        "format_label": "Atelier",
        "place": "Salle du conseil",
        "host": "Région hôte des tests",
        "chair": "'@Présidente",
        "summary": "Résumé",
        "participants": "3",
        "actions": "3",
        "open_actions": "2",
        "next_meeting_date": "2026-06-01",
        "themes": "Zythum solidaire | Agriculture urbaine test | Maraîchage test",
        "last_published": timezone.localtime(hosted.last_published_at).isoformat(),
    }
    other = rows[elsewhere.title]
    assert (other["host"], other["participants"], other["themes"]) == (
        "Une commune du réseau",
        "0",
        "",
    )
    assert other["url"] == elsewhere.get_full_url()
    # The networks index's export holds the same rows.
    everything = read(client, fr_index(NetworksIndexPage).url + "export/csv/")
    assert everything[hosted.title] == rows[hosted.title]


def test_page_themes_are_each_pages_themes_in_its_order(call, meetings):
    _network, hosted, elsewhere = meetings
    pages = [call, hosted, elsewhere]
    found = page_themes([page.pk for page in pages])
    for page in pages:
        assert found[page.pk] == list(page.themes.all())
    assert found[elsewhere.pk] == []


def test_addresses_are_get_full_url(call, meetings):
    network, hosted, _elsewhere = meetings
    assert descendant_urls(fr_index(CallsIndexPage))(call.url_path) == call.get_full_url()
    for scope in (network, fr_index(NetworksIndexPage)):
        assert descendant_urls(scope)(hosted.url_path) == hosted.get_full_url()


# --- Queries per chunk --------------------------------------------------------------------------


def streamed_queries(client, url, params):
    """The queries run while the file streams (after the view returned)."""
    response = client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        text = b"".join(response.streaming_content)
    return [query["sql"] for query in captured.captured_queries], text


@pytest.mark.parametrize("total", [3, 7])
def test_calls_queries_per_chunk_are_constant(client, themes, actor, publish, monkeypatch, total):
    monkeypatch.setattr(call_exports, "EXPORT_CHUNK_SIZE", 2)
    index = fr_index(CallsIndexPage)
    for n in range(total):
        call = CallForProjectsPage(
            title=f"Appel {WORD} {n}", slug=f"appel-compte-{n}", call_type="aap", is_rolling=True
        )
        call.themes.set(themes)
        call.organisers = [CallOrganiser(actor=actor, role=call_vocab.FUNDER)]
        call.laureates = [CallLaureate(name=f"L{n}")]
        index.add_child(instance=call)
        publish(call)
    sql, text = streamed_queries(client, index.url + "export/csv/", {"q": WORD})
    chunks = math.ceil(total / 2)
    assert text.count(f"Appel {WORD}".encode()) == total
    assert len(sql) == 1 + 3 * chunks
    for table in ("callorganiser", "home_pagetheme", "calllaureate"):
        assert sum(table in query for query in sql) == chunks, table


@pytest.mark.parametrize("total", [3, 7])
def test_minutes_queries_per_chunk_are_constant(client, themes, publish, monkeypatch, total):
    monkeypatch.setattr(minutes_exports, "EXPORT_CHUNK_SIZE", 2)
    network = fr_index(NetworkPage)
    for n in range(total):
        meeting = MeetingMinutesPage(
            title=f"Réunion {WORD} {n}", slug=f"reunion-comptee-{n}", date=dt.date(2026, 1, 1 + n)
        )
        meeting.themes.set(themes)
        meeting.participants = [Participant(name="Quelqu'un")]
        network.add_child(instance=meeting)
        publish(meeting)
    sql, text = streamed_queries(client, network.url + "export/csv/", {"q": WORD})
    chunks = math.ceil(total / 2)
    assert text.count(f"Réunion {WORD}".encode()) == total
    assert len(sql) == 1 + chunks
    assert sum("home_pagetheme" in query for query in sql) == chunks
