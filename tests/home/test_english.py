"""English that works (issue 14): every French page exists in English, an
alias showing the French content until an editor translates it; the visitor
is told; listings, filters, facets, feeds, exports and search work on the
English tree; the switcher lands on the same page."""

import csv
import io
import re
from html import unescape

import pytest
from django.core.management import call_command
from wagtail.models import Page, get_page_models
from wagtail_localize.models import LocaleSynchronization, Translation, TranslationSource

from directory.models import ActorPage, DirectoryIndexPage
from home.locales import missing_pages, setup_locales
from home.models import StandardPage
from home.seeding import SeedReport, upsert_translation
from tests.html import facets, soup, texts

pytestmark = pytest.mark.django_db

NOTICE = "This page has not been translated yet; it is shown in French."


def counterpart(page, en):
    return Page.objects.get(translation_key=page.translation_key, locale=en)


def is_alias_of(page, source):
    return page.alias_of_id == source.pk


@pytest.fixture
def directory_fr(home_fr):
    return DirectoryIndexPage.objects.child_of(home_fr).get()


@pytest.fixture
def directory_en(directory_fr, en):
    return directory_fr.get_translation(en).specific


# --- The English tree mirrors the French one -------------------------------------


def test_english_is_synchronised_from_french(fr, en):
    sync = LocaleSynchronization.objects.get(locale=en)
    assert sync.sync_from == fr


def test_every_french_page_of_every_type_exists_in_english(fr, en):
    french = Page.objects.filter(locale=fr, depth__gt=1)
    assert not missing_pages(fr, en).exists()
    english = dict(Page.objects.filter(locale=en).values_list("translation_key", "content_type"))
    for page in french:
        assert english[page.translation_key] == page.content_type_id, page.url_path
    seeded_types = {page.specific_class for page in french}
    assert len(seeded_types) >= 10  # home, standard, indexes, actors, calls, minutes...
    assert seeded_types <= set(get_page_models())


def test_seeded_translations_stay_real_translations(home_fr, home_en, directory_en, en):
    assert home_en.alias_of_id is None and home_en.slug == "home"
    assert directory_en.alias_of_id is None and directory_en.slug == "directory"
    assert directory_en.title == "Directory of actors"
    # An actor nobody translated is an alias of the French fiche, under the
    # English directory, live, with the French content.
    actor = ActorPage.objects.child_of(directory_en).filter(alias_of__isnull=False).first()
    source = actor.alias_of.specific
    assert actor.live and source.locale.language_code == "fr"
    assert actor.title == source.title and actor.summary == source.summary


def test_setup_and_seed_run_again_change_nothing(capsys):
    before = (Page.objects.count(), Page.objects.filter(alias_of__isnull=False).count())
    assert setup_locales() == ["en"]
    call_command("setup_roles", verbosity=0)
    call_command("load_seed_content", verbosity=0)
    after = (Page.objects.count(), Page.objects.filter(alias_of__isnull=False).count())
    assert after == before
    assert "0 created, 0 updated" in capsys.readouterr().out


def test_setup_aliases_pages_made_before_the_synchronisation(home_fr, fr, en):
    """An existing site (production) gets its English tree from setup_roles."""
    LocaleSynchronization.objects.filter(locale=en).delete()
    page = StandardPage(title="Page d'avant", slug="page-d-avant")
    home_fr.add_child(instance=page)
    page.save_revision().publish()
    assert not Page.objects.filter(translation_key=page.translation_key, locale=en).exists()
    call_command("setup_roles", verbosity=0)
    alias = counterpart(page, en)
    assert is_alias_of(alias, page) and alias.live
    assert LocaleSynchronization.objects.get(locale=en).sync_from == fr


def test_page_published_in_french_gets_a_live_english_alias(home_fr, home_en, en, add_page):
    page = add_page(home_fr, StandardPage, title="Nouvelle page", introduction="Du nouveau.")
    alias = counterpart(page, en).specific
    assert is_alias_of(alias, page)
    assert alias.live and alias.get_parent().pk == home_en.pk
    assert alias.introduction == "Du nouveau."
    # It follows the next publications in French.
    page.introduction = "Encore du nouveau."
    page.save_revision().publish()
    alias.refresh_from_db()
    assert alias.introduction == "Encore du nouveau."


