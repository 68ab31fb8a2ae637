"""Helpers shared by the partners tests (tests/partners/test_partners_*.py)."""

from __future__ import annotations

import io
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import Locale, TaskState

from directory.models import ActorPage, DirectoryIndexPage
from home.roles import ADMINISTRATORS, EDITORS, MODERATORS
from partners.models import PartnerAccess, Submission

ROLE_GROUPS = {"redaction": EDITORS, "moderation": MODERATORS, "administration": ADMINISTRATORS}


def directory_index() -> DirectoryIndexPage:
    return DirectoryIndexPage.objects.get(locale=Locale.objects.get(language_code="fr"))


def make_actor(title: str, **fields) -> ActorPage:
    index = directory_index()
    page = ActorPage(title=title, kind=fields.pop("kind", "association"), **fields)
    index.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_user(username: str, *, role: str | None = None, partner_of=None):
    user = get_user_model().objects.create_user(username=username, email=f"{username}@example.org")
    if role:
        user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    for actor in partner_of or []:
        PartnerAccess.objects.create(user=user, actor=actor)
    return user


def actor_payload(**overrides) -> dict:
    data = {
        "title": "Ressourcerie Zéphyrine",
        "kind": "association",
        "acronym": "",
        "siret": "",
        "summary": "Une ressourcerie de quartier.",
        "website": "",
        "email": "",
        "phone": "",
        "address_line1": "",
        "address_line2": "",
        "postcode": "92330",
        "city": "Sceaux",
        "programme": "",
        "example_actions": "",
        "submitter_name": "Camille Proposante",
        "submitter_email": "camille.proposante@example.net",
        "submitter_organisation": "Collectif Zéphyr",
        "message": "",
        "consent": "on",
        "fax_number": "",
        "form_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def update_payload(actor: ActorPage, **overrides) -> dict:
    from partners.services import actor_initial

    data = actor_payload()
    data.update({key: value or "" for key, value in actor_initial(actor).items()})
    data.update(overrides)
    return data


def propose_url() -> str:
    return reverse("partners:propose_actor")


def update_url(actor) -> str:
    return reverse("partners:propose_update", args=[actor.pk])


def edit_url(submission) -> str:
    return reverse("wagtailsnippets_partners_submission:edit", args=[submission.pk])


def current_task_state(submission) -> TaskState:
    submission.refresh_from_db()
    return submission.current_workflow_state.current_task_state


def workflow_action_url(submission, action: str) -> str:
    task_state = current_task_state(submission)
    return reverse(
        "wagtailsnippets_partners_submission:workflow_action",
        args=[submission.pk, action, task_state.pk],
    )


def emails_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (11, 90, 78)).save(buffer, format="PNG")
    return buffer.getvalue()


def last_submission() -> Submission | None:
    return Submission.objects.order_by("-pk").first()
