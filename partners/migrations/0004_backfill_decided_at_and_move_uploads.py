"""Data for 0003: when each decided proposal was decided, and the uploads of
existing proposals moved from the default (public) storage to the private
one. Both are idempotent; the move may be run again by migrating back to
0003 and forward (a file already in the private storage is left alone)."""

from django.db import migrations
from django.db.models import Max

DECIDED = ("approved", "cancelled")
DECISION_ACTIONS = ("wagtail.publish", "wagtail.workflow.approve", "wagtail.workflow.cancel")


def backfill_decided_at(apps, schema_editor):
    """The latest decision logged for the submission (approval, publication,
    cancellation); else the end of its latest workflow task; else its latest
    revision; else when it was submitted."""
    Submission = apps.get_model("partners", "Submission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    TaskState = apps.get_model("wagtailcore", "TaskState")
    Revision = apps.get_model("wagtailcore", "Revision")
    content_type = ContentType.objects.filter(app_label="partners", model="submission").first()
    for submission in Submission.objects.filter(status__in=DECIDED, decided_at=None).iterator():
        key = str(submission.pk)
        when = None
        if content_type is not None:
            when = (
                ModelLogEntry.objects.filter(
                    content_type=content_type, object_id=key, action__in=DECISION_ACTIONS
                ).aggregate(when=Max("timestamp"))["when"]
                or TaskState.objects.filter(
                    workflow_state__base_content_type=content_type,
                    workflow_state__object_id=key,
                    finished_at__isnull=False,
                ).aggregate(when=Max("finished_at"))["when"]
                or Revision.objects.filter(
                    base_content_type=content_type, object_id=key
                ).aggregate(when=Max("created_at"))["when"]
            )
        Submission.objects.filter(pk=submission.pk).update(
            decided_at=when or submission.submitted_at
        )


def move_to_private(apps, schema_editor):
    from partners.models import move_uploads_to_private

    move_uploads_to_private(apps.get_model("partners", "Submission"))


def move_back_to_default(apps, schema_editor):
    from partners.models import move_uploads_to_private

    move_uploads_to_private(apps.get_model("partners", "Submission"), reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("partners", "0003_private_uploads_and_retention"),
    ]

    operations = [
        migrations.RunPython(backfill_decided_at, migrations.RunPython.noop),
        migrations.RunPython(move_to_private, move_back_to_default),
    ]
