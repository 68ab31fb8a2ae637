"""The seed content in English (issue 14): loaded as wagtail-localize
translations of the French pages, idempotent, `--update` included."""

import re

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision
from wagtail_localize.models import StringTranslation, Translation

from calls_for_projects.models import CallForProjectsPage
from conventions.models import ConventionPage
from directory.models import ActorPage
from home.models import StandardPage
from home.seeding import SeedReport, upsert_translation
from network_minutes.models import MeetingMinutesPage

pytestmark = pytest.mark.django_db

NOTICE = "This page has not been translated yet; it is shown in French."

# French slug → (model, English title, an English sentence the page shows).
SEEDED = {
    "sceaux-valley": (StandardPage, "Sceaux Valley", "An approach built on four strengths"),
    "grand-reims": (
        ActorPage,
        "Grand Reims",
        "The authority supports the voluntary sector that contributes to economic",
    ),
    "courts-circuits": (
        CallForProjectsPage,
        "Courts-circuits",
        "An annual call for projects to select original initiatives",
    ),
    "2015-11-27-premiere-reunion": (
        MeetingMinutesPage,
        "Meeting of Friday 27 November 2015",
        "First meeting of Réseau 92 ESS",
    ),
    "sceaux-conventions-partenariat-ess-2014": (
        ConventionPage,
        "Partnership agreements between the Ville de Sceaux and five social and solidarity "
        "economy actors",
        "Approval of the partnership agreements",
    ),
}


def french(slug):
    return Page.objects.get(slug=slug, locale__language_code="fr").specific


def english(page, en):
    return page.get_translation(en).specific


def _counts():
    return (
        Page.objects.count(),
        Revision.objects.count(),
        StringTranslation.objects.count(),
        Translation.objects.count(),
    )


@pytest.mark.parametrize("slug", sorted(SEEDED))
def test_seeded_page_is_a_wagtail_localize_translation(client, en, slug):
    model, title, sentence = SEEDED[slug]
    source = french(slug)
    page = english(source, en)
    assert isinstance(page, model)
    assert page.alias_of_id is None and page.live and not page.has_unpublished_changes
    assert page.title == title
    # What the admin's translation editor, « Sync translated pages » and the
    # PO export work from: a Translation of the French page's source, with
    # the seed's English as manual string translations.
    translation = Translation.objects.get(
        source__object_id=source.translation_key, target_locale=en
    )
    assert translation.source.locale_id == source.locale_id
    strings = StringTranslation.objects.filter(locale=en, context__object_id=source.translation_key)
    assert strings.filter(data=title).exists()
    assert set(strings.values_list("translation_type", flat=True)) == {"manual"}
    progress = translation.get_progress()
    assert 0 < progress[1] <= progress[0]  # (total, translated) segments
    response = client.get(page.url)
    assert response.status_code == 200
    assert NOTICE not in response.text
    assert sentence in response.text


def test_every_seeded_english_page_is_translated(en):
    """The home page, Sceaux Valley, the section indexes, the seven RTES
    fiches, the Courts-circuits call, the 2015 minutes and the convention."""
    translated = Page.objects.filter(locale=en, alias_of__isnull=True, depth__gt=1)
    slugs = set(translated.values_list("slug", flat=True))
    assert {
        "home",
        "sceaux-valley",
        "directory",
        "calls-for-projects",
        "conventions",
        "networks",
        "agenda",
        "announcements",
        "mulhouse-alsace-agglomeration",
        "region-grand-est",
        "strasbourg-eurometropole",
        "courts-circuits",
        "2015-11-27-first-meeting",
    } <= slugs
    fiches = ActorPage.objects.filter(locale=en, alias_of__isnull=True)
    assert fiches.count() == 7
    assert Translation.objects.filter(target_locale=en).count() == translated.count()


def test_the_minutes_agenda_and_key_figures_are_in_english(client, en):
    """The 2015 minutes ship in English whole: agenda items (titles,
    discussion, decisions) and key figures, speakers' names unchanged."""
    page = english(french("2015-11-27-premiere-reunion"), en)
    text = client.get(page.url).text
    for sentence in (
        "Opening: the birth of the network",
        "The AMD 92 gives logistical support",
        "Conclusion and next steps",
        "network of elected representatives set up within the AMD 92",
        "Probably during the first quarter of 2016",
        "Othmane Khaoua",
    ):
        assert sentence in text, sentence
    for french_text in ("Ouverture : la naissance du réseau", "réseau d'élus mis en place"):
        assert french_text not in text


