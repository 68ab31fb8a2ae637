"""TOTP two-factor authentication for the admin (issue 16, item 6;
home/two_factor/): who must set it up, the code after the password, wrong
codes and throttling, `next`, backup codes, the account page and
`manage.py reset_two_factor`.

Users log in with `client.force_login` (a password login through the test
client is django-axes's business, tests/home/test_login_throttling.py); the
codes are computed as the phone would, with django_otp.oath.totp."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from home import roles

pytestmark = pytest.mark.django_db

ADMIN = reverse("wagtailadmin_home")
PAGES = reverse("wagtailadmin_explore_root")
VERIFY = reverse("two_factor_verify")
SETUP = reverse("two_factor_setup")
CODES = reverse("two_factor_backup_codes")
ACCOUNT = reverse("two_factor_account")


def code(device, drift=0) -> str:
    """The code the phone shows now (drift=1: the next one, still accepted,
    for a second code within the same 30 seconds)."""
    return f"{totp(device.bin_key, step=device.step, digits=device.digits, drift=drift):06d}"


def wrong(device) -> str:
    right = {code(device, drift) for drift in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in right)


def make_user(username, group=None, superuser=False):
    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username=username, email=f"{username}@example.org")
    user = User.objects.create_user(username=username, email=f"{username}@example.org")
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def give_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)


@pytest.fixture
def required(settings):
    settings.ADMIN_2FA_REQUIRED = True
    settings.ADMIN_2FA_GROUPS = [roles.ADMINISTRATORS]
    return settings


@pytest.fixture
def superuser():
    return make_user("direction", superuser=True)


@pytest.fixture
def administrator():
    return make_user("administratrice", group=roles.ADMINISTRATORS)


@pytest.fixture
def editor():
    return make_user("redacteur", group=roles.EDITORS)


def reaches_admin(client) -> bool:
    response = client.get(ADMIN)
    return response.status_code == 200


# --- Who must set it up ------------------------------------------------------------


@pytest.mark.parametrize("who", ["superuser", "administrator"])
def test_required_users_set_up_an_app_before_the_admin(client, required, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)

    response = client.get(PAGES)
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2Fpages%2F"

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Activer la double authentification" in html
    assert "<svg" in html  # the QR code, drawn here
    assert "otpauth" not in html  # the secret leaves only as the QR code and the key below
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    key = page.context["secret"].replace(" ", "")
    assert key in html.replace(" ", "")
    # The same secret on a reload: no new device per visit.
    assert client.get(SETUP).context["secret"].replace(" ", "") == key
    assert TOTPDevice.objects.filter(user=user).count() == 1

    done = client.post(SETUP, {"code": code(device), "next": "/admin/pages/"})
    assert done.status_code == 302
    assert done["Location"] == f"{CODES}?next=%2Fadmin%2Fpages%2F"
    device.refresh_from_db()
    assert device.confirmed

    shown = client.get(done["Location"])
    codes = shown.context["codes"]
    assert len(codes) == 10
    assert all(c in shown.content.decode() for c in codes)
    assert 'href="/admin/pages/"' in shown.content.decode()
    # Shown once only.
    assert client.get(CODES)["Location"] == ACCOUNT

    assert client.get(PAGES).status_code == 200


def test_a_wrong_first_code_does_not_confirm_the_app(client, required, superuser):
    client.force_login(superuser)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=superuser)
    response = client.post(SETUP, {"code": wrong(device)})
    assert response.status_code == 200
    assert "Ce code est incorrect ou a expiré" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(ADMIN)["Location"].startswith(SETUP)


def test_editors_are_not_required_to(client, required, editor):
    client.force_login(editor)
    assert client.get(ADMIN).status_code == 200
    assert not TOTPDevice.objects.filter(user=editor).exists()


def test_nobody_is_required_to_when_the_setting_is_off(client, settings, superuser):
    settings.ADMIN_2FA_REQUIRED = False
    client.force_login(superuser)
    assert client.get(ADMIN).status_code == 200
    assert client.get(PAGES).status_code == 200


def test_the_groups_come_from_the_setting(client, required, editor, administrator):
    required.ADMIN_2FA_GROUPS = [roles.EDITORS]
    client.force_login(editor)
    assert client.get(ADMIN)["Location"].startswith(SETUP)
    client.force_login(administrator)
    assert client.get(ADMIN).status_code == 200


# --- The code after the password ---------------------------------------------------


def test_a_user_with_an_app_gives_a_code_even_when_not_required(client, settings, editor):
    settings.ADMIN_2FA_REQUIRED = False
    device = give_app(editor)
    client.force_login(editor)

    response = client.get(ADMIN)
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    form = client.get(response["Location"])
    html = form.content.decode()
    assert "Code de vérification" in html
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    assert "Se déconnecter" in html
    assert 'class="sidebar' not in html and "wagtail-sidebar-props" not in html  # no menus

    done = client.post(VERIFY, {"code": code(device), "next": ADMIN})
    assert done["Location"] == ADMIN
    assert reaches_admin(client)


def test_a_wrong_code_is_refused_with_a_message(client, editor):
    device = give_app(editor)
    client.force_login(editor)
    response = client.post(VERIFY, {"code": wrong(device), "next": ADMIN})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce code est incorrect ou a expiré" in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_code_error id_code_helptext"' in html
    assert 'id="id_code_error"' in html
    assert not reaches_admin(client)


def test_a_code_that_is_not_six_digits_is_refused(client, editor):
    give_app(editor)
    client.force_login(editor)
    response = client.post(VERIFY, {"code": "12ab56"})
    assert "Le code compte 6 chiffres" in response.content.decode()
    assert not reaches_admin(client)


def test_a_code_is_accepted_once(client, editor):
    device = give_app(editor)
    client.force_login(editor)
    now = code(device)
    assert client.post(VERIFY, {"code": now})["Location"] == ADMIN
    client.logout()
    client.force_login(editor)
    response = client.post(VERIFY, {"code": now})
    assert response.status_code == 200
    assert not reaches_admin(client)


def test_wrong_codes_throttle_even_the_right_one(client, settings, editor):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # one minute after the first failure
    device = give_app(editor)
    client.force_login(editor)
    client.post(VERIFY, {"code": wrong(device)})

    response = client.post(VERIFY, {"code": code(device)})
    assert response.status_code == 200
    assert re.search(
        r"Trop de codes erronés : attendez (59|60) secondes avant de réessayer",
        response.content.decode(),
    )
    assert not reaches_admin(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a throttled attempt is not even tried


def test_next_is_kept_and_an_external_next_refused(client, editor):
    device = give_app(editor)
    client.force_login(editor)
    response = client.get(PAGES + "?ordering=title")
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2Fpages%2F%3Fordering%3Dtitle"
    assert client.get(response["Location"]).context["next"] == "/admin/pages/?ordering=title"

    outside = client.post(VERIFY, {"code": code(device), "next": "https://example.com/admin/"})
    assert outside["Location"] == ADMIN

    client.logout()
    client.force_login(editor)
    kept = client.post(VERIFY, {"code": code(device, drift=1), "next": "/admin/pages/"})
    assert kept["Location"] == "/admin/pages/"


def test_the_setup_page_cannot_replace_an_app_before_the_code(client, editor):
    """A password alone must not register a new app over the existing one."""
    device = give_app(editor)
    client.force_login(editor)
    response = client.get(SETUP)
    assert response["Location"].startswith(VERIFY)
    assert client.post(SETUP, {"code": "123456"})["Location"].startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=editor)) == [device]


def test_logout_and_password_reset_stay_reachable_before_the_code(client, editor):
    give_app(editor)
    client.force_login(editor)
    assert client.get(reverse("wagtailadmin_password_reset")).status_code == 200
    assert client.get(reverse("wagtailadmin_javascript_catalog")).status_code == 200
    response = client.post(reverse("wagtailadmin_logout"))
    assert response["Location"] == reverse("wagtailadmin_login")
    assert client.get(ADMIN)["Location"].startswith(reverse("wagtailadmin_login"))


def test_anonymous_visitors_are_left_to_wagtails_login(client, required):
    response = client.get(ADMIN)
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    assert client.get(VERIFY)["Location"].startswith(reverse("wagtailadmin_login"))


def test_public_pages_and_the_partner_space_are_untouched(client, required, superuser):
    client.force_login(superuser)
    assert client.get("/fr/").status_code == 200
    space = client.get(reverse("partners:space_home"))
    assert "two-factor" not in space.get("Location", "")
    assert space.status_code in (200, 302)
    # The admin itself is not.
    assert client.get(ADMIN)["Location"].startswith(SETUP)


# --- Backup codes ------------------------------------------------------------------


def test_a_backup_code_replaces_the_app_once(client, editor):
    give_app(editor)
    static = StaticDevice.objects.create(user=editor, name="Codes de secours")
    StaticToken.objects.create(device=static, token="abcd2345")
    StaticToken.objects.create(device=static, token="wxyz6789")
    client.force_login(editor)

    form = client.get(VERIFY + "?backup=1")
    assert "Code de secours" in form.content.decode()
    response = client.post(VERIFY, {"code": "ABCD 2345", "backup": "1", "next": ADMIN})
    assert response["Location"] == ADMIN
    assert "Il vous en reste 1" in client.get(ADMIN).content.decode()

    client.logout()
    client.force_login(editor)
    again = client.post(VERIFY, {"code": "abcd2345", "backup": "1"})
    assert "Ce code de secours est incorrect ou a déjà servi" in again.content.decode()
    assert not reaches_admin(client)


def test_the_backup_code_link_shows_only_when_there_are_codes(client, editor):
    give_app(editor)
    client.force_login(editor)
    assert "?backup=1" not in client.get(VERIFY).content.decode()
    assert "Demandez à un administrateur" in client.get(VERIFY).content.decode()


# --- The account page --------------------------------------------------------------


def log_in_with_app(client, user):
    device = give_app(user)
    client.force_login(user)
    client.post(VERIFY, {"code": code(device)})
    assert reaches_admin(client)
    return device


def test_the_account_shows_the_state(client, editor):
    client.force_login(editor)
    account = client.get(reverse("wagtailadmin_account")).content.decode()
    assert "Double authentification" in account
    assert "Non activée" in account
    page = client.get(ACCOUNT).content.decode()
    assert "Activer la double authentification" in page

    client.logout()
    log_in_with_app(client, editor)
    assert "Activée" in client.get(reverse("wagtailadmin_account")).content.decode()
    assert "Remplacer l'application" in client.get(ACCOUNT).content.decode()


def test_an_editor_adds_an_app_from_the_account(client, editor):
    client.force_login(editor)
    setup = client.get(SETUP + "?next=" + ACCOUNT)
    assert "Annuler" in setup.content.decode()  # not required: a way back
    device = TOTPDevice.objects.get(user=editor)
    done = client.post(SETUP, {"code": code(device), "next": ACCOUNT})
    assert done["Location"] == f"{CODES}?next=%2Fadmin%2Ftwo-factor%2F"
    assert StaticToken.objects.filter(device__user=editor).count() == 10
    # Now asked at the next login.
    client.logout()
    client.force_login(editor)
    assert client.get(ADMIN)["Location"].startswith(VERIFY)


def test_removing_the_app_asks_for_a_current_code(client, editor):
    device = log_in_with_app(client, editor)
    refused = client.post(ACCOUNT, {"action": "disable", "disable-code": wrong(device)})
    assert refused.status_code == 200
    assert "Ce code est incorrect ou a expiré" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=editor).exists()

    device.refresh_from_db()
    device.throttle_reset()
    done = client.post(ACCOUNT, {"action": "disable", "disable-code": code(device, drift=1)})
    assert done["Location"] == ACCOUNT
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()
    client.logout()
    client.force_login(editor)
    assert reaches_admin(client)  # the password alone again


def test_required_users_cannot_remove_their_app_but_can_replace_it(client, required, superuser):
    old = log_in_with_app(client, superuser)
    response = client.post(ACCOUNT, {"action": "disable", "disable-code": code(old, drift=1)})
    assert response["Location"] == ACCOUNT
    assert "est obligatoire pour votre compte" in client.get(ACCOUNT).content.decode()
    assert TOTPDevice.objects.filter(pk=old.pk).exists()

    setup = client.get(SETUP)
    assert setup.status_code == 200
    new = TOTPDevice.objects.get(user=superuser, confirmed=False)
    client.post(SETUP, {"code": code(new)})
    assert list(TOTPDevice.objects.filter(user=superuser)) == [new]
    new.refresh_from_db()
    assert new.confirmed
    assert reaches_admin(client)


def test_new_backup_codes_need_a_code_and_replace_the_old_ones(client, editor):
    device = log_in_with_app(client, editor)
    static = StaticDevice.objects.create(user=editor, name="Codes de secours")
    StaticToken.objects.create(device=static, token="ancien22")

    done = client.post(ACCOUNT, {"action": "codes", "codes-code": code(device, drift=1)})
    assert done["Location"] == f"{CODES}?next=%2Fadmin%2Ftwo-factor%2F"
    codes = client.get(done["Location"]).context["codes"]
    assert len(codes) == 10
    tokens = set(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))
    assert tokens == set(codes)


# --- manage.py reset_two_factor ----------------------------------------------------


def test_reset_two_factor_after_a_lost_phone(client, required, superuser):
    device = give_app(superuser)
    static = StaticDevice.objects.create(user=superuser, name="Codes de secours")
    StaticToken.objects.create(device=static, token="abcd2345")
    out = io.StringIO()
    call_command("reset_two_factor", "direction", stdout=out)
    printed = out.getvalue()
    assert "Double authentification de « direction » réinitialisée" in printed
    assert "1 application(s) confirmée(s)" in printed
    assert "1 code(s) de secours" in printed
    assert "configurer une nouvelle application" in printed
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not StaticDevice.objects.filter(user=superuser).exists()

    client.force_login(superuser)
    assert client.get(ADMIN)["Location"].startswith(SETUP)

    again = io.StringIO()
    call_command("reset_two_factor", "direction", stdout=again)
    assert "rien à faire" in again.getvalue()


def test_reset_two_factor_of_an_unknown_account_fails():
    with pytest.raises(CommandError, match="Aucun compte « personne »"):
        call_command("reset_two_factor", "personne")
