"""The permission matrix: six kinds of people × fourteen actions, every cell
asserted through the routes people actually use (public site, partner
space, Wagtail admin).

The subject is `sub_a`, a proposal partner A made on fiche A. The columns:

- view_draft: see sub_a's proposed content;
- create: start a proposal on fiche A *as its organisation* (partner space;
  nobody adds one in the admin). The public form stays open to everyone,
  anonymous included (tests/partners/test_partners_forms.py);
- edit_own: correct a proposal one made oneself (anonymous and staff: a
  public proposal, through its private link; partners: in their space)
  once changes were requested;
- edit_another: correct or edit sub_a (for partner A, partner B's proposal);
- submit: send sub_a back to moderation after changes were requested;
- approve: approve (publish) sub_a;
- delete: delete sub_a;
- see_email: see the email address of a public submitter;
- create_event: propose, in the partner space, an event organised by fiche A;
- edit_event: propose a change to event A (an event fiche A organises,
  published) as its organisation (editors change pages in the admin, which
  is not this);
- cancel_event: propose the cancellation of event A as its organisation;
- approve_event: approve partner A's proposed event, which publishes it;
- alerts_admin, invite_network: the alerts' admin listing, and inviting a
  network's members to follow it (tests/alerts/permission_cells.py);
- check_registers: check fiche A against the official registers (the
  editor's admin action, docs/registers.md).
"""

import pytest
from django.test import Client
from django.urls import reverse

from partners import services
from partners.models import Submission
from tests.alerts import permission_cells
from tests.partners.helpers import (
    actor_payload,
    current_task_state,
    edit_url,
    event_payload,
    make_actor,
    make_event,
    make_user,
    propose_url,
    update_event_payload,
    workflow_action_url,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "partner_a", "partner_b", "redaction", "moderation", "administration"]
T, F = True, False
MATRIX = {
    #               anon partA partB  réd   mod   adm
    "view_draft": [F, T, F, F, T, T],
    "create": [F, T, F, F, F, F],
    "edit_own": [T, T, T, T, T, T],
    "edit_another": [F, F, F, F, T, T],
    "submit": [F, T, F, F, T, T],
    "approve": [F, F, F, F, T, T],
    "delete": [F, F, F, F, F, T],
    "see_email": [F, F, F, F, T, T],
    "create_event": [F, T, F, F, F, F],
    "edit_event": [F, T, F, F, F, F],
    "cancel_event": [F, T, F, F, F, F],
    "approve_event": [F, F, F, F, T, T],
    "alerts_admin": [F, F, F, F, F, T],
    "invite_network": [F, F, F, T, T, T],
    "check_registers": [F, F, F, T, T, T],
}
PUBLIC_EMAIL = "secret.proposant@example.net"


def _partner_submission(user, actor, summary):
    submission, _ = services.create_submission(
        kind=Submission.Kind.ACTOR_UPDATE,
        origin=Submission.Origin.PARTNER,
        data={"summary": summary, "title": actor.title},
        files={},
        submitter={
            "submitter_name": user.username,
            "submitter_email": user.email,
            "submitter_organisation": actor.title,
        },
        user=user,
        target_page=actor,
        actor=actor,
    )
    return submission


def _request_changes(submission):
    current_task_state(submission).specific.reject(comment="À préciser.")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.CHANGES_REQUESTED


@pytest.fixture
def world():
    actor_a = make_actor("Matrice Fiche Alpha")
    actor_b = make_actor("Matrice Fiche Bêta")
    users = {
        "anonymous": None,
        "partner_a": make_user("matrice-partenaire-a", partner_of=[actor_a]),
        "partner_b": make_user("matrice-partenaire-b", partner_of=[actor_b]),
        "redaction": make_user("matrice-redaction", role="redaction"),
        "moderation": make_user("matrice-moderation", role="moderation"),
        "administration": make_user("matrice-administration", role="administration"),
    }
    sub_a = _partner_submission(users["partner_a"], actor_a, "Proposition confidentielle A")
    sub_b = _partner_submission(users["partner_b"], actor_b, "Proposition confidentielle B")
    anonymous = Client()
    anonymous.post(
        propose_url(),
        actor_payload(title="Matrice Proposition Publique", submitter_email=PUBLIC_EMAIL),
    )
    public = Submission.objects.get(title="Matrice Proposition Publique")
    return {
        "actor_a": actor_a,
        "users": users,
        "sub_a": sub_a,
        "sub_b": sub_b,
        "public": public,
    }