def test_draft_gets_its_alias_on_first_publication(home_fr, en):
    page = StandardPage(title="Brouillon", slug="brouillon")
    home_fr.add_child(instance=page)
    page.save_revision()
    assert not Page.objects.filter(translation_key=page.translation_key, locale=en).exists()
    page.get_latest_revision().publish()
    assert counterpart(page, en).live


def test_child_of_a_new_page_is_aliased_under_its_parent_alias(home_fr, en, add_page):
    parent = add_page(home_fr, StandardPage, title="Rubrique")
    child = add_page(parent, StandardPage, title="Sous-page")
    assert counterpart(child, en).get_parent().pk == counterpart(parent, en).pk


def test_unpublishing_in_french_unpublishes_the_alias(home_fr, en, add_page, client):
    page = add_page(home_fr, StandardPage, title="Bientôt retirée")
    alias = counterpart(page, en)
    assert client.get(alias.url).status_code == 200
    page.unpublish()
    alias.refresh_from_db()
    assert not alias.live
    assert client.get(f"/en/{alias.slug}/").status_code == 404


def test_moving_in_french_moves_the_alias(home_fr, en, add_page):
    first = add_page(home_fr, StandardPage, title="Rubrique une")
    second = add_page(home_fr, StandardPage, title="Rubrique deux")
    page = add_page(first, StandardPage, title="Déménage")
    page.move(second, pos="last-child")
    alias = counterpart(page, en)
    assert alias.get_parent().pk == counterpart(second, en).pk


def test_deleting_in_french_deletes_the_aliases(home_fr, en, add_page):
    page = add_page(home_fr, StandardPage, title="À supprimer")
    child = add_page(page, StandardPage, title="Sa sous-page")
    keys = [page.translation_key, child.translation_key]
    page.delete()
    assert not Page.objects.filter(translation_key__in=keys).exists()


def test_deleting_keeps_a_real_translation(home_fr, en, add_page):
    page = add_page(home_fr, StandardPage, title="Traduite puis supprimée")
    english = upsert_translation(SeedReport(), page, en, {"title": "Translated, then deleted"})
    page.delete()
    assert Page.objects.filter(pk=english.pk).exists()


# --- A translation replaces the alias ---------------------------------------------


def test_seed_translation_turns_the_alias_into_a_translation(home_fr, en, add_page):
    page = add_page(home_fr, StandardPage, title="Les tiers-lieux", introduction="Des lieux.")
    alias = counterpart(page, en)
    english = upsert_translation(
        SeedReport(), page, en, {"title": "Third places", "introduction": "Places."}
    )
    assert english.pk == alias.pk and english.alias_of_id is None
    assert english.live and english.title == "Third places"
    assert english.revisions.exists()
    # Publishing the French page no longer overwrites it.
    page.introduction = "D'autres lieux."
    page.save_revision().publish()
    english.refresh_from_db()
    assert english.introduction == "Places."


def test_wagtail_localize_translation_replaces_the_alias(
    client, home_fr, en, add_page, django_capture_on_commit_callbacks
):
    page = add_page(home_fr, StandardPage, title="Les coopératives", introduction="Des SCOP.")
    alias = counterpart(page, en)
    source, _ = TranslationSource.get_or_create_from_instance(page)
    translation = Translation.objects.create(source=source, target_locale=en)
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)  # no string translated yet: French text
    english = Page.objects.get(pk=alias.pk)
    assert english.alias_of_id is None and english.live
    response = client.get(english.url)
    assert NOTICE not in response.text


# --- The visitor knows what they read -------------------------------------------


def test_alias_says_it_is_not_translated_and_marks_the_content_french(client, directory_en):
    actor = ActorPage.objects.child_of(directory_en).filter(alias_of__isnull=False).first()
    response = client.get(actor.url)
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "en"
    notice = page.select_one("main .notice[role=note]")
    assert notice is not None and notice.get_text(strip=True) == NOTICE
    content = page.select_one('main div[lang="fr"]')
    assert content is not None
    assert actor.title in content.get_text()
    assert notice not in content.descendants


