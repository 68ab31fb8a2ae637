"""The conventions as a person uses them (fixtures in tests/browser_fixtures.py):
open the index, open the Sceaux convention, follow a partner to its fiche;
axe-core on each page at desktop and phone width, no sideways scroll."""

from pathlib import Path

import pytest

from tests.browser_fixtures import axe_violations

pytestmark = pytest.mark.browser

SCEAUX = "/fr/conventions/sceaux-conventions-partenariat-ess-2014/"
PATHS = [
    "/fr/conventions/",
    "/fr/conventions/?status=approuvee&partner=moovjee",
    "/fr/conventions/?status=perdue&year=abcd",
    "/fr/conventions/?partner=iut-de-sceaux&status=echue",
    SCEAUX,
    "/fr/annuaire/moovjee/",
    "/en/conventions/",
]


def test_open_the_sceaux_convention_and_follow_a_partner(live_site, page):
    page.goto(live_site + "/fr/conventions/")
    assert page.locator("h1").inner_text() == "Conventions de partenariat"

    # Filter by partner and status with the form, as a visitor does.
    form = page.locator("form.listing-filters")
    form.locator("select[name=partner]").select_option("moovjee")
    form.locator("select[name=status]").select_option("approuvee")
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "partner=moovjee" in url and "status=approuvee" in url)
    assert "partner=moovjee" in page.url and "status=approuvee" in page.url

    page.get_by_role("link", name="Conventions de partenariat de la Ville de Sceaux").click()
    page.wait_for_url(lambda url: url == live_site + SCEAUX)
    assert page.url == live_site + SCEAUX
    main = page.locator("main").inner_text()
    assert "Othmane Khaoua" in main
    assert "30 septembre 2014" in main
    assert "Approuvée" in main
    assert "centre de ressources ESS de la Région Île-de-France" in main

    page.locator("#partenaires").locator("..").get_by_role("link", name="Moovjee").click()
    page.wait_for_url(lambda url: url == live_site + "/fr/annuaire/moovjee/")
    assert page.url == live_site + "/fr/annuaire/moovjee/"
    section = page.locator("section.actor-conventions")
    assert "Conventions de partenariat de la Ville de Sceaux" in section.inner_text()


def test_scdl_export_link_downloads_the_csv(live_site, page):
    page.goto(live_site + "/fr/conventions/")
    link = page.get_by_role("link", name="Télécharger les délibérations (CSV, format SCDL)")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.startswith("deliberations-conventions-")
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.startswith("COLL_NOM,COLL_SIRET,DELIB_ID,DELIB_DATE,")
    assert "Ville de Sceaux,,,2014-09-30," in text


def test_phone_width_has_no_horizontal_scroll(live_site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="fr-FR")
    tab = context.new_page()
    for path in PATHS:
        tab.goto(live_site + path)
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px"
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_convention_pages_have_no_accessibility_violations(live_site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    tab = context.new_page()
    problems = []
    for path in PATHS:
        problems += axe_violations(tab, live_site, path)
    context.close()
    assert problems == []
