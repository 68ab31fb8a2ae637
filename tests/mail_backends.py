"""Email delivery backends for tests (EMAIL_DELIVERY_BACKEND): a mail server
that refuses every message, as a down or silent one does after its timeout."""

import smtplib


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("serveur injoignable")
