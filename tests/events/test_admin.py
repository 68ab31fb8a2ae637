"""The agenda in the admin: the « Agenda » listing an editor works in (type,
announced status, time status derived now, région) and the tabbed event
form with its time slots."""

import datetime as dt
import re
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from events import vocab
from events.models import AgendaIndexPage, EventPage, EventSlot, paris
from home.roles import EDITORS, MODERATORS

pytestmark = pytest.mark.django_db

LISTING_URL = "/admin/events/"


def _user(django_user_model, username, group):
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "x")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(_user(django_user_model, "redac-agenda", EDITORS))
    return client


@pytest.fixture
def agenda(fr):
    return AgendaIndexPage.objects.get(locale=fr, slug="agenda")


@pytest.fixture
def make_event(agenda):
    def _make(title, *slots, **fields):
        fields.setdefault("event_type", vocab.EventType.FORUM)
        page = EventPage(title=title, **fields)
        for day, start, end in slots:
            page.slots.add(EventSlot(start_date=day, start_time=start, end_time=end))
        agenda.add_child(instance=page)
        page.save_revision().publish()
        return EventPage.objects.get(pk=page.pk)

    return _make


@pytest.fixture
def events(make_event):
    today = timezone.localtime(timezone.now(), paris()).date()
    day = dt.timedelta(days=1)
    return {
        "upcoming": make_event("Forum Zèbre à venir", (today + 30 * day, None, None), region="44"),
        "past": make_event(
            "Atelier Girafe passé",
            (today - 30 * day, dt.time(14, 0), dt.time(17, 0)),
            event_type=vocab.EventType.WORKSHOP,
            region="11",
        ),
        "cancelled": make_event(
            "Conférence Okapi annulée",
            (today + 10 * day, None, None),
            event_type=vocab.EventType.CONFERENCE,
            status=vocab.CANCELLED,
            region="44",
        ),
        "undated": make_event(
            "Réunion Lynx sans date",
            event_type=vocab.EventType.NETWORK_MEETING,
            dates_note="Au printemps",
        ),
    }


def listing(client, **params):
    response = client.get(LISTING_URL, params)
    assert response.status_code == 200
    return unescape(response.content.decode())


def row(html, title) -> str:
    """The text of the listing's table row showing `title`."""
    (found,) = [tr for tr in html.split("<tr")[1:] if title in tr]
    return " ".join(re.sub(r"<[^>]+>", " ", found.split("</tr>")[0]).split())


@pytest.mark.parametrize(
    "key, cells",
    [
        ("upcoming", ["Forum, salon", "À venir", "Programmé"]),
        ("past", ["Atelier", "Passé", "Programmé"]),
        ("cancelled", ["Conférence, table ronde", "À venir", "Annulé"]),
        ("undated", ["Réunion de réseau", "Date à préciser", "Programmé"]),
    ],
)
def test_editor_sees_each_event_with_type_time_status_and_status(editor_client, events, key, cells):
    text = row(listing(editor_client), events[key].title)
    for cell in cells:
        assert cell in text


def test_the_time_status_is_shown_in_search_results_too(editor_client, events):
    assert "À venir" in row(listing(editor_client, q="Okapi"), "Conférence Okapi annulée")


def test_seeded_events_are_listed_as_past(editor_client):
    assert "Passé" in row(listing(editor_client), "Forum nécESSaire 2018")


@pytest.mark.parametrize(
    "params, shown, hidden",
    [
        ({"event_type": "forum"}, ["Zèbre"], ["Girafe", "Okapi", "Lynx"]),
        ({"event_status": "annule"}, ["Okapi"], ["Zèbre", "Girafe", "Lynx"]),
        ({"time_status": "a-venir"}, ["Zèbre", "Okapi"], ["Girafe", "Lynx"]),
        ({"time_status": "passe"}, ["Girafe"], ["Zèbre", "Okapi", "Lynx"]),
        ({"time_status": "date-a-preciser"}, ["Lynx"], ["Zèbre", "Okapi", "Girafe"]),
        ({"region": "44"}, ["Zèbre", "Okapi"], ["Girafe", "Lynx"]),
        ({"region": "44", "time_status": "a-venir", "event_type": "conference"}, ["Okapi"], []),
        ({"q": "Okapi"}, ["Okapi"], ["Zèbre", "Girafe", "Lynx"]),
        ({"q": "Okapi", "time_status": "a-venir"}, ["Okapi"], ["Zèbre", "Girafe", "Lynx"]),
        ({"q": "Okapi", "time_status": "passe"}, [], ["Okapi", "Zèbre", "Girafe", "Lynx"]),
    ],
)
def test_editor_filters_the_agenda(editor_client, events, params, shown, hidden):
    html = listing(editor_client, **params)
    titles = {page.title.split()[1]: page.title for page in events.values()}
    for word in shown:
        assert titles[word] in html
    for word in hidden:
        assert titles[word] not in html


