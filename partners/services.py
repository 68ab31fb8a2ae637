"""What happens to a proposal: received, corrected, approved.

Order matters for "nothing submitted is lost": the submission is committed
first; starting the workflow and sending emails come after, and a failure
there is logged and recorded on the submission (shown to moderators), never
raised to the person submitting.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from wagtail.models import Page, Revision, WorkflowState

from directory.models import ActorDocument, ActorPage, DirectoryIndexPage

from . import notifications
from .forms import ActorFieldsForm
from .models import Submission
from .validation import plain_to_richtext, richtext_to_plain

logger = logging.getLogger(__name__)

RICH_FIELDS = {"programme", "example_actions"}


# --- Mapping between the form and the fiche ---------------------------------------


def actor_initial(page: ActorPage) -> dict:
    """A live fiche's values as the update form shows them."""
    return {
        name: richtext_to_plain(getattr(page, name))
        if name in RICH_FIELDS
        else getattr(page, name) or ""
        for name in ActorFieldsForm.ACTOR_FIELDS
    }


def initial_for(page) -> dict:
    from . import calls, events

    if isinstance(page, ActorPage):
        return actor_initial(page)
    if calls.is_call(page):
        return calls.call_initial(page)
    if events.is_event(page):
        return events.event_initial(page)
    raise TypeError(f"No proposal form for {type(page).__name__}")


def changed_fields(page, data: dict) -> dict:
    """Only what the person changed: an untouched rich-text field keeps its
    formatting on the page."""
    initial = initial_for(page)
    return {
        name: value
        for name, value in data.items()
        if _comparable(value) != _comparable(initial.get(name, ""))
    }


def _comparable(value) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(UTC).replace(second=0, microsecond=0).isoformat()
    elif isinstance(value, date):
        value = value.isoformat()
    elif isinstance(value, (list, tuple)):
        value = ",".join(sorted(str(item) for item in value))
    elif isinstance(value, bool):
        value = "1" if value else ""
    elif isinstance(value, str) and value:
        parsed = parse_datetime(value)
        if parsed is not None and "T" in value:
            return _comparable(parsed if parsed.tzinfo else timezone.make_aware(parsed))
    return re.sub(r"\s+", " ", str(value or "")).strip()


def apply_actor_data(page: ActorPage, data: dict) -> None:
    for name, value in data.items():
        if name in RICH_FIELDS:
            value = plain_to_richtext(value)
        setattr(page, name, value or "")
    if "postcode" in data:
        # ActorPage.clean() (run when the revision is saved) derives the
        # département and région again from the new postcode.
        page.departement = ""
        page.region = ""


# --- Receiving a proposal -------------------------------------------------------------


def create_submission(
    *,
    kind: str,
    origin: str,
    data: dict,
    files: dict,
    submitter: dict,
    message: str = "",
    user=None,
    target_page=None,
    actor=None,
    form_token=None,
) -> tuple[Submission, bool]:
    """Save a proposal and put it in moderation. Returns (submission,
    created); the same form token twice returns the first submission."""
    if form_token:
        existing = Submission.objects.filter(form_token=form_token).first()
        if existing:
            return existing, False
    submission = Submission(
        kind=kind,
        origin=origin,
        title=str(data.get("title", ""))[:255] or (target_page.title if target_page else ""),
        data=data,
        message=message,
        user=user,
        target_page=target_page,
        actor=actor,
        form_token=form_token,
        consent_at=timezone.now() if origin == Submission.Origin.PUBLIC else None,
        submitted_at=timezone.now(),
        **submitter,
    )
    for name, upload in files.items():
        if upload:
            setattr(submission, name, upload)
    try:
        with transaction.atomic():
            submission.save()
            submission.save_revision(user=user, log_action="wagtail.create")
            if kind in Submission.UPDATE_KINDS and target_page is not None:
                submission.compare_revision = make_compare_revision(submission)
                submission.save(update_fields=["compare_revision"])
    except IntegrityError:
        # The same form posted twice at the same moment: the other post won.
        existing = Submission.objects.filter(form_token=form_token).first() if form_token else None
        if existing is None:
            raise
        return existing, False
    start_moderation(submission)
    notifications.send_acknowledgement(submission)
    return submission, True


def make_compare_revision(submission: Submission) -> Revision | None:
    """A revision of the fiche holding the live version plus the proposed
    changes, which is NOT the page's latest revision: the live page, its
    drafts and its latest revision are untouched; moderators compare it with
    the live version in Wagtail's revision comparison."""
    from . import calls, events

    page = submission.target_page.specific if submission.target_page else None
    if page is None:
        return None
    page = type(page).objects.get(pk=page.pk)
    if isinstance(page, ActorPage):
        apply_actor_data(page, changed_fields(page, submission.data))
    elif calls.is_call(page):
        calls.apply_call_data(page, changed_fields(page, submission.data))
    elif events.is_event(page):
        events.apply_event_data(page, changed_fields(page, submission.data))
    else:
        return None
    try:
        page.clean()
    except ValidationError:
        logger.warning("Proposal %s does not validate against its fiche", submission.pk)
    return Revision.objects.create(
        content_object=page,
        base_content_type=page.get_base_content_type(),
        user=None,
        content=page.serializable_data(),
        object_str=str(page),
    )


