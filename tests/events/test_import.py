"""The agenda's bulk import (events/imports/, « Importer des événements »):
CSV and iCalendar files, the agenda's own exports read back (no duplicate on
a second import), typical iCalendar files (time zones, all-day dates,
cancellations, recurrences), the dry run, the bad-input catalogue reported
line by line, the admin's upload → report → confirmation and its
permissions, and the management command."""

import datetime as dt
import io
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision

from directory.models import ActorPage
from events import vocab
from events.admin_views import SESSION_KEY
from events.imports import MAX_OCCURRENCES, apply_plan, parse_file
from events.models import AgendaIndexPage, EventOrganiser, EventPage, paris
from home.models import Theme
from home.roles import EDITORS

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
IMPORT_URL = "/admin/agenda/import/"


@pytest.fixture
def agenda(home_fr):
    """An agenda of its own (published: its exports are read back)."""
    index = AgendaIndexPage(title="Agenda import", slug=f"agenda-import-{uuid.uuid4().hex[:6]}")
    home_fr.add_child(instance=index)
    index.save_revision().publish()
    return AgendaIndexPage.objects.get(pk=index.pk)


@pytest.fixture
def other_agenda(home_fr):
    index = AgendaIndexPage(title="Autre agenda", slug=f"autre-agenda-{uuid.uuid4().hex[:6]}")
    home_fr.add_child(instance=index)
    index.save_revision().publish()
    return AgendaIndexPage.objects.get(pk=index.pk)


@pytest.fixture
def today():
    return timezone.localtime(timezone.now(), paris()).date()


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
        title="Forum nécESSaire import",
        summary="Tables rondes et ateliers.",
        series="Forum nécESSaire",
        edition="2026",
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
        title="Webinaire import",
        summary="En visio.",
        event_type=vocab.EventType.CONFERENCE,
        status=vocab.CANCELLED,
        status_note="Annulé faute d'intervenants.",
        mode=vocab.ONLINE,
        online_url="https://visio.example.org/ess",
        registration=vocab.Registration.EMAIL,
        registration_email="inscription@example.org",
    )
    return {"forum": forum, "webinar": webinar}


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def export(client, agenda, kind) -> bytes:
    path = {"csv": "export/csv/", "ics": "flux/ical/"}[kind]
    response = client.get(f"{agenda.url}{path}")
    assert response.status_code == 200
    return body(response)


def slots_of(page) -> list:
    return sorted((slot.instants(), slot.all_day) for slot in page.slots.all())


def events_in(agenda):
    return list(EventPage.objects.child_of(agenda).order_by("title"))


def actions(plan) -> dict:
    return {row.title: row.action_label for row in plan.rows}


def results(report) -> dict:
    return {row.title: row.action for row in report.rows}


# --- Round trips: our own exports re-import ------------------------------------------