def test_translated_and_french_pages_show_no_notice(client, home_en, directory_en, directory_fr):
    for url in [home_en.url, directory_en.url, directory_fr.url]:
        page = soup(client.get(url))
        assert NOTICE not in page.get_text(), url
        assert page.select_one('main div[lang="fr"]') is None, url


def _head_links(response):
    page = soup(response)
    canonical = [link["href"] for link in page.select('link[rel="canonical"]')]
    alternates = {link["hreflang"]: link["href"] for link in page.select('link[rel="alternate"]')}
    return canonical, alternates


def test_alias_has_the_french_page_as_canonical_and_no_hreflang(client, directory_en):
    actor = ActorPage.objects.child_of(directory_en).filter(alias_of__isnull=False).first()
    source = actor.alias_of
    canonical, alternates = _head_links(client.get(actor.url))
    assert canonical == [f"http://testserver{source.url}"]
    assert alternates == {}
    # The French page does not announce its alias as a translation either.
    canonical, alternates = _head_links(client.get(source.url))
    assert canonical == [f"http://testserver{source.url}"]
    assert alternates == {}


def test_translated_pages_have_hreflang_alternates(client, directory_fr, directory_en):
    canonical, alternates = _head_links(client.get(directory_en.url))
    assert canonical == [f"http://testserver{directory_en.url}"]
    assert alternates == {
        "fr": f"http://testserver{directory_fr.url}",
        "x-default": f"http://testserver{directory_fr.url}",
        "en": f"http://testserver{directory_en.url}",
    }


def test_sitemap_lists_real_pages_only(client, directory_en, directory_fr):
    text = client.get("/sitemap.xml").text
    actor = ActorPage.objects.child_of(directory_en).filter(alias_of__isnull=False).first()
    assert f"{actor.alias_of.url}</loc>" in text
    assert f"{actor.url}</loc>" not in text
    assert f"{directory_en.url}</loc>" in text
    assert f"{directory_fr.url}</loc>" in text


# --- The language switch ---------------------------------------------------------


def _switch(response, code):
    return soup(response).select_one(f'.lang-switcher a[hreflang="{code}"]')["href"]


def test_switcher_on_a_french_fiche_lands_on_the_english_fiche(client, directory_fr, en):
    actor = ActorPage.objects.child_of(directory_fr).live().first()
    english = counterpart(actor, en)
    assert _switch(client.get(actor.url), "en") == english.url
    assert _switch(client.get(english.url), "fr") == actor.url


def test_switcher_keeps_the_listing_filters_and_route(client, directory_fr, directory_en):
    response = client.get(directory_fr.url, {"region": "11", "kind": "collectivites"})
    assert _switch(response, "en") == f"{directory_en.url}?region=11&kind=collectivites"
    response = client.get(f"{directory_en.url}carte/", {"region": "11"})
    assert _switch(response, "fr") == f"{directory_fr.url}carte/?region=11"


# --- Listings, filters, facets, feeds, exports, search ---------------------------


def _titles(response):
    return sorted(texts(response, ".card__title"))


def test_english_directory_lists_every_actor_with_the_same_facets(
    client, directory_fr, directory_en
):
    french = client.get(directory_fr.url)
    english = client.get(directory_en.url)
    total = ActorPage.objects.child_of(directory_fr).live().count()
    assert total > 0
    assert english.context["results"].paginator.count == total
    assert french.context["results"].paginator.count == total
    assert _titles(english) == _titles(french)
    french_counts = sorted(sorted(v.values()) for v in facets(french).values())
    english_counts = sorted(sorted(v.values()) for v in facets(english).values())
    assert english_counts == french_counts and english_counts


def test_english_directory_filters_by_region_and_theme(client, directory_fr, directory_en):
    actors = ActorPage.objects.child_of(directory_fr).live().exclude(region="")
    actor = next(actor for actor in actors if actor.themes.exists())
    theme = actor.themes.first()
    for params in [{"region": actor.region}, {"theme": theme.slug}]:
        french = client.get(directory_fr.url, params)
        english = client.get(directory_en.url, params)
        assert english.context["results"].paginator.count > 0, params
        assert _titles(english) == _titles(french), params


