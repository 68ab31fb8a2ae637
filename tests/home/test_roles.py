"""Editorial roles and the review workflow exist as code after setup."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from wagtail.models import Page, Workflow

from home.models import StandardPage
from home.roles import EDITORS, MODERATORS, WORKFLOW_NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("redac", "redac@example.org", "x")
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("modo", "modo@example.org", "x")
    user.groups.add(Group.objects.get(name=MODERATORS))
    return user


def test_groups_exist_and_wagtail_defaults_are_retired():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Rédaction", "Modération", "Administration"} <= names
    assert "Editors" not in names and "Moderators" not in names


def test_review_workflow_is_attached_to_the_tree_root(home_fr):
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    assert workflow.active
    root = Page.get_first_root_node()
    assert root.get_workflow() == workflow
    assert home_fr.get_workflow() == workflow
    tasks = list(workflow.tasks.specific())
    assert [set(t.groups.values_list("name", flat=True)) for t in tasks] == [{MODERATORS}]


def test_editors_cannot_publish_moderators_can(home_fr, editor, moderator):
    assert home_fr.permissions_for_user(editor).can_edit()
    assert not home_fr.permissions_for_user(editor).can_publish()
    assert home_fr.permissions_for_user(moderator).can_publish()


def test_submission_notifies_moderators_by_email(home_fr, editor, moderator):
    page = StandardPage(title="Nouvelle page à relire", live=False, owner=editor)
    home_fr.add_child(instance=page)
    page.save_revision(user=editor)
    mail.outbox.clear()
    page.get_workflow().start(page, editor)
    recipients = {address for message in mail.outbox for address in message.to}
    assert "modo@example.org" in recipients
    assert not page.live


def test_setup_roles_is_idempotent():
    before = (Group.objects.count(), Workflow.objects.count())
    call_command("setup_roles", verbosity=0)
    assert (Group.objects.count(), Workflow.objects.count()) == before
