"""Twenty people submitting at the same moment, and moderators approving at
the same moment: nothing is lost (see the design note in partners/models.py).
"""

import threading

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from wagtail.models import ModelLogEntry, PageLogEntry, TaskState, WorkflowState

from directory.models import ActorPage
from partners.models import Submission
from tests.partners.helpers import actor_payload, current_task_state, directory_index, propose_url

COUNT = 20
PREFIX = "Simultanée Ouistiti"


def _run_in_threads(count, target):
    """Start `count` threads together (a barrier), each with its own
    database connection, and collect their exceptions."""
    barrier = threading.Barrier(count)
    errors = []

    def worker(index):
        try:
            barrier.wait(timeout=30)
            target(index)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _cleanup():
    """Rows written by other connections were committed: remove them, from
    another connection too, so later tests see the database as it was."""

    def clean(_index):
        from django.contrib.contenttypes.models import ContentType

        ids = list(Submission.objects.filter(title__startswith=PREFIX).values_list("pk", flat=True))
        pages = list(
            ActorPage.objects.filter(alias_of=None, title__startswith=PREFIX).values_list(
                "pk", flat=True
            )
        )
        content_type = ContentType.objects.get_for_model(Submission)
        str_ids = [str(pk) for pk in ids]
        states = WorkflowState.objects.filter(base_content_type=content_type, object_id__in=str_ids)
        TaskState.objects.filter(workflow_state__in=states).delete()
        states.delete()
        ModelLogEntry.objects.filter(content_type=content_type, object_id__in=str_ids).delete()
        PageLogEntry.objects.filter(page_id__in=pages).delete()
        Submission.objects.filter(pk__in=ids).delete()
        for page in ActorPage.objects.filter(pk__in=pages):
            page.delete()

    errors = _run_in_threads(1, clean)
    assert errors == []


@pytest.mark.skipif(
    not settings.DATABASE_IS_POSTGRES,
    reason="Concurrent writers need PostgreSQL; SQLite serialises writes by design. "
    "The sequential equivalent below runs on every database.",
)
@pytest.mark.django_db
def test_twenty_simultaneous_public_submissions_are_all_saved_and_approved():
    """PostgreSQL only, and the one skip of this suite: SQLite has a single
    writer, so threads writing at once there only measure its lock timeout.
    CI runs the suite on PostgreSQL too, where this test runs. Each thread
    has its own connection (committed for real, hence the cleanup)."""
    try:
        statuses = {}

        def submit(index):
            client = Client(REMOTE_ADDR=f"10.20.0.{index + 1}")
            response = client.post(propose_url(), actor_payload(title=f"{PREFIX} {index:02d}"))
            statuses[index] = response.status_code

        assert _run_in_threads(COUNT, submit) == []
        assert sorted(statuses.values()) == [302] * COUNT
        submissions = list(Submission.objects.filter(title__startswith=PREFIX))
        assert len({s.title for s in submissions}) == COUNT
        assert all(s.current_workflow_state is not None for s in submissions)

        # Twenty approvals at once: each adds a page under the same parent.
        task_states = {i: current_task_state(s).pk for i, s in enumerate(submissions)}

        def approve(index):
            TaskState.objects.get(pk=task_states[index]).specific.approve(user=None)

        assert _run_in_threads(COUNT, approve) == []
        pages = ActorPage.objects.filter(alias_of=None, title__startswith=PREFIX)
        assert pages.count() == COUNT
        assert all(page.live for page in pages)
        assert len({page.path for page in pages}) == COUNT
        index = directory_index()
        assert all(page.path.startswith(index.path) for page in pages)
        index.refresh_from_db()
        assert index.numchild == index.get_children().count()
    finally:
        _cleanup()


@pytest.mark.django_db
def test_twenty_submissions_in_a_row_then_approved_in_a_row(client):
    """The sequential equivalent, on every database: twenty submissions from
    twenty addresses, each approved, each its own page under the directory."""
    for index in range(COUNT):
        response = Client(REMOTE_ADDR=f"10.30.0.{index + 1}").post(
            propose_url(), actor_payload(title=f"Séquentielle Ouistiti {index:02d}")
        )
        assert response.status_code == 302
    submissions = Submission.objects.filter(title__startswith="Séquentielle Ouistiti")
    assert submissions.count() == COUNT
    for submission in submissions:
        current_task_state(submission).specific.approve(user=None)
    pages = ActorPage.objects.filter(alias_of=None, title__startswith="Séquentielle Ouistiti")
    assert pages.count() == COUNT and all(page.live for page in pages)
    index = directory_index()
    index.refresh_from_db()
    assert index.numchild == index.get_children().count()
