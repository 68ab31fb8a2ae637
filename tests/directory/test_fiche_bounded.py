"""A fiche's related sections are bounded (issue 17): an actor named by 300
calls or conventions costs the same queries as one named by 3, shows the
first ten, and links to the listing filtered on it, where the others are."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls_for_projects.bench import create_calls, ensure_calls_index
from calls_for_projects.models import CallOrganiser
from conventions.bench import create_conventions, ensure_index
from conventions.models import ConventionPage, ConventionPartner
from directory.models import ActorPage, DirectoryIndexPage
from home.cache import CONTENT
from home.registry import SECTION_LIMIT
from tests.html import soup as parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(fr, publish):
    index = DirectoryIndexPage.objects.get(locale=fr)
    page = ActorPage(title="Région Zéphyr", slug="region-zephyr", kind="conseil-regional")
    index.add_child(instance=page)
    return publish(page)


def name_in_calls(actor, n):
    calls = create_calls(ensure_calls_index(), n, random.Random(n))
    CallOrganiser.objects.bulk_create(
        CallOrganiser(call=call, actor=actor, role="organisateur", sort_order=0) for call in calls
    )
    CONTENT.bump()  # bulk_create sends no signal; a publication renews the content's version
    return calls


def name_in_conventions(actor, n):
    create_conventions(ensure_index(), n, random.Random(10_000 + n))
    conventions = list(ConventionPage.objects.order_by("-pk")[:n])
    # The generator picks random fiches, this one maybe: make it a partner
    # of each, never the signing authority, so the link is predictable.
    ConventionPage.objects.filter(pk__in=[c.pk for c in conventions], authority=actor).update(
        authority=None
    )
    ConventionPartner.objects.bulk_create(
        (
            ConventionPartner(convention=convention, actor=actor, sort_order=99)
            for convention in conventions
        ),
        ignore_conflicts=True,
    )
    CONTENT.bump()  # as a publication does
    return conventions


def fiche_queries(client, actor) -> tuple[int, str]:
    client.get(actor.url)  # warm the versioned caches, as a running site has them
    with CaptureQueriesContext(connection) as queries:
        response = client.get(actor.url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_fiche_queries_do_not_grow_with_related_items(client, actor):
    name_in_calls(actor, 3)
    name_in_conventions(actor, 3)
    few, html = fiche_queries(client, actor)
    assert "section-more" not in html

    name_in_calls(actor, 297)
    name_in_conventions(actor, 297)
    many, html = fiche_queries(client, actor)
    # The link to the listing filtered on the actor costs at most its index,
    # cached after the first request.
    assert many <= few + 2, (few, many)

    doc = parse(html)
    assert len(doc.select("section.actor-calls li.actor-calls__item")) == SECTION_LIMIT
    assert len(doc.select("section.actor-conventions li.actor-conventions__item")) == SECTION_LIMIT
    assert len(doc.select(".section-more")) == 2


def test_more_link_leads_to_the_listing_filtered_on_the_actor(client, actor):
    name_in_calls(actor, SECTION_LIMIT + 5)
    name_in_conventions(actor, SECTION_LIMIT + 5)
    doc = parse(client.get(actor.url).content.decode())

    calls_link = doc.select_one("section.actor-calls .section-more a")["href"]
    assert calls_link.endswith(f"?organiser={actor.slug}&status=tous")
    listing = client.get(calls_link)
    assert listing.status_code == 200
    assert listing.context["results"].paginator.count == SECTION_LIMIT + 5

    conventions_link = doc.select_one("section.actor-conventions .section-more a")["href"]
    assert conventions_link.endswith(f"?partner={actor.slug}")
    listing = client.get(conventions_link)
    assert listing.status_code == 200
    assert listing.context["results"].paginator.count == SECTION_LIMIT + 5
