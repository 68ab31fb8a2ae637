"""Email delivery in tests: a delivery backend (EMAIL_DELIVERY_BACKEND) for a
mail server that refuses every message, as a down or silent one does after
its timeout, and `run_worker()`, the mail worker run once over the queue
(with the `mail_worker_connection` fixture of tests/conftest.py)."""

import io
import smtplib

from django.core.management import call_command


def run_worker():
    """`db_worker --backend mail --batch`: sends what the queue holds, then stops."""
    call_command(
        "db_worker",
        "--backend", "mail", "--queue-name", "mail", "--batch",
        "--no-startup-delay", "--no-reload", "--verbosity", "0",
        stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("serveur injoignable")
