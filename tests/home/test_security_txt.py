"""/.well-known/security.txt (RFC 9116) and the Permissions-Policy header
(issue 16, item 7)."""

import datetime as dt
import re

import pytest
from django.test import override_settings
from wagtail.models import Site

from home.models import SiteSettings

pytestmark = pytest.mark.django_db


def fields(response) -> dict:
    return dict(
        line.split(": ", 1) for line in response.content.decode().splitlines() if ": " in line
    )


@override_settings(SECURITY_CONTACT="securite@maison-ess.example.org")
def test_security_txt_names_the_contact_and_expires_within_a_year(client):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    found = fields(response)
    assert found["Contact"] == "mailto:securite@maison-ess.example.org"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", found["Expires"])
    expires = dt.datetime.strptime(found["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    days = (expires - dt.datetime.now(dt.UTC)).days
    assert 360 <= days <= 366
    assert found["Canonical"].endswith("/.well-known/security.txt")


@override_settings(SECURITY_CONTACT="")
def test_security_txt_falls_back_to_the_site_contact_and_else_does_not_exist(client):
    site = Site.objects.get(is_default_site=True)
    site_settings = SiteSettings.for_site(site)
    site_settings.contact_email = "contact@maison-ess.example.org"
    site_settings.save()
    found = fields(client.get("/.well-known/security.txt"))
    assert found["Contact"] == "mailto:contact@maison-ess.example.org"
    site_settings.contact_email = ""
    site_settings.save()
    assert client.get("/.well-known/security.txt").status_code == 404


@pytest.mark.parametrize("path", ["/fr/", "/fr/annuaire/", "/healthz", "/fr/proposer/structure/"])
def test_pages_refuse_the_browser_features_the_site_does_not_use(client, path):
    policy = client.get(path)["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in policy
