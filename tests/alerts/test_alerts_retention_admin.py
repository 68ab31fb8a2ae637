"""Personal data: the purge of unconfirmed and unsubscribed alerts after 30
days, and the Administration-only admin listing with its erasure of an
address (logged without the address)."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from home.roles import ADMINISTRATORS, EDITORS, MODERATORS

pytestmark = pytest.mark.django_db


def alert(index, email="a@example.org", **fields):
    fields = {"language": "fr", "source": "calls", **fields}
    return Alert.objects.create(email=email, scope=index, **fields)


def test_the_purge_erases_old_unconfirmed_and_unsubscribed_alerts_only(calls_index):
    now = timezone.now()
    kept = [
        alert(calls_index, created_at=now - timedelta(days=29)),  # unconfirmed, recent
        alert(
            calls_index,
            created_at=now - timedelta(days=400),
            confirmed_at=now - timedelta(days=399),
        ),
        alert(calls_index, confirmed_at=now, unsubscribed_at=now - timedelta(days=29)),
    ]
    erased = [
        alert(calls_index, created_at=now - timedelta(days=31)),
        alert(
            calls_index,
            confirmed_at=now - timedelta(days=90),
            unsubscribed_at=now - timedelta(days=31),
        ),
    ]
    call_command("purge_alerts", "--dry-run", verbosity=0)
    assert Alert.objects.count() == 5
    call_command("purge_alerts", verbosity=0)
    assert set(Alert.objects.values_list("pk", flat=True)) == {a.pk for a in kept}
    assert not Alert.objects.filter(pk__in=[a.pk for a in erased]).exists()


def make_user(django_user_model, name, group=None, superuser=False):
    user = django_user_model.objects.create_user(
        name, f"{name}@example.org", "pw", is_superuser=superuser, is_staff=superuser
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.mark.parametrize(
    "group, superuser, allowed",
    [
        (None, False, False),
        (EDITORS, False, False),
        (MODERATORS, False, False),
        (ADMINISTRATORS, False, True),
        (None, True, True),
    ],
)
def test_only_administration_sees_the_alerts_admin(
    client, django_user_model, calls_index, group, superuser, allowed
):
    alert(calls_index, email="visible@example.org", confirmed_at=timezone.now())
    user = make_user(django_user_model, "u", group, superuser)
    client.force_login(user)
    response = client.get(reverse("alerts_admin"))
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    if allowed:
        assert response.status_code == 200
        html = response.content.decode()
        assert "visible@example.org" in html
        assert "Appels à projets" in html
        assert reverse("alerts_admin") in menu
    else:
        assert response.status_code in (302, 403)
        assert "visible@example.org" not in response.content.decode()
        assert reverse("alerts_admin") not in menu
        client.post(reverse("alerts_admin"), {"email": "visible@example.org"})
        assert Alert.objects.filter(email="visible@example.org").exists()


def test_the_admin_counts_per_source_and_state(client, django_user_model, calls_index):
    now = timezone.now()
    alert(calls_index, confirmed_at=now)
    alert(calls_index, confirmed_at=now)
    alert(calls_index)
    alert(calls_index, created_at=now - timedelta(days=8))
    alert(calls_index, confirmed_at=now, unsubscribed_at=now)
    client.force_login(make_user(django_user_model, "admin", ADMINISTRATORS))
    response = client.get(reverse("alerts_admin"))
    (row,) = [row for row in response.context["table"] if row["label"] == "Appels à projets"]
    # pending, confirmed, expired, unsubscribed
    assert row["cells"] == [1, 2, 1, 1] and row["total"] == 5


def test_erasing_an_address_deletes_all_its_rows_and_logs_no_address(
    client, django_user_model, calls_index, caplog
):
    alert(calls_index, email="efface@example.org", confirmed_at=timezone.now())
    alert(calls_index, email="efface@example.org", query="region=44")
    alert(calls_index, email="reste@example.org")
    client.force_login(make_user(django_user_model, "admin", ADMINISTRATORS))
    with caplog.at_level(logging.INFO):
        response = client.post(reverse("alerts_admin"), {"email": "Efface@example.org"})
    assert response.status_code == 302
    assert not Alert.objects.filter(email="efface@example.org").exists()
    assert Alert.objects.filter(email="reste@example.org").exists()
    assert "erased 2 row(s)" in caplog.text
    assert "efface" not in caplog.text.lower()
    # An invalid address: a message, nothing erased.
    response = client.post(reverse("alerts_admin"), {"email": "pas une adresse"})
    assert response.status_code == 200 and Alert.objects.count() == 1