def test_the_csv_export_reimports_without_duplicates(client, agenda, other_agenda, events):
    content = export(client, agenda, "csv")
    revisions = Revision.objects.count()

    # Into the same agenda: each line is recognised (its id), nothing changes.
    plan = parse_file(content, agenda, name="agenda.csv")
    assert actions(plan) == {
        "Forum nécESSaire import": "mise à jour",
        "Webinaire import": "mise à jour",
    }
    report = apply_plan(plan, agenda)
    assert report.applied
    assert results(report) == {
        "Forum nécESSaire import": "unchanged",
        "Webinaire import": "unchanged",
    }
    assert Revision.objects.count() == revisions
    assert len(events_in(agenda)) == 2

    # Into another agenda: two drafts, each with a revision, the same content.
    report = apply_plan(parse_file(content, other_agenda, name="agenda.csv"), other_agenda)
    assert results(report) == {"Forum nécESSaire import": "created", "Webinaire import": "created"}
    forum, webinar = events_in(other_agenda)
    for page, original in ((forum, events["forum"]), (webinar, events["webinar"])):
        assert not page.live
        assert page.latest_revision is not None
        assert page.translation_key != original.translation_key
        assert slots_of(page) == slots_of(original)
        for name in ("event_type", "status", "summary", "mode", "online_url", "registration"):
            assert getattr(page, name) == getattr(original, name), name
    assert (forum.place_name, forum.address, forum.postcode, forum.city) == (
        "MEF Mulhouse",
        "7 rue de l'Ours",
        "68100",
        "Mulhouse",
    )
    assert (forum.departement, forum.region) == ("68", "44")  # derived from the postcode
    assert str(forum.latitude) == "47.745300" and forum.accessible
    assert forum.price == vocab.FREE and forum.series_label == "Forum nécESSaire 2026"
    assert [(o.actor, o.name, o.role) for o in forum.organisers.all()] == [
        (events["forum"].organisers.first().actor, "", vocab.ORGANISER),
        (None, "Collectif des tiers-lieux", vocab.Role.PARTNER),
    ]
    assert list(forum.themes.all()) == list(events["forum"].themes.all())
    assert webinar.status_note == "Annulé faute d'intervenants."
    assert webinar.registration_email == "inscription@example.org"

    # A second import of the same file: recognised by title and first start.
    plan = parse_file(content, other_agenda, name="agenda.csv")
    assert {row.target_id for row in plan.rows} == {forum.pk, webinar.pk}
    report = apply_plan(plan, other_agenda)
    assert results(report) == {
        "Forum nécESSaire import": "unchanged",
        "Webinaire import": "unchanged",
    }
    assert len(events_in(other_agenda)) == 2


def test_organisers_sharing_a_position_read_back_unchanged(client, agenda, events):
    """Organisers added outside the editor may share a position; the export
    lists them by creation, and the latest revision may hold them in
    another order: the re-import still finds nothing to change."""
    forum = events["forum"]
    EventOrganiser.objects.filter(event=forum).update(sort_order=0)
    draft = forum.get_latest_revision_as_object()
    tied = sorted(draft.organisers.all(), key=lambda o: o.pk, reverse=True)
    for organiser in tied:
        organiser.sort_order = 0
    draft.organisers = tied
    draft.save_revision()
    content = export(client, agenda, "csv")
    revisions = Revision.objects.count()

    report = apply_plan(parse_file(content, agenda, name="agenda.csv"), agenda)

    assert results(report)["Forum nécESSaire import"] == "unchanged"
    assert Revision.objects.count() == revisions


def test_the_ical_feed_reimports_without_duplicates(client, agenda, other_agenda, events):
    content = export(client, agenda, "ics")
    revisions = Revision.objects.count()

    plan = parse_file(content, agenda, name="agenda.ics")
    assert [row.target_id for row in plan.rows] == [events["webinar"].pk, events["forum"].pk]
    report = apply_plan(plan, agenda)
    assert results(report) == {
        "Webinaire import": "unchanged",
        "Forum nécESSaire import": "unchanged",
    }
    assert Revision.objects.count() == revisions

    report = apply_plan(parse_file(content, other_agenda, name="agenda.ics"), other_agenda)
    assert report.created == 2
    forum, webinar = events_in(other_agenda)
    assert slots_of(forum) == slots_of(events["forum"])  # an all-day slot, a timed one
    assert slots_of(webinar) == slots_of(events["webinar"])
    # « [Annulé] Webinaire import », STATUS:CANCELLED: the title without the flag.
    assert webinar.title == "Webinaire import" and webinar.status == vocab.CANCELLED
    assert webinar.status_note == "Annulé faute d'intervenants."
    assert webinar.summary == "En visio."
    assert (webinar.mode, webinar.online_url) == (vocab.ONLINE, "https://visio.example.org/ess")
    assert webinar.event_type == vocab.EventType.CONFERENCE  # CATEGORIES, its label
    assert (forum.place_name, forum.address, forum.postcode, forum.city) == (
        "MEF Mulhouse",
        "7 rue de l'Ours",
        "68100",
        "Mulhouse",
    )
    assert (str(forum.latitude), str(forum.longitude)) == ("47.745300", "7.339100")

    report = apply_plan(parse_file(content, other_agenda, name="agenda.ics"), other_agenda)
    assert report.created == 0 and report.unchanged == 2
    assert len(events_in(other_agenda)) == 2


