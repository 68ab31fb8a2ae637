"""The one listing mechanism (home/listing.py), on a small listing of free
pages: what every catalogue (directory, calls, minutes, conventions) and
every feed, export or saved alert built on it relies on."""

import pytest
from django.utils import translation

from home.listing import ChoiceFilter, ListingFilterSet, YearFilter
from home.models import StandardPage, Theme
from home.typography import NBSP

pytestmark = pytest.mark.django_db


class PageListing(ListingFilterSet):
    menu = ChoiceFilter(
        label="Dans le menu",
        empty_label="Toutes",
        choices=[("oui", "Oui"), ("non", "Non")],
        method="filter_menu",
    )
    since = YearFilter(label="Publiée depuis", field_name="go_live_at__year", lookup_expr="gte")
    sort_choices = {
        "title": ("Titre", ["title", "pk"]),
        "-title": ("Titre, de Z à A", ["-title", "pk"]),
    }
    relevance_sort = True
    max_text_matches = 3
    per_page = 2

    class Meta:
        model = StandardPage
        fields = []

    def filter_menu(self, queryset, name, value):
        return queryset.filter(show_in_menus=value == "oui")


@pytest.fixture
def section(home_fr, add_page):
    """A free page with ten children: « Coopérative 0…4 » in the menu,
    « Coopérative 5…9 » out of it; the first two have the « Mobilité » theme."""
    parent = add_page(home_fr, StandardPage, title="Rubrique", slug="rubrique-test")
    mobility = Theme.objects.get(slug="mobilite")
    for number in range(10):
        page = StandardPage(
            title=f"Coopérative {number}",
            slug=f"cooperative-{number}",
            show_in_menus=number < 5,
            introduction="Une coopérative d'habitants.",
        )
        parent.add_child(instance=page)
        if number < 2:
            page.themes.add(mobility)
        page.save_revision().publish()
    return parent


def titles(listing, queryset=None):
    return [page.title for page in (listing.qs if queryset is None else queryset)]


def test_no_parameter_lists_everything_in_the_default_order(section):
    listing = PageListing({}, scope=section)
    assert titles(listing) == [f"Coopérative {n}" for n in range(10)]
    assert listing.notices == [] and listing.chips == [] and not listing.has_filters
    assert listing.sort_code == "title"


def test_filters_combine_and_make_chips_that_remove_one_each(section):
    listing = PageListing({"menu": "non", "theme": "mobilite", "sort": "-title"}, scope=section)
    assert titles(listing) == []
    listing = PageListing({"menu": "oui", "theme": "mobilite", "sort": "-title"}, scope=section)
    assert titles(listing) == ["Coopérative 1", "Coopérative 0"]
    assert [(chip.label, chip.value) for chip in listing.chips] == [
        ("Thème", "Mobilité"),
        ("Dans le menu", "Oui"),
    ]
    # A stable order: q, the listing's filters as declared after the core's, sort, page.
    assert listing.querystring() == "theme=mobilite&menu=oui&sort=-title"
    assert listing.chips[0].remove_query == "menu=oui&sort=-title"
    assert listing.querystring(page=2, sort=None) == "theme=mobilite&menu=oui&page=2"


def test_bad_values_are_left_out_with_a_notice_never_an_error(section):
    data = {
        "menu": "peut-être",
        "theme": "inconnu\x00",
        "since": "1",
        "sort": "hasard",
        "page": "deux",
        "q": "x" * 500,
    }
    listing = PageListing(data, scope=section)
    assert len(titles(listing)) == 10  # every invalid filter ignored
    notices = listing.notices
    assert f"Dans le menu{NBSP}: «{NBSP}peut-être{NBSP}» ignoré (valeur inconnue)." in notices
    assert f"Thème{NBSP}: «{NBSP}inconnu{NBSP}» ignoré (valeur inconnue)." in notices
    assert any("année entre 1900 et 2100 attendue" in notice for notice in notices)
    assert any(notice.startswith(f"Tri «{NBSP}hasard{NBSP}» ignoré") for notice in notices)
    assert any(notice.startswith(f"Numéro de page «{NBSP}deux{NBSP}» ignoré") for notice in notices)
    assert any("plus de 200 caractères" in notice for notice in notices)
    assert listing.params == {}
    # The form shown again keeps nothing that was ignored.
    form = listing.display_form()
    assert not form["menu"].value() and not form["theme"].value()