def test_english_csv_export_has_the_french_rows(client, directory_fr, directory_en):
    def rows(index):
        response = client.get(f"{index.url}export/csv/")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        reader = csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")
        return sorted(row[0] for row in list(reader)[1:])

    assert rows(directory_en) == rows(directory_fr) and rows(directory_fr)


def test_english_calls_listing_and_feed_show_the_french_calls(client, home_fr, en):
    from calls_for_projects.models import CallsIndexPage

    index_fr = CallsIndexPage.objects.child_of(home_fr).get()
    index_en = index_fr.get_translation(en)
    french, english = client.get(index_fr.url), client.get(index_en.url)
    assert english.context["results"].paginator.count == french.context["results"].paginator.count
    assert _titles(english) == _titles(french) and _titles(french)

    def rss_titles(index):
        text = client.get(f"{index.url}flux/rss/").content.decode()
        # « Au fil de l'eau – <title> »: the status in the interface's language.
        titles = re.findall(r"<item><title>(.*?)</title>", text)
        return sorted(unescape(title).split(" – ")[-1] for title in titles)

    titles_fr, titles_en = rss_titles(index_fr), rss_titles(index_en)
    assert titles_en == titles_fr and titles_fr


def test_english_themes_count_the_english_pages(client):
    def counts(url):
        text = soup(client.get(url)).select_one("main").get_text(" ")
        return sorted(int(n) for n in re.findall(r"(\d+) pages?\b", text))

    french = counts("/fr/themes/")
    assert counts("/en/themes/") == french and sum(french) > 0


@pytest.mark.parametrize(
    "query, english_query, model",
    [
        ("Sceaux", "Sceaux", "directory.actorpage"),
        ("circuits courts", "circuits courts", "calls_for_projects.callforprojectspage"),
        ("réunion", "réunion", "network_minutes.meetingminutespage"),
        # The seed translates the Sceaux convention: found by its English words.
        ("convention", "partnership agreements", "conventions.conventionpage"),
    ],
)
def test_english_search_finds_the_french_content(client, query, english_query, model):
    from django.apps import apps

    page_model = apps.get_model(model)
    english = client.get("/en/search/", {"q": english_query})
    french = client.get("/fr/recherche/", {"q": query})
    assert english.status_code == 200
    found_en = {type(p.specific) for p in english.context["results"]}
    found_fr = {type(p.specific) for p in french.context["results"]}
    assert page_model in found_fr
    assert page_model in found_en


def test_english_fiche_lists_what_names_its_french_source(client, directory_fr, en):
    """An actor's calls, meetings and conventions (rows naming the French
    fiche) are listed on its English fiche too, linking to English pages."""
    actor = ActorPage.objects.child_of(directory_fr).get(slug="ville-de-sceaux")
    french = soup(client.get(actor.url))
    english = soup(client.get(counterpart(actor, en).url))
    french_headings = [h.get_text(strip=True) for h in french.select("main h2")]
    english_headings = [h.get_text(strip=True) for h in english.select("main h2")]
    assert len(english_headings) == len(french_headings)
    links = [a["href"] for a in english.select("main section a[href^='/']")]
    assert links and not any(link.startswith("/fr/") for link in links if "/annuaire/" not in link)


# --- Query counts: English no higher than French -------------------------------


def _queries(client, django_assert_max_num_queries, url, limit):
    client.get(url)  # warm the per-process caches
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "french_path, english_path, limit",
    [
        ("/fr/", "/en/", 15),
        ("/fr/annuaire/", "/en/directory/", 15),
        ("/fr/annuaire/ville-de-sceaux/", "/en/directory/ville-de-sceaux/", 25),
        ("/fr/annuaire/?region=11", "/en/directory/?region=11", 15),
        ("/fr/annuaire/carte/", "/en/directory/carte/", 20),
        ("/fr/appels-a-projets/", "/en/calls-for-projects/", 25),
        ("/fr/conventions/", "/en/conventions/", 25),
        ("/fr/reseaux/", "/en/networks/", 25),
        ("/fr/annonces/", "/en/announcements/", 25),
        ("/fr/agenda/", "/en/agenda/", 25),
    ],
)
def test_english_listing_queries_no_more_than_french(
    client, django_assert_max_num_queries, french_path, english_path, limit
):
    """The English listings cost no more queries than the French ones: the
    routing root in each language comes from the page-tree cache
    (home/routing.py), an alias's view restrictions need not load its
    French source."""
    french = _queries(client, django_assert_max_num_queries, french_path, limit)
    english = _queries(client, django_assert_max_num_queries, english_path, limit)
    assert english <= french


