"""The digests (alerts/digest.py): what is new for each alert, no empty
emails, due by frequency, never to unconfirmed or unsubscribed alerts,
in the subscriber's language, with bounded queries."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from alerts import digest
from alerts.models import Alert
from calls_for_projects.models import CallForProjectsPage

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def published(call, when):
    CallForProjectsPage.objects.filter(pk=call.pk).update(first_published_at=when)


def confirmed_alert(index, email="a@example.org", query="", since=None, **fields):
    since = since or NOW - timedelta(days=1)
    fields = {"language": "fr", "source": "calls", "frequency": "quotidienne", **fields}
    return Alert.objects.create(
        email=email,
        scope=index,
        query=query,
        created_at=since,
        confirmed_at=since,
        last_sent_at=since,
        **fields,
    )


def test_each_alert_gets_what_is_new_for_it_and_nothing_empty(calls_index, add_call):
    old = add_call(calls_index, title="Appel ancien", region="44")
    new_ge = add_call(calls_index, title="Appel Grand Est neuf", region="44")
    new_bzh = add_call(calls_index, title="Appel breton neuf", region="53")
    published(old, NOW - timedelta(days=3))
    published(new_ge, NOW - timedelta(hours=2))
    published(new_bzh, NOW - timedelta(hours=3))
    everything = confirmed_alert(calls_index, email="tout@example.org")
    grand_est = confirmed_alert(calls_index, email="ge@example.org", query="region=44")
    nothing = confirmed_alert(calls_index, email="rien@example.org", query="region=11")

    report = digest.run(now=NOW)
    assert (report.alerts, report.emails) == (3, 2)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"tout@example.org", "ge@example.org"}
    assert "Appel Grand Est neuf" in by_address["tout@example.org"].body
    assert "Appel breton neuf" in by_address["tout@example.org"].body
    assert "Appel ancien" not in by_address["tout@example.org"].body
    assert "Appel breton neuf" not in by_address["ge@example.org"].body
    assert "2 nouveautés" in by_address["tout@example.org"].subject
    # Every watermark moved, the empty one's too: a second run sends nothing.
    for alert in (everything, grand_est, nothing):
        alert.refresh_from_db()
        assert alert.last_sent_at == NOW
    mail.outbox.clear()
    assert digest.run(now=NOW + timedelta(hours=21)).emails == 0


def test_the_closed_or_unpublished_are_not_sent(calls_index, add_call):
    gone = add_call(calls_index, title="Appel dépublié", region="44")
    gone.unpublish()
    confirmed_alert(calls_index)
    assert digest.run(now=NOW).emails == 0


def test_unconfirmed_expired_and_unsubscribed_alerts_get_nothing(calls_index, add_call):
    add_call(calls_index, title="Appel pour personne", region="44")
    Alert.objects.create(
        email="attente@example.org", language="fr", source="calls", scope=calls_index,
        created_at=NOW - timedelta(days=2),
    )  # fmt: skip
    Alert.objects.create(
        email="expiree@example.org", language="fr", source="calls", scope=calls_index,
        created_at=NOW - timedelta(days=8),
    )  # fmt: skip
    confirmed_alert(calls_index, email="parti@example.org", unsubscribed_at=NOW)
    assert digest.run(now=NOW).emails == 0
    assert mail.outbox == []


def test_weekly_alerts_wait_for_their_week(calls_index, add_call):
    add_call(calls_index, title="Appel de la semaine", region="44")
    weekly = confirmed_alert(calls_index, frequency="hebdomadaire", since=NOW - timedelta(days=2))
    assert digest.run(now=NOW).alerts == 0
    weekly.refresh_from_db()
    assert weekly.last_sent_at == NOW - timedelta(days=2)
    assert digest.run(now=NOW + timedelta(days=5)).emails == 1
    assert "Appel de la semaine" in mail.outbox[0].body


def test_the_command_restricts_to_a_frequency(calls_index, add_call):
    add_call(calls_index, title="Appel du jour", region="44")
    confirmed_alert(calls_index, email="jour@example.org")
    confirmed_alert(calls_index, email="semaine@example.org", frequency="hebdomadaire",
                    since=NOW - timedelta(days=8))  # fmt: skip
    call_command("send_alert_digests", "--frequency", "weekly", verbosity=0)
    assert [message.to for message in mail.outbox] == [["semaine@example.org"]]
    call_command("send_alert_digests", verbosity=0)
    assert [message.to for message in mail.outbox][1:] == [["jour@example.org"]]


def test_a_digest_in_english_for_an_english_subscriber(calls_index, add_call, en):
    index_en = calls_index.copy_for_translation(en)
    index_en.save_revision().publish()
    call = add_call(index_en, title="English call", region="44")
    assert call.locale == en
    confirmed_alert(index_en, language="en")
    assert digest.run(now=timezone.now()).emails == 1
    (message,) = mail.outbox
    assert message.body.startswith("Hello,")
    assert "English call" in message.body and "/en/appels-suivis/english-call/" in message.body
    assert "/en/" in message.extra_headers["List-Unsubscribe"]


def test_at_most_20_items_then_a_link_to_the_listing(calls_index, add_call):
    for i in range(23):
        add_call(calls_index, title=f"Appel numéro {i:02d}", region="44")
    confirmed_alert(calls_index, query="region=44")
    digest.run(now=timezone.now())
    (message,) = mail.outbox
    assert message.body.count("* Appel numéro") == digest.MAX_ITEMS
    assert "Et 3 autres" in message.body
    assert "23 nouveautés" in message.subject


def test_a_listing_that_is_gone_sends_nothing(calls_index, add_call):
    add_call(calls_index, title="Appel", region="44")
    alert = confirmed_alert(calls_index, source="retiree")
    assert digest.run(now=NOW).emails == 0
    alert.refresh_from_db()
    assert alert.last_sent_at == NOW


def test_queries_stay_bounded_with_many_alerts_and_pages(
    calls_index, add_call, django_assert_max_num_queries, settings
):
    settings.EMAIL_BACKEND = "home.mail.QueuedEmailBackend"  # each email: a task row
    for i in range(30):
        add_call(calls_index, title=f"Appel {i}", region="44" if i % 2 else "53")
    queries = ["", "region=44", "region=53", "q=appel", "type=ami"]
    for i in range(25):
        confirmed_alert(calls_index, email=f"p{i}@example.org", query=queries[i % len(queries)])
    # Five listings (filters) and 25 alerts: one query for the due alerts,
    # at most 8 per listing (its savepoint, the selection, the items shown,
    # the watermarks, the text search of « q »), one insert per email queued
    # (51 today); nothing grows with the number of pages or of items shown.
    with django_assert_max_num_queries(1 + 5 * 8 + 20):
        report = digest.run(now=timezone.now())
    assert report.groups == 5 and report.emails == 20  # « type=ami »: none (AAP)