def _client(world, role):
    client = Client()
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    return client


def _view_draft(world, role, client):
    sub = world["sub_a"]
    pages = [
        client.get(reverse("partners:space_submission", args=[sub.pk])),
        client.get(edit_url(sub)),
    ]
    return any(
        r.status_code == 200 and "Proposition confidentielle A" in r.content.decode() for r in pages
    )


def _create(world, role, client):
    actor = world["actor_a"]
    before = Submission.objects.filter(target_page=actor).count()
    payload = {**services.actor_initial(actor), "summary": f"Création par {role}"}
    payload = {k: v or "" for k, v in payload.items()}
    client.post(reverse("partners:space_propose_update", args=[actor.pk]), payload)
    client.post(reverse("wagtailsnippets_partners_submission:add"), {"moderator_note": "x"})
    return Submission.objects.filter(target_page=actor).count() > before


def _correct(client, submission, url, marker):
    payload = {
        k: v or "" for k, v in services.actor_initial(submission.target_page.specific).items()
    }
    payload["summary"] = marker
    client.post(url, payload)
    submission.refresh_from_db()
    return submission.data.get("summary") == marker


def _edit_own(world, role, client):
    user = world["users"][role]
    if role.startswith("partner"):
        own = world["sub_a"] if role == "partner_a" else world["sub_b"]
        _request_changes(own)
        url = reverse("partners:space_submission", args=[own.pk])
        return _correct(client, own, url, f"Correction par {role}")
    # Anonymous people and staff propose through the public form.
    email = f"{role}.own@example.net" if user is None else user.email
    client.post(propose_url(), actor_payload(title=f"Matrice propre {role}", submitter_email=email))
    own = Submission.objects.get(title=f"Matrice propre {role}")
    _request_changes(own)
    url = reverse("partners:follow", args=[own.follow_key])
    client.post(url, actor_payload(title=f"Matrice propre {role}", city="Corrigée"))
    own.refresh_from_db()
    return own.data.get("city") == "Corrigée"


def _edit_another(world, role, client):
    other = world["sub_b"] if role == "partner_a" else world["sub_a"]
    _request_changes(other)
    marker = f"Modification par {role}"
    space = _correct(client, other, reverse("partners:space_submission", args=[other.pk]), marker)
    client.post(edit_url(other), {"moderator_note": marker})
    other.refresh_from_db()
    admin = other.moderator_note == marker or (
        other.get_latest_revision_as_object().moderator_note == marker
    )
    return space or admin


def _submit(world, role, client):
    sub = world["sub_a"]
    _request_changes(sub)
    # Partner space: the correction form resubmits; admin: « Resubmit ».
    _correct(client, sub, reverse("partners:space_submission", args=[sub.pk]), "Renvoi")
    client.post(edit_url(sub), {"moderator_note": "", "action-submit": "on"})
    sub.refresh_from_db()
    state = sub.current_workflow_state
    in_progress = state is not None and state.status == "in_progress"
    assert in_progress == (sub.status == Submission.Status.PENDING)  # the dashboard agrees
    return in_progress


def _approve(world, role, client):
    sub = world["sub_a"]
    # The workflow's « Approve » (Modération's task), or « Publish » in the
    # edit view (whoever holds the publish permission).
    client.post(workflow_action_url(sub, "approve"), {"comment": ""})
    sub.refresh_from_db()
    if sub.status != Submission.Status.APPROVED:
        client.post(edit_url(sub), {"moderator_note": "", "action-publish": "action-publish"})
    sub.refresh_from_db()
    return sub.status == Submission.Status.APPROVED and sub.live


def _delete(world, role, client):
    sub = world["sub_a"]
    client.post(reverse("wagtailsnippets_partners_submission:delete", args=[sub.pk]))
    return not Submission.objects.filter(pk=sub.pk).exists()


