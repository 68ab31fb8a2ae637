"""Vocabularies reach people as labels, never as codes: a proposal's kind in
the emails, a structure's kind on the follow page, in the partner space and
in the moderators' panel."""

import pytest
from django.core import mail
from django.urls import reverse

from directory.kinds import KIND_LABELS
from partners import services
from partners.models import Submission
from tests.partners.helpers import (
    actor_payload,
    edit_url,
    emails_to,
    make_actor,
    make_user,
    propose_url,
    update_payload,
    update_url,
)

pytestmark = pytest.mark.django_db

SUBMITTER = "camille.proposante@example.net"
KIND = "ea-esat"  # its label, « Entreprise adaptée / ESAT », is not its code


def test_the_emails_name_a_proposal_by_its_label_not_its_code(client):
    moderator = make_user("moderatrice-libelles", role="moderation")
    mail.outbox.clear()
    client.post(propose_url(), actor_payload(kind=KIND))
    acknowledgement = emails_to(SUBMITTER)[0]
    notification = emails_to(moderator.email)[0]  # Wagtail's, to the moderators
    for text in (
        acknowledgement.body,
        acknowledgement.alternatives[0][0],
        notification.subject,
        notification.body,
    ):
        assert "Nouvelle structure" in text
        assert Submission.Kind.ACTOR_NEW.value not in text

    actor = make_actor("Fiche Libellés Ibis")
    mail.outbox.clear()
    client.post(update_url(actor), update_payload(actor, summary="Nouvelle présentation."))
    body = emails_to(SUBMITTER)[0].body
    assert "(Mise à jour d'une fiche)" in body
    assert Submission.Kind.ACTOR_UPDATE.value not in body


def test_a_structures_kind_shows_as_its_label_not_its_code(client):
    label = str(KIND_LABELS[KIND])
    response = client.post(propose_url(), actor_payload(kind=KIND))
    follow = client.get(response["Location"]).content.decode()
    assert f"<dd>{label}</dd>" in follow and f"<dd>{KIND}</dd>" not in follow

    staff = client.__class__()
    staff.force_login(make_user("moderateur-libelles", role="moderation"))
    panel = staff.get(edit_url(Submission.objects.get())).content.decode()
    assert f"<td>{label}</td>" in panel and f"<td>{KIND}</td>" not in panel


def test_the_partner_space_shows_a_kinds_label(client):
    actor = make_actor("Fiche Libellés Héron", kind="association")
    client.force_login(make_user("libelles-heron", partner_of=[actor]))
    payload = {key: value or "" for key, value in services.actor_initial(actor).items()}
    response = client.post(
        reverse("partners:space_propose_update", args=[actor.pk]), {**payload, "kind": KIND}
    )
    assert Submission.objects.get().data["kind"] == KIND
    page = client.get(response["Location"]).content.decode()
    assert f"<dd>{KIND_LABELS[KIND]}</dd>" in page and f"<dd>{KIND}</dd>" not in page
