"""The agenda's CSV and JSON exports built from `values()` a chunk at a time
(events/exports.py `event_values`): the same bytes as the records of the
event instances (the per-instance code they replaced, kept below as the
reference), the seeded agenda included, in French and in English, whatever
the filters; the addresses of `get_full_url`, the fiches' included; and a
constant number of queries per chunk."""

import csv
import datetime as dt
import io
import json
import math

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from directory.factories import ActorPageFactory, DirectoryIndexPageFactory
from directory.models import ActorPage, DirectoryIndexPage
from events import exports, vocab
from events.exports import (
    AGENDA_CSV,
    COLUMNS,
    FicheUrls,
    _coded,
    _instant,
    _number,
    _text,
    record_row,
)
from events.filters import EventFilterSet
from events.models import AgendaIndexPage, EventOrganiser, EventPage, EventSlot, paris
from home.exports import json_chunks
from home.models import Theme
from tests.exports.streamed import body, request_for

pytestmark = pytest.mark.django_db

WORD = "zorglubesque"
DAY = dt.timedelta(days=1)


# --- The reference: the per-instance records the exports made before ----------------------------


def reference_record(event, request=None) -> dict:
    """`event_record` as it was: one event instance, its slots and
    organisers (with their fiche) prefetched."""
    organisers = []
    for link in event.organisers.all():
        actor = link.actor if link.actor_id else None
        url = actor.get_full_url(request) if actor is not None and actor.live else None
        organisers.append(
            {
                "name": _text(link.display_name),
                "url": url,
                "role": _coded(link.role, link.role_label),
            }
        )
    price = _coded(event.price, event.get_price_display())
    location = {
        "name": _text(event.place_name),
        "streetAddress": _text(event.address),
        "postalCode": _text(event.postcode),
        "addressLocality": _text(event.city),
        "addressCountry": _text(event.country),
        "departement": _coded(event.departement, event.departement_name),
        "region": _coded(event.region, event.region_name),
        "latitude": _number(event.latitude),
        "longitude": _number(event.longitude),
    }
    known = {key: value for key, value in location.items() if key != "addressCountry"}
    registration_url = ""
    if event.registration == vocab.Registration.LINK:
        registration_url = _text(event.registration_url)
    elif event.registration == vocab.Registration.EMAIL and event.registration_email:
        registration_url = f"mailto:{_text(event.registration_email)}"
    return {
        "id": str(event.translation_key),
        "name": _text(event.title),
        "url": event.get_full_url(request),
        "description": _text(event.summary),
        "type": _coded(event.event_type, event.type_label),
        "status": {**_coded(event.status, event.status_label), "note": _text(event.status_note)},
        "eventStatus": vocab.SCHEMA_STATUS.get(event.status),
        "startDate": _instant(event.starts_at),
        "endDate": _instant(event.ends_at),
        "timings": [
            {
                "begin": _instant(slot.starts_at),
                "end": _instant(slot.ends_at),
                "allDay": slot.all_day,
            }
            for slot in event.ordered_slots
        ],
        "datesNote": _text(event.dates_note),
        "attendanceMode": _coded(event.mode, event.mode_label),
        "eventAttendanceMode": vocab.SCHEMA_ATTENDANCE.get(event.mode),
        "location": location if any(known.values()) else None,
        "onlineUrl": _text(event.online_url),
        "organizers": organisers,
        "price": {
            "code": event.price or None,
            "label": price["label"] if price else None,
            "note": _text(event.price_note),
        },
        "registration": {
            **_coded(event.registration, event.get_registration_display()),
            "url": registration_url or None,
        },
        "accessible": event.accessible,
        "themes": [
            {"slug": theme.slug, "name": _text(theme.display_name)} for theme in event.themes.all()
        ],
        "series": _text(event.series),
        "edition": _text(event.edition),
        "dateModified": _instant(event.last_published_at),
    }


def reference_slot_cell(slot) -> str:
    if slot.all_day:
        if slot.last_date == slot.start_date:
            return slot.start_date.isoformat()
        return f"{slot.start_date.isoformat()}/{slot.last_date.isoformat()}"
    return f"{_instant(slot.starts_at)}/{_instant(slot.ends_at)}"