def _see_email(world, role, client):
    public = world["public"]
    pages = [
        client.get(reverse("partners:follow", args=[public.follow_key])),
        client.get(reverse("partners:space_home")),
        client.get(edit_url(public)),
        client.get(reverse("wagtailadmin_home")),
        client.get(reverse("wagtailsnippets_partners_submission:list")),
    ]
    return any(PUBLIC_EMAIL in r.content.decode() for r in pages if r.status_code == 200)


def _event_a(world):
    if "event_a" not in world:
        world["event_a"] = make_event("Matrice Événement Alpha", world["actor_a"])
    return world["event_a"]


def _create_event(world, role, client):
    actor = world["actor_a"]
    title = f"Matrice événement {role}"
    client.post(
        reverse("partners:space_propose_event"),
        event_payload(title=title, organiser_name=actor.pk),
    )
    return Submission.objects.filter(
        title=title, kind=Submission.Kind.EVENT_NEW, actor=actor
    ).exists()


def _edit_event(world, role, client):
    event = _event_a(world)
    marker = f"Modification par {role}"
    client.post(
        reverse("partners:space_event_update", args=[event.pk]),
        update_event_payload(event, summary=marker),
    )
    return Submission.objects.filter(target_page=event, data__summary=marker).exists()


def _cancel_event(world, role, client):
    event = _event_a(world)
    client.post(reverse("partners:space_event_cancel", args=[event.pk]), {"status": "annule"})
    return Submission.objects.filter(target_page=event, data__status="annule").exists()


def _approve_event(world, role, client):
    from events.models import EventPage

    user, actor = world["users"]["partner_a"], world["actor_a"]
    title = f"Matrice événement à approuver {role}"
    sub, _ = services.create_submission(
        kind=Submission.Kind.EVENT_NEW,
        origin=Submission.Origin.PARTNER,
        data={
            "title": title,
            "event_type": "forum",
            "mode": "sur-place",
            "city": "Sceaux",
            "registration": "aucune",
            "slots": [
                {"start_date": "2027-06-01", "start_time": "", "end_date": "", "end_time": ""}
            ],
        },
        files={},
        submitter={
            "submitter_name": user.username,
            "submitter_email": user.email,
            "submitter_organisation": actor.title,
        },
        user=user,
        actor=actor,
    )
    client.post(workflow_action_url(sub, "approve"), {"comment": ""})
    sub.refresh_from_db()
    if sub.status != Submission.Status.APPROVED:
        client.post(edit_url(sub), {"moderator_note": "", "action-publish": "action-publish"})
    sub.refresh_from_db()
    published = EventPage.objects.live().filter(title=title).exists()
    assert published == (sub.status == Submission.Status.APPROVED)
    return published


def _check_registers(world, role, client):
    url = reverse("directory_registers_check", args=[world["actor_a"].pk])
    response = client.get(url)
    return response.status_code == 200 and b"registres" in response.content


ACTIONS = {
    "view_draft": _view_draft,
    "create": _create,
    "edit_own": _edit_own,
    "edit_another": _edit_another,
    "submit": _submit,
    "approve": _approve,
    "delete": _delete,
    "see_email": _see_email,
    "create_event": _create_event,
    "edit_event": _edit_event,
    "cancel_event": _cancel_event,
    "approve_event": _approve_event,
    "alerts_admin": permission_cells.alerts_admin,
    "invite_network": permission_cells.invite_network,
    "check_registers": _check_registers,
}


@pytest.mark.parametrize("action", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, role, action):
    client = _client(world, role)
    expected = MATRIX[action][ROLES.index(role)]
    assert ACTIONS[action](world, role, client) is expected


def test_partner_accounts_have_no_admin_access(world):
    client = _client(world, "partner_a")
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not world["users"]["partner_a"].has_perm("wagtailadmin.access_admin")


def test_a_staff_account_cannot_be_linked_as_a_partner(world):
    from django.core.exceptions import ValidationError

    from partners.models import PartnerAccess

    access = PartnerAccess(user=world["users"]["redaction"], actor=world["actor_a"])
    with pytest.raises(ValidationError):
        access.full_clean()


def test_moderators_manage_partner_accesses_in_the_admin(world):
    url = reverse("wagtailsnippets_partners_partneraccess:list")
    assert _client(world, "moderation").get(url).status_code == 200
    assert _client(world, "redaction").get(url).status_code == 302
