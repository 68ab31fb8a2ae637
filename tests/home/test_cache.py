"""The one versioned cache (home/cache.py): one miss rule, and a version
renewed by the content it depends on, never by unrelated writes."""

import pytest

from home.cache import PAGE_TREE, VersionedCache, registered
from home.models import StandardPage, Theme

pytestmark = pytest.mark.django_db

THEMED = VersionedCache("test-themes", invalidated_by=["home.Theme"])
PAGES = VersionedCache("test-pages", invalidated_by=["home.StandardPage"])


def test_a_cached_none_is_a_hit():
    calls = []

    def compute():
        calls.append(1)
        return None

    assert THEMED.get_or_set("nothing", compute) is None
    assert THEMED.get_or_set("nothing", compute) is None
    assert calls == [1]


def test_saving_a_theme_renews_the_version_of_what_depends_on_themes():
    before = THEMED.version()
    assert THEMED.get_or_set("names", lambda: ["a"]) == ["a"]
    assert PAGES.version() == PAGES.version()
    pages_before = PAGES.version()
    theme = Theme.objects.get(slug="mobilite")
    theme.name_en = "Mobility (transport)"
    theme.save()
    assert THEMED.version() != before
    assert THEMED.get_or_set("names", lambda: ["b"]) == ["b"]
    # An unrelated namespace keeps its values.
    assert PAGES.version() == pages_before


def test_publishing_unpublishing_and_deleting_a_page_renew_the_version(home_fr, add_page):
    version = PAGES.version()
    page = add_page(home_fr, StandardPage, title="Mentions légales bis", slug="mentions-bis")
    assert PAGES.version() != version
    version = PAGES.version()
    page.unpublish()
    assert PAGES.version() != version
    version = PAGES.version()
    page.delete()
    assert PAGES.version() != version


def test_the_page_tree_version_follows_every_page_type(home_fr, add_page):
    version = PAGE_TREE.version()
    add_page(home_fr, StandardPage, title="Nouvelle rubrique", slug="nouvelle-rubrique")
    assert PAGE_TREE.version() != version


def test_a_lost_version_is_recreated_once_for_everyone():
    from django.core.cache import cache

    cache.delete(THEMED.version_key)
    first = THEMED.version()
    assert THEMED.version() == first


def test_namespaces_are_unique():
    assert "pagetree" in registered()
    with pytest.raises(ValueError):
        VersionedCache("pagetree")
