"""Two-factor authentication through the real pages (fixtures in
tests/browser_fixtures.py): an editor adds an authenticator app from their
account (the key read off the page, as a phone would), keeps their backup
codes, then logs in again and gives a code after the password. The verify
and setup pages pass axe (WCAG 2.1 A and AA)."""

import os
from base64 import b32decode
from pathlib import Path

import pytest
from django_otp.oath import totp

from tests.browser_fixtures import AXE_TAGS, live_shell

pytestmark = pytest.mark.browser

EDITOR = ("redactrice-double-auth", "Double-Authentification-2026")
# Screenshots for a person to look at, when asked: TWO_FACTOR_SHOTS=/tmp/shots
SHOTS = os.environ.get("TWO_FACTOR_SHOTS", "")

ADD_EDITOR = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

username, password = {EDITOR!r}
user, _ = get_user_model().objects.get_or_create(username=username)
user.set_password(password); user.email = username + "@example.org"; user.save()
user.groups.add(Group.objects.get(name="Rédaction"))
"""


def phone_code(secret: str, drift: int = 0) -> str:
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key, drift=drift):06d}"


def log_in(tab, site):
    tab.goto(site + "/admin/login/")
    tab.fill("#id_username", EDITOR[0])
    tab.fill("#id_password", EDITOR[1])
    tab.locator("button[type=submit]").click()
    tab.wait_for_load_state()


def axe(tab) -> list[str]:
    from importlib.resources import files

    tab.evaluate(files("axe_playwright_python").joinpath("axe.min.js").read_text())
    result = tab.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{tab.url}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def shot(tab, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def test_set_up_an_app_then_log_in_with_a_code(live_site, browser):
    live_shell(live_site, ADD_EDITOR)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    tab = context.new_page()

    # The password alone while no app is set up (ADMIN_2FA_REQUIRED is off
    # in development and Rédaction is not an ADMIN_2FA_GROUPS group).
    log_in(tab, live_site)
    assert tab.url == live_site + "/admin/"

    tab.goto(live_site + "/admin/account/")
    assert tab.get_by_text("Non activée.", exact=False).first.is_visible()
    tab.get_by_role("link", name="Gérer la double authentification").click()
    tab.get_by_role("link", name="Activer la double authentification").click()
    tab.wait_for_load_state()
    assert "/admin/two-factor/setup/" in tab.url
    assert tab.locator("h1").inner_text() == "Activer la double authentification"
    assert tab.locator(".two-factor__qr svg").is_visible()
    assert tab.locator("#wagtail-sidebar").count() == 0  # no menus on this step
    shot(tab, "setup.png")
    assert axe(tab) == []

    secret = tab.locator("#two-factor-secret").inner_text()
    field = tab.get_by_label("Code affiché par l'application")
    # A wrong code first: the message is tied to the field.
    field.fill("000000" if phone_code(secret) != "000000" else "111111")
    tab.get_by_role("button", name="Confirmer et activer").click()
    tab.wait_for_load_state()
    field = tab.get_by_label("Code affiché par l'application")
    assert field.get_attribute("aria-invalid") == "true"
    assert "Ce code est incorrect" in tab.locator("#id_code_error").inner_text()
    assert field.evaluate("node => node === document.activeElement")

    # django-otp throttles after a wrong code (1 second with the defaults).
    tab.wait_for_timeout(1500)
    field.fill(phone_code(secret))
    tab.get_by_role("button", name="Confirmer et activer").click()
    tab.wait_for_load_state()
    assert "/admin/two-factor/backup-codes/" in tab.url
    codes = tab.locator(".two-factor__codes li").all_inner_texts()
    assert len(codes) == 10
    shot(tab, "backup-codes.png")
    tab.get_by_role("link", name="Continuer").click()
    tab.wait_for_load_state()
    assert tab.url == live_site + "/admin/two-factor/"
    assert tab.get_by_text("Activée.", exact=True).is_visible()
    shot(tab, "account.png")

    # A new session (as after logging out): the code is asked after the password.
    context.clear_cookies()
    log_in(tab, live_site)
    assert "/admin/two-factor/verify/" in tab.url
    assert tab.locator("h1").inner_text() == "Code de vérification"
    code_field = tab.get_by_label("Code de vérification")
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    assert code_field.evaluate("node => node === document.activeElement")
    shot(tab, "verify.png")
    assert axe(tab) == []
    # The next code of the phone: the one used for the setup is spent.
    code_field.fill(phone_code(secret, drift=1))
    tab.get_by_role("button", name="Vérifier").click()
    tab.wait_for_load_state()
    assert tab.url == live_site + "/admin/"

    # A backup code works once, instead of the phone.
    context.clear_cookies()
    log_in(tab, live_site)
    tab.get_by_role("link", name="Téléphone indisponible ? Utiliser un code de secours").click()
    tab.get_by_label("Code de secours").fill(codes[0])
    tab.get_by_role("button", name="Vérifier").click()
    tab.wait_for_load_state()
    assert tab.url == live_site + "/admin/"
    assert tab.get_by_text("Il vous en reste 9").is_visible()
    context.close()
