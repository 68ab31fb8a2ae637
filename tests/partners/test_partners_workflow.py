"""A proposal's whole life: received, changes requested, corrected through
the private link, approved in the admin, live on the site."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import WorkflowState

from directory.models import ActorPage
from partners.models import Submission
from tests.partners.helpers import (
    actor_payload,
    directory_index,
    edit_url,
    emails_to,
    make_actor,
    make_user,
    propose_url,
    update_payload,
    update_url,
    workflow_action_url,
)

pytestmark = pytest.mark.django_db

SUBMITTER = "camille.proposante@example.net"


def _reject(client, submission, comment):
    response = client.post(workflow_action_url(submission, "reject"), {"comment": comment})
    assert response.status_code in (200, 302), response.content[:500]


def _approve(client, submission):
    response = client.post(workflow_action_url(submission, "approve"), {"comment": ""})
    assert response.status_code in (200, 302), response.content[:500]


def test_public_submission_changes_requested_corrected_then_approved(client):
    moderator = make_user("moderatrice-wf", role="moderation")
    mail.outbox.clear()

    # 1. A visitor proposes a new structure.
    response = client.post(propose_url(), actor_payload(title="Ressourcerie Quetzalcoatl"))
    submission = Submission.objects.get(title="Ressourcerie Quetzalcoatl")
    follow = reverse("partners:follow", args=[submission.follow_key])
    assert response.status_code == 302 and response["Location"].startswith(follow)
    assert (
        submission.origin == Submission.Origin.PUBLIC
        and submission.status == Submission.Status.PENDING
    )
    assert submission.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert not ActorPage.objects.filter(alias_of=None, title="Ressourcerie Quetzalcoatl").exists()
    acknowledgement = emails_to(SUBMITTER)
    assert len(acknowledgement) == 1 and follow in acknowledgement[0].body
    # Moderators are told (Wagtail's own notification to the task's group).
    assert emails_to(moderator.email)

    # 2. A moderator asks for changes, with a comment.
    staff = client.__class__()
    staff.force_login(moderator)
    assert staff.get(edit_url(submission)).status_code == 200
    _reject(staff, submission, "Merci d'indiquer la commune exacte.")
    submission.refresh_from_db()
    assert submission.status == Submission.Status.CHANGES_REQUESTED
    changes = emails_to(SUBMITTER)[-1]
    assert len(emails_to(SUBMITTER)) == 2
    assert "Merci d'indiquer la commune exacte." in changes.body and follow in changes.body

    # 3. The submitter sees the comment through the private link and corrects.
    page = client.get(follow)
    assert page.status_code == 200
    assert "Merci d&#x27;indiquer la commune exacte." in page.content.decode()
    correction = actor_payload(title="Ressourcerie Quetzalcoatl", city="Fontenay-aux-Roses")
    response = client.post(follow, correction)
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING
    assert submission.data["city"] == "Fontenay-aux-Roses"
    assert submission.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert len(emails_to(SUBMITTER)) == 2  # no email for their own correction

    # 4. The moderator approves: the fiche is created and published.
    _approve(staff, submission)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    actor = ActorPage.objects.get(alias_of=None, title="Ressourcerie Quetzalcoatl")
    assert actor.live and actor.get_parent().pk == directory_index().pk
    assert actor.city == "Fontenay-aux-Roses" and actor.departement == "92"
    assert submission.result_page_id == actor.pk

    public = client.get(actor.url)
    assert public.status_code == 200 and "Ressourcerie Quetzalcoatl" in public.content.decode()
    # The submitter's details never reach the public page.
    assert SUBMITTER not in public.content.decode()
    assert "Camille Proposante" not in public.content.decode()

    emails = emails_to(SUBMITTER)
    assert len(emails) == 3
    assert "publiée" in emails[2].subject and actor.url in emails[2].body

    # Published again (a moderator's note): no second fiche.
    staff.post(edit_url(submission), {"moderator_note": "Vu.", "action-publish": "on"})
    assert ActorPage.objects.filter(alias_of=None, title="Ressourcerie Quetzalcoatl").count() == 1

    # Nothing was deleted: the submission keeps its revisions and history.
    assert submission.revisions.count() >= 2
    assert WorkflowState.objects.for_instance(submission).count() == 1


def test_update_never_touches_the_live_fiche_before_approval(client):
    actor = make_actor("Coopérative Ornithorynque", city="Sceaux", postcode="92330")
    live_revision = actor.live_revision_id
    moderator = make_user("moderateur-maj", role="moderation")

    payload = update_payload(actor, summary="Nouvelle présentation proposée.")
    assert client.post(update_url(actor), payload).status_code == 302
    submission = Submission.objects.get(target_page=actor)
    assert submission.kind == Submission.Kind.ACTOR_UPDATE
    assert submission.data == {"summary": "Nouvelle présentation proposée.", "title": actor.title}

    actor.refresh_from_db()
    assert actor.summary == "" and actor.live_revision_id == live_revision
    assert not actor.has_unpublished_changes  # no draft on the page itself
    assert "Nouvelle présentation proposée." not in client.get(actor.url).content.decode()

    # Moderators compare the proposal with the live fiche in Wagtail's view.
    staff = client.__class__()
    staff.force_login(moderator)
    compare = reverse(
        "wagtailadmin_pages:revisions_compare",
        args=[actor.pk, "live", submission.compare_revision_id],
    )
    assert compare in staff.get(edit_url(submission)).content.decode()
    comparison = staff.get(compare)
    assert comparison.status_code == 200
    assert "Nouvelle présentation proposée." in comparison.content.decode()

    _approve(staff, submission)
    actor.refresh_from_db()
    assert actor.summary == "Nouvelle présentation proposée."
    assert actor.city == "Sceaux"  # untouched fields stay as they were
    assert "Nouvelle présentation proposée." in client.get(actor.url).content.decode()


def test_update_keeps_an_editors_unpublished_draft_out_of_the_proposal(client):
    actor = make_actor("Régie Salamandre", summary="En ligne.")
    draft = ActorPage.objects.get(pk=actor.pk)
    draft.summary = "Brouillon de la rédaction."
    draft.save_revision()
    client.post(update_url(actor), update_payload(actor, phone="01 23 45 67 89"))
    actor.refresh_from_db()
    assert actor.summary == "En ligne."
    assert actor.get_latest_revision_as_object().summary == "Brouillon de la rédaction."


def test_the_fiche_links_to_the_update_form(client):
    actor = make_actor("Épicerie Tardigrade")
    html = client.get(actor.url).content.decode()
    assert update_url(actor) in html and "Proposer une mise à jour" in html
    assert client.get(update_url(actor)).status_code == 200


def test_update_form_for_a_page_that_is_not_a_live_fiche_is_404(client, home_fr):
    assert client.get(reverse("partners:propose_update", args=[home_fr.pk])).status_code == 404
    actor = make_actor("Fiche dépubliée Axolotl")
    actor.unpublish()
    assert client.get(update_url(actor)).status_code == 404


def test_cancelled_workflow_keeps_the_submission(client):
    admin = make_user("admin-annule", role="administration")
    client.post(propose_url(), actor_payload(title="Structure Pangolin"))
    submission = Submission.objects.get(title="Structure Pangolin")
    submission.current_workflow_state.cancel(user=admin)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.CANCELLED
    # A moderator may put it back in moderation later.
    submission.get_workflow().start(submission, user=admin)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING
    assert Submission.objects.filter(pk=submission.pk).exists()
    assert not ActorPage.objects.filter(alias_of=None, title="Structure Pangolin").exists()


def test_dashboard_panel_lists_pending_submissions_with_overdue(client):
    from datetime import timedelta

    from django.utils import timezone

    moderator = make_user("moderateur-tdb", role="moderation")
    editor = make_user("redacteur-tdb", role="redaction")
    client.post(propose_url(), actor_payload(title="Structure Okapi récente"))
    client.post(propose_url(), actor_payload(title="Structure Okapi ancienne"))
    Submission.objects.filter(title="Structure Okapi ancienne").update(
        submitted_at=timezone.now() - timedelta(days=15)
    )
    client.force_login(moderator)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Propositions à modérer" in html
    assert "Structure Okapi récente" in html and "Structure Okapi ancienne" in html
    assert "camille.proposante@example.net" in html
    assert "Formulaire public" in html and "Nouvelle structure" in html
    assert html.count("en retard") == 1
    assert "15 jours" in html

    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Propositions à modérer" not in html and "Structure Okapi" not in html


def test_the_fiche_section_runs_no_query(rf, django_assert_num_queries):
    from partners.sections import propose_update_section

    actor = make_actor("Fiche Sans Requête Gecko")
    with django_assert_num_queries(0):
        section = propose_update_section(actor, rf.get("/"))
    assert section["url"] == update_url(actor)


def test_the_private_follow_page_is_not_cached_indexed_or_leaked(client):
    client.post(propose_url(), actor_payload(title="Structure Discrète Loris"))
    submission = Submission.objects.get(title="Structure Discrète Loris")
    response = client.get(reverse("partners:follow", args=[submission.follow_key]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]
    html = response.content.decode()
    assert "Structure Discrète Loris" in html and "Sceaux" in html  # the proposal
    assert "camille.proposante@example.net" not in html
    assert client.get(reverse("partners:follow", args=["mauvaise-cle"])).status_code == 404


def test_dashboard_panel_runs_a_fixed_number_of_queries(rf):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partners.wagtail_hooks import PendingSubmissionsPanel

    request = rf.get("/admin/")
    request.user = make_user("moderateur-requetes", role="moderation")

    def queries_for_panel():
        with CaptureQueriesContext(connection) as context:
            html = PendingSubmissionsPanel().render_html({"request": request, "csrf_token": ""})
        return len(context), html

    def add(count, start):
        for index in range(start, start + count):
            Client(REMOTE_ADDR=f"10.40.0.{index + 1}").post(
                propose_url(), actor_payload(title=f"Structure Requêtes {index:02d}")
            )

    add(2, 0)
    few, html = queries_for_panel()
    assert "Structure Requêtes 01" in html
    add(25, 2)
    many, html = queries_for_panel()
    assert "Structure Requêtes 19" in html and "Toutes les propositions (27)" in html
    assert many == few
