"""The partner space: login by emailed one-time link, the organisation's
fiches and proposals, corrections; never another organisation's drafts."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from partners import services
from partners.models import Submission
from tests.partners.helpers import (
    actor_payload,
    current_task_state,
    emails_to,
    make_actor,
    make_user,
    propose_url,
)

pytestmark = pytest.mark.django_db


def _login_link(client, email):
    mail.outbox.clear()
    response = client.post(reverse("partners:space_login"), {"email": email})
    assert response.status_code == 200
    assert "Si cette adresse correspond à un compte partenaire" in response.content.decode()
    links = [re.search(r"https?://\S+", m.body).group(0) for m in mail.outbox]
    return links[0] if links else None


def _path(url):
    return url.split("testserver", 1)[-1]


def test_login_by_one_time_link(client):
    actor = make_actor("Espace Fiche Narval")
    partner = make_user("espace-narval", partner_of=[actor])
    assert client.get(reverse("partners:space_home")).status_code == 302

    link = _login_link(client, partner.email.upper())
    assert link is not None
    # Following the link (GET) does not log in: a mail scanner cannot use it up.
    confirm = client.get(_path(link))
    assert confirm.status_code == 200 and "Se connecter" in confirm.content.decode()
    assert client.get(reverse("partners:space_home")).status_code == 302

    response = client.post(_path(link))
    assert response.status_code == 302
    home = client.get(reverse("partners:space_home"))
    assert home.status_code == 200 and "Espace Fiche Narval" in home.content.decode()

    # One-time: the same link no longer works.
    client.post(reverse("partners:space_logout"))
    again = client.post(_path(link))
    assert "n'est plus valable" in again.content.decode()
    assert client.get(reverse("partners:space_home")).status_code == 302


def test_no_link_for_unknown_or_staff_accounts_and_the_same_answer(client):
    make_user("espace-moderation", role="moderation")
    assert _login_link(client, "personne@example.org") is None
    assert _login_link(client, "espace-moderation@example.org") is None
    make_user("espace-sans-fiche")
    assert _login_link(client, "espace-sans-fiche@example.org") is None


@override_settings(PARTNERS_LOGIN_LINK_MAX_AGE=-1)
def test_an_expired_link_is_refused(client):
    actor = make_actor("Espace Fiche Expirée")
    partner = make_user("espace-expire", partner_of=[actor])
    link = _login_link(client, partner.email)
    assert "n'est plus valable" in client.post(_path(link)).content.decode()


def test_a_tampered_link_is_refused(client):
    response = client.get(reverse("partners:space_login_confirm", args=["abc:def:ghi"]))
    assert "n'est plus valable" in response.content.decode()


@override_settings(PARTNERS_RATE_LIMIT=2)
def test_login_requests_are_rate_limited(client):
    for _ in range(2):
        client.post(reverse("partners:space_login"), {"email": "x@example.org"})
    assert (
        client.post(reverse("partners:space_login"), {"email": "x@example.org"}).status_code == 429
    )


def test_one_address_gets_at_most_three_links_an_hour_whoever_asks(client):
    actor = make_actor("Espace Fiche Boîte Pleine")
    partner = make_user("espace-boite", partner_of=[actor])
    sent = []
    for number in range(5):
        mail.outbox.clear()
        # From five addresses: the per-IP limit is not what stops it.
        response = client.post(
            reverse("partners:space_login"),
            {"email": partner.email},
            REMOTE_ADDR=f"198.51.100.{number + 1}",
        )
        # The same answer every time: nothing tells whether a link left.
        assert response.status_code == 200
        assert "Si cette adresse correspond à un compte partenaire" in response.content.decode()
        sent.append(len(mail.outbox))
    assert sent == [1, 1, 1, 0, 0]


def test_logout_needs_a_post(client):
    actor = make_actor("Espace Fiche Sortie")
    client.force_login(make_user("espace-sortie", partner_of=[actor]))
    assert client.get(reverse("partners:space_logout")).status_code == 405
    client.post(reverse("partners:space_logout"))
    assert client.get(reverse("partners:space_home")).status_code == 302


def test_a_partner_proposes_an_update_and_follows_it(client):
    actor = make_actor("Espace Fiche Pélican", summary="Ancienne présentation.")
    partner = make_user("espace-pelican", partner_of=[actor])
    client.force_login(partner)
    url = reverse("partners:space_propose_update", args=[actor.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Ancienne présentation." in form.content.decode()

    payload = {k: v or "" for k, v in services.actor_initial(actor).items()}
    payload.update(summary="Présentation du partenaire.", message="Merci !")
    mail.outbox.clear()
    response = client.post(url, payload)
    submission = Submission.objects.get(target_page=actor)
    assert response["Location"] == reverse("partners:space_submission", args=[submission.pk])
    assert submission.origin == Submission.Origin.PARTNER and submission.user == partner
    assert submission.submitter_email == partner.email
    assert submission.data["summary"] == "Présentation du partenaire."
    ack = emails_to(partner.email)[0]
    assert reverse("partners:space_submission", args=[submission.pk]) in ack.body
    assert submission.follow_key not in ack.body

    home = client.get(reverse("partners:space_home")).content.decode()
    assert "En attente de modération" in home

    # A moderator asks for changes: the partner sees the comment and corrects.
    current_task_state(submission).specific.reject(comment="Précisez l'année, svp.")
    detail = client.get(response["Location"]).content.decode()
    assert "Précisez l&#x27;année, svp." in detail and "Corriger votre proposition" in detail
    payload["summary"] = "Présentation corrigée (2024)."
    client.post(response["Location"], payload)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING
    assert submission.data["summary"] == "Présentation corrigée (2024)."
    actor.refresh_from_db()
    assert actor.summary == "Ancienne présentation."


def test_partners_never_see_another_organisations_or_the_publics_proposals(client):
    actor_a = make_actor("Espace Fiche Alpaga")
    actor_b = make_actor("Espace Fiche Bison")
    partner_a = make_user("espace-alpaga", partner_of=[actor_a])
    colleague_a = make_user("espace-alpaga-collegue", partner_of=[actor_a])
    partner_b = make_user("espace-bison", partner_of=[actor_b])
    for user, actor, summary in [
        (partner_a, actor_a, "Texte A"),
        (colleague_a, actor_a, "Texte collègue A"),
        (partner_b, actor_b, "Texte B"),
    ]:
        client.force_login(user)
        payload = {k: v or "" for k, v in services.actor_initial(actor).items()}
        payload["summary"] = summary
        client.post(reverse("partners:space_propose_update", args=[actor.pk]), payload)
    client.logout()
    public_payload = actor_payload(title="Espace Fiche Alpaga", submitter_email="tiers@example.net")
    client.post(reverse("partners:propose_update", args=[actor_a.pk]), public_payload)

    client.force_login(partner_a)
    listed = client.get(reverse("partners:space_home")).content.decode()
    visible = {s.data.get("summary") for s in Submission.objects.all() if f"/{s.pk}/" in listed}
    assert visible == {"Texte A", "Texte collègue A"}
    other = Submission.objects.get(data__summary="Texte B")
    assert client.get(reverse("partners:space_submission", args=[other.pk])).status_code == 404
    public = Submission.objects.get(origin=Submission.Origin.PUBLIC)
    assert client.get(reverse("partners:space_submission", args=[public.pk])).status_code == 404
    assert "tiers@example.net" not in listed
    # Nor propose on another organisation's fiche.
    assert (
        client.get(reverse("partners:space_propose_update", args=[actor_b.pk])).status_code == 404
    )


def test_a_logged_in_account_without_fiche_sees_an_empty_space(client):
    client.force_login(make_user("espace-vide"))
    html = client.get(reverse("partners:space_home")).content.decode()
    assert "Aucune fiche n" in html


def test_propose_index_links_to_the_forms(client):
    html = client.get(reverse("partners:propose_index")).content.decode()
    assert propose_url() in html and reverse("partners:space_home") in html


def test_english_urls_are_served(client):
    with override_settings(LANGUAGE_CODE="fr"):
        from django.utils import translation

        with translation.override("en"):
            url = reverse("partners:propose_actor")
    assert url.startswith("/en/")
    assert client.get(url).status_code == 200
