"""What the admin tells a moderator once a proposal is approved (what was
published, with a link to it), and the proposals' list as moderators read
it: labels, never codes, each value carrying its column's label (the list
becomes cards on a phone: tests/browser/test_partners_admin.py)."""

import pytest
from django.urls import reverse

from calls_for_projects import vocab
from calls_for_projects.models import CallForProjectsPage
from directory.kinds import KIND_LABELS
from directory.models import ActorPage
from partners.models import Submission
from tests.html import soup
from tests.partners.helpers import (
    actor_payload,
    edit_url,
    make_actor,
    make_user,
    propose_url,
    update_payload,
    update_url,
    workflow_action_url,
)
from tests.partners.test_partners_calls import call_payload

pytestmark = pytest.mark.django_db

LIST_URL = reverse("wagtailsnippets_partners_submission:list")
ACTOR_APPROVED = "Proposition approuvée : la fiche est publiée."
CALL_APPROVED = "Proposition approuvée : l'appel à projets est publié."


@pytest.fixture
def moderator(client):
    staff = client.__class__()
    staff.force_login(make_user("moderatrice-messages", role="moderation"))
    return staff


def _messages(response) -> list[dict]:
    """The admin's success messages: their text and their buttons."""
    found = []
    for item in soup(response).select(".messages li.success"):
        buttons = {" ".join(a.get_text().split()): a["href"] for a in item.select("a.button")}
        for link in item.select(".buttons"):
            link.extract()
        found.append({"text": " ".join(item.get_text(" ").split()), "buttons": buttons})
    return found


def _approve_in_edit_view(staff, submission, note=""):
    """« Approuver » in the edit view's action menu: the edit form posted
    with the workflow action (what Wagtail's workflow-action.js sends)."""
    assert staff.get(edit_url(submission)).status_code == 200
    return staff.post(
        edit_url(submission),
        {
            "moderator_note": note,
            "action-workflow-action": "true",
            "workflow-action-name": "approve",
            "workflow-action-extra-data": "{}",
        },
        follow=True,
    )


def test_approving_a_new_structure_says_the_fiche_is_published_and_links_to_it(client, moderator):
    client.post(propose_url(), actor_payload(title="Structure Messages Fennec"))
    submission = Submission.objects.get(title="Structure Messages Fennec")

    response = _approve_in_edit_view(moderator, submission, note="Vérifiée.")
    assert response.status_code == 200
    actor = ActorPage.objects.get(alias_of=None, title="Structure Messages Fennec")
    assert actor.live
    [message] = _messages(response)
    assert message["text"] == ACTOR_APPROVED
    assert message["buttons"]["Voir en ligne"] == actor.url
    assert "modifié" not in response.content.decode()


def test_approving_a_call_says_the_call_is_published_and_links_to_it(client, moderator):
    client.post(reverse("partners:propose_call"), call_payload(title="Appel Messages Fennec"))
    submission = Submission.objects.get(kind=Submission.Kind.CALL_NEW)

    response = _approve_in_edit_view(moderator, submission)
    call = CallForProjectsPage.objects.get(alias_of=None, title="Appel Messages Fennec")
    assert call.live
    [message] = _messages(response)
    assert message["text"] == CALL_APPROVED
    assert message["buttons"]["Voir en ligne"] == call.url


def test_approving_an_update_from_a_workflow_action_link_says_so_too(client, moderator):
    actor = make_actor("Fiche Messages Caracal")
    client.post(update_url(actor), update_payload(actor, summary="Présentation proposée."))
    submission = Submission.objects.get(target_page=actor)

    response = moderator.post(
        workflow_action_url(submission, "approve"), {"comment": ""}, follow=True
    )
    [message] = _messages(response)
    assert message["text"] == ACTOR_APPROVED
    assert message["buttons"]["Voir en ligne"] == actor.url


def test_publishing_directly_says_what_was_published(client):
    admin = client.__class__()
    admin.force_login(make_user("administratrice-messages", role="administration"))
    client.post(propose_url(), actor_payload(title="Structure Messages Okapi"))
    submission = Submission.objects.get(title="Structure Messages Okapi")

    response = admin.post(
        edit_url(submission), {"moderator_note": "", "action-publish": "on"}, follow=True
    )
    [message] = _messages(response)
    assert message["text"] == ACTOR_APPROVED
    actor = ActorPage.objects.get(alias_of=None, title="Structure Messages Okapi")
    assert message["buttons"]["Voir en ligne"] == actor.url

    # Saving a note on an approved proposal publishes nothing new: Wagtail's
    # own message, no « Voir en ligne ».
    response = admin.post(
        edit_url(submission), {"moderator_note": "Vu.", "action-publish": "on"}, follow=True
    )
    [message] = _messages(response)
    assert message["text"] != ACTOR_APPROVED and "Voir en ligne" not in message["buttons"]


def _rows(html) -> dict[str, dict[str, str]]:
    """The list's rows: title → {column label: value}, from each cell's own
    label (the one shown on a phone)."""
    rows = {}
    for row in soup(html).select("table.partners-listing tbody tr"):
        title = " ".join(row.select_one("td.title .title-wrapper").get_text().split())
        rows[title] = {
            cell.select_one(".partners-cell__label").get_text(strip=True): " ".join(
                cell.select_one(".partners-cell__value").get_text().split()
            )
            for cell in row.select("td.partners-cell")
        }
    return rows


def test_the_list_shows_labels_each_value_after_its_column_label(client, moderator):
    actor = make_actor("Fiche Liste Serval")
    client.post(propose_url(), actor_payload(title="Structure Liste Serval", kind="ea-esat"))
    client.post(update_url(actor), update_payload(actor, summary="Présentation proposée."))
    client.post(reverse("partners:propose_call"), call_payload(title="Appel Liste Serval"))

    response = moderator.get(LIST_URL)
    assert response.status_code == 200
    rows = _rows(response)
    assert rows["Structure Liste Serval"] == {
        "Type": "Nouvelle structure",
        "Origine": "Formulaire public",
        "Statut": "En attente de modération",
        "Soumise le": rows["Structure Liste Serval"]["Soumise le"],
    }
    assert rows["Fiche Liste Serval"]["Type"] == "Mise à jour d'une fiche"
    assert rows["Appel Liste Serval"]["Type"] == "Nouvel appel à projets"
    assert rows["Structure Liste Serval"]["Soumise le"][:1].isdigit()

    # Never a code, in the list nor in the proposal's panel.
    codes = {*Submission.Kind.values, *Submission.Origin.values, *Submission.Status.values}
    assert codes.isdisjoint(value for row in rows.values() for value in row.values())
    words = soup(response).select_one("table.partners-listing").get_text(" ").split()
    assert {*Submission.Kind.values, *Submission.Status.values}.isdisjoint(words)

    call = Submission.objects.get(kind=Submission.Kind.CALL_NEW)
    panel = soup(moderator.get(edit_url(call))).select_one(".partners-summary").get_text(" ")
    assert "Appel à projets (AAP)" in panel and vocab.AAP not in panel.split()
    assert "Associations" in panel and "associations" not in panel.split()
    structure = Submission.objects.get(title="Structure Liste Serval")
    panel = soup(moderator.get(edit_url(structure))).select_one(".partners-summary")
    assert str(KIND_LABELS["ea-esat"]) in panel.get_text(" ")
    assert "ea-esat" not in panel.get_text(" ")
