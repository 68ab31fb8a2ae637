"""« Proposer un événement » (public form and partner space), and partners'
changes to their organisation's published events: modified or cancelled
through moderation, a cancellation published with its status, never a
deletion."""

from datetime import UTC, date, time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import EventPage
from home.models.themes import Theme
from partners.models import Submission
from tests.partners.helpers import (
    agenda,
    edit_url,
    emails_to,
    event_payload,
    make_actor,
    make_event,
    make_user,
    update_event_payload,
    workflow_action_url,
)

pytestmark = pytest.mark.django_db

SUBMITTER = "camille.proposante@example.net"


def propose_event_url():
    return reverse("partners:propose_event")


def _staff(role="moderation", name="evenements-moderation"):
    client = Client()
    client.force_login(make_user(name, role=role))
    return client


def _approve(staff, submission):
    response = staff.post(workflow_action_url(submission, "approve"), {"comment": ""})
    assert response.status_code in (200, 302), response.content[:500]
    submission.refresh_from_db()


def _reject(staff, submission, comment):
    response = staff.post(workflow_action_url(submission, "reject"), {"comment": comment})
    assert response.status_code in (200, 302), response.content[:500]
    submission.refresh_from_db()


def _partner_with_event(name="Evenements Fiche Alouette", event_title="Forum de l'Alouette"):
    actor = make_actor(name)
    partner = make_user(f"partenaire-{actor.pk}", partner_of=[actor])
    event = make_event(event_title, actor)
    client = Client()
    client.force_login(partner)
    return actor, partner, event, client


# --- The public form ----------------------------------------------------------------------


def test_public_event_proposal_is_moderated_then_published_with_its_slots(client, mailoutbox):
    theme = Theme.objects.order_by("name").first()
    url = propose_event_url()
    form = client.get(url)
    assert form.status_code == 200 and "Proposer un événement" in form.content.decode()

    response = client.post(url, event_payload(themes=[theme.slug]))
    submission = Submission.objects.get(kind=Submission.Kind.EVENT_NEW)
    follow = reverse("partners:follow", args=[submission.follow_key])
    assert response.status_code == 302 and response["Location"].startswith(follow)
    assert submission.status == Submission.Status.PENDING
    assert submission.origin == Submission.Origin.PUBLIC
    assert submission.data["slots"] == [
        {"start_date": "2027-05-12", "start_time": "09:30", "end_date": "", "end_time": "12:00"},
        {"start_date": "2027-05-13", "start_time": "", "end_date": "", "end_time": ""},
    ]
    # Nothing public before approval: no page, not in the agenda.
    assert not EventPage.objects.filter(alias_of=None, title="Forum Colibri de l'ESS").exists()
    assert "Forum Colibri" not in client.get(agenda().url).content.decode()
    acknowledgement = emails_to(SUBMITTER)
    assert len(acknowledgement) == 1 and follow in acknowledgement[0].body
    assert "Nouvel événement" in acknowledgement[0].body

    # The follow page reads the slots in words.
    page = client.get(follow).content.decode()
    assert "12 mai 2027" in page and "13 mai 2027, toute la journée" in page
    # Vocabularies as their labels, never their codes.
    assert "<dd>Forum, salon</dd>" in page and "<dd>Sur place</dd>" in page
    assert "<dd>forum</dd>" not in page and "2027-05-12" not in page

    staff = _staff()
    assert "Nouvel événement" in staff.get(edit_url(submission)).content.decode()
    _approve(staff, submission)
    assert submission.status == Submission.Status.APPROVED

    event = EventPage.objects.get(alias_of=None, title="Forum Colibri de l'ESS")
    assert event.live and event.get_parent().pk == agenda().pk
    assert submission.result_page_id == event.pk
    slots = event.ordered_slots
    assert [(s.start_date, s.start_time, s.end_time) for s in slots] == [
        (date(2027, 5, 12), time(9, 30), time(12, 0)),
        (date(2027, 5, 13), None, None),
    ]
    # Paris time: 9:30 in May is 7:30 UTC; the all-day slot lasts the day.
    assert slots[0].starts_at.astimezone(UTC).hour == 7
    assert timezone.localtime(slots[1].ends_at).date() == date(2027, 5, 14)
    assert event.starts_at == slots[0].starts_at
    assert event.organisers.get().name == "Ville de Colibri"
    assert event.organisers.get().actor_id is None
    assert event.departement == "92" and event.city == "Sceaux"
    assert list(event.themes.all()) == [theme]
    assert event.status == "programme"
    assert '<a href="https://colibri.example/forum">' in event.description

    emails = emails_to(SUBMITTER)
    assert len(emails) == 2 and "publiée" in emails[1].subject
    assert event.full_url in emails[1].body

    public = client.get(event.url).content.decode()
    assert "Forum Colibri de l" in public and "Salle Colibri" in public
    assert SUBMITTER not in public and "Camille Proposante" not in public
    assert "Forum Colibri" in client.get(agenda().url).content.decode()