def test_bad_filter_values_are_ignored(editor_client, events):
    html = listing(editor_client, time_status="demain", event_type="?", region="999")
    assert "Forum Zèbre à venir" in html


def test_time_status_costs_no_query_per_row(editor_client, events, make_event):
    """The time status is one SQL expression of the listing's query (Wagtail
    and wagtail-localize run their own queries per row, not ours)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def slot_queries():
        listing(editor_client)  # warm the caches
        with CaptureQueriesContext(connection) as captured:
            html = listing(editor_client)
        return html, [q["sql"] for q in captured.captured_queries if "events_eventslot" in q["sql"]]

    _html, few = slot_queries()
    today = timezone.localdate()
    for n in range(8):
        make_event(f"Volume {n}", (today + dt.timedelta(days=n + 1), dt.time(9), dt.time(10)))
    html, many = slot_queries()
    assert "Volume 7" in html
    assert len(many) == len(few) <= 2


# --- The edit form -----------------------------------------------------------------


def edit_data(page, slots, **fields):
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "event_type": page.event_type,
            "status": page.status,
            "summary": page.summary,
            "description": rich_text(page.description),
            "organisers": inline_formset([]),
            "slots": inline_formset(slots),
            "documents": inline_formset([]),
            "comments": inline_formset([]),
            "mode": page.mode,
            "registration": page.registration,
            "country": page.country,
            **fields,
        }
    )


def test_edit_form_has_its_tabs(editor_client, events):
    response = editor_client.get(f"/admin/pages/{events['undated'].pk}/edit/")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    for tab in ["Présentation", "Dates", "Lieu", "Infos pratiques", "Liens"]:
        assert tab in html
    assert 'name="slots-TOTAL_FORMS"' in html


def test_editor_saves_slots_then_a_moderator_publishes_them(
    editor_client, client, django_user_model, events
):
    page = events["undated"]
    slots = [
        {"start_date": "2027-03-21", "start_time": "14:00", "end_date": "", "end_time": "17:30"},
        {"start_date": "2027-03-20", "start_time": "09:30", "end_date": "", "end_time": "12:00"},
    ]
    response = editor_client.post(
        f"/admin/pages/{page.pk}/edit/", edit_data(page, slots, dates_note="")
    )
    assert response.status_code == 302
    draft = EventPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert sorted((s.start_date, s.start_time, s.end_time) for s in draft.slots.all()) == [
        (dt.date(2027, 3, 20), dt.time(9, 30), dt.time(12, 0)),
        (dt.date(2027, 3, 21), dt.time(14, 0), dt.time(17, 30)),
    ]
    assert not EventPage.objects.get(pk=page.pk).slots.exists()  # a draft, for review

    client.force_login(_user(django_user_model, "modo-agenda", MODERATORS))
    response = client.post(
        f"/admin/pages/{page.pk}/edit/",
        edit_data(page, slots, dates_note="", **{"action-publish": "publish"}),
    )
    assert response.status_code == 302
    live = EventPage.objects.get(pk=page.pk)
    assert [s.start_date for s in live.ordered_slots] == [
        dt.date(2027, 3, 20),
        dt.date(2027, 3, 21),
    ]
    # The bounds the listing orders on: 9:30 and 17:30 in Paris (UTC+1 in March).
    assert live.starts_at == dt.datetime(2027, 3, 20, 8, 30, tzinfo=dt.UTC)
    assert live.ends_at == dt.datetime(2027, 3, 21, 16, 30, tzinfo=dt.UTC)


def test_a_slot_ending_before_it_starts_is_refused_and_the_input_kept(editor_client, events):
    page = events["upcoming"]
    revisions = page.revisions.count()
    slots = [
        {"start_date": "2027-05-04", "start_time": "18:00", "end_date": "", "end_time": "09:15"}
    ]
    response = editor_client.post(
        f"/admin/pages/{page.pk}/edit/",
        edit_data(page, slots, title="Forum Zèbre déplacé", summary="Nouveau résumé à garder"),
    )
    assert response.status_code == 200  # the form again, with the error
    html = unescape(response.content.decode())
    assert "L'heure de fin précède l'heure de début." in html
    assert 'value="Forum Zèbre déplacé"' in html and "Nouveau résumé à garder" in html
    assert 'value="18:00"' in html and 'value="09:15"' in html and 'value="2027-05-04"' in html
    page.refresh_from_db()
    assert page.title == "Forum Zèbre à venir" and page.revisions.count() == revisions


def test_an_end_date_before_the_start_date_is_refused(editor_client, events):
    page = events["upcoming"]
    slots = [
        {"start_date": "2027-05-04", "start_time": "", "end_date": "2027-05-03", "end_time": ""}
    ]
    response = editor_client.post(f"/admin/pages/{page.pk}/edit/", edit_data(page, slots))
    assert response.status_code == 200
    assert "La date de fin précède la date de début." in unescape(response.content.decode())
