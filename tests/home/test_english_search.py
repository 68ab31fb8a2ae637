"""English search (issue 14): translated pages are searched with English
stemming on PostgreSQL, untranslated ones (aliases) by their French words."""

import pytest
from django.db import connection
from django.utils import translation
from wagtail.models import Locale, Page

from directory.models import ActorPage
from home.search import search_pages, searchable_pages
from home.search_backend import _object_language, language_search_config

pytestmark = pytest.mark.django_db


def english_fiche(slug):
    return ActorPage.objects.get(slug=slug, locale__language_code="en")


def found(language, query):
    """Every page the site search finds for `query` in `language` (not only
    the first page of results)."""
    with translation.override(language):
        locale = Locale.objects.get(language_code=language)
        return {page.pk for page in search_pages(query, searchable_pages(locale))[:1000]}


def test_translated_pages_are_indexed_as_english_aliases_as_french(en, fr):
    codes = dict(Locale.objects.values_list("pk", "language_code"))
    translated = english_fiche("mulhouse-alsace-agglomeration")
    alias = english_fiche("ville-de-sceaux")
    french = Page.objects.get(pk=alias.alias_of_id)
    assert translated.alias_of_id is None and alias.alias_of_id is not None
    assert language_search_config(_object_language(translated, codes)) == "english"
    assert language_search_config(_object_language(alias, codes)) is None
    assert language_search_config(_object_language(french, codes)) is None


def test_english_search_stems_english_words():
    """« economies » finds the translated fiche saying « economy »: English
    stemming on PostgreSQL. SQLite has no English stemming (its database
    backend stems French only): the word as written finds it there."""
    translated = english_fiche("mulhouse-alsace-agglomeration")
    assert "economy" in translated.summary and "economies" not in translated.summary
    if connection.vendor == "postgresql":
        assert translated.pk in found("en", "economies")
    else:
        assert translated.pk in found("en", "economy")


def test_english_search_finds_french_words_in_aliases(client):
    """An untranslated fiche (an alias) is found by the French words it shows."""
    alias = english_fiche("ville-de-sceaux")
    assert alias.alias_of_id is not None
    assert alias.pk in found("en", "Sceaux")
    response = client.get("/en/search/", {"q": "Sceaux", "type": "actorpage"})
    assert response.status_code == 200 and "Ville de Sceaux" in response.text


def test_french_search_is_unchanged():
    french = ActorPage.objects.get(slug="mulhouse-alsace-agglomeration", locale__language_code="fr")
    results = found("fr", "économie")
    assert french.pk in results
    assert not Page.objects.filter(pk__in=results, locale__language_code="en").exists()