def test_a_changed_export_updates_the_event_as_a_draft(client, agenda, events):
    content = export(client, agenda, "csv").decode("utf-8-sig")
    content = content.replace("Tables rondes et ateliers.", "Tables rondes, ateliers, stands.")
    report = apply_plan(parse_file(content.encode(), agenda, name="a.csv"), agenda)
    forum = EventPage.objects.get(pk=events["forum"].pk)
    assert results(report)["Forum nécESSaire import"] == "updated"
    assert forum.summary == "Tables rondes et ateliers."  # the live version is untouched
    draft = forum.get_latest_revision_as_object()
    assert draft.summary == "Tables rondes, ateliers, stands."
    assert forum.has_unpublished_changes


# --- Hand-written iCalendar ------------------------------------------------------------


def ics(*vevents: str, head: str = "") -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//FR", head]
    for vevent in vevents:
        lines += ["BEGIN:VEVENT", *vevent.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(line.strip() for line in lines if line.strip()).encode()


def by_title(agenda) -> dict:
    return {page.title: page for page in events_in(agenda)}


def paris_at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=paris())


def test_a_typical_ical_file(agenda, theme):
    categories = ",".join(["Atelier", theme.name.replace(",", "\\,"), "Inconnue"])
    content = ics(
        f"""
        UID:tzid@openagenda.com
        SUMMARY:Atelier TZID
        DTSTART;TZID=Europe/Paris:20261120T093000
        DTEND;TZID=Europe/Paris:20261120T120000
        LOCATION:Salle des fêtes, 12 rue de la Paix, 91000 Évry-Courcouronnes, France
        GEO:48.629;2.441
        DESCRIPTION:<p>Un atelier<br>pratique.</p>
        URL:https://openagenda.com/evenement/atelier
        CATEGORIES:{categories}
        """,
        """
        UID:utc@google.com
        SUMMARY:Réunion UTC
        DTSTART:20260705T080000Z
        DTEND:20260705T093000Z
        STATUS:TENTATIVE
        """,
        """
        UID:allday@google.com
        SUMMARY:Festival sur deux jours
        DTSTART;VALUE=DATE:20261121
        DTEND;VALUE=DATE:20261123
        """,
        """
        UID:cancelled@google.com
        SUMMARY:Conférence annulée
        DTSTART;TZID=Europe/Paris:20261125T180000
        DURATION:PT2H
        STATUS:CANCELLED
        """,
        """
        UID:floating@example.org
        SUMMARY:Heure flottante
        DTSTART:20261201T140000
        """,
        # A weekly meeting, its third date moved by an exception (same UID).
        """
        UID:weekly@google.com
        SUMMARY:Permanence hebdomadaire
        DTSTART;TZID=Europe/Paris:20261019T100000
        DTEND;TZID=Europe/Paris:20261019T110000
        RRULE:FREQ=WEEKLY;COUNT=3
        """,
        """
        UID:weekly@google.com
        RECURRENCE-ID;TZID=Europe/Paris:20261102T100000
        SUMMARY:Permanence hebdomadaire
        DTSTART;TZID=Europe/Paris:20261103T140000
        DTEND;TZID=Europe/Paris:20261103T150000
        """,
    )
    plan = parse_file(content, agenda, name="openagenda.ics")
    assert plan.errors == []
    assert [row.line for row in plan.rows] == [4, 15, 22, 28, 35, 40]  # their BEGIN:VEVENT
    report = apply_plan(plan, agenda)
    assert report.created == 6
    pages = by_title(agenda)
    assert len(pages) == 6

    workshop = pages["Atelier TZID"]
    assert slots_of(workshop) == [
        ((paris_at(dt.date(2026, 11, 20), 9, 30), paris_at(dt.date(2026, 11, 20), 12)), False)
    ]
    assert (workshop.place_name, workshop.address, workshop.postcode, workshop.city) == (
        "Salle des fêtes",
        "12 rue de la Paix",
        "91000",
        "Évry-Courcouronnes",
    )
    assert (workshop.departement, workshop.region) == ("91", "11")
    assert str(workshop.latitude) == "48.629000"
    assert workshop.summary == "Un atelier\npratique."  # HTML reduced to text
    assert "https://openagenda.com/evenement/atelier" in workshop.description
    assert workshop.event_type == vocab.EventType.WORKSHOP
    assert list(workshop.themes.all()) == [theme]  # the categories that match a theme

    meeting = pages["Réunion UTC"]  # 08:00 UTC is 10:00 in Paris in July
    slot = meeting.slots.get()
    assert (slot.start_date, slot.start_time, slot.end_time) == (
        dt.date(2026, 7, 5),
        dt.time(10, 0),
        dt.time(11, 30),
    )
    assert meeting.status == vocab.POSTPONED
    assert meeting.event_type == vocab.EventType.OTHER

    festival = pages["Festival sur deux jours"].slots.get()
    assert (festival.start_date, festival.end_date, festival.all_day) == (
        dt.date(2026, 11, 21),
        dt.date(2026, 11, 22),  # DTEND is the day after the last
        True,
    )
    cancelled = pages["Conférence annulée"]
    assert cancelled.status == vocab.CANCELLED
    assert cancelled.slots.get().end_time == dt.time(20, 0)
    floating = pages["Heure flottante"].slots.get()
    assert (floating.start_date, floating.start_time) == (dt.date(2026, 12, 1), dt.time(14, 0))

    weekly = pages["Permanence hebdomadaire"]  # one event, three slots
    assert [(s.start_date, s.start_time) for s in weekly.ordered_slots] == [
        (dt.date(2026, 10, 19), dt.time(10, 0)),
        (dt.date(2026, 10, 26), dt.time(10, 0)),  # after the change of time: still 10:00 in Paris
        (dt.date(2026, 11, 3), dt.time(14, 0)),  # the exception
    ]


