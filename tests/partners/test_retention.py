"""The retention policy (issue 16, end of item 10): a decided proposal loses
its personal data PARTNERS_PERSONAL_DATA_MONTHS after the decision, and so
do the announcements' relayed messages once sent or failed for good;
`manage.py purge_personal_data` does it, idempotently."""

import importlib
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from directory.models import ActorPage
from events.announcements import AnnouncementMessage, AnnouncementPage
from partners import services
from partners.management.commands.purge_personal_data import months_before
from partners.models import Submission, private_storage
from tests.partners.helpers import (
    actor_payload,
    make_user,
    pdf_bytes,
    png_bytes,
    propose_url,
    workflow_action_url,
)

pytestmark = pytest.mark.django_db

SUBMITTER = "camille.proposante@example.net"  # actor_payload's submitter
STRUCTURE_EMAIL = "contact@structure-retention.example.org"
STRUCTURE_PHONE = "01 41 87 00 00"


@pytest.fixture
def private_dir(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    return tmp_path / "private"


@pytest.fixture
def moderator():
    client = Client()
    client.force_login(make_user("retention-moderation", role="moderation"))
    return client


def _propose(title: str, *, files=True, message="Merci de vérifier.") -> Submission:
    uploads = {}
    if files:
        uploads = {
            "logo": SimpleUploadedFile("logo.png", png_bytes(), "image/png"),
            "document": SimpleUploadedFile("plaquette.pdf", pdf_bytes(), "application/pdf"),
        }
    payload = actor_payload(
        title=title, email=STRUCTURE_EMAIL, phone=STRUCTURE_PHONE, message=message
    )
    response = Client().post(propose_url(), {**payload, **uploads})
    assert response.status_code == 302
    return Submission.objects.get(title=title)


def _approve(moderator, submission) -> Submission:
    response = moderator.post(workflow_action_url(submission, "approve"), {"comment": ""})
    assert response.status_code in (200, 302)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED
    return submission


def _cancel(submission) -> Submission:
    submission.current_workflow_state.cancel(user=make_user(f"annule-{submission.pk}"))
    submission.refresh_from_db()
    assert submission.status == Submission.Status.CANCELLED
    return submission


def _decided(submission, days_ago: int) -> Submission:
    Submission.objects.filter(pk=submission.pk).update(
        decided_at=timezone.now() - timedelta(days=days_ago)
    )
    submission.refresh_from_db()
    return submission


def _purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue()


def _revisions_text(submission) -> str:
    return json.dumps([r.content for r in submission.revisions.all()], default=str)


def test_decision_dates_are_recorded(moderator, private_dir):
    approved = _approve(moderator, _propose("Structure Rétention Datée"))
    assert timezone.now() - approved.decided_at < timedelta(minutes=1)
    cancelled = _cancel(_propose("Structure Rétention Close", files=False))
    assert timezone.now() - cancelled.decided_at < timedelta(minutes=1)
    # Back in moderation: undecided again.
    cancelled.get_workflow().start(cancelled, user=None)
    cancelled.refresh_from_db()
    assert cancelled.status == Submission.Status.PENDING and cancelled.decided_at is None
    assert _propose("Structure Rétention Ouverte", files=False).decided_at is None


def test_a_decided_proposal_loses_its_personal_data_after_the_delay(moderator, private_dir):
    submission = _decided(_approve(moderator, _propose("Structure Rétention Échue")), 400)
    files = [submission.logo.name, submission.document.name]
    assert all((private_dir / name).exists() for name in files)
    assert SUBMITTER in _revisions_text(submission)

    output = _purge()

    assert "1 proposal(s), 2 file(s)" in output
    submission.refresh_from_db()
    assert submission.personal_data_purged_at is not None
    assert (submission.submitter_name, submission.submitter_email) == ("", "")
    assert (submission.submitter_organisation, submission.message) == ("", "")
    assert submission.consent_at is None
    assert not submission.logo and not submission.document
    assert not any((private_dir / name).exists() for name in files)
    # The proposed content keeps what is not personal.
    assert submission.data["email"] == "" and submission.data["phone"] == ""
    assert submission.data["title"] == "Structure Rétention Échue"
    assert submission.data["city"] == "Sceaux"
    # Nor do its revisions hold any of it.
    text = _revisions_text(submission)
    for value in (SUBMITTER, "Camille Proposante", "Collectif Zéphyr", STRUCTURE_EMAIL):
        assert value not in text
    assert "Merci de vérifier." not in text
    # The decision, the status and the published page are untouched.
    assert submission.status == Submission.Status.APPROVED
    page = ActorPage.objects.get(pk=submission.result_page_id)
    assert page.live and page.email == STRUCTURE_EMAIL and page.phone == STRUCTURE_PHONE
    assert page.logo.file.read() == png_bytes()
    assert page.documents.get().document.file.read() == pdf_bytes()


def test_the_admin_says_the_data_was_erased(moderator, private_dir):
    submission = _decided(_cancel(_propose("Structure Rétention Affichée")), 400)
    _purge()
    url = reverse("wagtailsnippets_partners_submission:edit", args=[submission.pk])
    html = moderator.get(url).content.decode()
    assert "Données personnelles supprimées le" in html
    assert "Personne qui propose" not in html and "Fichiers joints" not in html
    # Moderators still keep notes on it.
    response = moderator.post(url, {"moderator_note": "Dossier clos."})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.revisions.order_by("-pk").first().content["moderator_note"] == "Dossier clos."
    assert "Données personnelles supprimées le" in moderator.get(url).content.decode()


def test_open_and_recent_proposals_are_kept(moderator, private_dir):
    recent = _decided(_cancel(_propose("Structure Rétention Récente")), 300)
    pending = _propose("Structure Rétention En Attente")
    Submission.objects.filter(pk=pending.pk).update(
        submitted_at=timezone.now() - timedelta(days=800)
    )
    changes = _propose("Structure Rétention À Corriger", files=False)
    Submission.objects.filter(pk=changes.pk).update(status=Submission.Status.CHANGES_REQUESTED)

    assert "0 proposal(s)" in _purge()

    for submission in (recent, pending, changes):
        submission.refresh_from_db()
        assert submission.personal_data_purged_at is None
        assert submission.submitter_email == SUBMITTER
    assert (private_dir / pending.document.name).exists()
    assert (private_dir / recent.logo.name).exists()


def test_the_delay_is_a_setting(settings, moderator, private_dir):
    submission = _decided(_cancel(_propose("Structure Rétention Réglée", files=False)), 400)
    settings.PARTNERS_PERSONAL_DATA_MONTHS = 24
    assert "0 proposal(s)" in _purge()
    settings.PARTNERS_PERSONAL_DATA_MONTHS = 6
    assert "1 proposal(s)" in _purge()
    submission.refresh_from_db()
    assert submission.submitter_email == ""


def test_dry_run_counts_and_erases_nothing(moderator, private_dir):
    submission = _decided(_cancel(_propose("Structure Rétention Simulée")), 400)
    output = _purge("--dry-run")
    assert "1 proposal(s), 2 file(s)" in output and "would be erased" in output
    submission.refresh_from_db()
    assert submission.submitter_email == SUBMITTER and submission.personal_data_purged_at is None
    assert (private_dir / submission.document.name).exists()


def test_a_second_run_changes_nothing(moderator, private_dir):
    submission = _decided(_cancel(_propose("Structure Rétention Deux Fois")), 400)
    _purge()
    submission.refresh_from_db()
    purged_at = submission.personal_data_purged_at
    assert "0 proposal(s), 0 file(s) and 0 announcement message(s)" in _purge()
    submission.refresh_from_db()
    assert submission.personal_data_purged_at == purged_at


def test_a_replaced_upload_is_deleted_too(moderator, private_dir):
    """A correction that replaced the logo left the first one in the
    private storage, named only by an earlier revision."""
    submission = _propose("Structure Rétention Corrigée")
    first_logo = submission.logo.name
    services.resubmit(
        submission,
        data=submission.data,
        files={"logo": SimpleUploadedFile("autre.png", png_bytes(), "image/png")},
        message="",
    )
    submission.refresh_from_db()
    assert submission.logo.name != first_logo and (private_dir / first_logo).exists()
    _decided(_cancel(submission), 400)
    assert "3 file(s)" in _purge()
    assert not (private_dir / first_logo).exists()
    assert not (private_dir / submission.logo.name).exists()


def _message(announcement, *, days_ago: int, sent: bool, attempts: int) -> AnnouncementMessage:
    message = AnnouncementMessage.objects.create(
        announcement=announcement,
        sender_name="Dominique Expéditrice",
        sender_email="dominique@example.net",
        body="Bonjour, le bureau est-il encore libre ?",
        attempts=attempts,
    )
    written = timezone.now() - timedelta(days=days_ago)
    AnnouncementMessage.objects.filter(pk=message.pk).update(
        created_at=written, sent_at=written + timedelta(minutes=1) if sent else None
    )
    return message


def test_relayed_messages_are_erased_after_the_delay():
    announcement = AnnouncementPage.objects.live().first()
    sent_long_ago = _message(announcement, days_ago=400, sent=True, attempts=1)
    failed_for_good = _message(announcement, days_ago=400, sent=False, attempts=3)
    sent_recently = _message(announcement, days_ago=30, sent=True, attempts=1)
    still_trying = _message(announcement, days_ago=400, sent=False, attempts=1)

    assert "2 announcement message(s) would be erased" in _purge("--dry-run")
    assert "2 announcement message(s) erased" in _purge()

    for message in (sent_long_ago, failed_for_good):
        message.refresh_from_db()
        assert (message.sender_name, message.sender_email, message.body) == ("", "", "")
        assert message.announcement_id == announcement.pk  # the row stays
    for message in (sent_recently, still_trying):
        message.refresh_from_db()
        assert message.sender_email == "dominique@example.net" and message.body
    assert "0 announcement message(s)" in _purge()


def test_the_migration_dates_past_decisions_from_the_log(private_dir):
    backfill = importlib.import_module(
        "partners.migrations.0004_backfill_decided_at_and_move_uploads"
    ).backfill_decided_at
    logged = _cancel(_propose("Structure Rétention Historique", files=False))
    unlogged = _cancel(_propose("Structure Rétention Sans Trace", files=False))
    Submission.objects.filter(pk__in=[logged.pk, unlogged.pk]).update(decided_at=None)
    when = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
    ModelLogEntry.objects.filter(object_id=str(logged.pk), action="wagtail.workflow.cancel").update(
        timestamp=when
    )
    ModelLogEntry.objects.filter(object_id=str(unlogged.pk)).delete()

    backfill(apps, None)

    logged.refresh_from_db()
    unlogged.refresh_from_db()
    assert logged.decided_at == when
    # No log entry: the end of its last workflow task.
    assert timezone.now() - unlogged.decided_at < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2027, 3, 31, 8, 0, tzinfo=UTC), 1, datetime(2027, 2, 28, 8, 0, tzinfo=UTC)),
        (datetime(2027, 1, 15, tzinfo=UTC), 12, datetime(2026, 1, 15, tzinfo=UTC)),
        (datetime(2027, 1, 15, tzinfo=UTC), 13, datetime(2025, 12, 15, tzinfo=UTC)),
        (datetime(2028, 5, 31, tzinfo=UTC), 3, datetime(2028, 2, 29, tzinfo=UTC)),
    ],
)
def test_months_are_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected


def test_the_private_storage_is_the_one_purged(private_dir):
    assert private_storage().location == str(private_dir)
