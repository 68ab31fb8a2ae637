"""The site as a person uses it (fixtures in tests/browser_fixtures.py)."""

import base64

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
    page.wait_for_url(lambda url: "/fr/recherche/" in url)
    assert "/fr/recherche/" in page.url
    page.get_by_role("link", name="Sceaux Valley").first.wait_for()

    # Switch to English: the search page in English, same query.
    page.locator("a[hreflang='en']").first.click()
    page.wait_for_url(lambda url: "/en/search/" in url and "propositions" in url)
    assert "/en/search/" in page.url and "propositions" in page.url
    assert page.locator("html").get_attribute("lang") == "en"

    page.goto(live_site + "/en/")
    assert "The portal of the social and solidarity economy" in page.content()


def test_directory_filter_by_region_and_open_a_fiche(live_site, page):
    page.goto(live_site + "/fr/annuaire/")
    form = page.locator("form.listing-filters")
    form.locator("select[name=region]").select_option("44")  # Grand Est
    form.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_url(lambda url: "region=44" in url)
    assert "region=44" in page.url
    fiche = page.get_by_role("link", name="Strasbourg Eurométropole").first
    fiche.click()
    page.wait_for_url(lambda url: "/fr/annuaire/" in url and url != live_site + "/fr/annuaire/")
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


# --- The map: clusters, spread points, no tiles (issue 18) ------------------------

# A 1×1 PNG: the tile server's answer when tiles do load.
TILE_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
MULHOUSE = [
    "Mulhouse Alsace Agglomération",
    "MEF Mulhouse Sud Alsace",
    "Le 48, l'Atelier des entrepreneurs",
    "Tuba Mulhouse",
    "Université de Mulhouse",
    "Ville de Mulhouse",
]


