"""Every page type renders in both locales, with the site's chrome."""

from html import unescape

import pytest
from wagtail.models import Locale

from home.models import StandardPage, Theme
from home.seeding import SeedReport, upsert_translation

pytestmark = pytest.mark.django_db


def test_root_redirects_to_french_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_root_redirects_to_the_visitors_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Location"] == "/en/"


@pytest.mark.parametrize("url, lang", [("/fr/", "fr"), ("/en/", "en")])
def test_home_page_renders_in_each_locale(client, url, lang):
    response = client.get(url)
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.text
    assert 'href="#contenu"' in response.text  # skip link
    assert 'id="contenu"' in response.text


def test_home_page_has_hreflang_alternates_and_language_switcher(client):
    text = client.get("/fr/").text
    assert 'hreflang="en"' in text and 'hreflang="fr"' in text
    assert 'href="/en/"' in text


def test_french_home_page_is_in_french_english_in_english(client):
    assert "Le portail de l'économie sociale et solidaire" in unescape(client.get("/fr/").text)
    assert "The portal of the social and solidarity economy" in client.get("/en/").text


def test_main_navigation_lists_menu_pages(client):
    text = client.get("/fr/").text
    assert 'href="/fr/sceaux-valley/"' in text


def test_standard_page_renders_with_breadcrumb_and_themes(client):
    response = client.get("/fr/sceaux-valley/")
    assert response.status_code == 200
    assert "Fil d" in response.text  # breadcrumb landmark label
    assert 'href="/fr/themes/innovation-sociale/"' in response.text


def test_standard_page_translation_renders_in_english(client, en):
    valley = StandardPage.objects.get(locale__language_code="fr", slug="sceaux-valley")
    # The seed ships its English translation; an editor's new English title
    # (through wagtail-localize, as the seed's --update does) shows.
    english = upsert_translation(
        SeedReport(update=True), valley, en, {"title": "Sceaux Valley (English)"}
    )
    response = client.get(english.url)
    assert response.status_code == 200
    assert '<html lang="en"' in response.text
    assert "Sceaux Valley (English)" in response.text
    # The French page now links to its English translation.
    assert f'href="{english.url}"' in client.get("/fr/sceaux-valley/").text


def test_language_switcher_lands_on_the_english_alias(client):
    """Not translated yet, the page exists in English as an alias (issue 14)."""
    text = client.get("/fr/sceaux-valley/").text
    assert 'href="/en/sceaux-valley/"' in text


def test_language_switcher_falls_back_to_home_without_counterpart(client, en):
    valley = StandardPage.objects.get(locale__language_code="fr", slug="sceaux-valley")
    valley.get_translation(en).delete()
    text = client.get("/fr/sceaux-valley/").text
    assert 'href="/en/"' in text


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/fr/cette-page-nexiste-pas/")
    assert response.status_code == 404
    assert "introuvable" in response.text.lower()


def test_sitemap_lists_pages_of_both_locales(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert "/fr/sceaux-valley/" in response.text
    assert "/en/</loc>" in response.text


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Sitemap: http://testserver/sitemap.xml" in response.text
    assert "Disallow: /admin/" in response.text


def test_admin_login_renders(client):
    assert client.get("/admin/login/").status_code == 200


def test_pages_cost_few_queries(client, home_fr, add_page, django_assert_max_num_queries):
    for n in range(20):
        add_page(home_fr, StandardPage, title=f"Rubrique {n}", show_in_menus=(n < 5))
    # The home page also lists the open calls (with their organisers: one
    # prefetch), the next events (with their slots: one prefetch) and the
    # newest announcements (one query, and their index once per content
    # version: cold here), and the agenda's time window (one query per
    # window: cold here too).
    with django_assert_max_num_queries(20):
        assert client.get("/fr/").status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get("/fr/sceaux-valley/").status_code == 200


def test_english_locale_exists_after_setup():
    assert set(Locale.objects.values_list("language_code", flat=True)) >= {"fr", "en"}


def test_theme_field_only_accepts_the_vocabulary(home_fr):
    from home.models.themes import Theme as ThemeModel

    assert ThemeModel is Theme
    assert StandardPage._meta.get_field("themes").remote_field.through.tag_model() is Theme


def test_unsupported_language_falls_back_to_french(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert response["Location"] == "/fr/"


def test_server_error_page_needs_no_database(rf, django_assert_num_queries):
    from home.views import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/fr/"))
    assert response.status_code == 500
    assert "Erreur" in response.content.decode() or "erreur" in response.content.decode()


def test_robots_txt_keeps_crawlers_out_of_search_in_both_languages(client):
    text = client.get("/robots.txt").text
    assert "Disallow: /fr/recherche/" in text
    assert "Disallow: /en/search/" in text


@pytest.mark.parametrize(
    "model_path",
    [
        "directory.DirectoryIndexPage",
        "calls_for_projects.CallsIndexPage",
        "network_minutes.NetworksIndexPage",
        "conventions.ConventionIndexPage",
    ],
)
def test_editors_can_add_each_section_index_once_under_a_home_page(home_fr, model_path):
    """A new site (or a new language's home) gets its sections from the admin:
    each index page type is allowed under a home page, once."""
    from django.apps import apps
    from django.db import transaction

    from home.models import HomePage

    model = apps.get_model(model_path)
    # The seeded French home already holds one: no second one.
    assert not model.can_create_at(home_fr)
    # A home page without sections accepts one.
    with transaction.atomic():
        bare = HomePage(title="Accueil de test", slug="accueil-de-test", locale=home_fr.locale)
        home_fr.get_parent().add_child(instance=bare)
        assert model.can_create_at(bare)
        transaction.set_rollback(True)


def _menu(client, path="/fr/") -> str:
    html = client.get(path).text
    start = html.index('class="main-nav')
    return html[start : html.index("</nav>", start)]


def test_menu_and_breadcrumb_follow_the_page_tree_with_a_warm_cache(client, home_fr, add_page):
    """The menu, breadcrumb and language links are cached per page-tree version:
    publishing, renaming, unpublishing or moving a page shows at once."""
    _menu(client)  # warm the cache
    page = add_page(home_fr, StandardPage, title="Rubrique nouvelle", show_in_menus=True)
    assert "Rubrique nouvelle" in _menu(client)
    child = add_page(page, StandardPage, title="Sous-rubrique")
    assert "Rubrique nouvelle" in client.get(child.url).text  # breadcrumb ancestor

    page.title = "Rubrique renommée"
    page.save_revision().publish()
    assert "Rubrique renommée" in _menu(client)
    assert "Rubrique renommée" in client.get(child.url).text

    page.unpublish()
    assert "Rubrique" not in _menu(client)
