"""Networks and meeting minutes as a person uses them (fixtures in
tests/browser_fixtures.py): open a network, open the 2015 minutes, follow a
participant's organisation to its fiche; axe and phone width on every page
type of the app."""

import pytest

from tests.browser_fixtures import axe_violations

pytestmark = pytest.mark.browser

MINUTES_PATHS = [
    "/fr/reseaux/",
    "/en/networks/",
    "/fr/reseaux/reseau-92-ess/",
    "/fr/reseaux/reseau-92-ess/?year=2015",
    "/fr/reseaux/reseau-92-ess/?year=abc&theme=zzz",
    "/fr/reseaux/reseau-92-ess/?year=2003",
    "/fr/reseaux/reseau-92-ess/2015-11-27-premiere-reunion/",
    "/fr/reseaux/reseau-92-ess/actions/",
    "/fr/reseaux/comite-partenarial-ess-essonne/",
    "/fr/reseaux/comite-partenarial-ess-essonne/2012-03-20-comite-partenarial/",
    "/fr/reseaux/comite-partenarial-ess-essonne/actions/",
    "/fr/annuaire/ville-de-clichy-la-garenne/",
]


def test_open_a_network_then_the_2015_minutes_then_a_participant_fiche(live_site, page):
    page.goto(live_site + "/fr/reseaux/")
    page.get_by_role("link", name="Réseau 92 – Économie sociale et solidaire").click()
    page.wait_for_url(lambda url: url == live_site + "/fr/reseaux/reseau-92-ess/")
    assert page.url == live_site + "/fr/reseaux/reseau-92-ess/"
    assert page.get_by_role("heading", level=3, name="2015").is_visible()

    # Filter the list by year with the form, as a visitor does.
    form = page.locator("form.listing-filters")
    form.get_by_label("Année").fill("2015")
    form.get_by_role("button", name="Afficher les comptes rendus").click()
    page.wait_for_url(lambda url: "year=2015" in url)
    assert "year=2015" in page.url

    page.get_by_role("link", name="Réunion du vendredi 27 novembre 2015").click()
    page.wait_for_url(
        lambda url: url.endswith("/fr/reseaux/reseau-92-ess/2015-11-27-premiere-reunion/")
    )
    assert page.url.endswith("/fr/reseaux/reseau-92-ess/2015-11-27-premiere-reunion/")
    main = page.locator("main")
    assert "vendredi 27 novembre 2015" in main.inner_text()
    participants = page.locator("section.participants")
    assert "Othmane Khaoua" in participants.inner_text()

    # Follow Othmane Khaoua's organisation to its directory fiche.
    participants.get_by_role("link", name="Ville de Sceaux").click()
    page.wait_for_url(lambda url: url.endswith("/fr/annuaire/ville-de-sceaux/"))
    assert page.url.endswith("/fr/annuaire/ville-de-sceaux/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Ville de Sceaux")
    # The fiche lists the meeting back.
    page.get_by_role("heading", name="Réunions de réseau").wait_for()
    assert page.get_by_role("link", name="Réunion du vendredi 27 novembre 2015").is_visible()


def test_minutes_pages_have_no_horizontal_scroll_at_phone_width(live_site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="fr-FR")
    tab = context.new_page()
    for path in MINUTES_PATHS:
        tab.goto(live_site + path)
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px"
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_minutes_pages_have_no_accessibility_violations(live_site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    tab = context.new_page()
    problems = []
    for path in MINUTES_PATHS:
        problems += axe_violations(tab, live_site, path)
    context.close()
    assert problems == []
