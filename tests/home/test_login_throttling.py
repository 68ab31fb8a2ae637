"""The admin login resists guessing (issue 16, item 6): django-axes locks a
user name out from one address after AXES_FAILURE_LIMIT wrong passwords, with
a French page, until the cool-off ends or someone unlocks it."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "une-phrase-de-passe-assez-longue"


@pytest.fixture
def editor():
    return get_user_model().objects.create_superuser(
        username="garde", email="garde@example.org", password=PASSWORD
    )


def attempt(client, password, ip="203.0.113.7", username="garde"):
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def logged_in(client) -> bool:
    return client.get(reverse("wagtailadmin_home")).status_code == 200


def test_the_right_password_logs_in(client, editor):
    response = attempt(client, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_after_five_wrong_passwords_even_the_right_one_is_refused(client, editor, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        response = attempt(client, "mauvais")
        assert response.status_code == 200  # the login form again, with its error
    locked = attempt(client, "mauvais")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Connexion temporairement bloquée" in page
    assert "Après 5 tentatives de connexion échouées" in page
    assert "réessayer dans 15 minutes" in page

    refused = attempt(client, PASSWORD)
    assert refused.status_code == 429
    assert not logged_in(client)


def test_the_lockout_is_per_user_and_address(client, editor):
    for _ in range(5):
        attempt(client, "mauvais")
    assert attempt(client, PASSWORD).status_code == 429
    # The same person from another address, and another account from the
    # first address, still log in.
    assert attempt(client, PASSWORD, ip="203.0.113.8").status_code == 302
    client.logout()
    get_user_model().objects.create_superuser(
        username="voisin", email="voisin@example.org", password=PASSWORD
    )
    assert attempt(client, PASSWORD, username="voisin").status_code == 302


def test_a_success_clears_the_count(client, editor):
    for _ in range(4):
        attempt(client, "mauvais")
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "mauvais")
    # Four failures after the success: not yet locked.
    assert attempt(client, PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, editor, settings):
    for _ in range(5):
        attempt(client, "mauvais")
    assert attempt(client, PASSWORD).status_code == 429
    from axes.models import AccessAttempt
    from django.utils import timezone

    # Sixteen minutes later (the cool-off is fifteen).
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=16))
    assert attempt(client, PASSWORD).status_code == 302


def test_an_administrator_unlocks_an_account_with_a_command(client, editor):
    for _ in range(5):
        attempt(client, "mauvais")
    assert attempt(client, PASSWORD).status_code == 429
    call_command("axes_reset_username", "garde", stdout=io.StringIO())
    assert attempt(client, PASSWORD).status_code == 302


def test_the_address_behind_trusted_proxies_is_the_one_locked(client, editor, settings):
    """Behind one trusted proxy every request comes from the proxy's address:
    the lockout must follow the client's (X-Forwarded-For), not the proxy's."""
    settings.PARTNERS_TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            reverse("wagtailadmin_login"),
            {"username": "garde", "password": "mauvais"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.50",
        )
    other_client = client.post(
        reverse("wagtailadmin_login"),
        {"username": "garde", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.51",
    )
    assert other_client.status_code == 302
