"""The calls for projects as a person uses them (fixtures in
tests/browser_fixtures.py): open the index, filter the open AMIs, open a call,
download its .ics; axe-core and phone width on every calls page."""

from pathlib import Path

import icalendar
import pytest

from tests.browser_fixtures import axe_violations, live_shell

pytestmark = pytest.mark.browser

BASE_DIR = Path(__file__).resolve().parents[2]
OPEN_AMI = "AMI navigateur Grand Est"

# The seed calls carry no date (the seeds give none): an open AMI with a
# deadline is added to the live site's database, as an editor would publish it.
ADD_CALLS = f"""
from datetime import timedelta
from django.utils import timezone
from calls_for_projects.models import CallForProjectsPage, CallOrganiser, CallsIndexPage
from directory.models import ActorPage

index = CallsIndexPage.objects.get(locale__language_code="fr")
if not CallForProjectsPage.objects.filter(slug="ami-navigateur").exists():
    call = CallForProjectsPage(
        title={OPEN_AMI!r},
        slug="ami-navigateur",
        call_type="ami",
        scope="region",
        region="44",
        deadline=timezone.now() + timedelta(days=10),
        summary="Un appel à manifestation d'intérêt ouvert, pour le test du navigateur.",
        organisers=[
            CallOrganiser(
                actor=ActorPage.objects.get(slug="region-grand-est", locale=index.locale),
                role="organisateur",
            )
        ],
    )
    index.add_child(instance=call)
    call.save_revision().publish()
"""


@pytest.fixture(scope="session")
def calls_site(live_site):
    live_shell(live_site, ADD_CALLS)
    return live_site


def test_filter_open_amis_open_one_and_download_its_ics(calls_site, browser):
    context = browser.new_context(locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.goto(calls_site + "/fr/")
    page.get_by_role("link", name="Appels à projets", exact=True).first.click()
    page.wait_for_url(lambda url: url == calls_site + "/fr/appels-a-projets/")
    assert page.url == calls_site + "/fr/appels-a-projets/"

    form = page.locator("form.listing-filters")
    form.locator("select[name=type]").select_option("ami")
    form.locator("select[name=status]").select_option("ouvert")
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "type=ami" in url and "status=ouvert" in url)
    assert "type=ami" in page.url and "status=ouvert" in page.url
    cards = page.locator(".call-card")
    assert cards.count() == 1
    assert OPEN_AMI in cards.first.inner_text()
    # The seeded AMIs have no date: they are not open.
    assert "AMI Initiatives territoriales" not in page.locator("main").inner_text()

    page.get_by_role("link", name=OPEN_AMI).click()
    page.wait_for_url(lambda url: url.endswith("/fr/appels-a-projets/ami-navigateur/"))
    assert page.url.endswith("/fr/appels-a-projets/ami-navigateur/")
    main = page.locator("main")
    assert "Clôture proche" in main.inner_text()
    assert "jours restants" in main.inner_text()
    assert main.get_by_role("link", name="Région Grand Est").first.is_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ajouter la date limite à mon agenda").click()
    download = download_info.value
    assert download.suggested_filename == "ami-navigateur.ics"
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == f"Date limite : {OPEN_AMI}"
    context.close()


def test_undated_seed_amis_say_no_session_is_announced(calls_site, page):
    """The AMIs of the 2018 fiches are not « À venir »: the status filter finds
    them under « Pas de session annoncée », with their last known edition."""
    page.goto(calls_site + "/fr/appels-a-projets/")
    form = page.locator("form.listing-filters")
    form.locator("select[name=status]").select_option("a-venir")
    form.locator("select[name=type]").select_option("ami")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".call-card").count() == 0
    form = page.locator("form.listing-filters")
    form.locator("select[name=status]").select_option("pas-de-session")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    cards = page.locator(".call-card")
    assert cards.count() == 2
    for text in cards.all_inner_texts():
        assert "Pas de session annoncée" in text and "Dernière édition connue" in text
        assert "À venir" not in text


# A selected choice is fully readable in the filter form: a long one wraps
# onto more lines instead of being cut at the width of the column. Measured in
# the page: the select's content box must be at least as tall as the lines its
# chosen text needs at its width (a lower bound: word wrapping adds lines).
LONG_CHOICES = (
    "/fr/appels-a-projets/?applicant=siae&organiser=conseil-departemental-des-hauts-de-seine"
    "&region=93&status=pas-de-session"
)
CUT_TEXTS = """() => {
    const ruler = document.createElement("canvas").getContext("2d");
    const px = value => parseFloat(value) || 0;
    const cut = [];
    for (const select of document.querySelectorAll(".listing-filters select")) {
        const style = getComputedStyle(select);
        ruler.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const text = select.options[select.selectedIndex].text;
        const width = select.clientWidth - px(style.paddingLeft) - px(style.paddingRight);
        const lines = Math.ceil(ruler.measureText(text).width / width);
        const lineHeight = px(style.lineHeight) || 1.2 * px(style.fontSize);
        const height = select.clientHeight - px(style.paddingTop) - px(style.paddingBottom);
        if (height < lines * lineHeight - 2) {
            cut.push(`${select.name}: « ${text} » needs ${lines} lines, shows ${height}px`);
        }
    }
    const labels = ".listing-filters label, .listing-filters__summary, .listing-sort__label";
    for (const label of document.querySelectorAll(labels)) {
        if (label.scrollWidth > label.clientWidth + 1) {
            cut.push(`label « ${label.textContent.trim()} » is cut`);
        }
    }
    return cut;
}"""


@pytest.mark.parametrize("width", [1280, 375])
def test_filter_labels_and_chosen_options_are_not_cut(calls_site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    tab = context.new_page()
    tab.goto(calls_site + LONG_CHOICES)
    tab.evaluate(
        "document.querySelectorAll('.listing-filters details').forEach(d => d.open = true)"
    )
    chosen = tab.evaluate(
        "[...document.querySelectorAll('.listing-filters select')]"
        ".map(s => [s.name, s.options[s.selectedIndex].text])"
    )
    assert dict(chosen)["applicant"].startswith("Structures d'insertion")  # long choices
    assert dict(chosen)["organiser"] == "Conseil départemental des Hauts-de-Seine"
    assert tab.evaluate(CUT_TEXTS) == []
    context.close()


CALL_PAGES = [
    "/fr/appels-a-projets/",
    "/fr/appels-a-projets/?type=ami&status=ouvert",
    "/fr/appels-a-projets/?type=autre",  # empty state
    "/fr/appels-a-projets/?status=oops&deadline_before=demain",  # notices
    LONG_CHOICES,  # long choices, wrapped
    "/fr/appels-a-projets/archives/",
    "/fr/appels-a-projets/archives/2015/",
    "/fr/appels-a-projets/ami-navigateur/",
    "/fr/appels-a-projets/courts-circuits/",
    "/fr/appels-a-projets/ami-initiatives-territoriales/",
    "/fr/appels-a-projets/appel-a-projets-ess-des-hauts-de-seine/",
    "/fr/annuaire/region-grand-est/",
    "/en/calls-for-projects/",
]


@pytest.mark.parametrize("width", [1280, 375])
def test_calls_pages_have_no_accessibility_violations(calls_site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    tab = context.new_page()
    problems = []
    for path in CALL_PAGES + ["/fr/"]:
        problems += axe_violations(tab, calls_site, path)
    context.close()
    assert problems == []


def test_calls_pages_do_not_scroll_sideways_at_phone_width(calls_site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="fr-FR")
    tab = context.new_page()
    for path in CALL_PAGES + ["/fr/"]:
        tab.goto(calls_site + path)
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px"
    context.close()
