"""Delivery faults, for the subscribers' emails: a mail server that accepts
the connection and never answers leaves the web request fast and the
failure recorded (a retry queued, the task's result saying so); a send
retried after a transient failure reaches the inbox once."""

import socket
import threading
import time

import pytest
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from alerts.models import NetworkSubscription
from tests.mail_backends import run_worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_worker_connection")]


@pytest.fixture
def silent_server():
    """Accepts connections, never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    accepted = []
    stop = threading.Event()

    def serve():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_a_silent_mail_server_leaves_the_request_fast_and_the_failure_recorded(
    client, network_world, silent_server, settings
):
    settings.EMAIL_BACKEND = "home.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    port, accepted = silent_server
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    url = reverse("alerts:network_subscribe", args=[network_world["network"].pk])
    started = time.monotonic()
    response = client.post(url, {"email": "lent@example.org"})
    assert response.status_code == 302
    # The request never touched the mail server, so never waited for it.
    assert time.monotonic() - started < settings.EMAIL_TIMEOUT
    time.sleep(0.3)
    assert accepted == []
    assert NetworkSubscription.objects.filter(email="lent@example.org").exists()

    settings.EMAIL_TIMEOUT = 1

    started = time.monotonic()
    run_worker()
    assert len(accepted) >= 1  # the worker did connect...
    assert time.monotonic() - started < 10  # ...and gave up after EMAIL_TIMEOUT
    results = DBTaskResult.objects.filter(queue_name="mail")
    done = results.exclude(status="READY").get()
    assert done.return_value == "failed, retrying"
    retry = results.get(status="READY")
    assert retry.args_kwargs["args"][1] == 2  # attempt 2, later


class FlakyBackend:
    """Refuses the first message it is given, then delivers to locmem."""

    calls = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        from django.core.mail.backends.locmem import EmailBackend

        type(self).calls += 1
        if type(self).calls == 1:
            raise smtplib.SMTPServerDisconnected("coupure passagère")
        return EmailBackend().send_messages(messages)


@override_settings(
    EMAIL_BACKEND="home.mail.QueuedEmailBackend",
    EMAIL_DELIVERY_BACKEND="tests.alerts.test_alerts_delivery.FlakyBackend",
)
def test_a_send_retried_after_a_transient_failure_arrives_once(client, network_world):
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    FlakyBackend.calls = 0
    mail.outbox.clear()
    url = reverse("alerts:network_subscribe", args=[network_world["network"].pk])
    client.post(url, {"email": "reessai@example.org"})
    run_worker()
    assert mail.outbox == []
    DBTaskResult.objects.filter(status="READY").update(
        run_after=timezone.now() - timedelta(seconds=1)
    )
    run_worker()
    run_worker()  # nothing left: no duplicate
    assert [m.to for m in mail.outbox] == [["reessai@example.org"]]
    assert not DBTaskResult.objects.filter(status="READY").exists()
