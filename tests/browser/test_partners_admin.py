"""The moderators' list of proposals on a phone and on a desktop (fixtures
in tests/browser_fixtures.py): at 375 px each proposal is a card whose
values carry their column's label, nothing scrolls sideways; at 1280 px it
is still Wagtail's table."""

import os
from pathlib import Path

import pytest

from tests.browser_fixtures import live_shell

pytestmark = pytest.mark.browser

MODERATOR = ("moderatrice-liste-mobile", "Liste-Mobile-Moderation-2026")
TITLE = "Structure Mobile Tamanoir au nom particulièrement long pour un téléphone"
# Screenshots for a person to look at, when asked: PARTNERS_ADMIN_SHOTS=/tmp/shots
SHOTS = os.environ.get("PARTNERS_ADMIN_SHOTS", "")

# Two proposals in the live site's database, as the public forms make them.
ADD_PROPOSALS = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from partners import services
from partners.models import Submission

username, password = {MODERATOR!r}
user, _ = get_user_model().objects.get_or_create(username=username)
user.set_password(password); user.email = username + "@example.org"; user.save()
user.groups.add(Group.objects.get(name="Modération"))
submitter = dict(submitter_name="Camille Mobile", submitter_email="camille.mobile@example.net")
if not Submission.objects.filter(title={TITLE!r}).exists():
    services.create_submission(
        kind=Submission.Kind.ACTOR_NEW, origin=Submission.Origin.PUBLIC,
        data={{"title": {TITLE!r}, "kind": "association", "city": "Sceaux"}},
        files={{}}, submitter=submitter,
    )
    services.create_submission(
        kind=Submission.Kind.CALL_NEW, origin=Submission.Origin.PUBLIC,
        data={{"title": "Appel Mobile Tamanoir", "call_type": "aap"}},
        files={{}}, submitter=submitter,
    )
"""

LIST = "/admin/snippets/partners/submission/"


@pytest.fixture(scope="module")
def proposals_site(live_site):
    live_shell(live_site, ADD_PROPOSALS)
    return live_site


def _moderator_tab(browser, site, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    tab = context.new_page()
    tab.goto(site + "/admin/login/")
    tab.fill("#id_username", MODERATOR[0])
    tab.fill("#id_password", MODERATOR[1])
    tab.locator("button[type=submit]").click()
    tab.wait_for_load_state()
    tab.goto(site + LIST)
    tab.wait_for_load_state("networkidle")
    return tab


def _shot(tab, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(Path(SHOTS) / name), full_page=True)


# Each row as (display of the table, of the row) and its cells as
# (label shown, value), and how far anything of the list reaches to the right.
READ_LIST = """() => {
    const table = document.querySelector("table.listing");
    const visible = (node) => node && node.getClientRects().length > 0
        && getComputedStyle(node).visibility !== "hidden";
    const rows = [...table.querySelectorAll("tbody tr")].map((row) => ({
        title: row.querySelector("td.title a").innerText.trim(),
        display: getComputedStyle(row).display,
        cells: [...row.querySelectorAll("td")]
            .filter((cell) => !cell.matches(".title, .bulk-action-checkbox-cell"))
            .map((cell) => {
                const label = cell.querySelector(".partners-cell__label");
                const value = cell.querySelector(".partners-cell__value") || cell;
                return [visible(label) ? label.innerText.trim() : null, value.innerText.trim()];
            }),
    }));
    const right = Math.max(
        ...[...table.querySelectorAll("th, td")].map((c) => c.getBoundingClientRect().right)
    );
    return {
        table: getComputedStyle(table).display,
        header: visible(table.querySelector("thead")),
        rows,
        right,
        tableOverflow: table.scrollWidth - table.clientWidth,
        documentWidth: document.documentElement.scrollWidth,
    };
}"""


def _proposal(listing, title):
    [row] = [row for row in listing["rows"] if row["title"] == title]
    return row


def test_a_card_per_proposal_on_a_phone_a_table_on_a_desktop(proposals_site, browser):
    tab = _moderator_tab(browser, proposals_site, 375)
    _shot(tab, "admin-375.png")
    phone = tab.evaluate(READ_LIST)
    tab.set_viewport_size({"width": 1280, "height": 900})
    _shot(tab, "admin-1280.png")
    desktop = tab.evaluate(READ_LIST)
    tab.context.close()

    # On a phone nothing scrolls sideways and nothing is cut off (the
    # admin's main area hides its overflow: the table's cells must fit).
    assert phone["documentWidth"] <= 375
    assert phone["right"] <= 375, f"the list reaches {phone['right']}px at 375px"
    assert phone["tableOverflow"] <= 0
    # A card per proposal, each value after its label.
    row = _proposal(phone, TITLE)
    assert row["display"] != "table-row"
    assert row["cells"][:3] == [
        ["Type", "Nouvelle structure"],
        ["Origine", "Formulaire public"],
        ["Statut", "En attente de modération"],
    ]
    assert row["cells"][3][0] == "Soumise le" and row["cells"][3][1]
    assert _proposal(phone, "Appel Mobile Tamanoir")["cells"][0] == [
        "Type",
        "Nouvel appel à projets",
    ]

    # On a desktop, Wagtail's table: the column headers say what each value
    # is, the cells show no label.
    assert desktop["table"] == "table" and desktop["header"]
    row = _proposal(desktop, TITLE)
    assert row["display"] == "table-row"
    assert [label for label, _value in row["cells"]] == [None] * 4
    assert [value for _label, value in row["cells"]][:3] == [
        "Nouvelle structure",
        "Formulaire public",
        "En attente de modération",
    ]
    assert desktop["right"] <= 1280 and desktop["tableOverflow"] <= 0
