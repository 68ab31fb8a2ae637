"""The site's icon: `/favicon.ico` answers (browsers ask for it on every
visit, whatever the page says), and every page names its icons."""

import io

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from tests.html import soup

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_a_real_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/vnd.microsoft.icon", "image/x-icon")
    # Cached by browsers and proxies, not asked for on every page.
    assert "max-age=" in response["Cache-Control"] and "public" in response["Cache-Control"]
    icon = Image.open(io.BytesIO(response.content))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32)} <= set(icon.info["sizes"])
    # The site's colours, not an empty square: the dark green of the logo.
    pixels = icon.convert("RGBA").getcolors(maxcolors=100_000)
    assert any(
        alpha == 255 and abs(red - 0x0B) < 8 and abs(green - 0x5A) < 8 and abs(blue - 0x4E) < 8
        for _count, (red, green, blue, alpha) in pixels
    )


def test_favicon_answers_head_requests_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.head("/favicon.ico")
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/fr/", "/en/", "/fr/recherche/", "/fr/une-page-absente/"])
def test_every_page_names_the_ico_and_the_svg_icons(client, path):
    response = client.get(path)
    icons = {link["href"]: link for link in soup(response).select('link[rel="icon"]')}
    assert "/favicon.ico" in icons
    svg = next(href for href, link in icons.items() if link.get("type") == "image/svg+xml")
    assert svg.endswith("img/favicon.svg")
    assert finders.find("img/favicon.svg")
    assert client.get(svg).status_code == 200
