"""Who may do what with submissions and partner accesses, as code.

- Modération: sees submissions (with the submitter's details), approves or
  requests changes in the workflow, links partner accounts to fiches.
- Administration: the same, plus deleting a submission (RGPD erasure
  requests; the workflow itself never deletes anything).
- Rédaction: nothing here (submissions hold personal data, kept to those who
  moderate).
- Partner accounts: no permission at all, no admin access; what they may do
  is decided by `PartnerAccess` rows, in the partner space's views.

Submissions go through the same « Relecture et publication » workflow as
pages (its task is Modération's group approval), assigned to the Submission
content type here. Idempotent; registered with `home.roles.register_role_setup`
(in `PartnersConfig.ready`), so `manage.py setup_roles` runs it.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Workflow, WorkflowContentType

from home.roles import ADMINISTRATORS, EDITORS, MODERATORS, WORKFLOW_NAME

MODERATION_PERMISSIONS = [
    "view_submission",
    "change_submission",
    "publish_submission",
    "view_partneraccess",
    "add_partneraccess",
    "change_partneraccess",
    "delete_partneraccess",
]
PERMISSIONS = {
    EDITORS: [],
    MODERATORS: MODERATION_PERMISSIONS,
    ADMINISTRATORS: [*MODERATION_PERMISSIONS, "delete_submission"],
}


@transaction.atomic
def setup_partner_roles() -> None:
    from .models import Submission

    ours = Permission.objects.filter(content_type__app_label="partners")
    for name, codenames in PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        wanted = set(ours.filter(codename__in=codenames))
        current = set(group.permissions.filter(content_type__app_label="partners"))
        group.permissions.remove(*(current - wanted))
        group.permissions.add(*(wanted - current))

    workflow = Workflow.objects.filter(name=WORKFLOW_NAME, active=True).first()
    if workflow is not None:
        content_type = ContentType.objects.get_for_model(Submission)
        WorkflowContentType.objects.update_or_create(
            content_type=content_type, defaults={"workflow": workflow}
        )
