"""The English site as a visitor from Brussels or Montréal uses it (issue 14)."""

import pytest

pytestmark = pytest.mark.browser


def test_english_directory_filter_open_a_fiche_and_switch_to_french(live_site, page):
    page.goto(live_site + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"

    # The directory from the main menu.
    page.locator("header nav a[href='/en/directory/']").first.click()
    page.wait_for_url(lambda url: url.endswith("/en/directory/"))
    assert page.locator(".card__title").count() > 0  # not an empty shell

    # Filter by région, as in French.
    form = page.locator("form.listing-filters")
    form.locator("select[name=region]").select_option("44")  # Grand Est
    form.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_url(lambda url: "/en/directory/" in url and "region=44" in url)

    # Open a fiche: translated by the seed, in English, with no notice.
    page.get_by_role("link", name="Strasbourg Eurométropole").first.click()
    page.wait_for_url(lambda url: url.endswith("/en/directory/strasbourg-eurometropole/"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main [role=note]").count() == 0
    assert "raising its profile" in page.locator("main").inner_text()
    assert "474" in page.locator("main").inner_text()

    # Switch to French: the same fiche.
    page.locator(".lang-switcher a[hreflang='fr']").click()
    page.wait_for_url(lambda url: url.endswith("/fr/annuaire/strasbourg-eurometropole/"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("main [role=note]").count() == 0
    assert "474" in page.locator("main").inner_text()
    assert "visibilité" in page.locator("main").inner_text()

    # An untranslated fiche says so and marks its content as French.
    page.goto(live_site + "/en/directory/eurofence/")
    assert page.locator("main [role=note]").count() == 1
    assert page.locator("main div[lang=fr]").count() == 1
