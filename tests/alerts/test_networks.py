"""Network subscriptions (« Suivre ce réseau »): subscribe → confirm →
minutes published → one email → one-click unsubscribe → no more, on a real
SMTP server; meetings announced in the agenda; a page published then
unpublished before the run sends nothing, a republished one is not sent
twice; the editors' bulk invitation queues confirmation links only."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts import follow, networks
from alerts.models import NetworkSubscription
from events.factories import EventPageFactory
from home.roles import ADMINISTRATORS, EDITORS, MODERATORS
from home.sites import configure_default_site
from network_minutes.factories import MeetingMinutesPageFactory
from tests.alerts.conftest import links_in
from tests.mail_backends import run_worker

pytestmark = pytest.mark.django_db


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def run(moment=None):
    args = {"now": moment.isoformat()} if moment else {}
    call_command("send_network_updates", verbosity=0, **args)


def publish_minutes(network, title):
    page = MeetingMinutesPageFactory(parent=network, title=title, date=date(2026, 3, 1))
    page.save_revision().publish()
    return page


def subscriber(network, email="suit@example.org", **fields):
    now = timezone.now() - timedelta(minutes=5)
    fields = {"language": "fr", "confirmed_at": now, "last_sent_at": now, **fields}
    return NetworkSubscription.objects.create(email=email, network=network, **fields)


def test_end_to_end_on_smtp_subscribe_confirm_minutes_unsubscribe(
    client, smtp_server, network_world
):
    configure_default_site()
    network = network_world["network"]
    page = client.get(network.url).content.decode()
    url = reverse("alerts:network_subscribe", args=[network.pk])
    assert "Suivre ce réseau" in page and url in page

    assert client.post(url, {"email": "Membre@Example.org"}).status_code == 302
    assert smtp_server.envelopes == []
    run_worker()
    (confirmation,) = smtp_server.messages
    link = next(link for link in links_in(text_of(confirmation)) if "/confirmer/" in link)
    # Not confirmed yet: minutes published now are not sent.
    publish_minutes(network, "Réunion avant confirmation")
    run()
    run_worker()
    assert len(smtp_server.envelopes) == 1
    assert client.post(link).status_code == 200

    publish_minutes(network, "Réunion de printemps")
    run()
    run()  # twice: once
    run_worker()
    assert len(smtp_server.envelopes) == 2
    update = smtp_server.messages[-1]
    assert update["To"] == "membre@example.org"
    text = text_of(update)
    assert "Réunion de printemps" in text and "Réunion avant confirmation" not in text
    assert "http://testserver/fr/" in text
    assert update["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    header = str(update["List-Unsubscribe"]).strip()[1:-1]
    response = Client(enforce_csrf_checks=True).post(
        header, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    publish_minutes(network, "Réunion d'été")
    run()
    run_worker()
    assert len(smtp_server.envelopes) == 2


def test_meetings_announced_in_the_agenda_are_sent_too(network_world):
    network, agenda = network_world["network"], network_world["agenda"]
    subscriber(network)
    event = EventPageFactory(parent=agenda, title="Assemblée du réseau", network=network)
    event.save_revision().publish()
    other = EventPageFactory(parent=agenda, title="Forum sans réseau")
    other.save_revision().publish()
    mail.outbox.clear()
    run()
    (message,) = mail.outbox
    assert "Assemblée du réseau" in message.body and "Forum sans réseau" not in message.body
    assert "Réunions annoncées" in message.body


def test_published_then_unpublished_sends_nothing_and_republishing_sends_once(network_world):
    network = network_world["network"]
    subscriber(network)
    withdrawn = publish_minutes(network, "Publié par erreur")
    withdrawn.unpublish()
    mail.outbox.clear()
    run()
    assert mail.outbox == []

    kept = publish_minutes(network, "Compte rendu définitif")
    run()
    assert len(mail.outbox) == 1
    kept.refresh_from_db()
    kept.save_revision().publish()  # an editor fixes a typo and republishes
    run(timezone.now() + timedelta(hours=1))
    assert len(mail.outbox) == 1


def test_unconfirmed_expired_and_other_networks_get_nothing(network_world, home_fr):
    network = network_world["network"]
    subscriber(network, email="attente@example.org", confirmed_at=None, last_sent_at=None)
    subscriber(network, email="parti@example.org", unsubscribed_at=timezone.now())
    mail.outbox.clear()
    publish_minutes(network, "Réunion")
    run()
    assert mail.outbox == []


def test_queries_stay_bounded_per_network(network_world, django_assert_max_num_queries):
    network = network_world["network"]
    for n in range(15):
        subscriber(network, email=f"s{n}@example.org")
    for n in range(5):
        publish_minutes(network, f"Réunion {n}")
    mail.outbox.clear()
    # Read, then per network (not per subscriber): minutes, events, the
    # claim and its update, savepoints; one insert per email (none in locmem).
    with django_assert_max_num_queries(12):
        report = networks.run()
    assert report.emails == 15 and len(mail.outbox) == 15


def test_an_english_subscriber_gets_english_titles_when_translated(network_world, en):
    network = network_world["network"]
    subscriber(network, language="en")
    minutes = publish_minutes(network, "Réunion traduite")
    english = minutes.get_translation(en)
    type(english).objects.filter(pk=english.pk).update(title="Translated meeting")
    mail.outbox.clear()
    run()
    (message,) = mail.outbox
    assert "Translated meeting" in message.body and "/en/" in message.body


def test_the_subscribe_form_refuses_bad_input(client, network_world):
    url = reverse("alerts:network_subscribe", args=[network_world["network"].pk])
    for value in ["invalide", "x" * 10_000 + "@example.org", "a\x07b@example.org"]:
        response = client.post(url, {"email": value})
        assert response.status_code == 400
    assert not NetworkSubscription.objects.exists()
    assert client.get("/fr/alertes/reseau/999999/").status_code == 404


# --- Bulk invitations --------------------------------------------------------------


def staff(django_user_model, name, group):
    user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw")
    user.groups.add(Group.objects.get(name=group))
    return user


def test_invitation_lists_published_member_contacts_and_queues_confirmation_links_only(
    client, django_user_model, network_world
):
    network = network_world["network"]
    subscriber(network, email="agent.public@example.org")  # already subscribed: skipped
    client.force_login(staff(django_user_model, "redactrice", EDITORS))
    url = reverse("alerts_network_invite", args=[network.pk])
    response = client.get(url)
    assert response.status_code == 200
    found = response.context["found"]
    # The elected contact (public by default), not the unpublished officer,
    # not the outsider's contact, not the already subscribed one.
    assert found.to_invite == ["elue@example.org"]
    assert found.already == ["agent.public@example.org"]
    html = response.content.decode()
    assert "agent.prive@example.org" not in html and "hors@example.org" not in html
    assert not NetworkSubscription.objects.filter(email="elue@example.org").exists()

    mail.outbox.clear()
    response = client.post(url, {"confirm": "1", "to": "intrus@example.org"})
    assert response.status_code == 302
    (invitation,) = mail.outbox
    assert invitation.to == ["elue@example.org"]
    assert "/alertes/suivi/confirmer/" in invitation.body
    created = NetworkSubscription.objects.get(email="elue@example.org")
    assert created.confirmed_at is None  # nobody subscribed until they click
    assert not NetworkSubscription.objects.filter(email="intrus@example.org").exists()

    # Again: the pending address is skipped, nothing sent.
    client.post(url, {"confirm": "1"})
    assert len(mail.outbox) == 1

    # The invited person clicks: subscribed.
    link = follow.confirm_url(created).removeprefix("http://testserver")
    assert client.post(link).status_code == 200
    created.refresh_from_db()
    assert created.confirmed_at is not None


def test_invitations_are_rate_bounded(client, django_user_model, network_world, settings):
    from alerts.admin_views import INVITATION_RUNS_PER_HOUR

    client.force_login(staff(django_user_model, "moderatrice", MODERATORS))
    url = reverse("alerts_network_invite", args=[network_world["network"].pk])
    for _ in range(INVITATION_RUNS_PER_HOUR):
        client.post(url, {"confirm": "1"})
        NetworkSubscription.objects.all().delete()
    mail.outbox.clear()
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert "Trop d&#x27;invitations" in response.content.decode()
    assert mail.outbox == [] and not NetworkSubscription.objects.exists()


@pytest.mark.parametrize("group, allowed", [(None, False), (EDITORS, True), (ADMINISTRATORS, True)])
def test_who_may_invite(client, django_user_model, network_world, group, allowed):
    url = reverse("alerts_network_invite", args=[network_world["network"].pk])
    if group:
        client.force_login(staff(django_user_model, "u", group))
    response = client.get(url)
    assert (response.status_code == 200) is allowed
    client.post(url, {"confirm": "1"})
    assert NetworkSubscription.objects.exists() is allowed
    if group:
        edit = client.get(reverse("wagtailadmin_pages:edit", args=[network_world["network"].pk]))
        assert (url in edit.content.decode()) is allowed