def test_the_moderator_is_told_what_an_approval_published(client):
    client.post(propose_event_url(), event_payload())
    submission = Submission.objects.get(kind=Submission.Kind.EVENT_NEW)
    staff = _staff()
    response = staff.post(workflow_action_url(submission, "approve"), {"comment": ""}, follow=True)
    assert "est publié dans l" in response.content.decode()


def test_changes_requested_keep_the_proposal_and_what_was_typed(client, mailoutbox):
    client.post(propose_event_url(), event_payload(title="Atelier Mésange"))
    submission = Submission.objects.get(title="Atelier Mésange")
    follow = reverse("partners:follow", args=[submission.follow_key])
    staff = _staff()
    _reject(staff, submission, "Précisez l'horaire de fin du second jour.")
    assert submission.status == Submission.Status.CHANGES_REQUESTED
    changes = emails_to(SUBMITTER)[-1]
    assert "Précisez l'horaire" in changes.body and follow in changes.body

    page = client.get(follow).content.decode()
    # The correction form holds what was typed, slots included.
    assert 'value="Atelier Mésange"' in page
    assert 'value="2027-05-12"' in page and 'value="09:30"' in page
    assert "Salle Colibri" in page

    correction = event_payload(
        title="Atelier Mésange", slot2_all_day="", slot2_start_time="14:00", slot2_end_time="17:00"
    )
    assert client.post(follow, correction).status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING
    assert submission.data["slots"][1]["end_time"] == "17:00"
    assert Submission.objects.filter(title="Atelier Mésange").count() == 1
    assert submission.revisions.count() >= 2
    assert not EventPage.objects.filter(alias_of=None, title="Atelier Mésange").exists()

    _approve(staff, submission)
    event = EventPage.objects.get(alias_of=None, title="Atelier Mésange")
    assert event.ordered_slots[1].end_time == time(17, 0)


def test_the_agenda_and_the_proposals_page_lead_to_the_form(client):
    url = propose_event_url()
    assert url in client.get(agenda().url).content.decode()
    assert url in client.get(reverse("partners:propose_index")).content.decode()


# --- The partner space ---------------------------------------------------------------------


def test_a_partner_proposes_an_event_for_their_organisation(mailoutbox):
    actor = make_actor("Evenements Fiche Héron")
    partner = make_user("evenements-heron", partner_of=[actor])
    client = Client()
    client.force_login(partner)
    home = client.get(reverse("partners:space_home")).content.decode()
    url = reverse("partners:space_propose_event")
    assert url in home
    assert "Evenements Fiche Héron" in client.get(url).content.decode()

    response = client.post(url, event_payload(title="Forum du Héron", organiser_name=actor.pk))
    submission = Submission.objects.get(title="Forum du Héron")
    assert response["Location"] == reverse("partners:space_submission", args=[submission.pk])
    assert submission.origin == Submission.Origin.PARTNER and submission.actor_id == actor.pk
    assert submission.submitter_email == partner.email
    assert len(emails_to(partner.email)) == 1

    _approve(_staff(), submission)
    event = EventPage.objects.get(alias_of=None, title="Forum du Héron")
    assert event.organisers.get().actor_id == actor.pk
    assert len(emails_to(partner.email)) == 2
    # Now it is the organisation's: listed with « Modifier » and « Annuler ».
    home = client.get(reverse("partners:space_home")).content.decode()
    assert reverse("partners:space_event_update", args=[event.pk]) in home
    assert reverse("partners:space_event_cancel", args=[event.pk]) in home


