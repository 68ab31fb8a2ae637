import re
import socket

import pytest

from calls_for_projects.factories import CallForProjectsPageFactory, CallsIndexPageFactory
from calls_for_projects.models import CallForProjectsPage


@pytest.fixture
def calls_index(home_fr):
    """An index of our own, so that seeded calls never count."""
    return CallsIndexPageFactory(parent=home_fr, title="Appels suivis", slug="appels-suivis")


@pytest.fixture
def add_call():
    def _add(index, **fields):
        call = CallForProjectsPageFactory(parent=index, **fields)
        call.save_revision().publish()
        return CallForProjectsPage.objects.get(pk=call.pk)

    return _add


def subscribe_url(source, page_id, query=""):
    from django.urls import reverse

    url = reverse("alerts:subscribe", args=[source, page_id])
    return f"{url}?{query}" if query else url


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


class Inbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        from email import message_from_bytes
        from email.policy import default

        return [
            message_from_bytes(e.original_content or e.content, policy=default)
            for e in self.envelopes
        ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings, mail_worker_connection):
    """A real SMTP server (aiosmtpd) on a loopback port; the site's queue
    put back (QueuedEmailBackend) and delivering to it over SMTP."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "home.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def network_world(home_fr):
    """A network page tied to a directory network, with two member fiches
    (contacts published or not) and an agenda."""
    from directory.factories import (
        ActorContactFactory,
        ActorPageFactory,
        DirectoryIndexPageFactory,
        NetworkFactory,
    )
    from directory.models import ActorContact
    from events.factories import AgendaIndexPageFactory
    from network_minutes.factories import NetworkPageFactory, NetworksIndexPageFactory

    directory_network = NetworkFactory(name="Réseau suivi")
    networks = NetworksIndexPageFactory(
        parent=home_fr, title="Réseaux suivis", slug="reseaux-suivis"
    )
    network = NetworkPageFactory(
        parent=networks, title="Réseau des élus suivis", network=directory_network
    )
    network.save_revision().publish()
    directory = DirectoryIndexPageFactory(
        parent=home_fr, title="Annuaire suivi", slug="annuaire-suivi"
    )
    member = ActorPageFactory(parent=directory, title="Commune membre")
    member.networks.add(directory_network)
    member.save_revision().publish()
    outsider = ActorPageFactory(parent=directory, title="Commune hors réseau")
    outsider.save_revision().publish()
    ActorContactFactory(actor=member, role=ActorContact.ELECTED, email="Elue@Example.org")
    ActorContactFactory(actor=member, role=ActorContact.OFFICER, email="agent.prive@example.org")
    ActorContactFactory(
        actor=member,
        role=ActorContact.OFFICER,
        email="agent.public@example.org",
        publication="yes",
        publication_basis="accord",
    )
    ActorContactFactory(actor=member, role=ActorContact.ELECTED, email="")
    ActorContactFactory(actor=outsider, role=ActorContact.ELECTED, email="hors@example.org")
    agenda = AgendaIndexPageFactory(parent=home_fr, title="Agenda suivi", slug="agenda-suivi")
    return {"network": network, "agenda": agenda, "member": member}
