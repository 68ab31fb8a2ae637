"""The whole path on a real SMTP server (aiosmtpd on a loopback port), through
the site's queue and its worker: subscribe → confirm → a matching call is
published → the digest command → one email with that call and working
List-Unsubscribe headers → one-click unsubscribe → no more email."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client

from alerts.models import Alert
from calls_for_projects.models import CallForProjectsPage
from home.sites import configure_default_site
from tests.alerts.conftest import links_in, subscribe_url
from tests.mail_backends import run_worker

pytestmark = pytest.mark.django_db


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def a_day_passes(alert):
    """As if everything so far (the alert asked for, confirmed, last sent;
    the calls published) had happened a day earlier."""
    for call in CallForProjectsPage.objects.all():
        CallForProjectsPage.objects.filter(pk=call.pk).update(
            first_published_at=call.first_published_at - timedelta(days=1)
        )
    alert.refresh_from_db()
    for name in ("created_at", "confirmed_at", "last_sent_at"):
        if getattr(alert, name):
            setattr(alert, name, getattr(alert, name) - timedelta(days=1))
    alert.save()


def test_subscribe_confirm_digest_and_one_click_unsubscribe(
    client, smtp_server, calls_index, add_call
):
    configure_default_site()  # links on SITE_URL, as `manage.py configure_site` does
    # Subscribe from the listing's « Recevoir une alerte » link (Grand Est).
    listing = client.get(calls_index.url + "?region=44&sort=deadline&page=1")
    assert listing.status_code == 200
    url = subscribe_url("calls", calls_index.pk, "region=44")
    assert url in listing.content.decode().replace("&amp;", "&")

    response = client.post(url, {"email": "Lea@Example.org", "frequency": "quotidienne"})
    assert response.status_code == 302
    # Nothing left during the request: the confirmation waits in the queue.
    assert smtp_server.envelopes == []
    run_worker()
    (confirmation,) = smtp_server.messages
    assert confirmation["To"] == "lea@example.org"
    assert "Grand Est" in text_of(confirmation)
    confirm_link = next(link for link in links_in(text_of(confirmation)) if "/confirmer/" in link)

    # Unconfirmed: the digest sends nothing even when a call matches.
    alert = Alert.objects.get()
    a_day_passes(alert)
    add_call(calls_index, title="Appel publié avant confirmation", region="44")
    call_command("send_alert_digests", verbosity=0)
    run_worker()
    assert len(smtp_server.envelopes) == 1

    # The link shows a button (a mail scanner's GET confirms nothing), POST confirms.
    assert client.get(confirm_link).status_code == 200
    assert Alert.objects.get().confirmed_at is None
    assert client.post(confirm_link).status_code == 200
    alert = Alert.objects.get()
    assert alert.confirmed_at is not None

    a_day_passes(alert)
    add_call(calls_index, title="Fonds Grand Est pour les tiers-lieux", region="44")
    add_call(calls_index, title="Appel breton hors filtre", region="53")
    call_command("send_alert_digests", verbosity=0)
    run_worker()
    assert len(smtp_server.envelopes) == 2
    digest = smtp_server.messages[-1]
    assert digest["To"] == "lea@example.org"
    text, html = text_of(digest), html_of(digest)
    assert "Fonds Grand Est pour les tiers-lieux" in text and "Fonds Grand Est" in html
    assert "Appel breton hors filtre" not in text
    # Published before the confirmation: not new for this alert.
    assert "Appel publié avant confirmation" not in text
    assert "http://testserver/fr/appels-suivis/" in text
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header_url = str(digest["List-Unsubscribe"]).strip().removeprefix("<").removesuffix(">")
    assert header_url.startswith("http://testserver/fr/alertes/desinscription/")
    assert header_url in text

    # Nothing new since: a second run the same day sends nothing.
    call_command("send_alert_digests", verbosity=0)
    run_worker()
    assert len(smtp_server.envelopes) == 2

    # One click in the mail client: a POST without any CSRF token.
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        header_url,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Alert.objects.get().unsubscribed_at is not None

    a_day_passes(alert)
    add_call(calls_index, title="Encore un appel Grand Est", region="44")
    call_command("send_alert_digests", verbosity=0)
    run_worker()
    assert len(smtp_server.envelopes) == 2
