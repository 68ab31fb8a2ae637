"""A partner posts an announcement in the partner space, a moderator
approves it in the admin, and the partner sees it published, in a real
browser (fixtures in tests/browser_fixtures.py; the shared live site is left
with one more announcement, under a distinctive title)."""

import pytest

from tests.browser_fixtures import live_shell

pytestmark = pytest.mark.browser

TITLE = "Navigateur Bureau Partagé Pélican"
MODERATOR = ("moderateur-annonces-navigateur", "Pelican-Moderation-2026")
PARTNER = "partenaire-annonces-navigateur"
ANNOUNCEMENTS_SECTION = "section[aria-labelledby=mes-annonces]"

SETUP = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Locale, Site
from directory.models import ActorPage
from events.announcements import AnnouncementIndexPage
from partners.models import PartnerAccess
from partners.views import _login_token

fr = Locale.objects.get(language_code="fr")
if not AnnouncementIndexPage.objects.filter(locale=fr).exists():
    home = Site.objects.get(is_default_site=True).root_page.specific
    home.add_child(instance=AnnouncementIndexPage(title="Petites annonces", slug="annonces"))
moderator, _ = get_user_model().objects.get_or_create(username={MODERATOR[0]!r})
moderator.set_password({MODERATOR[1]!r})
moderator.email = "{MODERATOR[0]}@example.org"
moderator.save()
moderator.groups.add(Group.objects.get(name="Modération"))
partner, _ = get_user_model().objects.get_or_create(
    username={PARTNER!r}, defaults={{"email": "{PARTNER}@example.org"}}
)
actor = ActorPage.objects.get(slug="strasbourg-eurometropole", locale=fr)
PartnerAccess.objects.get_or_create(user=partner, actor=actor)
print(_login_token(partner))
"""


def _submit(page):
    page.locator("form.partners-form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_partner_posts_an_announcement_and_sees_it_after_approval(live_site, page, browser):
    token = live_shell(live_site, SETUP).strip().splitlines()[-1]

    # The partner signs in with the emailed link.
    page.goto(f"{live_site}/fr/espace-partenaires/connexion/{token}/")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: url == live_site + "/fr/espace-partenaires/")

    # « Publier une annonce »: a first try forgets the commune.
    page.get_by_role("link", name="Publier une annonce").click()
    page.wait_for_load_state()
    page.get_by_label("Titre de l'annonce").fill(TITLE)
    page.get_by_role("radio", name="Offre").check()
    page.get_by_label("Catégorie").select_option("coworking")
    page.get_by_label("Texte de l'annonce").fill("Deux postes de travail à partager, au mois.")
    _submit(page)
    assert page.get_by_role("alert").first.is_visible()
    assert page.get_by_label("Commune").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Titre de l'annonce").input_value() == TITLE

    page.get_by_label("Code postal").fill("67000")
    page.get_by_label("Commune").fill("Strasbourg")
    _submit(page)
    assert "/fr/espace-partenaires/propositions/" in page.url
    assert "En attente de modération" in page.content()
    assert "Nouvelle annonce" in page.content()

    # Not published before approval.
    page.goto(live_site + "/fr/espace-partenaires/")
    assert TITLE not in page.locator(ANNOUNCEMENTS_SECTION).inner_text()
    page.goto(live_site + "/fr/annonces/")
    assert TITLE not in page.locator("main").inner_text()

    # A moderator approves it in the admin.
    admin = browser.new_context(locale="fr-FR").new_page()
    admin.goto(live_site + "/admin/login/")
    admin.fill("#id_username", MODERATOR[0])
    admin.fill("#id_password", MODERATOR[1])
    admin.locator("button[type=submit]").click()
    admin.wait_for_load_state()
    admin.locator("#partners-pending-section").get_by_role("link", name=TITLE).click()
    admin.wait_for_load_state()
    assert "Nouvelle annonce" in admin.content()
    admin.get_by_role("button", name="Plus d'actions").click()
    admin.get_by_role("button", name="Approuver et Publier").click()
    admin.wait_for_load_state()
    assert "l'annonce est publiée" in admin.content().replace("&#x27;", "'")
    admin.context.close()

    # The partner finds it in their space, opens it, and in the listing.
    page.goto(live_site + "/fr/espace-partenaires/")
    page.locator(ANNOUNCEMENTS_SECTION).get_by_role("link", name=TITLE).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith(TITLE)
    assert f"{PARTNER}@example.org" not in page.content()
    page.goto(live_site + "/fr/annonces/")
    assert page.locator("main").get_by_role("link", name=TITLE).count() >= 1


@pytest.mark.parametrize("width", [1280, 375])
def test_the_event_and_announcement_forms_have_no_accessibility_violations(
    live_site, browser, width
):
    from importlib.resources import files

    from tests.browser_fixtures import axe_violations

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    tab = context.new_page()
    problems = []
    for path in ["/fr/proposer/", "/fr/proposer/evenement/", "/fr/proposer/annonce/"]:
        problems += axe_violations(tab, live_site, path)
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
        if path == "/fr/proposer/" or width != 1280:
            continue
        # The same form with its errors shown (sent empty; at one width only:
        # every post counts against the live site's rate limit of public forms).
        tab.locator("form.partners-form button[type=submit]").click()
        tab.wait_for_load_state()
        assert tab.get_by_role("alert").first.is_visible()
        tab.evaluate(files("axe_playwright_python").joinpath("axe.min.js").read_text())
        result = tab.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        problems += [f"{path} with errors: {v['id']}" for v in result["violations"]]
    context.close()
    assert problems == []