def test_an_alias_keeps_the_restrictions_of_its_french_page(client, directory_fr, en, publish):
    """An English alias shows its French page's content, so it has its
    restrictions too: a French fiche restricted to logged-in users is
    restricted in English, and free again in both once lifted."""
    from wagtail.models import PageViewRestriction

    actor = ActorPage.objects.child_of(directory_fr).get(slug="ville-de-sceaux")
    alias = counterpart(actor, en)
    assert alias.alias_of_id == actor.pk
    assert client.get(alias.url).status_code == 200
    restriction = PageViewRestriction.objects.create(page=actor, restriction_type="login")
    for url in (actor.url, alias.url):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    restriction.delete()
    assert client.get(alias.url).status_code == 200


def test_a_restriction_on_a_section_applies_at_once_to_pages_already_served(client, directory_fr):
    """The restrictions of each page are kept until a page or a restriction
    changes: a fiche served (its restrictions cached) becomes private as soon
    as its section is restricted, and public again when it is lifted."""
    from wagtail.models import PageViewRestriction

    actor = ActorPage.objects.child_of(directory_fr).get(slug="ville-de-sceaux")
    assert client.get(actor.url).status_code == 200
    restriction = PageViewRestriction.objects.create(page=directory_fr, restriction_type="login")
    response = client.get(actor.url)
    assert response.status_code == 302 and "login" in response["Location"]
    restriction.delete()
    assert client.get(actor.url).status_code == 200


def translate(page, en, django_capture_on_commit_callbacks):
    """The English translation of `page` (wagtail-localize), replacing its alias."""
    source, _ = TranslationSource.get_or_create_from_instance(page)
    translation = Translation.objects.create(source=source, target_locale=en)
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    return Page.objects.get(translation_key=page.translation_key, locale=en).specific


def test_a_translation_is_private_as_soon_as_its_french_page_is(
    client, home_fr, en, add_page, django_capture_on_commit_callbacks
):
    """wagtail-localize copies a page's privacy to its translations only when
    an editor syncs them: until then the English version of a page made
    private in French would stay public. Here the restriction of any
    language version applies at once, to the page and what is under it."""
    from wagtail.models import PageViewRestriction

    section = add_page(home_fr, StandardPage, title="Espace des membres", introduction="Privé.")
    child = add_page(section, StandardPage, title="Compte rendu interne", introduction="Privé.")
    english_section = translate(section, en, django_capture_on_commit_callbacks)
    english_child = translate(child, en, django_capture_on_commit_callbacks)
    assert english_section.alias_of_id is None and english_child.alias_of_id is None
    assert client.get(english_child.url).status_code == 200

    restriction = PageViewRestriction.objects.create(page=section, restriction_type="login")
    for url in (section.url, child.url, english_section.url, english_child.url):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    # Nor does the English search show it.
    search = {"q": "Compte rendu interne"}
    assert texts(client.get("/en/search/", search), ".result__title") == []

    restriction.delete()
    assert client.get(english_child.url).status_code == 200
    found = texts(client.get("/en/search/", search), ".result__title")
    assert found == ["Compte rendu interne"]


