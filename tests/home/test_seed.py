from html import unescape

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision

from home.models import HomePage, StandardPage, Theme

pytestmark = pytest.mark.django_db


def test_seed_builds_the_site_tree(home_fr, home_en):
    assert isinstance(home_fr, HomePage) and home_fr.locale.language_code == "fr"
    assert home_en.locale.language_code == "en"
    assert home_en.translation_key == home_fr.translation_key
    valley = StandardPage.objects.get(slug="sceaux-valley")
    assert valley.get_parent().pk == home_fr.pk
    assert valley.live


def test_sceaux_valley_holds_the_seed_facts(client):
    text = unescape(client.get("/fr/sceaux-valley/").text)
    for fact in [
        "Parlons Ensemble de Sceaux",
        "1 400",
        "169",
        "244",
        "106",
        "GSEF-Montréal 2016",
        "Pari Solidaire",
        "Philippe Laurent",
    ]:
        assert fact in text


def test_running_the_seed_twice_changes_nothing(capsys):
    before = (Page.objects.count(), Revision.objects.count(), Theme.objects.count())
    call_command("load_seed_content")
    assert (Page.objects.count(), Revision.objects.count(), Theme.objects.count()) == before
    assert "0 created, 0 updated" in capsys.readouterr().out


def test_seed_leaves_editors_changes_alone(publish):
    valley = StandardPage.objects.get(slug="sceaux-valley")
    valley.introduction = "Modifié par la rédaction"
    publish(valley)
    call_command("load_seed_content", verbosity=0)
    valley.refresh_from_db()
    assert valley.introduction == "Modifié par la rédaction"


def test_seed_update_restores_a_page_with_a_new_revision(publish):
    valley = StandardPage.objects.get(slug="sceaux-valley")
    valley.introduction = "Modifié"
    publish(valley)
    revisions = valley.revisions.count()
    call_command("load_seed_content", "--update", verbosity=0)
    valley.refresh_from_db()
    assert valley.introduction.startswith("Un écosystème d'innovation sociétale")
    assert valley.revisions.count() == revisions + 1