def reference_row(event, request=None) -> list[str]:
    """`event_row` as it was: the per-instance record and slots, through the
    record-to-line mapping the refactor left as it was (`record_row`)."""
    cells = [reference_slot_cell(slot) for slot in event.ordered_slots]
    return record_row(reference_record(event, request), cells, event.latitude, event.longitude)


def reference_events(index, request):
    """The events as the exports read them before. Related rows in an
    explicit order (the same on SQLite and PostgreSQL). The themes are not
    prefetched: taggit's prefetch has no ORDER BY (its order was the
    database's), `event.themes.all()` gives the page's own order (the order
    they were added), which the exports now follow, as the calls' do."""
    listing = EventFilterSet(request.GET, scope=index)
    organisers = EventOrganiser.objects.select_related("actor").order_by("sort_order", "pk")
    slots = EventSlot.objects.order_by("sort_order", "pk")
    return listing.qs.defer_streamfields().prefetch_related(
        Prefetch("slots", queryset=slots), Prefetch("organisers", queryset=organisers)
    )


def reference_csv(index, request) -> bytes:
    rows = (reference_row(event, request) for event in reference_events(index, request))
    return "".join(AGENDA_CSV.chunks(rows)).encode("utf-8")


def reference_json(index, request) -> bytes:
    records = (reference_record(event, request) for event in reference_events(index, request))
    return "".join(json_chunks(records)).encode("utf-8")


# --- Helpers and fixtures -----------------------------------------------------------------------


def seed_agenda(language="fr") -> AgendaIndexPage:
    return AgendaIndexPage.objects.get(
        locale__language_code=language, url_path__endswith="/agenda/"
    )


def both_exports(index, request, language) -> tuple[tuple[bytes, bytes], tuple[bytes, bytes]]:
    """((fast CSV, reference CSV), (fast JSON, reference JSON)), read in `language`."""
    with translation.override(language):
        return (
            (body(exports.agenda_csv, request, index), reference_csv(index, request)),
            (body(exports.agenda_json, request, index), reference_json(index, request)),
        )


def add_event(index, *slots, organisers=(), themes=(), stored=None, **fields) -> EventPage:
    """A published event under `index` (and its English alias); each slot
    is (start_date, start_time, end_date, end_time), in the editor's order;
    `themes` in the order they are added. `stored`: values written as they
    are after publication, in both languages (codes a form would refuse)."""
    fields.setdefault("event_type", vocab.EventType.FORUM)
    event = EventPage(**fields)
    for start_date, start_time, end_date, end_time in slots:
        event.slots.add(
            EventSlot(
                start_date=start_date, start_time=start_time, end_date=end_date, end_time=end_time
            )
        )
    for organiser in organisers:
        event.organisers.add(EventOrganiser(**organiser))
    if themes:
        event.themes.add(*themes)
    index.add_child(instance=event)
    event.save_revision().publish()
    if stored:
        EventPage.objects.filter(translation_key=event.translation_key).update(**stored)
    return EventPage.objects.get(pk=event.pk)


@pytest.fixture
def in_2011(clock):
    """Every seeded event (2012 to 2015, or expected in 2012 and later) is
    current: the exports list them all."""
    clock(dt.datetime(2011, 1, 1, 12, 0, tzinfo=paris()))


@pytest.fixture
def themes(db):
    """Three themes in the order an editor adds them to a page, which is
    neither their names' order nor their ids'."""
    middle = Theme.objects.create(name="Maraîchage test", slug="maraichage-test")
    last = Theme.objects.create(
        name="Zythum solidaire", slug="zythum-solidaire", name_en="Solidarity zythum"
    )
    first = Theme.objects.create(name="Agriculture urbaine test", slug="agriculture-urbaine-test")
    return [last, first, middle]