def test_a_private_fiche_leaves_the_english_listing_too(client, directory_fr, en):
    """The English directory lists the aliases of the French fiches: a fiche
    made private leaves it as it leaves the French one."""
    from wagtail.models import PageViewRestriction

    actor = ActorPage.objects.child_of(directory_fr).get(slug="ville-de-sceaux")
    english_directory = counterpart(directory_fr, en).url

    def cards(url):
        return texts(client.get(url, {"q": "Sceaux"}), ".card__title")

    assert actor.title in cards(english_directory)
    restriction = PageViewRestriction.objects.create(page=actor, restriction_type="login")
    assert actor.title not in cards(english_directory)
    assert actor.title not in cards(directory_fr.url)
    restriction.delete()
    assert actor.title in cards(english_directory)


def test_a_translation_with_its_own_copy_of_the_restriction_asks_once(
    client, home_fr, en, add_page, django_capture_on_commit_callbacks
):
    """A translation synced by an editor carries its own copy of the French
    page's password: the visitor is asked for one password, not two."""
    from wagtail.models import PageViewRestriction

    page = add_page(home_fr, StandardPage, title="Page à mot de passe", introduction="Privé.")
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="ess")
    english = translate(page, en, django_capture_on_commit_callbacks)
    # wagtail-localize copied the French page's restriction when translating.
    assert PageViewRestriction.objects.filter(page=english, password="ess").count() == 1
    assert len(english.get_view_restrictions()) == 1
    form = client.get(english.url)
    assert form.status_code == 200 and 'name="password"' in form.text


def test_the_english_home_page_follows_its_publication(client, home_en, publish):
    """The English home page that routing starts from is cached: publishing
    a change shows it at the next request."""
    assert client.get("/en/").status_code == 200
    home_en.introduction = "A new English introduction for the network."
    publish(home_en)
    assert "A new English introduction for the network." in client.get("/en/").text
    assert "A new English introduction for the network." not in client.get("/fr/").text


# --- Editors translate with wagtail-localize ------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("traductrice", "t@example.org", "x")
    client.force_login(user)
    return client


def test_translate_action_on_every_page_type(admin_client, fr, en):
    """Each page type's English alias opens wagtail-localize's « Translate
    this page » screen, and its French page the translation form."""
    from django.urls import reverse

    one_per_type = {}
    for page in Page.objects.filter(locale=fr, depth__gt=2).order_by("path"):
        one_per_type.setdefault(page.content_type_id, page)
    assert len(one_per_type) >= 9
    for page in one_per_type.values():
        alias = counterpart(page, en)
        if alias.alias_of_id is None:
            continue  # translated by the seed (the section indexes)
        edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[alias.pk]))
        assert edit.status_code == 200, page.url_path
        assert reverse("wagtail_localize:submit_page_translation", args=[page.pk]) in edit.text
        submit = admin_client.get(
            reverse("wagtail_localize:submit_page_translation", args=[page.pk])
        )
        assert submit.status_code == 200, page.url_path


# --- Pages made in the admin ----------------------------------------------------


def _new_standard_page_data(title: str, slug: str, action: str) -> dict:
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    data = nested_form_data(
        {"title": title, "slug": slug, "introduction": "", "body": streamfield([])}
    )
    data["comments-TOTAL_FORMS"] = data["comments-INITIAL_FORMS"] = 0
    data["comments-MIN_NUM_FORMS"], data["comments-MAX_NUM_FORMS"] = 0, 1000
    if action:
        data[action] = action
    return data


@pytest.mark.parametrize("action", ["action-publish", ""])
def test_an_editor_creates_a_page_in_the_admin_and_it_gets_one_english_alias(
    admin_client, home_fr, en, action
):
    """« Publier » (or « Enregistrer le brouillon ») on a new page in the
    admin: the page is made, with exactly one English counterpart, an alias,
    whichever of publication or wagtail-localize's creation hook comes first."""
    response = admin_client.post(
        f"/admin/pages/add/home/standardpage/{home_fr.pk}/",
        _new_standard_page_data("Nouvelle page du réseau", "nouvelle-page-reseau", action),
    )
    assert response.status_code == 302, response.content[:2000]
    page = StandardPage.objects.get(slug="nouvelle-page-reseau", locale__language_code="fr")
    assert page.live is (action == "action-publish")
    english = Page.objects.filter(translation_key=page.translation_key, locale=en)
    assert english.count() == 1
    assert is_alias_of(english.get(), page)
    assert english.get().live is page.live
