"""The hostile-input catalogue against every public URL pattern (issue 16).

The patterns come from the URL configuration itself, so a new route is
covered without a test of its own; the routes inside Wagtail pages (feeds,
exports, archives, a fiche's or an event's sub-pages) come from one live page
of each type of the seed content. Each is asked for with hostile values in
its path and query string, anonymously and as a partner, and must answer
without a server error (a clear 4xx, a redirect or the page with a notice).
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from tests.partners.helpers import make_actor, make_user

pytestmark = pytest.mark.django_db

# What a path segment may hold, by converter: the catalogue.
HOSTILE_SEGMENTS = {
    "int": ["0", "99999999999999999999", "2147483648"],
    "str": ["a%00b", "%01%1b", "x" * 300, "%3Cscript%3E"],
    "slug": ["a%00b", "x" * 300, "--"],
    "path": ["a%00b/", "../../etc/passwd"],
    "regex": ["99999999999999999999/x", "0/%00"],
}
HOSTILE_QUERIES = [
    "?page=%00",
    "?page=99999999999999999999",
    "?q=%00%01%1b",
    "?q=" + "é" * 2000,
    "?region=%00&theme=%01&organiser=%00&city=%00&year=0001&sort=%00",
    "?date_from=0001-01-01&date_to=9999-12-31&period=%00",
    "?date_from=2026-02-30&id=-1&type=<script>",
]
# Not public, or not ours: the admins, uploaded files served by Django in
# development only.
SKIPPED = re.compile(r"^(admin/|django-admin/|\^media/|media/)")
CONVERTER = re.compile(r"<(?:(\w+):)?\w+>")


def url_patterns(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, text)
        elif isinstance(pattern, URLPattern):
            yield text, pattern.name


def hostile_paths():
    """Every non-admin pattern with each hostile value in its segments."""
    paths = []
    for pattern, name in url_patterns():
        if SKIPPED.match(pattern) or name == "wagtail_serve":
            continue
        if pattern.startswith("^") or "(" in pattern:
            prefix = pattern.lstrip("^").split("(")[0]
            paths += ["/" + prefix + value for value in HOSTILE_SEGMENTS["regex"]]
            continue
        converters = [kind or "str" for kind in CONVERTER.findall(pattern)]
        if not converters:
            paths.append("/" + pattern)
            continue
        for kind in set(converters):
            for value in HOSTILE_SEGMENTS[kind]:
                paths.append("/" + CONVERTER.sub(value, pattern))
    return sorted(set(paths))


def page_paths():
    """One live page of each type, with the routes of a routable one."""
    paths = []
    seen = set()
    for page in Page.objects.live().exclude(depth=1).specific().order_by("depth", "path"):
        if type(page) in seen or not page.url:
            continue
        seen.add(type(page))
        paths.append(page.url)
        if isinstance(page, RoutablePageMixin):
            for route in page.get_resolver().url_patterns:
                converters = CONVERTER.findall(str(route.pattern))
                if not converters:
                    paths.append(page.url + str(route.pattern))
                for value in ("0", "0001", "99999999999999999999"):
                    paths.append(page.url + CONVERTER.sub(value, str(route.pattern)))
    return sorted(set(paths))


def assert_no_server_error(client, paths):
    client.raise_request_exception = False
    failures = []
    for path in paths:
        for query in ["", *HOSTILE_QUERIES]:
            response = client.get(path + query)
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {path}{query[:60]}")
    assert failures == []


def test_the_catalogue_covers_every_public_route():
    paths = hostile_paths()
    # A new route is covered without a test of its own: the patterns are
    # read from the URL configuration.
    for fragment in ("/proposer/suivi/a%00b/", "/espace-partenaires/propositions/9999"):
        assert any(fragment in path for path in paths), fragment


def test_every_public_url_pattern_survives_hostile_input_anonymously(client):
    assert_no_server_error(client, hostile_paths())


def test_every_partner_url_pattern_survives_hostile_input(client):
    actor = make_actor("Coopérative hostile")
    user = make_user("partenaire-hostile", partner_of=[actor])
    client.force_login(user)
    assert_no_server_error(client, [path for path in hostile_paths() if "espace" in path])


def test_every_page_type_and_its_routes_survive_hostile_input(client):
    paths = page_paths()
    assert any("/agenda/" in path for path in paths)
    assert_no_server_error(client, paths)