def test_a_partner_cannot_name_another_fiche_as_organiser():
    actor = make_actor("Evenements Fiche Grue")
    other = make_actor("Evenements Fiche Autre")
    client = Client()
    client.force_login(make_user("evenements-grue", partner_of=[actor]))
    response = client.post(
        reverse("partners:space_propose_event"), event_payload(organiser_name=other.pk)
    )
    assert response.status_code == 200 and "organiser_name" in response.context["form"].errors
    assert not Submission.objects.exists()


def test_a_partner_edit_changes_the_event_only_once_approved(mailoutbox):
    actor, partner, event, client = _partner_with_event()
    live_revision = event.live_revision_id
    url = reverse("partners:space_event_update", args=[event.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert "Résumé publié." in form.content.decode() and 'value="09:30"' in form.content.decode()

    payload = update_event_payload(
        event, summary="Résumé corrigé par l'organisateur.", slot1_start_time="10:00"
    )
    response = client.post(url, payload)
    assert response.status_code == 302
    submission = Submission.objects.get(target_page=event)
    assert submission.kind == Submission.Kind.EVENT_UPDATE
    assert set(submission.data) == {"summary", "slots", "title"}  # only what changed
    assert submission.actor_id == actor.pk and submission.compare_revision_id

    # Live event untouched before approval.
    event.refresh_from_db()
    assert event.summary == "Résumé publié." and event.live_revision_id == live_revision
    assert EventPage.objects.get(pk=event.pk).ordered_slots[0].start_time == time(9, 30)

    staff = _staff()
    compare = reverse(
        "wagtailadmin_pages:revisions_compare",
        args=[event.pk, "live", submission.compare_revision_id],
    )
    panel = staff.get(edit_url(submission)).content.decode()
    assert compare in panel and "Comparer avec la version en ligne" in panel
    assert staff.get(compare).status_code == 200

    _approve(staff, submission)
    event = EventPage.objects.get(pk=event.pk)
    assert event.summary == "Résumé corrigé par l'organisateur."
    assert event.ordered_slots[0].start_time == time(10, 0)
    assert event.live_revision_id != live_revision
    assert event.organisers.get().actor_id == actor.pk
    assert event.revisions.count() >= 2


def test_an_edit_keeps_the_slots_the_form_does_not_show():
    from events.models import EventSlot

    _actor, _partner, event, client = _partner_with_event()
    for day in (13, 14, 15):  # four slots: one more than the form shows
        event.slots.add(EventSlot(start_date=date(2027, 5, day)))
    event.save_revision().publish()
    url = reverse("partners:space_event_update", args=[event.pk])
    client.post(url, update_event_payload(event, summary="Programme inchangé."))
    submission = Submission.objects.get(target_page=event)
    assert "slots" not in submission.data  # unchanged
    client.post(url, {**update_event_payload(event), "slot1_start_time": "10:00", "form_token": ""})
    _approve(_staff(), Submission.objects.get(target_page=event, data__has_key="slots"))
    event = EventPage.objects.get(pk=event.pk)
    assert [s.start_date.day for s in event.ordered_slots] == [12, 13, 14, 15]
    assert event.ordered_slots[0].start_time == time(10, 0)


def test_an_unchanged_edit_is_refused():
    _actor, _partner, event, client = _partner_with_event()
    url = reverse("partners:space_event_update", args=[event.pk])
    response = client.post(url, update_event_payload(event))
    assert response.status_code == 200
    assert "rien modifié" in " ".join(response.context["form"].non_field_errors())
    assert not Submission.objects.exists()


def test_a_cancellation_is_published_with_its_status_never_deleted(client):
    _actor, _partner, event, partner_client = _partner_with_event()
    revisions = event.revisions.count()
    url = reverse("partners:space_event_cancel", args=[event.pk])
    assert partner_client.get(url).status_code == 200
    response = partner_client.post(
        url, {"status": "annule", "status_note": "Annulé en raison des intempéries."}
    )
    assert response.status_code == 302
    submission = Submission.objects.get(target_page=event)
    assert submission.kind == Submission.Kind.EVENT_UPDATE
    assert submission.data["status"] == "annule"
    assert EventPage.objects.get(pk=event.pk).status == "programme"  # not before approval

    _approve(_staff(), submission)
    event = EventPage.objects.get(pk=event.pk)
    assert event.live and event.status == "annule"
    assert event.status_note == "Annulé en raison des intempéries."
    assert event.ordered_slots[0].start_date == date(2027, 5, 12)  # dates kept
    assert event.revisions.count() > revisions
    page = client.get(event.url).content.decode()
    assert "Cet événement est annulé." in page and "intempéries" in page
    calendar = client.get(event.url + "ical/").content.decode()
    assert "STATUS:CANCELLED" in calendar
    # Cancelled: « Annuler » is no longer offered, « Modifier » still is.
    home = partner_client.get(reverse("partners:space_home")).content.decode()
    assert reverse("partners:space_event_cancel", args=[event.pk]) not in home
    assert reverse("partners:space_event_update", args=[event.pk]) in home


def test_a_postponement_with_its_new_date():
    _actor, _partner, event, client = _partner_with_event()
    url = reverse("partners:space_event_cancel", args=[event.pk])
    client.post(
        url,
        {
            "status": "reporte",
            "status_note": "Reporté à l'automne.",
            "slot1_start_date": "2027-10-07",
            "slot1_start_time": "14:00",
            "slot1_end_time": "18:00",
        },
    )
    submission = Submission.objects.get(target_page=event)
    _approve(_staff(), submission)
    event = EventPage.objects.get(pk=event.pk)
    assert event.status == "reporte"
    assert [(s.start_date, s.start_time) for s in event.ordered_slots] == [
        (date(2027, 10, 7), time(14, 0))
    ]


def test_a_cancellation_with_a_new_date_or_of_a_cancelled_event_is_refused():
    _actor, _partner, event, client = _partner_with_event()
    url = reverse("partners:space_event_cancel", args=[event.pk])
    response = client.post(url, {"status": "annule", "slot1_start_date": "2027-10-07"})
    assert "report" in " ".join(response.context["form"].errors["slot1_start_date"])
    event.status = "annule"
    event.save_revision().publish()
    response = client.post(url, {"status": "annule"})
    assert response.status_code == 200
    assert "rien modifié" in " ".join(response.context["form"].non_field_errors())
    assert not Submission.objects.exists()


def test_changes_requested_on_a_partner_edit_are_corrected_in_the_space():
    _actor, _partner, event, client = _partner_with_event()
    url = reverse("partners:space_event_update", args=[event.pk])
    client.post(url, update_event_payload(event, summary="Première version."))
    submission = Submission.objects.get(target_page=event)
    staff = _staff()
    _reject(staff, submission, "Résumé trop court.")
    follow = reverse("partners:space_submission", args=[submission.pk])
    page = client.get(follow).content.decode()
    assert "Première version." in page and "Résumé trop court." in page
    client.post(follow, update_event_payload(event, summary="Seconde version, plus longue."))
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING
    assert submission.data["summary"] == "Seconde version, plus longue."
    _approve(staff, submission)
    assert EventPage.objects.get(pk=event.pk).summary == "Seconde version, plus longue."


def test_a_partner_cannot_change_another_organisations_event():
    _actor_a, _partner_a, event_a, _client_a = _partner_with_event()
    actor_b = make_actor("Evenements Fiche Bêta")
    client_b = Client()
    client_b.force_login(make_user("evenements-beta", partner_of=[actor_b]))
    # A partner of the event (not its organiser) cannot change it either.
    partnered = make_event("Forum partenaire", actor_b, role="partenaire")
    for event in (event_a, partnered):
        for name in ("partners:space_event_update", "partners:space_event_cancel"):
            url = reverse(name, args=[event.pk])
            assert client_b.get(url).status_code == 404
            assert client_b.post(url, {"status": "annule"}).status_code == 404
    home = client_b.get(reverse("partners:space_home")).content.decode()
    assert "Forum de l&#x27;Alouette" not in home and "Forum partenaire" not in home
    for page_id in (0, 2**63, 10**30):
        url = reverse("partners:space_event_update", args=[page_id])
        assert client_b.get(url).status_code == 404
    assert not Submission.objects.exists()


def test_anonymous_people_cannot_reach_the_space_event_views(client):
    _actor, _partner, event, _partner_client = _partner_with_event()
    login = reverse("partners:space_login")
    for url in (
        reverse("partners:space_propose_event"),
        reverse("partners:space_event_update", args=[event.pk]),
        reverse("partners:space_event_cancel", args=[event.pk]),
    ):
        for response in (client.get(url), client.post(url, {"status": "annule"})):
            assert response.status_code == 302 and response["Location"] == login
    assert not Submission.objects.exists()


def test_staff_accounts_have_no_partner_event_views():
    _actor, _partner, event, _partner_client = _partner_with_event()
    staff = _staff(role="administration", name="evenements-admin")
    assert staff.get(reverse("partners:space_propose_event")).status_code == 404
    assert staff.get(reverse("partners:space_event_update", args=[event.pk])).status_code == 404


@pytest.mark.parametrize("count", [1, 8])
def test_the_space_home_lists_events_in_constant_queries(count, django_assert_max_num_queries):
    actor = make_actor("Evenements Fiche Nombreuse")
    partner = make_user("evenements-nombreuse", partner_of=[actor])
    for number in range(count):
        make_event(f"Rencontre {number}", actor)
    client = Client()
    client.force_login(partner)
    client.get(reverse("partners:space_home"))  # warm the site root paths cache
    with django_assert_max_num_queries(16):
        response = client.get(reverse("partners:space_home"))
    assert response.content.decode().count("/modifier/") == count


# --- Bad input ------------------------------------------------------------------------------

YEAR_MESSAGE = "entre l'an 2000 et l'an 2100"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"slot1_start_date": "0001-01-01"}, "slot1_start_date", YEAR_MESSAGE),
        ({"slot1_start_date": "9999-12-31"}, "slot1_start_date", YEAR_MESSAGE),
        ({"slot2_start_date": "9999-12-31"}, "slot2_start_date", YEAR_MESSAGE),
        ({"slot1_end_date": "0001-01-01"}, "slot1_end_date", YEAR_MESSAGE),
        ({"slot1_start_date": "10000-01-01"}, "slot1_start_date", "date valide"),
        ({"slot1_start_date": "2027-02-30"}, "slot1_start_date", "date valide"),
        ({"slot1_start_time": "25:00"}, "slot1_start_time", "heure valide"),
        ({"slot1_end_date": "2027-05-11"}, "slot1_end_date", "précède la date de début"),
        ({"slot1_end_time": "08:00"}, "slot1_end_time", "précède l'heure de début"),
        ({"slot1_start_time": ""}, "slot1_start_time", "heure de début avant"),
        ({"slot1_end_date": "2029-05-12"}, "slot1_end_date", "au plus un an"),
        ({"slot1_start_date": ""}, "slot1_start_date", "Indiquez la date de l'événement"),
        (
            {"slot1_start_date": "", "slot1_start_time": "", "slot1_end_time": ""},
            "slot1_start_date",
            "Indiquez la date de l'événement",
        ),
        ({"slot3_end_date": "2027-05-20"}, "slot3_start_date", "date de début de ce créneau"),
        ({"title": "Forum\x07 Colibri"}, "title", "caractères de contrôle"),
        ({"summary": "Ligne\x1b[31m rouge"}, "summary", "caractères de contrôle"),
        ({"organiser_name": "Ville\x0bde Colibri"}, "organiser_name", "caractères de contrôle"),
        ({"title": "Forum\x00 Colibri"}, "title", "caractère nul"),
        ({"title": "t" * 10_000}, "title", "au plus 255"),
        ({"description": "d" * 10_000}, "description", "au plus 5000"),
        ({"status_note": "x"}, None, None),  # a field the public form does not have: ignored
        ({"event_type": "<script>"}, "event_type", "choix valide"),
        ({"themes": ["pas-un-theme"]}, "themes", "choix valide"),
        ({"mode": "en-ligne"}, "online_url", "besoin d'un lien"),
        ({"place_name": "", "city": ""}, "city", "le lieu ou la commune"),
        ({"registration": "lien"}, "registration_url", "lien d'inscription"),
        ({"registration": "courriel"}, "registration_email", "courriel d'inscription"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "URL valide"),
        ({"capacity": "-3"}, "capacity", "supérieure ou égale à 1"),
        ({"capacity": "9" * 30}, "capacity", "inférieure ou égale"),
        ({"postcode": "ABCDE"}, "postcode", "code postal"),
    ],
)
def test_the_public_event_form_refuses_bad_input_and_keeps_it(client, overrides, field, message):
    payload = event_payload(**overrides)
    response = client.post(propose_event_url(), payload)
    if field is None:
        assert response.status_code == 302
        assert "status_note" not in Submission.objects.get().data
        return
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field]), form.errors
    assert not Submission.objects.exists()
    html = response.content.decode()
    assert "Le formulaire contient" in html  # the error summary
    assert f'aria-describedby="id_{field}_error' in html or field == "themes"
    # What was typed is still there (but for a value no widget can show).
    if field == "title" and "\x00" not in payload["title"]:
        assert form["title"].value() == payload["title"]
    assert 'value="1 place de la Mairie"' in html


