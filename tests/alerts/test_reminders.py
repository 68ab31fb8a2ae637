"""Deadline reminders (« Me rappeler la date limite »): one email 7 days and
one 1 day before the deadline, with the clock injected (`--now`); none
twice, none after the deadline moved (then one at the new J-7), none for a
call closed or unpublished; the end-to-end path on a real SMTP server."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts import follow, reminders
from alerts.models import DeadlineReminder
from calls_for_projects.models import CallForProjectsPage
from home.sites import configure_default_site
from tests.alerts.conftest import links_in
from tests.mail_backends import run_worker

pytestmark = pytest.mark.django_db


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def send(moment):
    call_command("send_deadline_reminders", now=moment.isoformat(), verbosity=0)


def republish(call, **fields):
    call = CallForProjectsPage.objects.get(pk=call.pk)
    for name, value in fields.items():
        setattr(call, name, value)
    call.save_revision().publish()
    return call


def confirmed_reminder(call, email="rappel@example.org", language="fr"):
    return DeadlineReminder.objects.create(
        email=email, language=language, call=call, confirmed_at=timezone.now()
    )


@pytest.fixture
def call(calls_index, add_call):
    deadline = timezone.now().replace(microsecond=0) + timedelta(days=30)
    return add_call(calls_index, title="Appel à rappeler", deadline=deadline)


def test_end_to_end_on_smtp_reminders_at_j7_and_j1_then_one_click_unsubscribe(
    client, smtp_server, call
):
    configure_default_site()
    page = client.get(call.url)
    url = reverse("alerts:reminder_subscribe", args=[call.pk])
    assert "Me rappeler la date limite" in page.content.decode()
    assert url in page.content.decode()

    response = client.post(url, {"email": "Candidate@Example.org"})
    assert response.status_code == 302
    assert smtp_server.envelopes == []  # nothing leaves during the request
    run_worker()
    (confirmation,) = smtp_server.messages
    link = next(link for link in links_in(text_of(confirmation)) if "/confirmer/" in link)
    assert client.get(link).status_code == 200
    assert DeadlineReminder.objects.get().confirmed_at is None  # a GET confirms nothing
    assert client.post(link).status_code == 200
    assert DeadlineReminder.objects.get().confirmed_at is not None

    deadline = call.deadline
    send(deadline - timedelta(days=8))
    run_worker()
    assert len(smtp_server.envelopes) == 1
    send(deadline - timedelta(days=7) + timedelta(hours=1))
    send(deadline - timedelta(days=7) + timedelta(hours=2))  # twice: once
    run_worker()
    assert len(smtp_server.envelopes) == 2
    j7 = smtp_server.messages[-1]
    assert j7["To"] == "candidate@example.org"
    assert "Appel à rappeler" in j7["Subject"] and "semaine" in j7["Subject"]
    assert "http://testserver/fr/" in text_of(j7)
    assert j7["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    send(deadline - timedelta(hours=20))
    send(deadline - timedelta(hours=19))
    run_worker()
    assert len(smtp_server.envelopes) == 3
    assert "Dernier jour" in smtp_server.messages[-1]["Subject"]
    # After the deadline: nothing.
    send(deadline + timedelta(hours=1))
    run_worker()
    assert len(smtp_server.envelopes) == 3

    header = str(smtp_server.messages[-1]["List-Unsubscribe"]).strip()[1:-1]
    response = Client(enforce_csrf_checks=True).post(
        header, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert DeadlineReminder.objects.get().unsubscribed_at is not None
    republish(call, deadline=deadline + timedelta(days=30))
    send(deadline + timedelta(days=23, hours=1))
    run_worker()
    assert len(smtp_server.envelopes) == 3


def test_a_moved_deadline_rearms_the_reminders_for_the_new_date(call):
    confirmed_reminder(call)
    deadline = call.deadline
    mail.outbox.clear()
    send(deadline - timedelta(days=7) + timedelta(hours=1))
    assert len(mail.outbox) == 1
    moved = deadline + timedelta(days=20)
    republish(call, deadline=moved)
    # The old J-1 and the old J-7 again: the call closes in 21 days now.
    send(deadline - timedelta(hours=20))
    send(deadline - timedelta(days=7) + timedelta(hours=3))
    assert len(mail.outbox) == 1
    send(moved - timedelta(days=7) + timedelta(hours=1))
    assert len(mail.outbox) == 2
    assert "semaine" in mail.outbox[-1].subject
    assert timezone.localtime(moved).strftime("%Y") in mail.outbox[-1].body
    reminder = DeadlineReminder.objects.get()
    assert reminder.sent_7_for == moved and reminder.sent_1_for is None


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda call: call.unpublish(), id="unpublished"),
        pytest.param(lambda call: republish(call, discontinued=True), id="discontinued"),
        pytest.param(lambda call: call.delete(), id="deleted"),
    ],
)
def test_nothing_for_a_call_unpublished_closed_or_deleted(call, change):
    confirmed_reminder(call)
    deadline = call.deadline
    change(CallForProjectsPage.objects.get(pk=call.pk))
    mail.outbox.clear()
    send(deadline - timedelta(days=7) + timedelta(hours=1))
    send(deadline - timedelta(hours=20))
    assert mail.outbox == []


def test_a_late_run_sends_the_nearest_step_only_and_unconfirmed_get_nothing(call):
    confirmed_reminder(call, email="confirme@example.org")
    DeadlineReminder.objects.create(email="attente@example.org", language="fr", call=call)
    mail.outbox.clear()
    send(call.deadline - timedelta(hours=5))  # the J-7 run never happened
    assert [m.to for m in mail.outbox] == [["confirme@example.org"]]
    assert "Dernier jour" in mail.outbox[0].subject
    send(call.deadline - timedelta(hours=4))
    assert len(mail.outbox) == 1


def test_an_english_subscriber_gets_the_english_call(call, en):
    english = call.get_translation(en)  # the alias the site keeps under /en/
    CallForProjectsPage.objects.filter(pk=english.pk).update(title="Call to remember")
    confirmed_reminder(call, language="en")
    mail.outbox.clear()
    send(call.deadline - timedelta(days=6))
    (message,) = mail.outbox
    assert "Call to remember" in message.subject
    assert "/en/" in message.body and "/fr/" not in message.body.split("--")[0]


def test_queries_stay_bounded_with_many_reminders(
    call, calls_index, add_call, django_assert_max_num_queries
):
    others = [add_call(calls_index, title=f"Appel {n}", deadline=call.deadline) for n in range(3)]
    for n, target in enumerate([call, *others] * 5):
        confirmed_reminder(target, email=f"r{n}@example.org")
    mail.outbox.clear()
    # One read, then per reminder: the claim (+ savepoint) and the email's
    # translation lookup-free context (French) — never a query per page read.
    with django_assert_max_num_queries(1 + 20 * 4):
        report = reminders.run(now=call.deadline - timedelta(days=6))
    assert report.emails == 20 and len(mail.outbox) == 20


def test_the_form_refuses_bad_input_and_keeps_what_was_typed(client, call):
    url = reverse("alerts:reminder_subscribe", args=[call.pk])
    for value in ["pas-une-adresse", "a\x00b@example.org", "x" * 10_000, "é\u202e@ex.org"]:
        response = client.post(url, {"email": value})
        assert response.status_code == 400
        assert "Saisissez une adresse électronique valide" in response.content.decode() or (
            "caractères" in response.content.decode()
        )
    assert not DeadlineReminder.objects.exists()
    response = client.post(url, {"email": "pas-une-adresse"})
    assert 'value="pas-une-adresse"' in response.content.decode()


@pytest.mark.parametrize("page_id", [0, 999_999_999, 2**40])
def test_unknown_or_huge_call_ids_get_a_clear_404(client, page_id):
    response = client.get(f"/fr/alertes/rappel/{page_id}/")
    # (an id beyond any database integer is refused by the site's URL guard)
    assert response.status_code == 404
    assert page_id > 2**31 or "pas de rappel" in response.content.decode()


def test_no_reminder_for_a_call_without_deadline_or_closed(client, calls_index, add_call):
    undated = add_call(calls_index, title="Sans date")
    closed = add_call(calls_index, title="Clos", deadline=timezone.now() - timedelta(days=1))
    for target in (undated, closed):
        page = client.get(target.url).content.decode()
        assert "Me rappeler la date limite" not in page
        url = reverse("alerts:reminder_subscribe", args=[target.pk])
        assert client.post(url, {"email": "a@example.org"}).status_code == 404
    assert not DeadlineReminder.objects.exists()


def test_forged_and_replayed_links(client, call):
    client.post(reverse("alerts:reminder_subscribe", args=[call.pk]), {"email": "a@example.org"})
    reminder = DeadlineReminder.objects.get()
    link = follow.confirm_url(reminder).removeprefix("http://testserver")
    assert client.post(link).status_code == 200
    # Replayed: nothing changes, the page says so.
    first = DeadlineReminder.objects.get().confirmed_at
    response = client.post(link)
    assert response.status_code == 200 and "déjà confirmé" in response.content.decode()
    assert DeadlineReminder.objects.get().confirmed_at == first
    forged = [
        link[:-3] + "abc/",
        link.replace("/confirmer/", "/desinscription/"),  # a confirm link used to unsubscribe
        "/fr/alertes/suivi/confirmer/" + "x" * 10_000 + "/",
        "/fr/alertes/suivi/confirmer/%00%01/",
    ]
    for url in forged:
        assert client.post(url).status_code in (400, 404)
    assert DeadlineReminder.objects.get().unsubscribed_at is None
