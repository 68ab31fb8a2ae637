"""The public pages: the link on every listing, the subscribe form and its
bad input, the limits, confirmation links (expired, forged, replayed), the
unsubscribe page and the manage page."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from alerts import subscriptions
from alerts.models import MAX_ALERTS_PER_ADDRESS, Alert
from alerts.services import confirm_url, manage_url, unsubscribe_url
from calls_for_projects.models import CallsIndexPage
from conventions.models import ConventionIndexPage
from directory.models import DirectoryIndexPage
from events.announcements import AnnouncementIndexPage
from events.models import AgendaIndexPage
from network_minutes.models import NetworkPage
from tests.alerts.conftest import links_in, subscribe_url

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return url.removeprefix("http://testserver")


def make_alert(index, email="a@example.org", **fields):
    fields = {"language": "fr", "source": "calls", "query": "", **fields}
    return Alert.objects.create(email=email, scope=index, **fields)


@pytest.mark.parametrize(
    "model, source",
    [
        (CallsIndexPage, "calls"),
        (DirectoryIndexPage, "directory"),
        (AgendaIndexPage, "events"),
        (AnnouncementIndexPage, "announcements"),
        (ConventionIndexPage, "conventions"),
        (NetworkPage, "minutes"),
    ],
)
def test_every_listing_offers_an_alert_with_its_filters(client, fr, model, source):
    page = model.objects.live().filter(locale=fr).first()
    assert page is not None, f"the seed has no {model.__name__}"
    response = client.get(page.url + "?q=solidaire&page=1")
    assert response.status_code == 200
    html = response.content.decode()
    link = subscribe_url(source, page.pk, "q=solidaire")
    assert f'href="{link}"' in html
    # The link leads to the form, which shows the filter it will follow.
    form = client.get(link)
    assert form.status_code == 200
    assert "solidaire" in form.content.decode()


def test_the_form_shows_the_filters_and_keeps_only_the_listing_s_normalised_query(
    client, calls_index
):
    url = subscribe_url("calls", calls_index.pk, "sort=deadline&region=44&page=3&type=ami")
    page = client.get(url).content.decode()
    assert "Grand Est" in page and "Territoire" in page
    response = client.post(url, {"email": "x@example.org", "frequency": "hebdomadaire"})
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert alert.query == "type=ami&region=44"
    assert "Grand Est" in alert.summary
    assert alert.frequency == "hebdomadaire" and alert.language == "fr"
    assert alert.confirmed_at is None
    (message,) = mail.outbox
    assert message.to == ["x@example.org"]
    assert message.alternatives[0][1] == "text/html"


@pytest.mark.parametrize(
    "email", ["", "pas-une-adresse", "a@b", "x" * 300 + "@example.org", "a@exa\x00mple.org"]
)
def test_an_invalid_email_is_refused_with_a_message_tied_to_the_field(client, calls_index, email):
    response = client.post(
        subscribe_url("calls", calls_index.pk), {"email": email, "frequency": "quotidienne"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and "id_email_error" in html
    assert not Alert.objects.exists() and mail.outbox == []


def test_an_unknown_frequency_is_refused(client, calls_index):
    response = client.post(
        subscribe_url("calls", calls_index.pk), {"email": "a@example.org", "frequency": "horaire"}
    )
    assert response.status_code == 400
    assert "Choisissez une fréquence proposée" in response.content.decode()
    assert not Alert.objects.exists()


def test_a_10000_character_query_gets_a_clear_answer(client, calls_index):
    url = subscribe_url("calls", calls_index.pk, "q=" + "a" * 10_000)
    for response in (client.get(url), client.post(url, {"email": "a@example.org"})):
        assert response.status_code == 400
        assert "trop longs" in response.content.decode()
    assert not Alert.objects.exists()


def test_invalid_filters_are_named_and_nothing_is_saved(client, calls_index):
    url = subscribe_url("calls", calls_index.pk, "region=zz&type=ami")
    response = client.post(url, {"email": "a@example.org", "frequency": "quotidienne"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "ne sont pas valides" in html and "zz" in html
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    "source, page_id",
    [("nope", None), ("directory", None), ("calls", 999_999_999), ("calls", 2**40)],
)
def test_an_unknown_listing_or_page_is_a_clear_404(client, calls_index, source, page_id):
    # "directory" with the calls index's id: a page of another listing.
    response = client.get(f"/fr/alertes/suivre/{source}/{page_id or calls_index.pk}/")
    assert response.status_code == 404
    assert "n'existe pas" in response.content.decode()


def test_the_honeypot_saves_nothing_but_answers_the_same(client, calls_index):
    response = client.post(
        subscribe_url("calls", calls_index.pk),
        {"email": "a@example.org", "frequency": "quotidienne", "fax_number": "0102030405"},
    )
    assert response.status_code == 302 and response.url == reverse("alerts:check_inbox")
    assert not Alert.objects.exists() and mail.outbox == []


def test_at_most_20_alerts_per_address(client, calls_index):
    for i in range(MAX_ALERTS_PER_ADDRESS):
        make_alert(calls_index, query=f"q=mot{i}", email="plein@example.org")
    response = client.post(
        subscribe_url("calls", calls_index.pk, "region=44"),
        {"email": "Plein@example.org", "frequency": "quotidienne"},
    )
    assert response.status_code == 400
    assert "déjà 20 alertes" in response.content.decode()
    assert Alert.objects.count() == MAX_ALERTS_PER_ADDRESS
    # Unsubscribed and expired ones no longer count.
    Alert.objects.filter(query="q=mot0").update(unsubscribed_at=timezone.now())
    response = client.post(
        subscribe_url("calls", calls_index.pk, "region=44"),
        {"email": "plein@example.org", "frequency": "quotidienne"},
    )
    assert response.status_code == 302


def test_asking_twice_for_the_same_alert_makes_one(client, calls_index):
    url = subscribe_url("calls", calls_index.pk, "region=44")
    client.post(url, {"email": "a@example.org", "frequency": "quotidienne"})
    client.post(url, {"email": "A@example.org", "frequency": "hebdomadaire"})
    alert = Alert.objects.get()
    assert alert.frequency == "hebdomadaire"
    assert len(mail.outbox) == 2  # the confirmation, sent again


@override_settings(PARTNERS_RATE_LIMIT=2)
def test_posts_are_limited_per_ip(client, calls_index):
    url = subscribe_url("calls", calls_index.pk)
    statuses = [
        client.post(url, {"email": f"p{i}@example.org", "frequency": "quotidienne"}).status_code
        for i in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert Alert.objects.count() == 2


def test_emails_to_one_address_are_limited(client, calls_index):
    for i in range(5):
        url = subscribe_url("calls", calls_index.pk, f"q=mot{i}")
        response = client.post(
            url,
            {"email": "cible@example.org", "frequency": "quotidienne"},
            REMOTE_ADDR=f"10.0.0.{i}",
        )
        assert response.status_code == 302
    response = client.post(
        subscribe_url("calls", calls_index.pk, "q=sixieme"),
        {"email": "cible@example.org", "frequency": "quotidienne"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert response.status_code == 400
    assert "réessayez plus tard" in response.content.decode()
    assert len(mail.outbox) == 5


# --- Confirmation ----------------------------------------------------------------


def test_confirmation_is_one_use_and_a_replay_changes_nothing(client, calls_index):
    alert = make_alert(calls_index)
    url = path_of(confirm_url(alert))
    assert client.post(url).status_code == 200
    alert.refresh_from_db()
    first = alert.confirmed_at
    assert first is not None and alert.last_sent_at == first
    replay = client.post(url)
    assert replay.status_code == 200
    assert "déjà confirmée" in replay.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at == first


def test_a_confirmation_link_expires_after_7_days(client, calls_index):
    alert = make_alert(calls_index, created_at=timezone.now() - timedelta(days=8))
    url = path_of(confirm_url(alert))
    response = client.post(url)
    assert response.status_code == 400
    assert "expiré" in response.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is None


def test_an_old_signature_is_refused_even_for_a_fresh_alert(client, calls_index, monkeypatch):
    alert = make_alert(calls_index)
    eight_days_ago = timezone.now().timestamp() - 8 * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: eight_days_ago)
    url = path_of(confirm_url(alert))
    monkeypatch.undo()
    assert client.post(url).status_code == 400
    alert.refresh_from_db()
    assert alert.confirmed_at is None


def test_an_unsubscribed_alert_cannot_be_confirmed_again(client, calls_index):
    alert = make_alert(calls_index, unsubscribed_at=timezone.now())
    assert client.post(path_of(confirm_url(alert))).status_code == 400
    alert.refresh_from_db()
    assert alert.confirmed_at is None


@pytest.mark.parametrize(
    "name, forge",
    [
        ("confirm", lambda alert: alert.token),
        ("confirm", lambda alert: subscriptions.sign("unsubscribe", alert.token)),
        ("confirm", lambda alert: subscriptions.sign("confirm", alert.token)[:-2] + "xx"),
        ("unsubscribe", lambda alert: subscriptions.sign("confirm", alert.token)),
        ("unsubscribe", lambda alert: "x" * 5000),
        ("manage", lambda alert: subscriptions.sign("unsubscribe", alert.token)),
        ("manage", lambda alert: "a:b:c"),
    ],
)
def test_forged_links_are_refused(client, calls_index, name, forge):
    alert = make_alert(calls_index)
    url = reverse(f"alerts:{name}", args=[forge(alert)])
    assert client.get(url).status_code == 400
    assert client.post(url).status_code == 400
    alert.refresh_from_db()
    assert alert.confirmed_at is None and alert.unsubscribed_at is None


# --- Unsubscribe ---------------------------------------------------------------


def test_unsubscribe_get_shows_a_button_and_post_unsubscribes(client, calls_index):
    alert = make_alert(calls_index, confirmed_at=timezone.now())
    url = path_of(unsubscribe_url(alert))
    page = client.get(url)
    assert page.status_code == 200 and "Ne plus recevoir cette alerte" in page.content.decode()
    alert.refresh_from_db()
    assert alert.unsubscribed_at is None
    assert client.post(url).status_code == 200
    alert.refresh_from_db()
    assert alert.unsubscribed_at is not None


# --- Manage page ---------------------------------------------------------------


def test_the_manage_form_answers_the_same_whether_or_not_alerts_exist(client, calls_index):
    make_alert(calls_index, email="connue@example.org", confirmed_at=timezone.now())
    url = reverse("alerts:manage_request")
    known = client.post(url, {"email": "connue@example.org"})
    unknown = client.post(url, {"email": "inconnue@example.org"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda response: response.content.decode().replace("csrfmiddlewaretoken", "")  # noqa: E731
    assert "Si des alertes sont enregistrées" in strip(known)
    assert strip(known).split("<main")[1][:2000] == strip(unknown).split("<main")[1][:2000]
    (message,) = mail.outbox
    assert message.to == ["connue@example.org"]


def test_the_manage_page_lists_an_address_s_alerts_and_deletes_one(client, calls_index):
    mine = make_alert(calls_index, email="moi@example.org", confirmed_at=timezone.now())
    other = make_alert(
        calls_index, email="moi@example.org", query="region=44", summary="Territoire : Grand Est"
    )
    stranger = make_alert(calls_index, email="autre@example.org", summary="Secret de l'autre")
    client.post(reverse("alerts:manage_request"), {"email": "moi@example.org"})
    link = next(u for u in links_in(mail.outbox[0].body) if "/gerer/" in u)
    page = client.get(path_of(link)).content.decode()
    assert "Grand Est" in page and "Secret de l'autre" not in page
    assert page.count('name="delete"') == 2
    # Another address's alert cannot be deleted from this page.
    client.post(path_of(link), {"delete": str(stranger.pk)})
    stranger.refresh_from_db()
    assert stranger.unsubscribed_at is None
    response = client.post(path_of(link), {"delete": str(other.pk)})
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.unsubscribed_at is not None
    assert response.content.decode().count('name="delete"') == 1
    assert client.post(path_of(link), {"delete": "abc"}).status_code == 200
    mine.refresh_from_db()
    assert mine.unsubscribed_at is None


def test_a_manage_link_expires(client, calls_index, monkeypatch):
    alert = make_alert(calls_index, confirmed_at=timezone.now())
    three_days_ago = timezone.now().timestamp() - 3 * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: three_days_ago)
    url = path_of(manage_url(alert))
    monkeypatch.undo()
    assert client.get(url).status_code == 400


def test_english_pages_and_emails(client, calls_index, en):
    index_en = calls_index.copy_for_translation(en)
    index_en.save_revision().publish()
    with translation.override("en"):
        url = subscribe_url("calls", index_en.pk)
    assert url.startswith("/en/alerts/")
    response = client.post(
        url,
        {"email": "en@example.org", "frequency": "quotidienne"},
    )
    assert response.status_code == 302
    alert = Alert.objects.get()
    assert alert.language == "en"
    assert "/en/" in mail.outbox[0].body