def map_tab(browser, live_site, width, tiles):
    """The map of Grand Est (13 actors placed on 6 points, six of them on
    Mulhouse's), with the tile server answering (`tiles=True`) or unreachable.
    Reduced motion: the map skips its animations, so each step is final."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="fr-FR", reduced_motion="reduce"
    )
    tab = context.new_page()

    def tile_server(route):
        if tiles:
            route.fulfill(status=200, content_type="image/png", body=TILE_PNG)
        else:
            route.abort("connectionrefused")

    tab.route(lambda url: not url.startswith(live_site), tile_server)
    tab.goto(live_site + "/fr/annuaire/carte/?region=44")
    tab.locator("#carte.leaflet-container:not([aria-busy])").wait_for()
    return context, tab


SHOWN_TITLES = """names => {
    const shown = new Set(
        [...document.querySelectorAll('#carte .leaflet-marker-icon[title]')]
            .filter(icon => getComputedStyle(icon).opacity !== '0')
            .map(icon => icon.title)
    );
    return names.every(name => shown.has(name));
}"""


# No pan under way, and the open popup where it was at the previous poll
# (polled on each animation frame).
MAP_AT_REST = """() => {
    const popup = document.querySelector('#carte .leaflet-popup');
    const moving = document.querySelector('#carte .leaflet-pan-anim');
    const box = popup && popup.getBoundingClientRect();
    const here = popup && !moving ? box.x + ',' + box.y : null;
    const still = here !== null && window.lastPopupPlace === here;
    window.lastPopupPlace = here;
    return still;
}"""


def marker_titles(tab) -> set[str]:
    return set(
        tab.locator("#carte .leaflet-marker-icon[title]").evaluate_all(
            "icons => icons.filter(i => getComputedStyle(i).opacity !== '0').map(i => i.title)"
        )
    )


def open_clusters_until(tab, names) -> None:
    """Click the biggest cluster, as a visitor would, until `names` show.
    (Polled without a caught Playwright timeout: an exception raised inside a
    sync call can leave its event loop marked as running in this thread, and
    Django refuses database access in the tests that follow on the worker.)"""
    for _ in range(4):
        for _poll in range(10):
            if tab.evaluate(SHOWN_TITLES, names):
                return
            tab.wait_for_timeout(200)
        clusters = tab.locator("#carte .map-cluster")
        counts = [int(n) for n in clusters.locator(".map-cluster__count").all_inner_texts()]
        clusters.nth(counts.index(max(counts))).click()


@pytest.mark.parametrize("width", [1280, 375])
def test_map_clusters_and_spreads_the_actors_of_one_point(live_site, browser, width):
    context, tab = map_tab(browser, live_site, width, tiles=True)
    # Grouped: fewer markers than actors, and a cluster names how many it holds.
    assert len(marker_titles(tab)) < 13
    labels = tab.locator("#carte .map-cluster").all_text_contents()
    assert any("Groupe de 6 acteurs" in label or "Groupe de 8 acteurs" in label for label in labels)
    assert not marker_titles(tab) & set(MULHOUSE)

    # The six actors of Mulhouse's single point spread out, each reachable.
    open_clusters_until(tab, MULHOUSE)
    assert set(MULHOUSE) <= marker_titles(tab)
    boxes = [
        tab.locator(f'#carte .leaflet-marker-icon[title="{name}"]').bounding_box()
        for name in MULHOUSE
    ]
    assert len({(round(box["x"]), round(box["y"])) for box in boxes}) == 6  # six places
    tab.locator('#carte .leaflet-marker-icon[title="Tuba Mulhouse"]').click()
    link = tab.locator(".leaflet-popup-content a", has_text="Tuba Mulhouse")
    assert link.get_attribute("href").endswith("/fr/annuaire/tuba-mulhouse/")
    # The popup pans the map into view (Leaflet animates that pan even with
    # reduced motion): the link is clicked once the map has come to rest, not
    # while it still moves under the pointer.
    tab.wait_for_function(MAP_AT_REST)
    link.click()
    # The link leads to the fiche: its URL is what is checked, not its tiles' load.
    tab.wait_for_url(lambda url: url.endswith("/fr/annuaire/tuba-mulhouse/"), wait_until="commit")
    assert tab.url.endswith("/fr/annuaire/tuba-mulhouse/")

    # With tiles, no notice.
    tab.go_back()
    tab.locator("#carte .leaflet-tile-loaded").first.wait_for()
    assert tab.locator("#carte-etat").inner_text() == ""
    assert "directory-map--no-tiles" not in tab.locator("#carte").get_attribute("class")
    context.close()


def test_a_cluster_opens_from_the_keyboard(live_site, browser):
    context, tab = map_tab(browser, live_site, 1280, tiles=True)
    cluster = tab.get_by_role("button", name="Groupe de 6 acteurs : les afficher")
    cluster.focus()
    tab.keyboard.press("Enter")
    tab.wait_for_function(SHOWN_TITLES, arg=MULHOUSE)
    assert set(MULHOUSE) <= marker_titles(tab)
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_map_without_tiles_keeps_its_markers_and_the_list(live_site, browser, width):
    context, tab = map_tab(browser, live_site, width, tiles=False)
    status = tab.locator("#carte-etat")
    status.filter(has_text="fond de carte").wait_for()
    assert "les acteurs sont placés sur un fond uni" in status.inner_text()
    assert "directory-map--no-tiles" in tab.locator("#carte").get_attribute("class")

    # Markers and clusters are still drawn inside the map, and still open.
    frame = tab.locator("#carte").bounding_box()
    icons = tab.locator("#carte .leaflet-marker-icon")
    assert icons.count() >= 4
    for index in range(icons.count()):
        box = icons.nth(index).bounding_box()
        assert box and frame["x"] <= box["x"] <= frame["x"] + frame["width"]
        assert frame["y"] <= box["y"] <= frame["y"] + frame["height"]
        assert icons.nth(index).is_visible()
    open_clusters_until(tab, MULHOUSE)
    assert set(MULHOUSE) <= marker_titles(tab)

    # The list below the map still leads to every fiche.
    items = tab.locator("#liste-carte .map-list__item a")
    assert items.count() == 17
    tab.locator("#liste-carte").get_by_role("link", name="Ville de Mulhouse").click()
    tab.wait_for_url(lambda url: url.endswith("/fr/annuaire/ville-de-mulhouse/"))
    assert tab.url.endswith("/fr/annuaire/ville-de-mulhouse/")
    context.close()