def start_moderation(submission: Submission) -> None:
    workflow = submission.get_workflow()
    if workflow is None:
        logger.error("No moderation workflow for submissions; submission %s waits", submission.pk)
        return
    try:
        # No requesting user: Wagtail's own notifications to the requester
        # (with admin links) must never reach a partner; ours do instead.
        workflow.start(submission, user=None)
    except Exception:
        logger.exception("Could not start moderation of submission %s", submission.pk)


def resubmit(submission: Submission, *, data: dict, files: dict, message: str, user=None):
    """The submitter's correction after a request for changes: a new
    revision of the submission, and moderation resumes."""
    submission.data = data
    submission.title = str(data.get("title", ""))[:255] or submission.title
    if message:
        submission.message = message
    for name, upload in files.items():
        if upload:
            setattr(submission, name, upload)
    submission.status = Submission.Status.PENDING
    submission.submitted_at = timezone.now()
    with transaction.atomic():
        submission.save()
        submission.save_revision(user=user, log_action=True)
        if submission.is_update and submission.target_page_id:
            submission.compare_revision = make_compare_revision(submission)
            submission.save(update_fields=["compare_revision"])
        state = submission.current_workflow_state
        if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            state.resume(user=None)
        elif state is None:
            transaction.on_commit(lambda: start_moderation(submission))


# --- Approval ---------------------------------------------------------------------------


def unique_slug(parent: Page, title: str) -> str:
    base = slugify(title)[:70] or "structure"
    siblings = set(parent.get_children().values_list("slug", flat=True))
    slug, counter = base, 2
    while slug in siblings:
        slug = f"{base}-{counter}"
        counter += 1
    return slug


def _directory_index() -> DirectoryIndexPage:
    from wagtail.models import Locale

    locale = Locale.get_default()
    return DirectoryIndexPage.objects.filter(locale=locale).order_by("path").first()


def _attach_files(page: ActorPage, submission: Submission, user) -> None:
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    if submission.logo:
        image_model = get_image_model()
        with submission.logo.open("rb") as fh:
            image = image_model(title=f"Logo – {page.title}"[:255], uploaded_by_user=user)
            image.file.save(submission.logo.name.rsplit("/", 1)[-1], File(fh), save=False)
            image._set_image_file_metadata()
            image.save()
        page.logo = image
    if submission.document:
        document_model = get_document_model()
        with submission.document.open("rb") as fh:
            document = document_model(title=page.title[:255], uploaded_by_user=user)
            document.file.save(submission.document.name.rsplit("/", 1)[-1], File(fh), save=False)
            document.save()
        page.documents.add(ActorDocument(document=document))


@transaction.atomic
def apply_submission(submission: Submission, user=None) -> Page | None:
    """Create or update the page a submission proposes, and publish it.

    New pages are added under the directory index with its row locked
    (`select_for_update`): two approvals at the same moment are serialised
    instead of colliding on the page tree's path."""
    if submission.kind == Submission.Kind.ACTOR_NEW:
        index = _directory_index()
        if index is None:
            raise RuntimeError("No directory index page to add the structure to.")
        parent = Page.objects.select_for_update().get(pk=index.pk)
        page = ActorPage(owner=None, live=False)
        apply_actor_data(page, submission.data)
        page.slug = unique_slug(parent, page.title)
        _attach_files(page, submission, user)
        parent.add_child(instance=page)
    elif submission.kind == Submission.Kind.ACTOR_UPDATE:
        page = ActorPage.objects.select_for_update().get(pk=submission.target_page_id)
        apply_actor_data(page, changed_fields(page, submission.data))
        _attach_files(page, submission, user)
    elif submission.is_event:
        from . import events

        page = events.apply_event_submission(submission, user)
    elif submission.kind == Submission.Kind.ANNOUNCEMENT_NEW:
        from . import announcements

        page = announcements.apply_announcement_submission(submission, user)
    else:
        from . import calls

        page = calls.apply_call_submission(submission, user)
        if page is None:
            return None
    revision = page.save_revision(user=user, log_action=True)
    revision.publish(user=user, skip_permission_checks=True)
    decided_at = timezone.now()
    Submission.objects.filter(pk=submission.pk).update(
        result_page=page, status=Submission.Status.APPROVED, decided_at=decided_at
    )
    submission.result_page = page
    submission.status = Submission.Status.APPROVED
    submission.decided_at = decided_at
    return page