@pytest.fixture
def fiches(fr, root_page, home_fr, publish):
    """Fiches of every kind an organiser may point at: one of the seeded
    directory, one of another directory index of the site, one unpublished,
    one outside every site."""
    elsewhere = DirectoryIndexPageFactory(
        parent=home_fr, title="Autre annuaire des exports", slug="autre-annuaire-exports"
    )
    publish(elsewhere)
    outside = DirectoryIndexPageFactory(parent=root_page, title="Hors site", slug="hors-site")

    def fiche(parent, slug, title):
        return publish(ActorPageFactory(parent=parent, slug=slug, title=title))

    unpublished = fiche(elsewhere, "fiche-depubliee", "Fiche dépubliée")
    unpublished.unpublish()
    return {
        "seeded": ActorPage.objects.get(locale=fr, slug="mef-mulhouse-sud-alsace"),
        "elsewhere": fiche(elsewhere, "fiche-ailleurs", "=Fiche | ailleurs"),
        "unpublished": ActorPage.objects.get(pk=unpublished.pk),
        "outside": fiche(outside, "fiche-hors-site", "Fiche hors site"),
    }


@pytest.fixture
def every_feature(themes, fiches):
    """Events of the seeded agenda with what a record can hold: slots in an
    order that is not their dates', all-day ones over one and several days,
    organisers of every kind, themes, hostile text, unknown codes."""
    index = seed_agenda()
    full = add_event(
        index,
        (dt.date(2027, 3, 20), dt.time(14, 0), None, dt.time(17, 30)),
        (dt.date(2026, 11, 20), None, dt.date(2026, 11, 22), None),
        (dt.date(2027, 3, 20), dt.time(9, 30), None, dt.time(12, 0)),
        (dt.date(2026, 12, 1), None, None, None),
        (dt.date(2026, 12, 5), dt.time(18, 0), dt.date(2026, 12, 6), dt.time(2, 0)),
        title=f"=Forum {WORD} | complet",
        slug="forum-des-valeurs",
        summary="Première ligne\nseconde\x07 ligne ; « fin »",
        series="Mois de l'ESS",
        edition="2026",
        status=vocab.POSTPONED,
        status_note="@Reporté au printemps",
        mode=vocab.HYBRID,
        online_url="https://visio.example.org/ess?salle=1&x=é",
        place_name="MEF Mulhouse",
        address="7 rue de l'Ours",
        postcode="68100",
        city="+Mulhouse",
        region="44",
        departement="68",
        latitude="47.745300",
        longitude="-7.339100",
        price=vocab.PAID,
        price_note="10 € ; gratuit pour les adhérents",
        registration=vocab.Registration.EMAIL,
        registration_email="inscription@example.org",
        accessible=True,
        organisers=[
            {"actor": fiches["elsewhere"], "role": vocab.Role.PARTNER},
            {"name": "@Collectif | libre", "role": vocab.ORGANISER},
            {"actor": fiches["seeded"], "role": vocab.ORGANISER},
            {"actor": fiches["unpublished"], "role": vocab.Role.PARTNER},
            {"actor": fiches["outside"], "role": vocab.Role.PARTNER},
        ],
        themes=themes,
    )
    undated = add_event(
        index,
        title=f"Réunion {WORD} à préciser",
        slug="reunion-a-preciser",
        dates_note="premier trimestre\x0b 2027",
        country="",
    )
    odd = add_event(
        index,
        (dt.date(2026, 6, 1), dt.time(10, 0), None, None),
        title=f"Événement {WORD} aux codes inconnus",
        slug="codes-inconnus",
        registration=vocab.Registration.LINK,
        registration_url="https://inscription.example.org/?a=1&b=2",
        latitude="0.000000",
        organisers=[{"name": "Sans fiche"}],
        themes=themes[1:],
        # Codes no longer (or not yet) in the vocabularies, as an import may store.
        stored={
            "event_type": "inconnu",
            "status": "pirate",
            "mode": "ailleurs",
            "region": "99",
            "departement": "2A",
        },
    )
    EventOrganiser.objects.filter(name="Sans fiche").update(role="inconnu")
    return {"full": full, "undated": undated, "odd": odd}