def test_recurrences_expand_within_bounds_or_are_reported(agenda):
    content = ics(
        """
        UID:bounded@example.org
        SUMMARY:Jusqu'à une date
        DTSTART;VALUE=DATE:20261102
        RRULE:FREQ=DAILY;UNTIL=20261104
        EXDATE;VALUE=DATE:20261103
        """,
        """
        UID:endless@example.org
        SUMMARY:Sans fin
        DTSTART;TZID=Europe/Paris:20261102T100000
        RRULE:FREQ=WEEKLY
        """,
        """
        UID:toomany@example.org
        SUMMARY:Trop de dates
        DTSTART;TZID=Europe/Paris:20261102T100000
        RRULE:FREQ=DAILY;COUNT=400
        """,
    )
    plan = parse_file(content, agenda, name="r.ics")
    bounded, endless, too_many = plan.rows
    assert bounded.is_valid
    assert [slot.start_date for slot in bounded.slots] == [
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 4),
    ]
    assert "Récurrence non prise en charge : règle sans fin" in endless.reason
    assert f"plus de {MAX_OCCURRENCES} dates" in too_many.reason
    assert (endless.line, too_many.line) == (11, 17)


# --- Dry run, bad rows -------------------------------------------------------------------


def test_the_dry_run_writes_nothing(client, agenda, other_agenda, events):
    content = export(client, agenda, "csv")
    pages, revisions = EventPage.objects.count(), Revision.objects.count()
    plan = parse_file(content, other_agenda, name="agenda.csv")
    assert [row.action for row in plan.rows] == ["create", "create"]
    assert (EventPage.objects.count(), Revision.objects.count()) == (pages, revisions)


