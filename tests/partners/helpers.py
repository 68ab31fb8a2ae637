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


# --- Events (tests/partners/test_partners_events.py, the permission matrix) ---------


def agenda():
    from partners.events import agenda_index

    return agenda_index("fr")


def make_event(title: str, organiser=None, *, role: str = "organisateur", **fields):
    """A published event under the French agenda, organised by `organiser`
    (a fiche), on 12 May 2027 from 9:30 to 12:00 (Paris)."""
    from datetime import date, time

    from events.models import EventOrganiser, EventPage, EventSlot

    fields.setdefault("event_type", "forum")
    fields.setdefault("summary", "Résumé publié.")
    fields.setdefault("city", "Sceaux")
    event = EventPage(title=title, **fields)
    event.slots.add(
        EventSlot(start_date=date(2027, 5, 12), start_time=time(9, 30), end_time=time(12, 0))
    )
    if organiser is not None:
        event.organisers.add(EventOrganiser(actor=organiser, role=role))
    agenda().add_child(instance=event)
    event.save_revision().publish()
    return EventPage.objects.get(pk=event.pk)


def event_payload(**overrides) -> dict:
    """A valid « Proposer un événement » post (the public form)."""
    data = {
        key: value
        for key, value in actor_payload().items()
        if key.startswith("submitter") or key in ("consent", "fax_number", "form_token", "message")
    }
    data.update(
        title="Forum Colibri de l'ESS",
        event_type="forum",
        organiser_name="Ville de Colibri",
        summary="Rencontre des acteurs de l'ESS du territoire.",
        description="Premier paragraphe.\n\nProgramme : https://colibri.example/forum",
        audience="Tout public",
        slot1_start_date="2027-05-12",
        slot1_start_time="09:30",
        slot1_end_date="",
        slot1_end_time="12:00",
        slot2_start_date="2027-05-13",
        slot2_all_day="on",
        mode="sur-place",
        place_name="Salle Colibri",
        address="1 place de la Mairie",
        postcode="92330",
        city="Sceaux",
        online_url="",
        price="gratuit",
        price_note="",
        registration="aucune",
        registration_url="",
        registration_email="",
        capacity="",
        accessibility="Salle de plain-pied.",
    )
    data.update(overrides)
    return data


def update_event_payload(event, **overrides) -> dict:
    """The partner space's « Modifier » form as it comes, with changes."""
    from partners.events import SLOT_PARTS, event_initial, slot_field_name

    initial = event_initial(event)
    data = {
        key: value
        for key, value in initial.items()
        if key not in ("slots", "organiser_name", "accessible")
    }
    for number, slot in enumerate(initial["slots"], start=1):
        for part in SLOT_PARTS:
            data[slot_field_name(number, part)] = slot[part]
    if initial["accessible"]:
        data["accessible"] = "on"
    data.update(form_token="", message="")
    data.update(overrides)
    return data
