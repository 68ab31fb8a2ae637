import pytest
from django.urls import reverse
from django.utils import translation

from home.factories import ThemeFactory
from home.models import StandardPage, Theme

pytestmark = pytest.mark.django_db


def test_the_vocabulary_is_seeded_and_closed():
    names = set(Theme.objects.values_list("name", flat=True))
    for expected in [
        "Insertion par l'activité économique",
        "Circuits courts",
        "Économie circulaire",
        "Tiers-lieux et coworking",
        "Aînés et silver économie",
        "Mobilité",
        "Développement durable",
        "Entrepreneuriat social",
        "Finance solidaire",
        "Vie associative",
        "Coopératives (SCOP, SCIC)",
        "Innovation sociale",
        "Emploi",
        "Numérique",
    ]:
        assert expected in names
    assert Theme.free_tagging is False


def test_theme_names_follow_the_language():
    theme = Theme.objects.get(slug="mobilite")
    with translation.override("en"):
        assert theme.display_name == "Mobility"
    with translation.override("fr"):
        assert theme.display_name == "Mobilité"


def test_theme_page_lists_live_pages_of_the_locale(client, home_fr, home_en, add_page):
    theme = ThemeFactory(name="Thème de test", slug="theme-de-test")
    page = add_page(home_fr, StandardPage, title="Emploi et insertion à Sceaux")
    page.themes.add(theme)
    page.save_revision().publish()
    draft = StandardPage(title="Brouillon emploi", live=False)
    home_fr.add_child(instance=draft)
    draft.themes.add(theme)
    draft.save()
    english = add_page(home_en, StandardPage, title="Jobs in Sceaux")
    english.themes.add(theme)
    english.save_revision().publish()

    response = client.get("/fr/themes/theme-de-test/")
    assert response.status_code == 200
    listed = [p.title for p in response.context["result_pages"]]
    assert listed == ["Emploi et insertion à Sceaux"]

    # In English: the English page, and the French one's English alias
    # (not translated yet, issue 14); never the draft.
    response = client.get("/en/themes/theme-de-test/")
    english_pages = response.context["result_pages"]
    assert sorted(p.title for p in english_pages) == [
        "Emploi et insertion à Sceaux",
        "Jobs in Sceaux",
    ]
    assert {p.locale_id for p in english_pages} == {home_en.locale_id}


def test_seeded_page_carries_its_themes(client):
    response = client.get("/fr/themes/innovation-sociale/")
    titles = [p.title for p in response.context["result_pages"]]
    for number in response.context["results"].paginator.page_range[1:]:
        page = client.get(f"/fr/themes/innovation-sociale/?page={number}")
        titles += [p.title for p in page.context["result_pages"]]
    assert "Sceaux Valley" in titles


def test_theme_index_counts_pages(client, home_fr, add_page):
    unused = ThemeFactory(name="Thème sans page", slug="theme-sans-page")
    used = ThemeFactory(name="Thème avec pages", slug="theme-avec-pages")
    for n in range(2):
        page = add_page(home_fr, StandardPage, title=f"Page thématique {n}")
        page.themes.add(used)
        page.save_revision().publish()
    response = client.get(reverse("theme_index"))
    assert response.status_code == 200
    counts = {t.slug: t.page_count for t in response.context["themes"]}
    assert counts[unused.slug] == 0
    assert counts[used.slug] == 2
    assert counts["innovation-sociale"] >= 1


def test_unknown_theme_is_a_404(client):
    assert client.get("/fr/themes/nimporte-quoi/").status_code == 404


def test_theme_listing_queries_do_not_grow(
    client, home_fr, add_page, django_assert_max_num_queries
):
    theme = ThemeFactory(name="Thème compté", slug="theme-compte")

    def add(n):
        for i in range(n):
            page = add_page(home_fr, StandardPage, title=f"Numérique {i}")
            page.themes.add(theme)
            page.save()

    add(3)
    with django_assert_max_num_queries(14) as few:
        client.get("/fr/themes/theme-compte/")
    add(30)
    with django_assert_max_num_queries(14) as many:
        response = client.get("/fr/themes/theme-compte/?page=2")
    assert response.context["results"].paginator.count == 33
    assert len(many.captured_queries) <= len(few.captured_queries) + 1