def test_untranslated_segments_show_the_french_text(client, en):
    """A fiche's programme is not in the seed's English: it shows in French
    on the English fiche, whose summary is in English."""
    page = english(french("mulhouse-alsace-agglomeration"), en)
    text = client.get(page.url).text
    assert "La nouvelle stratégie économique de l" in text
    assert "The Mulhouse area has, by tradition" in text


def test_english_menu_in_the_french_order(client, home_fr, home_en):
    french_menu = [p.translation_key for p in home_fr.get_children().in_menu().live()]
    english_menu = [p.translation_key for p in home_en.get_children().in_menu().live()]
    assert english_menu == french_menu
    titles = [p.title for p in home_en.get_children().in_menu().live()]
    assert titles[:3] == ["Sceaux Valley", "Directory of actors", "Calls for projects"]


def test_seed_twice_creates_no_page_no_revision_no_string(capsys):
    before = _counts()
    call_command("load_seed_content", verbosity=0)
    assert _counts() == before
    call_command("load_seed_content", "--update", verbosity=0)
    assert _counts() == before
    out = capsys.readouterr().out
    assert "home.pages: 0 created, 0 updated" in out
    assert not re.search(r"[1-9]\d* (created|updated)", out)


def test_update_brings_the_english_back_with_one_revision(en):
    page = english(french("sceaux-valley"), en)
    page.title = "Changed by an editor"
    page.save_revision().publish()
    revisions = Revision.objects.count()
    call_command("load_seed_content", verbosity=0)  # editors' content is theirs
    page.refresh_from_db()
    assert page.title == "Changed by an editor"
    call_command("load_seed_content", "--update", verbosity=0)
    page.refresh_from_db()
    assert page.title == "Sceaux Valley" and page.alias_of_id is None
    assert Revision.objects.count() == revisions + 1


def test_update_resyncs_the_english_when_the_french_changed(en):
    source = french("grand-reims")
    source.summary = "Un résumé changé par un éditeur."
    source.save_revision().publish()
    call_command("load_seed_content", "--update", verbosity=0)
    page = english(french("grand-reims"), en)
    assert page.summary.startswith("The authority supports the voluntary sector")
    assert french("grand-reims").summary.startswith("La Collectivité soutient")


def test_seed_english_must_mirror_the_french(home_fr, en, add_page):
    page = add_page(
        home_fr,
        StandardPage,
        title="Deux paragraphes",
        body=[{"type": "paragraph", "value": "<p>Un.</p><p>Deux.</p>"}],
    )
    body = [{"type": "paragraph", "value": "<p>One and two.</p>"}]
    with pytest.raises(ValueError, match="must mirror the French"):
        upsert_translation(SeedReport(), page, en, {"title": "Two", "body": body})
    with pytest.raises(ValueError, match="no text to translate"):
        upsert_translation(SeedReport(), page, en, {"show_in_menus": True})
    translated = upsert_translation(
        SeedReport(),
        page,
        en,
        {
            "title": "Two paragraphs",
            "body": [{"type": "paragraph", "value": "<p>One.</p><p>Two.</p>"}],
        },
    )
    assert translated.title == "Two paragraphs"
    assert "<p" in str(translated.body) and "Two." in str(translated.body)


def test_english_filter_chips_have_no_space_before_the_colon(client):
    from tests.html import soup

    response = client.get("/en/directory/", {"region": "44"})
    labels = [item.get_text() for item in soup(response).select(".chip__label")]
    assert labels and all(label.endswith(":") and not label.endswith(" :") for label in labels)
    response = client.get("/fr/annuaire/", {"region": "44"})
    labels = [item.get_text() for item in soup(response).select(".chip__label")]
    assert labels and all(label.endswith(" :") for label in labels)


def test_english_minutes_listing_queries_pinned(client, django_assert_max_num_queries):
    """A network's minutes listing, where the seed translated one minutes page
    among aliases: pinned in both languages, English no more than French
    (the English home page, an alias's source and a translation's French
    source, which relations name, come from the page-tree cache)."""
    counts = []
    for path in ("/fr/reseaux/reseau-92-ess/", "/en/networks/reseau-92-ess/"):
        client.get(path)  # warm the per-process caches (content types, locales)
        with django_assert_max_num_queries(30) as captured:
            assert client.get(path).status_code == 200
        counts.append(len(captured.captured_queries))
    french, english = counts
    assert english <= french
