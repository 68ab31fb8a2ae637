"""The agenda's CSV and JSON exports: the events the listing selects, read
back, with hostile stored values neither breaking the files nor running as
spreadsheet formulas."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.cache import cache

from directory.models import ActorPage
from events import vocab
from events.exports import COLUMNS
from events.models import paris
from home.models import Theme

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def mef(fr):
    return ActorPage.objects.get(locale=fr, slug="mef-mulhouse-sud-alsace")


@pytest.fixture
def theme():
    return Theme.objects.order_by("name").first()


@pytest.fixture
def events(make_event, today, mef, theme):
    forum = make_event(
        (today + 10 * DAY, None, today + 11 * DAY, None),
        (today + 12 * DAY, dt.time(9, 30), None, dt.time(12, 0)),
        title="Forum nécESSaire export",
        summary="Tables rondes et ateliers.",
        series="Forum nécESSaire",
        edition="2026",
        region="44",
        departement="68",
        place_name="MEF Mulhouse",
        address="7 rue de l'Ours",
        postcode="68100",
        city="Mulhouse",
        latitude="47.745300",
        longitude="7.339100",
        price=vocab.FREE,
        registration=vocab.Registration.LINK,
        registration_url="https://inscription.example.org/forum",
        accessible=True,
        organisers=[
            {"actor": mef, "role": vocab.ORGANISER},
            {"name": "Collectif des tiers-lieux", "role": vocab.Role.PARTNER},
        ],
        themes=[theme],
    )
    webinar = make_event(
        (today + 5 * DAY, dt.time(18, 0), None, dt.time(19, 30)),
        title="Webinaire export",
        event_type=vocab.EventType.CONFERENCE,
        status=vocab.CANCELLED,
        status_note="Annulé.",
        mode=vocab.ONLINE,
        online_url="https://visio.example.org/ess",
        registration=vocab.Registration.EMAIL,
        registration_email="inscription@example.org",
        region="11",
    )
    undated = make_event(title="Réunion à préciser export", dates_note="premier trimestre")
    past = make_event((today - 10 * DAY, None, None, None), title="Passé export", region="44")
    return {"forum": forum, "webinar": webinar, "undated": undated, "past": past}


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def get(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response


def read_csv(client, agenda, params=None) -> list[dict]:
    response = get(client, f"{agenda.url}export/csv/", params)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="agenda-')
    content = body(response)
    assert content.startswith("\ufeff".encode())  # for spreadsheets, as the directory's
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";")
    header, *lines = list(reader)
    assert header == COLUMNS
    return [dict(zip(header, line, strict=True)) for line in lines]


def read_json(client, agenda, params=None) -> list[dict]:
    response = get(client, f"{agenda.url}export/json/", params)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(body(response))


def paris_instant(day, time=dt.time.min) -> str:
    return dt.datetime.combine(day, time, paris()).isoformat()


def test_csv_has_one_row_per_current_event_in_date_order(client, agenda, events, mef, theme):
    rows = read_csv(client, agenda)
    assert [row["title"] for row in rows] == [
        "Webinaire export",
        "Forum nécESSaire export",
        "Réunion à préciser export",  # undated last; the past one is in the archive
    ]
    webinar, forum, undated = rows
    slots = events["forum"].ordered_slots
    expected = {
        "id": str(events["forum"].translation_key),
        "type": "forum",
        "type_label": "Forum, salon",
        "status": "programme",
        "start": paris_instant(slots[0].start_date),
        "end": paris_instant(slots[1].start_date, dt.time(12, 0)),
        "slots": (
            f"{slots[0].start_date.isoformat()}/{slots[0].end_date.isoformat()} | "
            f"{paris_instant(slots[1].start_date, dt.time(9, 30))}/"
            f"{paris_instant(slots[1].start_date, dt.time(12, 0))}"
        ),
        "mode": "sur-place",
        "place": "MEF Mulhouse",
        "address": "7 rue de l'Ours",
        "postcode": "68100",
        "city": "Mulhouse",
        "departement": "68",
        "departement_name": "Haut-Rhin",
        "region": "44",
        "region_name": "Grand Est",
        "latitude": "47.745300",
        "longitude": "7.339100",
        "organisers": f"{mef.title} | Collectif des tiers-lieux",
        "organiser_roles": "organisateur | partenaire",
        "organiser_urls": f"{mef.full_url} | ",
        "price": "gratuit",
        "price_label": "Gratuit",
        "registration": "lien",
        "registration_url": "https://inscription.example.org/forum",
        "accessible": "oui",
        "themes": theme.name,
        "series": "Forum nécESSaire",
        "edition": "2026",
    }
    assert {column: forum[column] for column in expected} == expected
    assert forum["url"] == events["forum"].full_url
    assert dt.datetime.fromisoformat(forum["last_published"]).utcoffset() is not None
    assert webinar["status"] == "annule" and webinar["status_note"] == "Annulé."
    assert webinar["online_url"] == "https://visio.example.org/ess"
    assert webinar["registration_url"] == "mailto:inscription@example.org"
    assert webinar["accessible"] == "non"
    assert undated["start"] == undated["slots"] == ""


def test_json_records_follow_schema_org_names(client, agenda, events, mef, theme):
    records = read_json(client, agenda)
    assert [record["name"] for record in records] == [
        "Webinaire export",
        "Forum nécESSaire export",
        "Réunion à préciser export",
    ]
    webinar, forum, undated = records
    slot = events["webinar"].slots.get()
    assert webinar["status"] == {"code": "annule", "label": "Annulé", "note": "Annulé."}
    assert webinar["eventStatus"] == "https://schema.org/EventCancelled"
    assert webinar["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert webinar["timings"] == [
        {
            "begin": paris_instant(slot.start_date, dt.time(18, 0)),
            "end": paris_instant(slot.start_date, dt.time(19, 30)),
            "allDay": False,
        }
    ]
    assert webinar["startDate"] == webinar["timings"][0]["begin"]
    assert webinar["location"] == {
        "name": "",
        "streetAddress": "",
        "postalCode": "",
        "addressLocality": "",
        "addressCountry": "France",
        "departement": None,
        "region": {"code": "11", "label": "Île-de-France"},
        "latitude": None,
        "longitude": None,
    }
    assert (forum["location"]["latitude"], forum["location"]["longitude"]) == (47.7453, 7.3391)
    assert forum["location"]["departement"] == {"code": "68", "label": "Haut-Rhin"}
    assert forum["timings"][0]["allDay"] is True
    assert forum["type"] == {"code": "forum", "label": "Forum, salon"}
    assert forum["organizers"] == [
        {
            "name": mef.title,
            "url": mef.full_url,
            "role": {"code": "organisateur", "label": "Organisateur"},
        },
        {
            "name": "Collectif des tiers-lieux",
            "url": None,
            "role": {"code": "partenaire", "label": "Partenaire"},
        },
    ]
    assert forum["price"] == {"code": "gratuit", "label": "Gratuit", "note": ""}
    assert forum["registration"]["url"] == "https://inscription.example.org/forum"
    assert forum["accessible"] is True
    assert forum["themes"] == [{"slug": theme.slug, "name": theme.name}]
    assert undated["startDate"] is None and undated["timings"] == []
    assert undated["datesNote"] == "premier trimestre"
    assert undated["location"] is None


def test_exports_follow_the_filters_and_ignore_bad_values(client, agenda, events):
    params = {"region": "44", "type": "n'importe", "date_to": "31/02/2026"}
    assert [row["title"] for row in read_csv(client, agenda, params)] == ["Forum nécESSaire export"]
    assert [record["name"] for record in read_json(client, agenda, params)] == [
        "Forum nécESSaire export"
    ]
    assert [row["title"] for row in read_csv(client, agenda, {"mode": "en-ligne"})] == [
        "Webinaire export"
    ]


@pytest.mark.parametrize(
    "title, cell",
    [
        (
            '=HYPERLINK("https://evil.example","clic")',
            '\'=HYPERLINK("https://evil.example","clic")',
        ),
        ("+33 forum", "'+33 forum"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'=1+1"),
        ("Forum\x0bdes\x1bESS\r\nsuite; « fin »", "Forum des ESS suite; « fin »"),
    ],
)
def test_hostile_values_are_neutralised(client, agenda, make_event, today, title, cell):
    make_event(
        (today + 3 * DAY, None, None, None),
        title=title,
        city="=cmd|' /C calc'!A0",
        organisers=[{"name": "@evil"}],
    )
    (row,) = read_csv(client, agenda)
    assert row["title"] == cell
    assert row["city"] == "'=cmd|' /C calc'!A0"
    assert row["organisers"] == "'@evil"
    (record,) = read_json(client, agenda)
    assert record["name"] == cell.removeprefix("'")  # JSON runs no formula: as stored
    assert "\x0b" not in json.dumps(record, ensure_ascii=False)


@pytest.mark.parametrize("path", ["export/csv/", "export/json/"])
def test_export_query_counts_do_not_grow_with_events(
    client, agenda, make_event, today, mef, theme, path, django_assert_max_num_queries
):
    def add(start, stop):
        for n in range(start, stop):
            make_event(
                (today + (n % 20) * DAY, None, None, None),
                (today + (n % 20 + 1) * DAY, dt.time(10, 0), None, dt.time(12, 0)),
                title=f"Volume {n}",
                region="44",
                organisers=[{"actor": mef}, {"name": "Collectif libre"}],
                themes=[theme],
            )

    def count():
        cache.clear()
        with django_assert_max_num_queries(20) as captured:
            response = client.get(f"{agenda.url}{path}", {"region": "44", "type": "x"})
            assert len(body(response)) > 0
        return len(captured.captured_queries)

    add(0, 3)
    few = count()
    add(3, 30)
    assert count() == few
