"""The site as a person uses it (fixtures in tests/browser_fixtures.py)."""

import pytest

from tests.browser_fixtures import axe_violations

pytestmark = pytest.mark.browser


def test_home_switch_to_english_and_search(live_site, page):
    page.goto(live_site + "/")
    assert page.url == live_site + "/fr/"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Maison de l'ESS" in page.title()

    # The first Tab reaches the skip link, which leads to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#contenu"

    # Search from the header form, as a visitor types it (no accents).
    search = page.get_by_role("searchbox").first
    search.fill("propositions citoyennes")
    search.press("Enter")
    page.wait_for_load_state()
    assert "/fr/recherche/" in page.url
    page.get_by_role("link", name="Sceaux Valley").first.wait_for()

    # Switch to English: the search page in English, same query.
    page.locator("a[hreflang='en']").first.click()
    page.wait_for_load_state()
    assert "/en/search/" in page.url and "propositions" in page.url
    assert page.locator("html").get_attribute("lang") == "en"

    page.goto(live_site + "/en/")
    assert "The portal of the social and solidarity economy" in page.content()


def test_directory_filter_by_region_and_open_a_fiche(live_site, page):
    page.goto(live_site + "/fr/annuaire/")
    form = page.locator("form.listing-filters")
    form.locator("select[name=region]").select_option("44")  # Grand Est
    form.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state()
    assert "region=44" in page.url
    fiche = page.get_by_role("link", name="Strasbourg Eurométropole").first
    fiche.click()
    page.wait_for_load_state()
    assert "/fr/annuaire/" in page.url and page.url != live_site + "/fr/annuaire/"
    text = page.locator("main").inner_text()
    assert "474" in text and "524" in text  # 474 524 habitants
    assert "2012" in text  # membre depuis 2012


def test_phone_width_has_no_horizontal_scroll(live_site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="fr-FR")
    tab = context.new_page()
    for path in [
        "/fr/",
        "/fr/sceaux-valley/",
        "/fr/recherche/?q=economie",
        "/fr/annuaire/",
        "/fr/annuaire/?region=44",
        "/fr/annuaire/carte/",
        "/fr/annuaire/region-grand-est/",
    ]:
        tab.goto(live_site + path)
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px"
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_pages_have_no_accessibility_violations(live_site, browser, width):
    """axe-core on each page type, WCAG 2.1 A and AA rules, colour contrast
    included."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    tab = context.new_page()
    problems = []
    for path in [
        "/fr/",
        "/en/",
        "/fr/sceaux-valley/",
        "/fr/recherche/?q=economie",
        "/fr/recherche/?q=zzzzqq",
        "/fr/recherche/?q=%21%21",
        "/fr/themes/",
        "/fr/themes/innovation-sociale/",
        "/fr/page-inexistante/",
        "/fr/annuaire/",
        "/fr/annuaire/?region=44&kind=zzz",
        "/fr/annuaire/carte/",
        "/fr/annuaire/strasbourg-eurometropole/",
        "/fr/annuaire/communaute-de-communes-auberive-vingeanne-montsaugeonnais/",
        "/en/directory/",
    ]:
        problems += axe_violations(tab, live_site, path)
    context.close()
    assert problems == []