# --- The same bytes ------------------------------------------------------------------------------


def test_the_seeded_agenda_exports_the_same_bytes_as_per_event(in_2011, every_feature):
    index = seed_agenda()
    request = request_for(index)
    (csv_fast, csv_reference), (json_fast, json_reference) = both_exports(index, request, "fr")
    assert csv_fast == csv_reference
    assert json_fast == json_reference
    rows = list(csv.DictReader(io.StringIO(csv_fast.decode("utf-8-sig")), delimiter=";"))
    # Every seeded event and the fixture's give the comparison something to compare.
    assert len(rows) == EventPage.objects.live().child_of(index).count() >= 12
    assert [column for column in COLUMNS if not any(row[column] for row in rows)] == []
    assert sum(1 for row in rows if "annuaire" in row["organiser_urls"]) >= 5
    assert sum(1 for row in rows if row["themes"]) >= 5
    assert len(json.loads(json_fast)) == len(rows)


def test_the_english_agenda_exports_the_same_bytes_as_per_event(in_2011, every_feature):
    index = seed_agenda("en")
    request = request_for(index)
    (csv_fast, csv_reference), (json_fast, json_reference) = both_exports(index, request, "en")
    assert csv_fast == csv_reference
    assert json_fast == json_reference
    text = csv_fast.decode("utf-8-sig")
    assert "/en/agenda/" in text
    assert "Solidarity zythum" in text  # the themes' English names
    with translation.override("en"):
        assert f";reporte;{vocab.Status.POSTPONED.label};" in text  # labels in English
    # An English copy's organisers are the French fiches (aliases copy their rows).
    assert "/fr/annuaire/mef-mulhouse-sud-alsace/" in text


def test_the_english_export_through_the_site(client, in_2011, every_feature):
    """The /en/ route, English active while the file streams."""
    index = seed_agenda("en")
    response = client.get(index.url + "export/csv/")
    assert response.status_code == 200
    served = b"".join(response.streaming_content)
    with translation.override("en"):
        assert served == reference_csv(index, request_for(index))


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "params",
    [
        {"region": "44"},
        {"type": "forum", "mode": "en-ligne"},
        {"q": WORD},
        {"q": "économie", "theme": "zythum-solidaire"},
        {"organiser": "mef-mulhouse-sud-alsace", "price": "payant", "accessible": "oui"},
        {"date_from": "2026-11-21", "date_to": "2027-01-31"},
        {"period": "ce-mois-ci", "series": "Mois de l'ESS", "city": "+Mulhouse"},
        {"region": "\x00", "q": "\x00\x01", "sort": "pirate", "theme": "\x00"},
        {"organiser": "9" * 40, "departement": "9" * 40, "page": "9" * 40},
        {"date_from": "0001-01-01", "date_to": "31/02/2026", "period": "jamais"},
        {"date_from": "1-1-1", "date_to": "99999-12-31", "type": "n'importe"},
        {"date_from": "2027-01-01", "date_to": "2026-01-01"},
    ],
    ids=[
        "region",
        "type-mode",
        "text",
        "text-theme",
        "organiser-price",
        "dates",
        "period-series-city",
        "nul-bytes",
        "huge-ids",
        "year-1-bad-date",
        "bad-years",
        "reversed-dates",
    ],
)
def test_filtered_exports_are_the_same_as_per_event(in_2011, every_feature, params, language):
    index = seed_agenda(language)
    request = request_for(index, params)
    (csv_fast, csv_reference), (json_fast, json_reference) = both_exports(index, request, language)
    assert csv_fast == csv_reference
    assert json_fast == json_reference


@pytest.mark.parametrize("path", ["export/csv/", "export/json/"])
@pytest.mark.parametrize(
    "params",
    [
        {"region": "\x00", "q": "\x00"},
        {"organiser": "9" * 40, "theme": "9" * 40},
        {"date_from": "0001-01-01", "date_to": "2026-02-31"},
        {"page": "99999999999999999999999"},
    ],
    ids=["nul-bytes", "huge-ids", "year-1", "huge-page"],
)
def test_hostile_queries_through_the_site_are_served(client, every_feature, path, params):
    for language in ("fr", "en"):
        response = client.get(seed_agenda(language).url + path, params)
        assert response.status_code == 200
        b"".join(response.streaming_content)


