"""Absolute links carry the site's real address (issue 16, item 8): the
default Site takes SITE_URL's host and port (`manage.py configure_site`), and
emails, the sitemap, feeds, exports and JSON-LD are built on it — whatever
host the request that produced them came in on."""

import csv
import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from wagtail.models import Locale, Site

from calls_for_projects.models import CallsIndexPage
from directory.models import ActorPage, DirectoryIndexPage
from tests.partners.helpers import actor_payload, propose_url

pytestmark = pytest.mark.django_db

REAL = "https://ess.example.org"


@pytest.fixture
def real_address():
    with override_settings(SITE_URL=REAL):
        call_command("configure_site", stdout=io.StringIO())
        yield


def fr_page(model):
    return model.objects.live().get(locale=Locale.objects.get(language_code="fr"))


def test_configure_site_writes_host_and_port_and_is_idempotent():
    out = io.StringIO()
    with override_settings(SITE_URL="http://127.0.0.1:8123"):
        call_command("configure_site", stdout=out)
        call_command("configure_site", stdout=out)
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("127.0.0.1", 8123, "http://127.0.0.1:8123")
    assert out.getvalue().splitlines() == [
        "Site http://127.0.0.1:8123 (mis à jour)",
        "Site http://127.0.0.1:8123 (déjà à jour)",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://ess.example.org",
        "ess.example.org",
        "https://ess.example.org:8443",
        "https://x.org/ess",
    ],
)
def test_an_address_wagtail_cannot_write_is_refused_clearly(url):
    with override_settings(SITE_URL=url), pytest.raises(Exception, match="SITE_URL"):
        call_command("configure_site", stdout=io.StringIO())
    assert Site.objects.get(is_default_site=True).hostname != "ess.example.org"


def test_sitemap_uses_the_real_address(client, real_address):
    body = client.get("/sitemap.xml").content.decode()
    locs = re.findall(r"<loc>([^<]+)</loc>", body)
    assert locs and all(loc.startswith(f"{REAL}/") for loc in locs), locs[:3]


def test_feeds_use_the_real_address(client, real_address):
    index = fr_page(CallsIndexPage)
    body = client.get(f"{index.url}flux/rss/").content.decode()
    links = re.findall(r"<link>([^<]+)</link>", body)
    assert links and all(link.startswith(f"{REAL}/") for link in links), links[:3]


def test_exports_and_json_ld_use_the_real_address(client, real_address):
    index = fr_page(DirectoryIndexPage)
    response = client.get(index.url + index.reverse_subpage("export_csv"))
    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows and all(row["url"].startswith(f"{REAL}/") for row in rows)

    actor = ActorPage.objects.live().filter(locale__language_code="fr").first()
    page = client.get(actor.url).content.decode()
    assert f'"url": "{REAL}{actor.url}"' in page or f'"url":"{REAL}{actor.url}"' in page


def test_emails_use_the_real_address(client, real_address):
    mail.outbox.clear()
    response = client.post(propose_url(), actor_payload(title="Adresse Réelle Coop"))
    assert response.status_code == 302
    (message,) = [
        m for m in mail.outbox if "Adresse Réelle Coop" in m.body or "Adresse Réelle" in m.subject
    ]
    links = re.findall(r"https?://\S+", message.body)
    assert links and all(link.startswith(f"{REAL}/") for link in links), links
