"""« Publier une annonce » (public form and partner space): moderated like
every proposal, published under the announcements page on approval, with
the poster's address kept private (the announcement's contact address)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from events.announcements import AnnouncementIndexPage, AnnouncementPage, paris_today
from home.models.themes import Theme
from partners.models import Submission
from tests.partners.helpers import (
    actor_payload,
    edit_url,
    emails_to,
    make_actor,
    make_user,
    workflow_action_url,
)

pytestmark = pytest.mark.django_db

SUBMITTER = "camille.proposante@example.net"


@pytest.fixture
def announcements(home_fr):
    """The French announcements page (the seeded one, else a new one)."""
    index = AnnouncementIndexPage.objects.filter(locale=home_fr.locale).order_by("path").first()
    if index is None:
        index = AnnouncementIndexPage(title="Petites annonces", slug="annonces-test")
        home_fr.add_child(instance=index)
        index.save_revision().publish()
    return index


def propose_url():
    return reverse("partners:propose_announcement")


def announcement_payload(**overrides) -> dict:
    data = {
        key: value
        for key, value in actor_payload().items()
        if key.startswith("submitter") or key in ("consent", "fax_number", "form_token", "message")
    }
    data.update(
        title="Bureau à partager à Sceaux",
        kind="offre",
        category="locaux",
        text="Un bureau de 12 m² dans nos locaux, trois jours par semaine.",
        organisation="Collectif Zéphyr",
        postcode="92330",
        city="Sceaux",
        expires_on="",
        contact_name="",
        contact_email="",
    )
    data.update(overrides)
    return data


def _staff():
    client = Client()
    client.force_login(make_user("annonces-moderation", role="moderation"))
    return client


def _approve(staff, submission):
    response = staff.post(workflow_action_url(submission, "approve"), {"comment": ""})
    assert response.status_code in (200, 302), response.content[:500]
    submission.refresh_from_db()


def _partner(title="Annonces Fiche Loutre"):
    actor = make_actor(title)
    partner = make_user(f"annonces-{actor.pk}", partner_of=[actor])
    client = Client()
    client.force_login(partner)
    return actor, partner, client


def test_a_public_announcement_is_moderated_then_published(client, announcements, mailoutbox):
    theme = Theme.objects.order_by("name").first()
    assert client.get(propose_url()).status_code == 200
    response = client.post(propose_url(), announcement_payload(themes=[theme.slug]))
    submission = Submission.objects.get(kind=Submission.Kind.ANNOUNCEMENT_NEW)
    follow = reverse("partners:follow", args=[submission.follow_key])
    assert response.status_code == 302 and response["Location"].startswith(follow)
    assert submission.status == Submission.Status.PENDING
    assert not AnnouncementPage.objects.filter(
        alias_of=None, title="Bureau à partager à Sceaux"
    ).exists()
    assert "Bureau à partager" not in client.get(announcements.url).content.decode()
    assert len(emails_to(SUBMITTER)) == 1 and "Nouvelle annonce" in emails_to(SUBMITTER)[0].body

    staff = _staff()
    assert "Nouvelle annonce" in staff.get(edit_url(submission)).content.decode()
    _approve(staff, submission)
    assert submission.status == Submission.Status.APPROVED
    page = AnnouncementPage.objects.get(alias_of=None, title="Bureau à partager à Sceaux")
    assert page.live and page.get_parent().pk == announcements.pk
    assert submission.result_page_id == page.pk
    assert page.kind == "offre" and page.category == "locaux"
    assert page.organisation == "Collectif Zéphyr" and page.actor_id is None
    assert page.departement == "92"
    # The submitter's address is the private contact, 60 days by default.
    assert page.contact_email == SUBMITTER
    assert page.expires_on == paris_today() + dt.timedelta(days=60)
    assert list(page.themes.all()) == [theme]

    emails = emails_to(SUBMITTER)
    assert len(emails) == 2 and "publiée" in emails[1].subject and page.full_url in emails[1].body
    html = client.get(page.url).content.decode()
    assert "Bureau à partager à Sceaux" in html
    assert SUBMITTER not in html and "Camille Proposante" not in html
    assert "Bureau à partager" in client.get(announcements.url).content.decode()


def test_another_contact_address_and_expiry_are_kept(client, announcements):
    expires_on = paris_today() + dt.timedelta(days=20)
    client.post(
        propose_url(),
        announcement_payload(
            contact_email="reponses@zephyr.example",
            contact_name="Accueil Zéphyr",
            expires_on=expires_on.isoformat(),
        ),
    )
    submission = Submission.objects.get()
    _approve(_staff(), submission)
    page = AnnouncementPage.objects.get(pk=submission.result_page_id)
    assert page.contact_email == "reponses@zephyr.example"
    assert page.contact_name == "Accueil Zéphyr"
    assert page.expires_on == expires_on
    html = client.get(page.url).content.decode()
    assert "reponses@zephyr.example" not in html and SUBMITTER not in html


def test_an_expiry_passed_while_in_moderation_becomes_the_default(announcements):
    """Proposed a while ago with a last day that has passed since: the
    announcement still gets its days online from the approval."""
    from partners import services

    yesterday = paris_today() - dt.timedelta(days=1)
    submission, _created = services.create_submission(
        kind=Submission.Kind.ANNOUNCEMENT_NEW,
        origin=Submission.Origin.PUBLIC,
        data={
            **dict.fromkeys(("postcode", "contact_name", "contact_email"), ""),
            "title": "Annonce restée en modération",
            "kind": "demande",
            "category": "benevolat",
            "text": "Bénévoles recherchés.",
            "organisation": "Collectif Zéphyr",
            "city": "Sceaux",
            "expires_on": yesterday.isoformat(),
            "themes": [],
        },
        files={},
        submitter={"submitter_name": "Camille", "submitter_email": SUBMITTER},
    )
    _approve(_staff(), submission)
    page = AnnouncementPage.objects.get(pk=submission.result_page_id)
    assert page.live and page.expires_on == paris_today() + dt.timedelta(days=60)


def test_changes_requested_keep_what_was_typed(client, announcements, mailoutbox):
    client.post(propose_url(), announcement_payload(title="Bénévoles recherchés"))
    submission = Submission.objects.get()
    staff = _staff()
    staff.post(workflow_action_url(submission, "reject"), {"comment": "Quelle commune ?"})
    submission.refresh_from_db()
    assert submission.status == Submission.Status.CHANGES_REQUESTED
    follow = reverse("partners:follow", args=[submission.follow_key])
    page = client.get(follow).content.decode()
    assert 'value="Bénévoles recherchés"' in page and "Un bureau de 12 m²" in page
    client.post(follow, announcement_payload(title="Bénévoles recherchés", city="Antony"))
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING
    assert submission.data["city"] == "Antony"
    _approve(staff, submission)
    assert AnnouncementPage.objects.get(pk=submission.result_page_id).city == "Antony"


def test_a_partner_posts_an_announcement_for_their_organisation(announcements, mailoutbox):
    actor, partner, client = _partner()
    home = client.get(reverse("partners:space_home")).content.decode()
    url = reverse("partners:space_propose_announcement")
    assert url in home
    assert "Annonces Fiche Loutre" in client.get(url).content.decode()
    response = client.post(
        url, announcement_payload(title="Matériel de sonorisation à prêter", organisation=actor.pk)
    )
    submission = Submission.objects.get()
    assert response["Location"] == reverse("partners:space_submission", args=[submission.pk])
    assert submission.origin == Submission.Origin.PARTNER and submission.actor_id == actor.pk
    assert len(emails_to(partner.email)) == 1

    _approve(_staff(), submission)
    page = AnnouncementPage.objects.get(pk=submission.result_page_id)
    assert page.actor_id == actor.pk and page.organisation == ""
    assert page.contact_email == partner.email
    assert len(emails_to(partner.email)) == 2
    home = client.get(reverse("partners:space_home")).content.decode()
    assert "Matériel de sonorisation à prêter" in home
    assert partner.email not in Client().get(page.url).content.decode()


def test_a_partner_cannot_post_for_another_fiche(announcements):
    _actor, _partner_user, client = _partner()
    other = make_actor("Annonces Fiche Autre")
    response = client.post(
        reverse("partners:space_propose_announcement"),
        announcement_payload(organisation=other.pk),
    )
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    assert not Submission.objects.exists()


def test_the_space_form_is_for_partners_only(client, announcements):
    url = reverse("partners:space_propose_announcement")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("partners:space_login")
    assert client.post(url, announcement_payload()).status_code == 302
    staff = Client()
    staff.force_login(make_user("annonces-redaction", role="redaction"))
    assert staff.get(url).status_code == 404
    assert not Submission.objects.exists()


def test_the_proposals_page_leads_to_the_form(client, announcements):
    assert propose_url() in client.get(reverse("partners:propose_index")).content.decode()


YEAR_MESSAGE = "entre l'an 2000 et l'an 2100"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"expires_on": "0001-01-01"}, "expires_on", YEAR_MESSAGE),
        ({"expires_on": "9999-12-31"}, "expires_on", YEAR_MESSAGE),
        ({"expires_on": "10000-01-01"}, "expires_on", "date valide"),
        ({"expires_on": "2020-01-01"}, "expires_on", "est passée"),
        ("too_far", "expires_on", "un an au plus"),
        ({"title": "Bureau\x07 à partager"}, "title", "caractères de contrôle"),
        ({"text": "Texte\x1b[0m"}, "text", "caractères de contrôle"),
        ({"text": "Texte\x00"}, "text", "caractère nul"),
        ({"title": "t" * 10_000}, "title", "au plus 255"),
        ({"text": "t" * 10_000}, "text", "au plus 1500"),
        ({"text": ""}, "text", "Champ requis"),
        ({"city": ""}, "city", "Champ requis"),
        ({"kind": "<script>"}, "kind", "choix valide"),
        ({"category": ""}, "category", "Champ requis"),
        ({"themes": ["inconnu"]}, "themes", "choix valide"),
        ({"contact_email": "pas-une-adresse"}, "contact_email", "adresse"),
        ({"postcode": "<b>"}, "postcode", "code postal"),
        ({"consent": ""}, "consent", "Cochez cette case"),
    ],
)
def test_the_announcement_form_refuses_bad_input_and_keeps_it(
    client, announcements, overrides, field, message
):
    if overrides == "too_far":
        overrides = {"expires_on": (paris_today() + dt.timedelta(days=400)).isoformat()}
    payload = announcement_payload(**overrides)
    response = client.post(propose_url(), payload)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Submission.objects.exists()
    html = response.content.decode()
    assert "Le formulaire contient" in html
    assert 'value="Collectif Zéphyr"' in html  # what was typed is kept


def test_script_tags_are_published_as_text(client, announcements):
    payload = announcement_payload(
        title="Annonce <script>alert(1)</script>", text="<script>alert(2)</script> <i>x</i>"
    )
    assert client.post(propose_url(), payload).status_code == 302
    submission = Submission.objects.get()
    follow = client.get(reverse("partners:follow", args=[submission.follow_key]))
    assert "<script>alert" not in follow.content.decode()
    _approve(_staff(), submission)
    page = AnnouncementPage.objects.get(pk=submission.result_page_id)
    html = client.get(page.url).content.decode()
    assert "<script>alert" not in html and "<i>x</i>" not in html
    assert "alert(2)" in html  # shown as the text it is