# --- Each cell of a known event -----------------------------------------------------------------


def test_one_known_event_cell_by_cell(in_2011, every_feature, fiches, themes):
    index = seed_agenda()
    request = request_for(index)
    with translation.override("fr"):
        text = body(exports.agenda_csv, request, index).decode("utf-8-sig")
        records = json.loads(body(exports.agenda_json, request, index))
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text), delimiter=";")}
    full = every_feature["full"]
    row = rows[str(full.translation_key)]

    def at(day, hour, minute=0):
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=paris()).isoformat()

    assert row["title"] == f"'=Forum {WORD} | complet"
    assert row["summary"] == "Première ligne seconde ligne ; « fin »"
    # By date whatever the editor's order; all-day ones as days.
    assert row["slots"] == (
        "2026-11-20/2026-11-22 | 2026-12-01 | "
        f"{at(dt.date(2026, 12, 5), 18)}/{at(dt.date(2026, 12, 6), 2)} | "
        f"{at(dt.date(2027, 3, 20), 9, 30)}/{at(dt.date(2027, 3, 20), 12)} | "
        f"{at(dt.date(2027, 3, 20), 14)}/{at(dt.date(2027, 3, 20), 17, 30)}"
    )
    assert row["start"] == at(dt.date(2026, 11, 20), 0)
    assert row["end"] == at(dt.date(2027, 3, 20), 17, 30)
    assert row["organisers"] == (
        f"'=Fiche | ailleurs | @Collectif | libre | {fiches['seeded'].title} | "
        "Fiche dépubliée | Fiche hors site"
    )
    assert row["organiser_roles"] == (
        "partenaire | organisateur | organisateur | partenaire | partenaire"
    )
    # The fiches' addresses: none without a live fiche, none outside every site.
    assert row["organiser_urls"] == (
        f"{fiches['elsewhere'].get_full_url()} |  | {fiches['seeded'].get_full_url()} |  | "
    )
    assert fiches["outside"].get_full_url() is None
    assert row["themes"] == "Zythum solidaire | Agriculture urbaine test | Maraîchage test"
    assert [theme.name for theme in full.themes.all()] == row["themes"].split(" | ")
    assert (row["latitude"], row["longitude"]) == ("47.745300", "-7.339100")  # a number
    assert row["city"] == "'+Mulhouse"
    assert row["registration_url"] == "mailto:inscription@example.org"
    assert (row["status"], row["status_label"], row["status_note"]) == (
        "reporte",
        "Reporté",
        "'@Reporté au printemps",
    )

    odd = rows[str(every_feature["odd"].translation_key)]
    # Unknown codes are their own labels, as `get_<field>_display` gives them.
    assert (odd["type"], odd["type_label"], odd["status_label"]) == (
        "inconnu",
        "inconnu",
        "pirate",
    )
    assert (odd["departement_name"], odd["region"], odd["region_name"]) == (
        "Corse-du-Sud",
        "99",
        "",
    )
    assert odd["latitude"] == "0.000000" and odd["longitude"] == ""

    record = next(record for record in records if record["id"] == str(full.translation_key))
    assert record["url"] == full.get_full_url()
    assert [organiser["url"] for organiser in record["organizers"]] == [
        fiches["elsewhere"].get_full_url(),
        None,
        fiches["seeded"].get_full_url(),
        None,
        None,
    ]
    assert record["name"] == f"=Forum {WORD} | complet"  # JSON runs no formula: as stored
    undated = next(r for r in records if r["id"] == str(every_feature["undated"].translation_key))
    assert undated["timings"] == [] and undated["location"] is None
    assert undated["datesNote"] == "premier trimestre 2027"


