"""Editorial roles and the review workflow, as code.

`manage.py setup_roles` (run by `make run` and by the tests) makes every
environment hold the same groups, permissions and workflow:

- « Rédaction »: writes and edits pages, images and documents, submits them for
  review and requests translations; cannot publish.
- « Modération »: everything Rédaction does, plus publishing, approving or
  rejecting in the workflow, and unlocking.
- « Administration »: everything, including deletion, site settings, themes
  and user accounts.

The workflow « Relecture et publication » (one group approval task for
Modération) is attached to the root of the page tree, so every page of every
locale goes through review. Idempotent: run it as often as you like.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

EDITORS = "Rédaction"
MODERATORS = "Modération"
ADMINISTRATORS = "Administration"
WORKFLOW_NAME = "Relecture et publication"
TASK_NAME = "Validation par la modération"

PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page", "lock_page"],
    MODERATORS: ["add_page", "change_page", "lock_page", "publish_page", "unlock_page"],
    ADMINISTRATORS: [
        "add_page",
        "change_page",
        "lock_page",
        "publish_page",
        "unlock_page",
        "bulk_delete_page",
    ],
}
COLLECTION_PERMISSIONS = {
    EDITORS: [
        "add_image",
        "change_image",
        "choose_image",
        "add_document",
        "change_document",
        "choose_document",
    ],
    MODERATORS: [
        "add_image",
        "change_image",
        "choose_image",
        "delete_image",
        "add_document",
        "change_document",
        "choose_document",
        "delete_document",
    ],
    ADMINISTRATORS: [
        "add_image",
        "change_image",
        "choose_image",
        "delete_image",
        "add_document",
        "change_document",
        "choose_document",
        "delete_document",
        "add_collection",
        "change_collection",
        "delete_collection",
    ],
}
# Model-level permissions ("app_label.codename").
GLOBAL_PERMISSIONS = {
    EDITORS: ["wagtailadmin.access_admin", "wagtail_localize.submit_translation"],
    MODERATORS: [
        "wagtailadmin.access_admin",
        "wagtail_localize.submit_translation",
        "home.add_theme",
        "home.change_theme",
    ],
    ADMINISTRATORS: [
        "wagtailadmin.access_admin",
        "wagtail_localize.submit_translation",
        "home.add_theme",
        "home.change_theme",
        "home.delete_theme",
        "home.change_sitesettings",
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
        "auth.add_user",
        "auth.change_user",
        "auth.delete_user",
        "wagtailcore.add_workflow",
        "wagtailcore.change_workflow",
        "wagtailcore.add_task",
        "wagtailcore.change_task",
        "wagtailcore.add_locale",
        "wagtailcore.change_locale",
    ],
}
# Wagtail's installer creates these; ours replace them.
WAGTAIL_DEFAULT_GROUPS = ["Editors", "Moderators"]
WAGTAIL_DEFAULT_WORKFLOW = "Moderators approval"


def _permission(label: str) -> Permission:
    app_label, codename = label.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _page_permission(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


def _collection_permission(codename: str) -> Permission:
    app = (
        "wagtailimages"
        if codename.endswith("_image")
        else ("wagtaildocs" if codename.endswith("_document") else "wagtailcore")
    )
    return Permission.objects.get(content_type__app_label=app, codename=codename)


_app_role_setups: list = []


def register_role_setup(func) -> None:
    """Let an app add its own permissions to our groups (and attach the
    review workflow to its models): `func()` runs at the end of
    `setup_roles()`, once the groups and the workflow exist. Must be idempotent."""
    if func not in _app_role_setups:
        _app_role_setups.append(func)


@transaction.atomic
def setup_roles() -> dict[str, Group]:
    root = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    groups = {}
    for name in (EDITORS, MODERATORS, ADMINISTRATORS):
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        group.permissions.set([_permission(label) for label in GLOBAL_PERMISSIONS[name]])

        wanted = {_page_permission(code) for code in PAGE_PERMISSIONS[name]}
        GroupPagePermission.objects.filter(group=group).exclude(
            page=root, permission__in=wanted
        ).delete()
        for perm in wanted:
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=perm)

        wanted_c = {_collection_permission(code) for code in COLLECTION_PERMISSIONS[name]}
        GroupCollectionPermission.objects.filter(group=group).exclude(
            collection=root_collection, permission__in=wanted_c
        ).delete()
        for perm in wanted_c:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=perm
            )

    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([groups[MODERATORS]])
    if not task.active:
        task.active = True
        task.save(update_fields=["active"])

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    WorkflowTask.objects.filter(workflow=workflow).exclude(task=task).delete()
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})

    # Retire Wagtail's default workflow and empty default groups so the admin
    # only shows ours.
    for default in Workflow.objects.filter(name=WAGTAIL_DEFAULT_WORKFLOW, active=True):
        if not default.workflow_states.filter(status="in_progress").exists():
            default.workflow_pages.all().delete()
            default.active = False
            default.save(update_fields=["active"])
    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS, user__isnull=True).delete()
    for app_setup in _app_role_setups:
        app_setup()
    return groups


def register_account_roles() -> None:
    """The editorial roles of `manage.py create_user --role` (HomeConfig.ready)."""
    from .registry import ACCOUNT_ROLES, AccountRole

    ACCOUNT_ROLES.register(
        AccountRole("redaction", "Rédaction : écrit et soumet à relecture", (EDITORS,), order=10)
    )
    ACCOUNT_ROLES.register(
        AccountRole("moderation", "Modération : relit et publie", (MODERATORS,), order=20)
    )
    ACCOUNT_ROLES.register(
        AccountRole(
            "administration", "Administration : gère tout le site", (ADMINISTRATORS,), order=30
        )
    )
