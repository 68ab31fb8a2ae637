"""Site search: the count per content type is a filter (« Pages standard (3) »
narrows the results to that type), validated, kept by the pagination, and
never costs a query more than the search without it."""

from urllib.parse import parse_qs, urlsplit

import pytest

from home.models import StandardPage
from tests.html import chips, notices, soup

pytestmark = pytest.mark.django_db

SEARCH_FR = "/fr/recherche/"


@pytest.fixture
def zephyrin(home_fr, add_page):
    """Three standard pages and the home page match « zéphyrin »."""
    pages = [
        add_page(home_fr, StandardPage, title=f"Zéphyrin {n}", introduction="zéphyrin")
        for n in range(3)
    ]
    home_fr.introduction += " zéphyrin"
    home_fr.save_revision().publish()
    return pages


def type_links(response) -> dict[str, dict]:
    """The type filters as read: label → {count, params of the link, current}."""
    links = {}
    for item in soup(response).select(".type-counts li"):
        link = item.select_one("a")
        count = item.select_one(".facets__count").get_text(" ", strip=True)
        links[link.get_text(strip=True)] = {
            "count": int("".join(ch for ch in count if ch.isdigit())),
            "params": parse_qs(urlsplit(link["href"]).query),
            "current": link.get("aria-current"),
        }
    return links


def titles(response):
    return [page.title for page in response.context["result_pages"]]


def test_each_count_per_type_is_a_link_that_narrows_the_results(client, zephyrin):
    response = client.get(SEARCH_FR, {"q": "zephyrin"})
    links = type_links(response)
    assert links["Pages standard"]["count"] == 3
    assert links["Pages d'accueil"]["count"] == 1
    assert links["Pages standard"]["params"] == {"q": ["zephyrin"], "type": ["standardpage"]}
    assert not any(link["current"] for link in links.values())

    narrowed = client.get(SEARCH_FR, links["Pages standard"]["params"])
    assert narrowed.status_code == 200
    assert sorted(titles(narrowed)) == ["Zéphyrin 0", "Zéphyrin 1", "Zéphyrin 2"]
    assert narrowed.context["results"].paginator.count == 3
    assert "3 résultats pour « zephyrin »" in narrowed.text
    # Every type is still offered with its count; the active one is marked.
    links = type_links(narrowed)
    assert {label: link["count"] for label, link in links.items()} == {
        "Pages standard": 3,
        "Pages d'accueil": 1,
    }
    assert links["Pages standard"]["current"] == "true"
    assert links["Pages d'accueil"]["current"] is None
    assert "Pages standard" in narrowed.context["type_label"]
    # The chip says which type is applied and its link removes it, query kept.
    assert chips(narrowed) == ["Type de contenu : Pages standard"]
    remove = soup(narrowed).select_one(".chip__remove")["href"]
    assert parse_qs(urlsplit(remove).query) == {"q": ["zephyrin"]}
    # A new query from the search form stays within the type.
    hidden = soup(narrowed).select_one(".search-form input[name=type]")
    assert hidden["value"] == "standardpage"


def test_another_type_narrows_to_its_own_results(client, zephyrin):
    response = client.get(SEARCH_FR, {"q": "zephyrin", "type": "homepage"})
    assert [page.specific_class.__name__ for page in response.context["result_pages"]] == [
        "HomePage"
    ]
    assert response.context["results"].paginator.count == 1


@pytest.mark.parametrize(
    "value, shown",
    [
        ("inconnu", "inconnu"),
        ("StandardPage ", "StandardPage"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("standardpage\x00", "standardpage"),
        ("x" * 500, "x" * 39 + "…"),
    ],
)
def test_an_invalid_type_is_ignored_with_a_notice_never_a_500(client, zephyrin, value, shown):
    response = client.get(SEARCH_FR, {"q": "zephyrin", "type": value})
    assert response.status_code == 200
    assert notices(response) == [f"Type de contenu : « {shown} » ignoré (valeur inconnue)."]
    # The results of every type, as without the parameter.
    assert response.context["results"].paginator.count == 4
    assert chips(response) == []
    assert "<script>alert(1)" not in response.text
    # The links never carry the ignored value.
    for link in type_links(response).values():
        assert link["params"]["type"] != [value]
    assert not soup(response).select(".search-form input[name=type]")


def test_a_valid_type_without_results_says_so_and_links_to_every_type(client, zephyrin):
    response = client.get(SEARCH_FR, {"q": "zephyrin", "type": "conventionpage"})
    assert response.status_code == 200
    assert response.context["results"].paginator.count == 0
    empty = soup(response).select_one(".results .listing-empty")
    assert "Aucun résultat de type « Conventions de partenariat »" in empty.get_text()
    assert parse_qs(urlsplit(empty.select_one("a")["href"]).query) == {"q": ["zephyrin"]}
    # The other types are still offered.
    assert type_links(response)["Pages standard"]["count"] == 3


def test_the_pagination_keeps_the_type(client, home_fr, add_page):
    for n in range(23):
        add_page(home_fr, StandardPage, title=f"Réseau {n}", introduction="Le réseau zéphyrin")
    home_fr.introduction += " zéphyrin"
    home_fr.save_revision().publish()
    first = client.get(SEARCH_FR, {"q": "zephyrin", "type": "standardpage"})
    assert first.context["results"].paginator.count == 23
    assert first.context["results"].paginator.num_pages == 3
    page_links = [link["href"] for link in soup(first).select(".pagination a[href]")]
    assert page_links
    for href in page_links:
        assert parse_qs(urlsplit(href).query)["type"] == ["standardpage"]
    seen = []
    for number in (1, 2, 3):
        response = client.get(SEARCH_FR, {"q": "zephyrin", "type": "standardpage", "page": number})
        seen += [page.pk for page in response.context["result_pages"]]
        assert all(page.title.startswith("Réseau") for page in response.context["result_pages"])
    assert len(seen) == len(set(seen)) == 23
    # A page past the end: the last one, with a notice; the type is kept.
    past = client.get(SEARCH_FR, {"q": "zephyrin", "type": "standardpage", "page": 9})
    assert past.context["results"].number == 3
    assert notices(past) == ["La page 9 n'existe pas : page 3 affichée."]


def test_a_type_costs_no_query_more_than_the_search_without_it(
    client, home_fr, add_page, django_assert_max_num_queries
):
    for n in range(12):
        add_page(home_fr, StandardPage, title=f"Réseau {n}", introduction="Le réseau zéphyrin")
    home_fr.introduction += " zéphyrin"
    home_fr.save_revision().publish()
    every_type = {"q": "zephyrin"}
    one_type = {"q": "zephyrin", "type": "standardpage"}
    client.get(SEARCH_FR, every_type)  # warm the per-process caches (site, locales)
    client.get(SEARCH_FR, one_type)
    with django_assert_max_num_queries(15) as without_type:
        client.get(SEARCH_FR, every_type)
    with django_assert_max_num_queries(15) as with_type:
        response = client.get(SEARCH_FR, one_type)
    assert len(with_type.captured_queries) <= len(without_type.captured_queries)
    assert response.context["results"].paginator.count == 12
