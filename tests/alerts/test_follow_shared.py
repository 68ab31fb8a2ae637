"""What the reminders and network subscriptions share with the alerts: the
« rappel 7 jours avant la clôture » option of a calls alert, the manage
page (lists and deletes every kind), the purge, the admin's counts per kind
and the erasure of an address (all kinds, logged without the address)."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from alerts import digest, services
from alerts.models import Alert, DeadlineReminder, NetworkSubscription
from home.roles import ADMINISTRATORS
from tests.alerts.conftest import subscribe_url

pytestmark = pytest.mark.django_db


def test_the_calls_alert_form_offers_the_7_day_reminder_and_the_digest_lists_closing_calls(
    client, calls_index, add_call
):
    url = subscribe_url("calls", calls_index.pk, "region=44")
    assert "Rappel 7 jours avant la clôture" in client.get(url).content.decode()
    response = client.post(
        url, {"email": "j7@example.org", "frequency": "quotidienne", "deadline_reminder": "on"}
    )
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert alert.deadline_reminder
    now = timezone.now()
    Alert.objects.filter(pk=alert.pk).update(confirmed_at=now, last_sent_at=now)
    deadline = now + timedelta(days=10)
    add_call(calls_index, title="Clôture proche Grand Est", region="44", deadline=deadline)
    add_call(calls_index, title="Clôture proche ailleurs", region="53", deadline=deadline)
    mail.outbox.clear()
    # The next day: the call is new (published since) and not yet at J-7.
    digest.run(now=now + timedelta(days=1))
    assert len(mail.outbox) == 1 and "Date limite dans 7 jours" not in mail.outbox[0].body
    # Days later, the call's J-7 has passed since the previous digest: recalled, once.
    digest.run(now=now + timedelta(days=3, hours=12))
    assert len(mail.outbox) == 2
    body = mail.outbox[-1].body
    assert "Date limite dans 7 jours" in body and "Clôture proche Grand Est" in body
    assert "ailleurs" not in body
    digest.run(now=now + timedelta(days=4, hours=12))
    assert len(mail.outbox) == 2


def test_without_the_option_no_closing_calls(calls_index, add_call):
    now = timezone.now()
    Alert.objects.create(
        email="a@example.org", language="fr", source="calls", scope=calls_index,
        confirmed_at=now - timedelta(days=5), last_sent_at=now - timedelta(days=5),
    )  # fmt: skip
    call = add_call(calls_index, title="Bientôt clos", deadline=now + timedelta(days=5))
    type(call).objects.filter(pk=call.pk).update(first_published_at=now - timedelta(days=30))
    mail.outbox.clear()
    digest.run(now=now)
    assert mail.outbox == []


def test_the_manage_page_lists_and_deletes_every_kind(client, calls_index, add_call, network_world):
    now = timezone.now()
    call = add_call(calls_index, title="Appel suivi", deadline=now + timedelta(days=20))
    alert = Alert.objects.create(
        email="moi@example.org", language="fr", source="calls", scope=calls_index, confirmed_at=now
    )
    reminder = DeadlineReminder.objects.create(email="moi@example.org", language="fr", call=call)
    follow = NetworkSubscription.objects.create(
        email="moi@example.org", language="fr", network=network_world["network"], confirmed_at=now
    )
    DeadlineReminder.objects.create(email="autre@example.org", language="fr", call=call)
    # The manage link may come from any kind.
    url = services.link("manage", "manage", reminder.token, "fr").removeprefix("http://testserver")
    html = client.get(url).content.decode()
    assert "Appel suivi" in html and "Réseau des élus suivis" in html
    assert f'value="reminder:{reminder.pk}"' in html and f'value="network:{follow.pk}"' in html
    client.post(url, {"delete": f"network:{follow.pk}"})
    follow.refresh_from_db()
    assert follow.unsubscribed_at is not None
    client.post(url, {"delete": f"reminder:{reminder.pk}"})
    reminder.refresh_from_db()
    assert reminder.unsubscribed_at is not None
    # Someone else's row, hostile values: nothing happens, never a 500.
    other = DeadlineReminder.objects.get(email="autre@example.org")
    for value in [
        f"reminder:{other.pk}",
        "network:9" * 5000,
        "x:\x00",
        "reminder:-1",
        str(alert.pk),
    ]:
        assert client.post(url, {"delete": value}).status_code == 200
    other.refresh_from_db()
    assert other.unsubscribed_at is None
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None  # a plain id still names an alert


def test_the_purge_covers_reminders_and_network_subscriptions(calls_index, add_call, network_world):
    now = timezone.now()
    call = add_call(calls_index, deadline=now + timedelta(days=20))
    network = network_world["network"]
    old = now - timedelta(days=31)

    def reminder(email, **fields):
        return DeadlineReminder.objects.create(email=email, language="fr", call=call, **fields)

    def follow(email, **fields):
        return NetworkSubscription.objects.create(
            email=email, language="fr", network=network, **fields
        )

    erased = [
        reminder("a@example.org", created_at=old),
        follow("b@example.org", created_at=old),
        follow("c@example.org", confirmed_at=old, unsubscribed_at=old),
    ]
    kept = [
        reminder("d@example.org", confirmed_at=old, created_at=old),
        follow("e@example.org", created_at=now - timedelta(days=29)),
    ]
    call_command("purge_alerts", verbosity=0)
    for row in erased:
        assert not type(row).objects.filter(pk=row.pk).exists()
    for row in kept:
        assert type(row).objects.filter(pk=row.pk).exists()


def test_admin_counts_per_kind_and_erasure_covers_every_kind(
    client, django_user_model, calls_index, add_call, network_world, caplog
):
    now = timezone.now()
    call = add_call(calls_index, deadline=now + timedelta(days=20))
    network = network_world["network"]
    DeadlineReminder.objects.create(
        email="efface@example.org", language="fr", call=call, confirmed_at=now
    )
    DeadlineReminder.objects.create(email="reste@example.org", language="fr", call=call)
    NetworkSubscription.objects.create(email="efface@example.org", language="fr", network=network)
    Alert.objects.create(
        email="efface@example.org", language="fr", source="calls", scope=calls_index
    )
    user = django_user_model.objects.create_user("adm", "adm@example.org", "pw")
    user.groups.add(Group.objects.get(name=ADMINISTRATORS))
    client.force_login(user)
    table = client.get(reverse("alerts_admin")).context["table"]
    rows = {str(row["label"]): row for row in table}
    # pending, confirmed, expired, unsubscribed
    assert rows["Rappels de date limite"]["cells"] == [1, 1, 0, 0]
    assert rows["Abonnements aux réseaux"]["cells"] == [1, 0, 0, 0]
    with caplog.at_level(logging.INFO):
        client.post(reverse("alerts_admin"), {"email": "EFFACE@example.org"})
    for model in (Alert, DeadlineReminder, NetworkSubscription):
        assert not model.objects.filter(email="efface@example.org").exists()
    assert DeadlineReminder.objects.filter(email="reste@example.org").exists()
    assert "erased 3 row(s)" in caplog.text and "efface" not in caplog.text.lower()
