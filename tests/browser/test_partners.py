"""Proposing a structure as a visitor, approving it as a moderator, in a
real browser (fixtures in tests/browser_fixtures.py; the shared live site
is left with one more published fiche, under a distinctive name)."""

from pathlib import Path

import pytest

from tests.browser_fixtures import axe_violations, live_shell

pytestmark = pytest.mark.browser

BASE_DIR = Path(__file__).resolve().parent.parent.parent
TITLE = "Navigateur Ressourcerie Hippocampe"
MODERATOR = ("moderatrice-navigateur", "Hippocampe-Moderation-2026")


def _live_manage(live_site, code: str) -> str:
    """Run Python in the live site's database (SQLite or PostgreSQL)."""
    return live_shell(live_site, code)


@pytest.fixture
def moderator(live_site):
    username, password = MODERATOR
    _live_manage(
        live_site,
        "from django.contrib.auth import get_user_model\n"
        "from django.contrib.auth.models import Group\n"
        f"user, _ = get_user_model().objects.get_or_create(username={username!r})\n"
        f"user.set_password({password!r}); user.email = {username + '@example.org'!r}\n"
        "user.save(); user.groups.add(Group.objects.get(name='Modération'))\n",
    )
    return MODERATOR


def _submit(page):
    page.locator("form.partners-form button[type=submit]").click()
    page.wait_for_load_state()


def test_propose_a_structure_then_a_moderator_approves_it(live_site, page, browser, moderator):
    # A visitor fills the form and makes a mistake (an invalid SIRET).
    page.goto(live_site + "/fr/proposer/structure/")
    page.get_by_label("Nom de la structure").fill(TITLE)
    page.get_by_label("Type de structure").select_option("association")
    page.get_by_label("SIREN ou SIRET").fill("123 456 789")
    page.get_by_label("Commune").fill("Sceaux")
    page.get_by_label("Votre nom").fill("Camille Navigatrice")
    page.get_by_label("Votre adresse électronique").fill("camille.nav@example.net")
    page.get_by_label("J'accepte", exact=False).check()
    _submit(page)

    # The error is next to the field, listed at the top, and nothing typed is lost.
    assert "/fr/proposer/structure/" in page.url
    assert page.get_by_role("alert").first.is_visible()
    assert "clé de contrôle incorrecte" in page.locator("#id_siret_error").inner_text()
    assert page.get_by_label("SIREN ou SIRET").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Nom de la structure").input_value() == TITLE
    assert page.get_by_label("Commune").input_value() == "Sceaux"
    assert (
        page.get_by_label("Votre adresse électronique").input_value() == "camille.nav@example.net"
    )

    # Corrected: received, with the private follow link.
    page.get_by_label("SIREN ou SIRET").fill("")
    page.get_by_label("J'accepte", exact=False).check()
    _submit(page)
    assert "/fr/proposer/suivi/" in page.url
    assert "Merci, votre proposition a bien été reçue." in page.content()
    assert "En attente de modération" in page.content()
    follow_url = page.url.split("?")[0]
    # Not on the site yet.
    fiche = live_site + "/fr/annuaire/navigateur-ressourcerie-hippocampe/"
    assert page.goto(fiche).status == 404

    # A moderator approves it in the admin.
    admin = browser.new_context(locale="fr-FR").new_page()
    admin.goto(live_site + "/admin/login/")
    admin.fill("#id_username", moderator[0])
    admin.fill("#id_password", moderator[1])
    admin.locator("button[type=submit]").click()
    admin.wait_for_load_state()
    panel = admin.locator("#partners-pending-section")
    assert "Formulaire public" in panel.inner_text()
    assert "camille.nav@example.net" in panel.inner_text()
    panel.get_by_role("link", name=TITLE).click()
    admin.wait_for_load_state()
    assert "camille.nav@example.net" in admin.content()
    admin.get_by_role("button", name="Plus d'actions").click()
    admin.get_by_role("button", name="Approuver et Publier").click()
    admin.wait_for_load_state()
    admin.context.close()

    # Live on the public site; the submitter's status page says so.
    assert page.goto(fiche).status == 200
    assert page.get_by_role("heading", level=1).inner_text().startswith(TITLE)
    assert "camille.nav@example.net" not in page.content()
    page.goto(follow_url)
    assert "Acceptée et publiée" in page.content()


@pytest.mark.parametrize("width", [1280, 375])
def test_partner_pages_have_no_accessibility_violations(live_site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    tab = context.new_page()
    problems = []
    for path in [
        "/fr/proposer/",
        "/fr/proposer/structure/",
        "/fr/proposer/appel-a-projets/",
        "/fr/espace-partenaires/connexion/",
        "/fr/annuaire/strasbourg-eurometropole/",
    ]:
        problems += axe_violations(tab, live_site, path)
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"

    # The form with its errors shown.
    tab.goto(live_site + "/fr/proposer/structure/")
    tab.locator("form.partners-form button[type=submit]").click()
    tab.wait_for_load_state()
    from importlib.resources import files

    tab.evaluate(files("axe_playwright_python").joinpath("axe.min.js").read_text())
    result = tab.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    problems += [f"form with errors: {v['id']}" for v in result["violations"]]
    context.close()
    assert problems == []


def test_partner_logs_in_with_the_emailed_link(live_site, page):
    """The one-time link's page posts its own form: a real browser must be
    let through CSRF (its Referrer-Policy keeps the Origin header)."""
    output = _live_manage(
        live_site,
        "from django.contrib.auth import get_user_model\n"
        "from directory.models import ActorPage\n"
        "from partners.models import PartnerAccess\n"
        "from partners.views import _login_token\n"
        "user, _ = get_user_model().objects.get_or_create(username='partenaire-navigateur',"
        " defaults={'email': 'partenaire-navigateur@example.org'})\n"
        "actor = ActorPage.objects.get(slug='strasbourg-eurometropole',"
        " locale__language_code='fr')\n"
        "PartnerAccess.objects.get_or_create(user=user, actor=actor)\n"
        "print(_login_token(user))\n",
    )
    token = output.strip().splitlines()[-1]
    page.goto(f"{live_site}/fr/espace-partenaires/connexion/{token}/")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: url == live_site + "/fr/espace-partenaires/")
    assert page.url == live_site + "/fr/espace-partenaires/"
    assert "Strasbourg Eurométropole" in page.locator("main").inner_text()
