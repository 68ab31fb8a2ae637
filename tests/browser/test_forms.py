"""A refused form in a real browser: the focus moves to the error summary,
each of its links moves the focus to its field, and what was typed is kept;
without JavaScript the summary and its links still work (fixtures in
tests/browser_fixtures.py)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser_fixtures import AXE_TAGS, axe_violations

pytestmark = pytest.mark.browser

PROPOSE = "/fr/proposer/structure/"


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def _fill_with_two_mistakes(page):
    """A proposal with an invalid SIRET and the consent left unchecked."""
    page.get_by_label("Nom de la structure").fill("Navigateur Recyclerie Axolotl")
    page.get_by_label("Type de structure").select_option("association")
    page.get_by_label("SIREN ou SIRET").fill("123 456 789")
    page.get_by_label("Commune").fill("Sceaux")
    page.get_by_label("Votre nom").fill("Dominique Essai")
    page.get_by_label("Votre adresse électronique").fill("dominique.essai@example.net")
    page.locator("form.partners-form button[type=submit]").click()
    page.wait_for_load_state()


def test_after_an_error_the_focus_is_on_the_summary_whose_links_reach_the_fields(live_site, page):
    page.goto(live_site + PROPOSE)
    _fill_with_two_mistakes(page)

    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    # The focus is on the summary, which a screen reader then reads.
    assert _focused_id(page) == "erreurs"
    assert page.title().startswith("Erreur")
    assert "2 erreurs" in summary.get_by_role("heading").inner_text()

    # Its first link leads to the SIRET field: focused, its label in view.
    summary.get_by_role("link", name=re.compile("SIREN ou SIRET")).click()
    assert _focused_id(page) == "id_siret"
    # (The site scrolls smoothly: wait until the label is in view.)
    expect(page.locator("label[for=id_siret]")).to_be_in_viewport()

    # The keyboard way: back to the summary, Tab to the consent link, Enter.
    summary.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip().startswith("J'accepte")
    page.keyboard.press("Enter")
    assert _focused_id(page) == "id_consent"

    # Nothing typed is lost.
    assert page.get_by_label("Nom de la structure").input_value() == "Navigateur Recyclerie Axolotl"
    assert page.get_by_label("SIREN ou SIRET").input_value() == "123 456 789"
    assert page.get_by_label("Commune").input_value() == "Sceaux"
    assert page.get_by_label("Votre adresse électronique").input_value() == (
        "dominique.essai@example.net"
    )


def test_without_javascript_the_summary_and_its_links_still_work(live_site, browser):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_site + PROPOSE)
    _fill_with_two_mistakes(page)
    summary = page.get_by_role("alert")
    assert summary.is_visible()
    link = summary.get_by_role("link", name=re.compile("SIREN ou SIRET"))
    assert link.get_attribute("href") == "#id_siret"
    link.click()
    assert page.url.endswith("#id_siret")
    # The browser itself moves the focus to the anchored field.
    assert _focused_id(page) == "id_siret"
    expect(page.get_by_label("SIREN ou SIRET")).to_be_in_viewport()
    context.close()


def test_the_partner_login_focuses_its_summary_too(live_site, page):
    page.goto(live_site + "/fr/espace-partenaires/connexion/")
    page.get_by_label("Votre adresse électronique").fill("pas-une-adresse")
    page.locator("form.partners-form button[type=submit]").click()
    page.wait_for_load_state()
    assert _focused_id(page) == "erreurs"
    page.locator("[data-error-summary] a").first.click()
    assert _focused_id(page) == "id_email"
    assert page.get_by_label("Votre adresse électronique").input_value() == "pas-une-adresse"


@pytest.mark.parametrize("width", [1280, 375])
def test_refused_forms_and_the_type_filters_are_accessible_and_fit(live_site, browser, width):
    from importlib.resources import files

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    tab = context.new_page()

    def overflow(path):
        sideways = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        return [f"{path} scrolls sideways by {sideways}px at {width}px"] if sideways > 0 else []

    problems = []
    for path in [
        "/fr/recherche/?q=" + "a" * 300,
        "/fr/recherche/?q=economie&type=callforprojectspage",
        "/fr/recherche/?q=economie&type=inconnu&page=99",
    ]:
        problems += axe_violations(tab, live_site, path) + overflow(path)

    # A proposal sent empty: the summary with every required field in it.
    tab.goto(live_site + PROPOSE)
    tab.locator("form.partners-form button[type=submit]").click()
    tab.wait_for_load_state()
    tab.evaluate(files("axe_playwright_python").joinpath("axe.min.js").read_text())
    result = tab.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    problems += [f"refused proposal: {v['id']}" for v in result["violations"]]
    problems += overflow("refused proposal")
    context.close()
    assert problems == []


def test_a_type_filter_narrows_the_search_results(live_site, page):
    page.goto(live_site + "/fr/recherche/?q=economie")
    types = page.get_by_role("navigation", name="Par type de contenu")
    link = types.get_by_role("link", name="Appels à projets", exact=True)
    count = int(re.sub(r"\D", "", link.locator("xpath=..").locator(".facets__count").inner_text()))
    link.click()
    page.wait_for_url(lambda url: "type=callforprojectspage" in url)
    assert "type=callforprojectspage" in page.url
    expect(types.get_by_role("link", name="Appels à projets", exact=True)).to_have_attribute(
        "aria-current", "true"
    )
    kinds = page.locator(".result__type").all_inner_texts()
    assert kinds and len(kinds) == min(count, 10)
    assert {kind.strip().lower() for kind in kinds} == {"appel à projets"}
    # Its chip removes it, the query kept.
    page.get_by_role("link", name=re.compile("Retirer le filtre Type de contenu")).click()
    page.wait_for_url(lambda url: url.endswith("/fr/recherche/?q=economie"))
    assert page.url.endswith("/fr/recherche/?q=economie")
