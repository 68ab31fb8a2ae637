"""No email leaves from inside a web request (issue 16, item 2): sending
stores a task on the `mail` queue in the same transaction, the worker
(`db_worker --backend mail`) sends it, a failure is tried again later and
recorded where moderators see it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from partners.models import Submission
from tests.mail_backends import run_worker
from tests.partners.helpers import actor_payload, propose_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_worker_connection")]

QUEUED = {
    "EMAIL_BACKEND": "home.mail.QueuedEmailBackend",
    "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


def queued():
    return DBTaskResult.objects.filter(queue_name="mail", status="READY")


@override_settings(**QUEUED)
def test_a_proposal_queues_its_acknowledgement_and_the_worker_sends_it(client):
    mail.outbox.clear()
    response = client.post(propose_url(), actor_payload(title="Coopérative Courrier Différé"))
    assert response.status_code == 302
    # Nothing was sent while the visitor waited: the message waits in the queue.
    assert mail.outbox == []
    assert queued().count() == 1

    run_worker()
    (message,) = mail.outbox
    assert "Coopérative Courrier Différé" in message.body
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    assert queued().count() == 0


@override_settings(**QUEUED)
def test_a_change_rolled_back_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Annulé", "Ne partira pas", None, ["x@example.org"])
        raise RuntimeError("the change failed")
    assert not queued().exists()
    run_worker()
    assert mail.outbox == []


@override_settings(**QUEUED, EMAIL_MAX_ATTEMPTS=2)
def test_a_failed_send_is_tried_again_later_and_recorded_for_moderators(client):
    with override_settings(EMAIL_DELIVERY_BACKEND="tests.mail_backends.RefusingBackend"):
        client.post(propose_url(), actor_payload(title="Coopérative Serveur Muet"))
        submission = Submission.objects.get(title="Coopérative Serveur Muet")
        run_worker()
        # A second attempt waits, a few minutes later; moderators see why.
        (retry,) = queued()
        assert retry.run_after > timezone.now() + timedelta(seconds=30)
        submission.refresh_from_db()
        assert "serveur injoignable" in submission.email_error
        assert "nouvel essai prévu" in submission.email_error

        # The last attempt fails too: recorded as final, nothing queued again.
        queued().update(run_after=timezone.now() - timedelta(seconds=1))
        run_worker()
        assert not queued().exists()
        submission.refresh_from_db()
        assert "serveur injoignable" in submission.email_error
        assert "nouvel essai" not in submission.email_error
    assert mail.outbox == []


@override_settings(**QUEUED, EMAIL_MAX_ATTEMPTS=3)
def test_a_later_success_clears_the_recorded_failure(client):
    with override_settings(EMAIL_DELIVERY_BACKEND="tests.mail_backends.RefusingBackend"):
        client.post(propose_url(), actor_payload(title="Coopérative Serveur Revenu"))
        run_worker()
    submission = Submission.objects.get(title="Coopérative Serveur Revenu")
    assert submission.email_error
    queued().update(run_after=timezone.now() - timedelta(seconds=1))
    run_worker()
    assert len(mail.outbox) == 1
    submission.refresh_from_db()
    assert submission.email_error == ""