def csv_file(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


BAD_CSV = csv_file(
    "titre;début;fin;lieu;commune",
    "Bon forum;2026-11-20 09:30;2026-11-20 12:00;MEF;Mulhouse",
    "Année un;0001-01-01;;;",
    "Année 9999;9999-12-31 23:00;;;",
    "Fin avant début;2026-11-20 18:00;2026-11-20 09:00;;",
    "Contrôle\x07;2026-11-20;;;",
    f"{'x' * 10_000};2026-11-20;;;",
    "<script>alert(1)</script>;2026-11-20;;;",
    "Date fausse;31/02/2026;;;",
    "Bonne journée;21/11/2026;22/11/2026;;Sceaux",
)


def test_bad_rows_are_reported_with_line_and_reason_and_good_rows_apply(agenda):
    plan = parse_file(BAD_CSV, agenda, name="bad.csv")
    reasons = {row.line: row.reason for row in plan.rows}
    assert reasons[2] == "" and reasons[10] == ""
    assert "Année 1 hors des bornes" in reasons[3]
    assert "Année 9999 hors des bornes" in reasons[4]
    assert "La fin (20/11/2026 09:00) précède le début (20/11/2026 18:00)" in reasons[5]
    assert "Caractère de contrôle interdit (code U+0007)" in reasons[6]
    assert "10000 caractères pour 255 au plus" in reasons[7]
    assert "Contenu exécutable refusé" in reasons[8]
    assert "Date illisible : « 31/02/2026 »" in reasons[9]
    assert [str(error).split(",")[0] for error in plan.errors] == [
        f"ligne {line}" for line in range(3, 10)
    ]

    # Without confirmation, a file with errors changes nothing.
    report = apply_plan(plan, agenda)
    assert not report.applied and events_in(agenda) == []

    report = apply_plan(
        parse_file(BAD_CSV, agenda, name="bad.csv"), agenda, confirm_valid_rows=True
    )
    assert report.applied and report.created == 2 and report.skipped == 7
    assert {page.title for page in events_in(agenda)} == {"Bon forum", "Bonne journée"}
    journey = by_title(agenda)["Bonne journée"].slots.get()
    assert (journey.start_date, journey.end_date, journey.all_day) == (
        dt.date(2026, 11, 21),
        dt.date(2026, 11, 22),
        True,
    )


def test_bad_ical_events_are_reported_with_their_line(agenda):
    content = ics(
        """
        UID:good@example.org
        SUMMARY:Bon
        DTSTART;VALUE=DATE:20261120
        """,
        """
        UID:year@example.org
        SUMMARY:An 9999
        DTSTART:99991231T230000Z
        """,
        """
        UID:broken@example.org
        SUMMARY:Cassé
        DTSTART:99999999
        """,
        """
        UID:reverse@example.org
        SUMMARY:À l'envers
        DTSTART;VALUE=DATE:20261120
        DTEND;VALUE=DATE:20261101
        """,
        """
        UID:script@example.org
        SUMMARY:<script>alert(1)</script>
        DTSTART;VALUE=DATE:20261120
        """,
        """
        UID:nodate@example.org
        SUMMARY:Sans date
        """,
    )
    plan = parse_file(content, agenda, name="bad.ics")
    reasons = {row.line: row.reason for row in plan.rows}
    assert reasons[4] == ""
    assert "Année 9999 hors des bornes" in reasons[9]
    assert "Date illisible : « 99999999 »" in reasons[14]
    assert "précède le début" in reasons[19]
    assert "Contenu exécutable refusé" in reasons[25]
    assert "Date de début (DTSTART) absente" in reasons[30]
    report = apply_plan(plan, agenda, confirm_valid_rows=True)
    assert [page.title for page in events_in(agenda)] == ["Bon"]
    assert report.skipped == 5


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.csv", "UTF-8"),
        ("titre\nA\n".encode("utf-16"), "e.csv", "UTF-8"),
        (b"lieu;commune\nA;B\n", "e.csv", "Colonne du titre absente"),
        (b"", "e.csv", "vide"),
        (b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "e.ics", "aucun événement"),
        (b"pas un calendrier", "e.ics", "BEGIN:VCALENDAR attendu"),
        (b"BEGIN:VCALENDAR\r\nfoo\r\nEND:VCALENDAR\r\n", "e.ics", "illisible"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(agenda, content, name, fragment):
    plan = parse_file(content, agenda, name=name)
    assert plan.file_errors and fragment in str(plan.file_errors[0])


def test_what_an_event_must_have_is_checked_in_the_dry_run(agenda):
    content = csv_file(
        "titre;début;participation;inscription",
        "En ligne sans lien;2026-11-20;en-ligne;",
        "Inscription sans lien;2026-11-20;;Inscription en ligne",
    )
    online, registration = parse_file(content, agenda, name="rules.csv").rows
    assert "Un événement en ligne a besoin d'un lien pour le suivre." in online.reason
    assert "Indiquez le lien d'inscription." in registration.reason


def test_a_file_naming_one_event_twice_is_reported(agenda):
    content = csv_file("titre;début", "Forum;2026-11-20", "forum;2026-11-20")
    plan = parse_file(content, agenda, name="twice.csv")
    assert plan.rows[1].reason == "Cette ligne désigne le même événement que la ligne 2."


# --- The admin -------------------------------------------------------------------------


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("redac-import", "ri@example.org", "x")
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


def upload(client, agenda, content, name="agenda.ics"):
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(IMPORT_URL, {"index_page": agenda.pk, "file": file, "action": "preview"})


def confirm(client, action="confirm"):
    token = client.session[SESSION_KEY]["token"]
    return client.post(IMPORT_URL, {"token": token, "action": action})


GOOD_ICS = ics(
    """
    UID:admin-1@example.org
    SUMMARY:Forum par l'admin
    DTSTART;TZID=Europe/Paris:20261120T093000
    DTEND;TZID=Europe/Paris:20261120T120000
    """,
    """
    UID:admin-2@example.org
    SUMMARY:Atelier par l'admin
    DTSTART;VALUE=DATE:20261121
    """,
)


def test_the_listing_leads_to_the_import(client, editor, agenda):
    client.force_login(editor)
    response = client.get("/admin/events/")
    assert response.status_code == 200
    assert reverse("events_import") in response.content.decode()
    response = client.get(IMPORT_URL)
    assert response.status_code == 200
    assert "Fichier CSV ou iCalendar (.ics)" in response.content.decode()


def test_an_editor_uploads_sees_the_dry_run_then_confirms(client, editor, agenda):
    client.force_login(editor)
    revisions = Revision.objects.count()
    response = upload(client, agenda, GOOD_ICS)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Essai à blanc" in content
    assert "2 lignes lues" in content and "2 création(s)" in content
    assert "<td>4</td><td>Forum par l&#x27;admin</td><td>création</td>" in content
    assert events_in(agenda) == [] and Revision.objects.count() == revisions

    response = confirm(client)
    assert response.status_code == 200
    assert "2 événement(s) créé(s)" in response.content.decode()
    pages = events_in(agenda)
    assert [page.title for page in pages] == ["Atelier par l'admin", "Forum par l'admin"]
    for page in pages:
        assert not page.live and page.owner == editor
        assert page.latest_revision.user == editor
    assert SESSION_KEY not in client.session

    # The same file again: recognised, nothing created.
    upload(client, agenda, GOOD_ICS)
    response = confirm(client)
    assert "0 événement(s) créé(s), 0 mis à jour, 2 inchangé(s)" in response.content.decode()
    assert len(events_in(agenda)) == 2


def test_the_admin_reports_bad_rows_and_imports_the_good_ones_on_request(client, editor, agenda):
    client.force_login(editor)
    response = upload(client, agenda, BAD_CSV, name="bad.csv")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<td>4</td><td>début</td>" in content and "Année 9999 hors des bornes" in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content  # shown, escaped
    assert "<script>alert(1)" not in content
    assert 'value="confirm_valid_rows"' in content and 'value="confirm"' not in content

    response = confirm(client, "confirm")
    assert "Aucune modification" in response.content.decode()
    assert events_in(agenda) == []
    response = confirm(client, "confirm_valid_rows")
    assert response.status_code == 200
    assert {page.title for page in events_in(agenda)} == {"Bon forum", "Bonne journée"}


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (b"\x89PNG\r\n\x1a\n", "logo.png", "Choisissez un fichier CSV (.csv) ou iCalendar"),
        (b"\xff\xfe\x00\x00binary\x00", "agenda.csv", "UTF-8"),
        (b"BEGIN:VCALENDAR\x00", "agenda.ics", "contenu binaire"),
    ],
)
def test_an_unreadable_upload_gives_a_clear_error(client, editor, agenda, content, name, fragment):
    client.force_login(editor)
    response = upload(client, agenda, content, name)
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("value", ["\x00", "9" * 30, "<script>alert(1)</script>", ""])
def test_hostile_form_values_are_refused_without_an_error(client, editor, agenda, value):
    client.force_login(editor)
    file = SimpleUploadedFile("agenda.ics", GOOD_ICS)
    response = client.post(IMPORT_URL, {"index_page": value, "file": file, "action": "preview"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="file"' in content and "error-message" in content  # the form, with its error
    assert "<script>alert(1)" not in content
    assert SESSION_KEY not in client.session
    response = client.post(IMPORT_URL, {"token": value, "action": "confirm"})
    assert response.status_code == 302  # nothing pending: back to the form, with a message
    assert events_in(agenda) == []


def test_the_import_needs_the_permission_to_add_events(client, django_user_model, agenda):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

    user = django_user_model.objects.create_user("sans-droit", "s@example.org", "x")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(user)
    # Wagtail's answer everywhere in the admin: back to the dashboard with a
    # message, a 403 to a script.
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert client.get(IMPORT_URL, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403
    assert upload(client, agenda, GOOD_ICS).status_code == 302
    assert client.post(IMPORT_URL, {"token": "x", "action": "confirm"}).status_code == 302
    assert events_in(agenda) == []


# --- The management command ---------------------------------------------------------------


def write(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_the_command_prints_the_report(tmp_path, agenda):
    path = write(tmp_path, "agenda.ics", GOOD_ICS)
    out = io.StringIO()
    call_command("import_events", path, "--dry-run", "--agenda", str(agenda.pk), stdout=out)
    assert out.getvalue().splitlines() == [
        "ligne 4 : « Forum par l'admin » — création",
        "ligne 10 : « Atelier par l'admin » — création",
        "Essai à blanc : 2 création(s), 0 mise(s) à jour, 0 ligne(s) en erreur ; rien n'a été "
        "modifié.",
    ]
    assert events_in(agenda) == []

    out = io.StringIO()
    call_command("import_events", path, "--agenda", str(agenda.pk), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:2] == [
        "ligne 4 : « Forum par l'admin » créé en brouillon",
        "ligne 10 : « Atelier par l'admin » créé en brouillon",
    ]
    assert lines[2].startswith("2 événement(s) créé(s)")
    assert len(events_in(agenda)) == 2


def test_the_command_reports_bad_rows_and_changes_nothing(tmp_path, agenda):
    path = write(tmp_path, "events.txt", BAD_CSV)
    out = io.StringIO()
    with pytest.raises(CommandError, match="erreurs"):
        call_command(
            "import_events",
            path,
            "--dry-run",
            "--format",
            "csv",
            "--agenda",
            str(agenda.pk),
            stdout=out,
        )
    assert (
        "ligne 4 : « Année 9999 » — erreur — début : Année 9999 hors des bornes" in out.getvalue()
    )
    with pytest.raises(CommandError, match="rien n'a été modifié"):
        call_command("import_events", path, "--agenda", str(agenda.pk), stdout=io.StringIO())
    assert events_in(agenda) == []
    out = io.StringIO()
    call_command(
        "import_events", path, "--confirm-valid-rows", "--agenda", str(agenda.pk), stdout=out
    )
    assert "ligne 2 : « Bon forum » créé en brouillon" in out.getvalue()
    assert (
        "ligne 4 : « Année 9999 » non importé (erreurs) — début : Année 9999 hors des bornes"
        in out.getvalue()
    )
    assert "2 événement(s) créé(s)" in out.getvalue()
    with pytest.raises(CommandError, match="Agenda introuvable"):
        call_command("import_events", path, "--agenda", "nulle-part", stdout=io.StringIO())
