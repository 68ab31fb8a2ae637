"""« Proposer un appel à projets » (public form and partner space) and
partners' updates of their organisation's calls."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from calls_for_projects import vocab
from calls_for_projects.models import CallDocument, CallForProjectsPage, CallOrganiser
from partners import calls as partner_calls
from partners.models import Submission
from tests.partners.helpers import (
    actor_payload,
    current_task_state,
    edit_url,
    emails_to,
    make_actor,
    make_user,
    pdf_bytes,
)

pytestmark = pytest.mark.django_db


def call_payload(**overrides):
    data = {
        key: value
        for key, value in actor_payload().items()
        if key.startswith("submitter") or key in ("consent", "fax_number", "form_token", "message")
    }
    data.update(
        title="Appel Colibri pour l'ESS",
        call_type=vocab.AAP,
        organiser_name="Ville de Colibri",
        summary="Soutenir les projets de l'ESS.",
        description="Premier paragraphe.\n\nSecond : https://colibri.example/aap",
        opens_on="2027-01-10",
        deadline="2027-03-31T12:00",
        applicants=["associations", "cooperatives"],
        scope=vocab.NATIONAL,
        application_url="https://colibri.example/candidater",
        application_email="",
        how_to_apply="Dossier en ligne.",
    )
    data.update(overrides)
    return data


def _approve(submission):
    current_task_state(submission).specific.approve(user=None)
    submission.refresh_from_db()


def make_call(title, organiser):
    index = partner_calls.calls_index()
    page = CallForProjectsPage(
        title=title, call_type=vocab.AAP, summary="Résumé publié.", scope=vocab.NATIONAL
    )
    page.organisers.add(CallOrganiser(actor=organiser, role=vocab.ORGANISER))
    index.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_public_call_proposal_becomes_a_call_page_on_approval(client):
    rules = SimpleUploadedFile("reglement.pdf", pdf_bytes(), "application/pdf")
    url = reverse("partners:propose_call")
    assert client.get(url).status_code == 200
    response = client.post(url, {**call_payload(), "rules": rules})
    assert response.status_code == 302
    submission = Submission.objects.get(kind=Submission.Kind.CALL_NEW)
    assert submission.document and submission.data["opens_on"] == "2027-01-10"
    assert not CallForProjectsPage.objects.filter(
        alias_of=None, title="Appel Colibri pour l'ESS"
    ).exists()
    assert len(emails_to("camille.proposante@example.net")) == 1

    _approve(submission)
    call = CallForProjectsPage.objects.get(alias_of=None, title="Appel Colibri pour l'ESS")
    assert call.live and call.get_parent().pk == partner_calls.calls_index().pk
    assert call.opens_on == date(2027, 1, 10)
    assert timezone.localtime(call.deadline).hour == 12  # Paris time
    assert sorted(call.applicants.values_list("code", flat=True)) == [
        "associations",
        "cooperatives",
    ]
    assert call.organisers.get().name == "Ville de Colibri"
    assert call.documents.get().kind == CallDocument.RULES
    assert '<a href="https://colibri.example/aap">' in call.description
    assert submission.status == Submission.Status.APPROVED
    assert len(emails_to("camille.proposante@example.net")) == 2
    public = client.get(call.url).content.decode()
    assert "Appel Colibri pour l&#x27;ESS" in public or "Appel Colibri pour l'ESS" in public
    assert "camille.proposante@example.net" not in public


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"deadline": "2027-01-01T12:00"}, "deadline", "précède la date d'ouverture"),
        ({"is_rolling": "on"}, "is_rolling", "fil de l'eau"),
        ({"opens_on": "31/31/2027"}, "opens_on", "date valide"),
        ({"applicants": ["pas-un-code"]}, "applicants", "choix valide"),
        ({"title": "t" * 10_000}, "title", "au plus"),
        ({"application_email": "non"}, "application_email", "adresse de courriel valide"),
    ],
)
def test_call_form_bad_input(client, overrides, field, message):
    response = client.post(reverse("partners:propose_call"), call_payload(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Submission.objects.exists()


def test_call_rules_must_be_a_real_pdf(client):
    fake = SimpleUploadedFile("reglement.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf")
    response = client.post(reverse("partners:propose_call"), {**call_payload(), "rules": fake})
    assert "format" in " ".join(response.context["form"].errors["rules"])
    assert not Submission.objects.exists()


def test_call_honeypot_creates_nothing(client):
    client.post(reverse("partners:propose_call"), call_payload(fax_number="x"))
    assert not Submission.objects.exists()


def test_partner_proposes_a_call_for_their_organisation(client):
    actor = make_actor("Appels Fiche Héron")
    partner = make_user("appels-heron", partner_of=[actor])
    client.force_login(partner)
    url = reverse("partners:space_propose_call")
    html = client.get(url).content.decode()
    assert "Appels Fiche Héron" in html
    payload = call_payload(title="Appel du Héron", organiser_name=str(actor.pk))
    response = client.post(url, payload)
    submission = Submission.objects.get(title="Appel du Héron")
    assert response["Location"] == reverse("partners:space_submission", args=[submission.pk])
    assert submission.origin == Submission.Origin.PARTNER and submission.actor_id == actor.pk
    _approve(submission)
    call = CallForProjectsPage.objects.get(alias_of=None, title="Appel du Héron")
    assert call.organisers.get().actor_id == actor.pk


def test_partner_cannot_name_another_fiche_as_organiser(client):
    actor = make_actor("Appels Fiche Grue")
    other = make_actor("Appels Fiche Autre")
    client.force_login(make_user("appels-grue", partner_of=[actor]))
    response = client.post(
        reverse("partners:space_propose_call"), call_payload(organiser_name=str(other.pk))
    )
    assert "organiser_name" in response.context["form"].errors
    assert not Submission.objects.exists()


def test_partner_updates_their_call_and_only_theirs(client):
    actor_a = make_actor("Appels Fiche Martin-pêcheur")
    actor_b = make_actor("Appels Fiche Cigogne")
    call_a = make_call("Appel Martin-pêcheur", actor_a)
    call_b = make_call("Appel Cigogne", actor_b)
    moderator = make_user("appels-moderation", role="moderation")
    client.force_login(make_user("appels-martin", partner_of=[actor_a]))

    home = client.get(reverse("partners:space_home")).content.decode()
    assert "Appel Martin-pêcheur" in home and "Appel Cigogne" not in home
    other = reverse("partners:space_propose_call_update", args=[call_b.pk])
    assert client.get(other).status_code == 404

    url = reverse("partners:space_propose_call_update", args=[call_a.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Résumé publié." in form.content.decode()
    initial = partner_calls.call_initial(call_a)
    payload = {k: v for k, v in initial.items() if k != "organiser_name"}
    payload.update(summary="Résumé proposé par le partenaire.", form_token="")
    payload = {k: ("" if v is None else v) for k, v in payload.items()}
    payload["is_rolling"] = ""
    assert client.post(url, payload).status_code == 302
    submission = Submission.objects.get(target_page=call_a)
    assert submission.kind == Submission.Kind.CALL_UPDATE
    assert submission.data == {
        "summary": "Résumé proposé par le partenaire.",
        "title": call_a.title,
    }
    call_a.refresh_from_db()
    assert call_a.summary == "Résumé publié."

    staff = client.__class__()
    staff.force_login(moderator)
    compare = reverse(
        "wagtailadmin_pages:revisions_compare",
        args=[call_a.pk, "live", submission.compare_revision_id],
    )
    assert compare in staff.get(edit_url(submission)).content.decode()
    comparison = staff.get(compare).content.decode()  # a word-level diff
    assert "partenaire" in comparison and "publié" in comparison

    _approve(submission)
    call_a.refresh_from_db()
    assert call_a.summary == "Résumé proposé par le partenaire."
    assert call_a.organisers.get().actor_id == actor_a.pk


def test_the_follow_page_reads_a_proposed_call_with_its_own_labels_and_dates(client):
    from partners.display import proposal_rows

    client.post(reverse("partners:propose_call"), call_payload())
    submission = Submission.objects.get(kind=Submission.Kind.CALL_NEW)
    rows = dict(proposal_rows(submission))
    # The call form's labels, not the structure form's (« Nom de la structure »).
    assert rows["Intitulé de l'appel"] == "Appel Colibri pour l'ESS"
    assert "Nom de la structure" not in rows
    # Dates as people read them, never an ISO string.
    assert rows["Date d'ouverture"] == "10 janvier 2027"
    assert rows["Date et heure limites de dépôt"].startswith("31 mars 2027")
    assert "T12:00" not in " ".join(rows.values())
    response = client.get(reverse("partners:follow", args=[submission.follow_key]))
    assert "10 janvier 2027" in response.content.decode()