def test_script_tags_are_published_as_text_never_as_markup(client):
    payload = event_payload(
        title="Forum <script>alert(1)</script>",
        summary="<script>alert(2)</script>",
        description="<script>alert(3)</script>\n\n<b>gras</b>",
        place_name="<img src=x onerror=alert(4)>",
    )
    assert client.post(propose_event_url(), payload).status_code == 302
    submission = Submission.objects.get(kind=Submission.Kind.EVENT_NEW)
    follow = client.get(reverse("partners:follow", args=[submission.follow_key]))
    assert "<script>alert" not in follow.content.decode()
    _approve(_staff(), submission)
    event = EventPage.objects.get(pk=submission.result_page_id)
    html = client.get(event.url).content.decode()
    for number in (1, 2, 3):
        assert f"<script>alert({number})" not in html
    assert "<img src=x" not in html and "<b>gras</b>" not in html
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in event.description


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"status": "annule", "status_note": "Annulé\x07"}, "status_note", "contrôle"),
        ({"status": "annule", "status_note": "n" * 10_000}, "status_note", "au plus 250"),
        ({"status": "supprime"}, "status", "choix valide"),
        ({"status": ""}, "status", "Choisissez « Annulé » ou « Reporté »"),
        (
            {"status": "reporte", "slot1_start_date": "9999-01-01"},
            "slot1_start_date",
            YEAR_MESSAGE,
        ),
        (
            {"status": "reporte", "slot1_start_date": "0001-01-01"},
            "slot1_start_date",
            YEAR_MESSAGE,
        ),
        (
            {"status": "reporte", "slot1_start_date": "2027-10-07", "slot1_end_date": "2027-10-01"},
            "slot1_end_date",
            "précède",
        ),
        ({"status": "annule", "message": "m\x00"}, "message", "caractère nul"),
    ],
)
def test_the_cancel_form_refuses_bad_input(payload, field, message):
    _actor, _partner, event, client = _partner_with_event()
    response = client.post(reverse("partners:space_event_cancel", args=[event.pk]), payload)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Submission.objects.exists()
    assert EventPage.objects.get(pk=event.pk).status == "programme"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"slot1_start_date": "9999-12-31"}, "slot1_start_date", YEAR_MESSAGE),
        ({"slot1_end_time": "08:00"}, "slot1_end_time", "précède"),
        ({"title": "Fo\x1frum"}, "title", "contrôle"),
        ({"summary": "s" * 10_000}, "summary", "au plus 1000"),
        ({"status": "<script>"}, "status", "choix valide"),
        ({"slot1_start_date": ""}, "slot1_start_date", "date"),
    ],
)
def test_the_edit_form_refuses_bad_input_and_keeps_it(overrides, field, message):
    _actor, _partner, event, client = _partner_with_event()
    url = reverse("partners:space_event_update", args=[event.pk])
    payload = update_event_payload(event, summary="Changement gardé.")
    payload.update(overrides)
    response = client.post(url, payload)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    if field != "summary":
        assert "Changement gardé." in response.content.decode()
    assert not Submission.objects.exists()
