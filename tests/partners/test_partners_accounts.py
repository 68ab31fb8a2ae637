"""`manage.py create_user --role …`: one account per role, the partner role
registered by the partners app (issue 18)."""

import io
import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse

from home.roles import ADMINISTRATORS, EDITORS, MODERATORS
from partners.models import PartnerAccess
from partners.views import is_partner_account
from tests.partners.helpers import make_actor

pytestmark = pytest.mark.django_db


def create_user(*args) -> tuple[str, object]:
    out = io.StringIO()
    call_command("create_user", *args, stdout=out)
    return out.getvalue(), get_user_model().objects.get(email=args[args.index("--email") + 1])


@pytest.mark.parametrize(
    "role, group",
    [("redaction", EDITORS), ("moderation", MODERATORS), ("administration", ADMINISTRATORS)],
)
def test_an_editorial_account_joins_its_group_and_gets_a_password_printed_once(client, role, group):
    output, user = create_user(
        "--role", role, "--email", "camille@example.org", "--site-url", "http://127.0.0.1:8123"
    )  # fmt: skip
    assert "http://127.0.0.1:8123/admin/" in output
    assert [g.name for g in user.groups.all()] == [group]
    assert user.username == "camille@example.org"
    assert not user.is_superuser and not user.is_staff
    passwords = re.findall(r"mot de passe : (\S+)", output)
    assert len(passwords) == 1
    assert (
        authenticate(
            RequestFactory().post("/admin/login/"),
            username="camille@example.org",
            password=passwords[0],
        )
        == user
    )
    client.force_login(user)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_a_password_from_the_environment_is_used_and_never_printed(monkeypatch):
    monkeypatch.setenv("NEW_PASSWORD", "une-phrase-de-passe-assez-longue")
    output, user = create_user(
        "--role", "redaction", "--email", "lou@example.org", "--username", "lou",
        "--password-from-env", "NEW_PASSWORD",
    )  # fmt: skip
    assert "une-phrase-de-passe-assez-longue" not in output
    assert "mot de passe" not in output
    assert (
        authenticate(
            RequestFactory().post("/admin/login/"),
            username="lou",
            password="une-phrase-de-passe-assez-longue",
        )
        == user
    )


def test_a_partner_account_has_no_group_no_password_and_no_admin_access(client):
    output, user = create_user("--role", "partenaire", "--email", "contact@zephyr.example.org")
    assert not user.groups.exists()
    assert not user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    assert "mot de passe" not in output
    assert "Accès partenaires" in output

    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

    # A moderator may link it to a fiche: it then is a partner account.
    access = PartnerAccess(user=user, actor=make_actor("Ressourcerie Zéphyr"))
    access.full_clean()
    access.save()
    assert is_partner_account(user)


def test_an_unknown_role_is_a_french_error():
    with pytest.raises(CommandError) as error:
        call_command("create_user", "--role", "editor", "--email", "x@example.org")
    message = str(error.value)
    assert "Rôle inconnu : « editor »" in message
    for code in ("redaction", "moderation", "administration", "partenaire"):
        assert code in message
    assert not get_user_model().objects.filter(email="x@example.org").exists()


def test_an_existing_username_or_email_is_a_french_error():
    create_user("--role", "redaction", "--email", "sam@example.org", "--username", "sam")
    with pytest.raises(CommandError, match="L'identifiant « sam » existe déjà"):
        call_command(
            "create_user", "--role", "moderation", "--email", "autre@example.org",
            "--username", "sam",
        )  # fmt: skip
    with pytest.raises(CommandError, match="Un compte utilise déjà l'adresse"):
        call_command("create_user", "--role", "partenaire", "--email", "SAM@example.org")


def test_a_partner_account_refuses_a_password():
    with pytest.raises(CommandError, match="n'a pas de mot de passe"):
        call_command(
            "create_user", "--role", "partenaire", "--email", "p@example.org",
            "--password-from-env", "HOME",
        )  # fmt: skip