# --- Addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["testserver", "autre.example.org"])
def test_fiche_addresses_are_get_full_url(fiches, host):
    request = RequestFactory().get("/", HTTP_HOST=host)
    fiche_url = FicheUrls(request)
    actors = list(ActorPage.objects.filter(live=True))
    assert len(actors) > 20  # the seeded directory in both languages, and the fixture's
    fiche_url.read(actor.path for actor in actors)
    for actor in actors:
        assert fiche_url(actor.path, actor.url_path) == actor.get_full_url(request)
    assert fiche_url(fiches["outside"].path, fiches["outside"].url_path) is None


def test_fiche_parents_are_read_once(fiches, django_assert_num_queries):
    fiche_url = FicheUrls(request_for(seed_agenda()))
    actors = list(ActorPage.objects.filter(live=True))
    with django_assert_num_queries(1):
        fiche_url.read(actor.path for actor in actors)
    with django_assert_num_queries(0):
        fiche_url.read(actor.path for actor in actors)
        assert all(fiche_url(actor.path, actor.url_path) for actor in actors[:5])
    parents = {actor.path[: -ActorPage.steplen] for actor in actors}
    assert set(fiche_url.of_parent) == parents
    assert len(parents) >= 4  # the seeded directories and the fixture's
    assert parents <= set(DirectoryIndexPage.objects.values_list("path", flat=True))


# --- Queries ----------------------------------------------------------------------------------


def add_many(index, fiche, themes, today, start, stop):
    for n in range(start, stop):
        add_event(
            index,
            (today + (n % 20 + 1) * DAY, None, None, None),
            (today + (n % 20 + 2) * DAY, dt.time(10, 0), None, dt.time(12, 0)),
            title=f"Volume {WORD} {n}",
            slug=f"volume-{n}",
            region="44",
            organisers=[{"actor": fiche}, {"name": "Collectif libre"}],
            themes=themes,
        )


def streamed_queries(view, request, index) -> tuple[list[str], bytes]:
    """The queries run while the file streams (after the view returned)."""
    response = view(request, index)
    with CaptureQueriesContext(connection) as captured:
        content = b"".join(response.streaming_content)
    return [query["sql"] for query in captured.captured_queries], content


@pytest.mark.parametrize("total", [3, 7])
def test_queries_per_chunk_are_constant(agenda, fiches, themes, today, monkeypatch, total):
    """One query for the events, then per chunk one for the slots, one for
    the organisers and one for the themes, and once the fiches' parents."""
    monkeypatch.setattr(exports, "EXPORT_CHUNK_SIZE", 2)
    add_many(agenda, fiches["seeded"], themes, today, 0, total)
    chunks = math.ceil(total / 2)
    for view in (exports.agenda_csv, exports.agenda_json):
        sql, content = streamed_queries(view, request_for(agenda), agenda)
        assert content.count(f"Volume {WORD}".encode()) == total
        assert len(sql) == 1 + 3 * chunks + 1, view.__name__
        for table in ("events_eventslot", "events_eventorganiser", "home_pagetheme"):
            assert sum(query.startswith(f'SELECT "{table}".') for query in sql) == chunks, table


@pytest.mark.parametrize("path", ["export/csv/", "export/json/"])
def test_whole_export_queries_do_not_grow_with_events(
    client, agenda, fiches, themes, today, path, django_assert_max_num_queries
):
    def count() -> int:
        client.get(agenda.url + path)  # the per-process caches warmed
        with django_assert_max_num_queries(20) as captured:
            response = client.get(agenda.url + path, {"region": "44"})
            content = b"".join(response.streaming_content)
        assert response.status_code == 200
        assert content.count(f"Volume {WORD}".encode()) == total
        return len(captured.captured_queries)

    total = 3
    add_many(agenda, fiches["seeded"], themes, today, 0, total)
    few = count()
    total = 30
    add_many(agenda, fiches["seeded"], themes, today, 3, total)
    assert count() == few
    # And the 30 events are the reference's.
    request = request_for(agenda, {"region": "44"})
    (csv_fast, csv_reference), (json_fast, json_reference) = both_exports(agenda, request, "fr")
    assert (csv_fast, json_fast) == (csv_reference, json_reference)
