"""The agenda as a person uses it (fixtures in tests/browser_fixtures.py):
filter by région and « ce mois-ci », open an event, download its .ics; no
axe-core violation and no sideways scroll at phone width."""

from pathlib import Path

import icalendar
import pytest

from tests.browser_fixtures import axe_violations, live_shell

pytestmark = pytest.mark.browser

FORUM = "Forum navigateur de l'ESS"
ELSEWHERE = "Rencontre navigateur en Bretagne"

# The seed events are all past (the documents date from 2012 to 2018): two
# events of the current month are published as an editor would, one in Grand
# Est, one in Bretagne, so that the région filter has something to leave out.
ADD_EVENTS = f"""
import datetime as dt
from django.utils import timezone
from events.models import AgendaIndexPage, EventPage, EventSlot, paris

today = timezone.localtime(timezone.now(), paris()).date()
# Tomorrow, or today on the month's last day (the slot lasts until midnight).
next_month = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
day = min(today + dt.timedelta(days=1), next_month - dt.timedelta(days=1))
index = AgendaIndexPage.objects.get(locale__language_code="fr")
for title, slug, postcode, city in (
    ({FORUM!r}, "forum-navigateur", "68100", "Mulhouse"),
    ({ELSEWHERE!r}, "rencontre-navigateur", "35000", "Rennes"),
):
    if EventPage.objects.filter(slug=slug).exists():
        continue
    event = EventPage(
        title=title, slug=slug, event_type="forum", postcode=postcode, city=city,
        place_name="Salle des fêtes", summary="Tables rondes et ateliers.",
    )
    event.slots.add(EventSlot(start_date=day, start_time=dt.time(9, 30)))
    event.clean()
    index.add_child(instance=event)
    event.save_revision().publish()
"""


@pytest.fixture(scope="session")
def agenda_site(live_site):
    live_shell(live_site, ADD_EVENTS)
    return live_site


def test_filter_by_region_and_this_month_open_an_event_and_download_its_ics(agenda_site, browser):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(agenda_site + "/fr/")
    page.get_by_role("link", name="Agenda", exact=True).first.click()
    page.wait_for_url(lambda url: url == agenda_site + "/fr/agenda/")
    assert FORUM in page.locator("main").inner_text()
    assert ELSEWHERE in page.locator("main").inner_text()

    form = page.locator("form.listing-filters")
    form.locator("select[name=period]").select_option("ce-mois-ci")
    form.locator("select[name=region]").select_option("44")
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "period=ce-mois-ci" in url and "region=44" in url)
    main = page.locator("main")
    assert FORUM in main.inner_text()
    assert ELSEWHERE not in main.inner_text()

    page.get_by_role("link", name=FORUM).first.click()
    page.wait_for_url(lambda url: url.endswith("/fr/agenda/forum-navigateur/"))
    assert "Mulhouse" in page.locator("main").inner_text()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ajouter à mon agenda").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == FORUM
    assert event["dtstart"].dt.hour == 9 and event["dtstart"].dt.minute == 30
    context.close()


@pytest.mark.parametrize(
    "path", ["/fr/agenda/", "/fr/agenda/archives/", "/fr/agenda/forum-navigateur/"]
)
def test_agenda_pages_pass_axe_and_fit_a_phone(agenda_site, browser, page, path):
    assert axe_violations(page, agenda_site, path) == []
    context = browser.new_context(viewport={"width": 375, "height": 800})
    tab = context.new_page()
    tab.goto(agenda_site + path)
    assert tab.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
