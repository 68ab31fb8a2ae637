"""Moderation events on submissions, from Wagtail's workflow signals."""

from __future__ import annotations

import logging

from django.utils import timezone
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import published, task_rejected, task_submitted, workflow_cancelled

from . import notifications
from .models import Submission

logger = logging.getLogger(__name__)


def _submission_of(workflow_state) -> Submission | None:
    obj = workflow_state.content_object
    return obj if isinstance(obj, Submission) else None


def on_task_rejected(sender, instance, user=None, **kwargs):
    """« Demander des modifications »: the submitter gets the comment and a
    link to correct the proposal."""
    submission = _submission_of(instance.workflow_state)
    if submission is None:
        return
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.CHANGES_REQUESTED)
    submission.status = Submission.Status.CHANGES_REQUESTED
    notifications.send_changes_requested(submission, instance.comment)


def on_task_submitted(sender, instance, user=None, **kwargs):
    """In moderation again (a first submission, a correction, or a
    moderator's « Resubmit » in the admin)."""
    submission = _submission_of(instance.workflow_state)
    if submission is None:
        return
    Submission.objects.filter(pk=submission.pk).exclude(status=Submission.Status.APPROVED).update(
        status=Submission.Status.PENDING, decided_at=None
    )


def on_published(sender, instance, revision=None, **kwargs):
    """Approval (or a moderator's direct publication) creates or updates
    the page, publishes it and tells the submitter."""
    from .services import apply_submission

    if instance.status == Submission.Status.APPROVED and instance.result_page_id:
        # Published again after approval (e.g. a moderator's note): the
        # page exists already; never create it twice.
        logger.info("Submission %s was already applied", instance.pk)
        return

    approval = (
        TaskState.objects.filter(
            workflow_state__base_content_type=instance.get_base_content_type(),
            workflow_state__object_id=str(instance.pk),
            status=TaskState.STATUS_APPROVED,
        )
        .order_by("-finished_at")
        .select_related("finished_by")
        .first()
    )
    user = approval.finished_by if approval else None
    apply_submission(instance, user=user)
    notifications.send_approved(instance)


def on_workflow_cancelled(sender, instance: WorkflowState, user=None, **kwargs):
    submission = _submission_of(instance)
    if submission is None:
        return
    # Kept, with its history: only its status says it was closed unpublished.
    # `decided_at` starts the retention delay of its personal data.
    Submission.objects.filter(pk=submission.pk).exclude(status=Submission.Status.APPROVED).update(
        status=Submission.Status.CANCELLED, decided_at=timezone.now()
    )


def connect():
    task_rejected.connect(on_task_rejected, dispatch_uid="partners_task_rejected")
    task_submitted.connect(on_task_submitted, dispatch_uid="partners_task_submitted")
    published.connect(on_published, sender=Submission, dispatch_uid="partners_published")
    workflow_cancelled.connect(on_workflow_cancelled, dispatch_uid="partners_workflow_cancelled")