def test_text_query_is_ranked_within_the_other_filters(section):
    # Ten pages match « coopérative », only three are kept (max_text_matches):
    # with a filter, the three are found among the pages that filter selects.
    listing = PageListing({"q": "coopérative", "menu": "non"}, scope=section)
    found = titles(listing)
    assert len(found) == 3
    assert all(int(title.split()[-1]) >= 5 for title in found)
    assert listing.truncated
    assert any("Plus de 3 résultats" in notice for notice in listing.notices)
    assert listing.sort_code == "relevance"
    assert listing.chips[0].value == f"«{NBSP}coopérative{NBSP}»"
    # Without more matches than kept, no notice.
    listing = PageListing({"q": "coopérative", "theme": "mobilite"}, scope=section)
    assert sorted(titles(listing)) == ["Coopérative 0", "Coopérative 1"]
    assert not listing.truncated and listing.notices == []


def test_relevance_is_offered_only_with_a_text_query(section):
    assert [code for code, _label in PageListing({}, scope=section).sort_options()] == [
        "title",
        "-title",
    ]
    listing = PageListing({"q": "coopérative"}, scope=section)
    assert listing.sort_options()[0][0] == "relevance"
    listing = PageListing({"sort": "relevance"}, scope=section)
    assert listing.sort_code == "title"
    assert listing.notices  # « relevance » without a query is not a valid order


def test_a_page_past_the_end_shows_the_last_one_and_says_so(section):
    listing = PageListing({"page": "99"}, scope=section)
    page, page_range = listing.paginate()
    assert page.number == 5
    assert [p.title for p in page.object_list] == ["Coopérative 8", "Coopérative 9"]
    assert listing.notices == [f"La page 99 n'existe pas{NBSP}: page 5 affichée."]
    assert list(page_range) == [1, 2, 3, 4, 5]


def test_notices_follow_the_language(section):
    with translation.override("en"):
        listing = PageListing({"page": "0"}, scope=section)
        assert listing.notices and "ignored" in listing.notices[0]


def test_facets_count_the_values_in_use_with_links_that_keep_the_filters(section):
    listing = PageListing({"theme": "mobilite"}, scope=section)
    counts = dict(listing.count_by("show_in_menus", queryset=listing.without("menu")))
    facet = listing.facet(
        "menu",
        "Dans le menu",
        {"oui": counts.get(True, 0), "non": counts.get(False, 0)},
        [("oui", "Oui"), ("non", "Non")],
    )
    assert [(item.label, item.count) for item in facet.items] == [("Oui", 2)]
    assert facet.items[0].query == "theme=mobilite&menu=oui"


def test_listing_query_count_does_not_grow_with_pages(section, django_assert_max_num_queries):
    for data in ({}, {"theme": "mobilite", "sort": "-title"}, {"q": "coopérative", "menu": "oui"}):
        with django_assert_max_num_queries(6):
            listing = PageListing(data, scope=section)
            page, _range = listing.paginate()
            assert list(page.object_list)
            assert isinstance(listing.notices, list) and isinstance(listing.chips, list)


def test_every_listing_reads_the_theme_list_from_the_cache(section):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    PageListing({"theme": "mobilite"}, scope=section).qs  # noqa: B018 (warms the cache)
    with CaptureQueriesContext(connection) as queries:
        listing = PageListing({"theme": "mobilite"}, scope=section)
        assert listing.params == {"theme": "mobilite"}
        listing.display_form()
    assert not [q for q in queries.captured_queries if "home_theme" in q["sql"]]
    # Renaming a theme shows at once.
    theme = Theme.objects.get(slug="mobilite")
    theme.name = "Mobilités"
    theme.save()
    listing = PageListing({"theme": "mobilite"}, scope=section)
    assert listing.chips[0].value == "Mobilités"


def test_a_facet_counts_its_values_among_the_text_matches_of_the_other_filters(section):
    class WideListing(PageListing):
        max_text_matches = 20

    listing = WideListing({"q": "coopérative", "menu": "non"}, scope=section)
    assert len(titles(listing)) == 5
    counts = dict(listing.count_by("show_in_menus", queryset=listing.without("menu")))
    assert counts == {True: 5, False: 5}


def test_text_matches_that_all_fit_are_searched_once_for_the_listing_and_its_facets(section):
    # The full-text query is the expensive one: when every match is kept,
    # the listing and a facet that leaves a filter out share one search
    # (a relevance score does not depend on the other filters).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    class WideListing(PageListing):
        max_text_matches = 20

    def searches(queries):
        return [q for q in queries if " MATCH " in q["sql"].upper() or "@@" in q["sql"]]

    with CaptureQueriesContext(connection) as queries:
        listing = WideListing({"q": "coopérative", "menu": "non"}, scope=section)
        assert sorted(titles(listing)) == [f"Coopérative {n}" for n in range(5, 10)]
        counts = dict(listing.count_by("show_in_menus", queryset=listing.without("menu")))
    assert counts == {True: 5, False: 5}
    assert len(searches(queries.captured_queries)) == 1
