"""The seed events (seeds 001 to 004) are present with their facts, and only
those: no day, time or place the seeds do not give; linked to the fiches,
networks, minutes and calls they relate to."""

import datetime as dt

import pytest
from wagtail.models import Revision

from calls_for_projects.models import CallForProjectsPage
from events import vocab
from events.models import AgendaIndexPage, EventPage
from events.seed import load_events
from home.seeding import SeedReport
from network_minutes.models import MeetingMinutesPage, NetworkPage

pytestmark = pytest.mark.django_db

SEED_EVENTS = {
    "forum-necessaire-2018",
    "forum-necessaire-2019",
    "courts-circuits-remise-des-prix-2018",
    "mois-de-less-2012-essonne",
    "2012-03-20-comite-partenarial-essonne",
    "2012-07-03-comite-partenarial-essonne",
    "2015-11-27-reseau-92-ess",
    "reseau-92-ess-prochaine-reunion-2016",
    "gsef-montreal-2016",
}


@pytest.fixture
def index(fr):
    return AgendaIndexPage.objects.get(locale=fr, slug="agenda")


def event(index, slug) -> EventPage:
    return EventPage.objects.child_of(index).get(slug=slug)


def organisers(page):
    return [(o.actor.slug if o.actor else o.name, o.role) for o in page.organisers.all()]


def slots(page):
    return [(s.start_date, s.start_time, s.end_date, s.end_time) for s in page.ordered_slots]


def test_index_pages_in_french_and_english(client, index, en):
    assert index.url == "/fr/agenda/" and index.live
    english = index.get_translation(en)
    assert english.slug == "agenda" and english.title == "Events"
    assert english.url == "/en/agenda/" and english.live


def test_every_seed_event_is_published_under_the_french_index(index):
    pages = EventPage.objects.child_of(index)
    assert set(pages.values_list("slug", flat=True)) == SEED_EVENTS
    assert all(page.live and not page.has_unpublished_changes for page in pages)


def test_forum_necessaire_2018(index):
    page = event(index, "forum-necessaire-2018")
    assert page.event_type == vocab.EventType.FORUM
    assert (page.series, page.edition, page.series_label) == (
        "Forum nécESSaire",
        "2018",
        "Forum nécESSaire 2018",
    )
    assert (page.city, page.departement, page.region) == ("Mulhouse", "68", "44")
    assert organisers(page) == [
        ("mef-mulhouse-sud-alsace", "organisateur"),
        ("mulhouse-alsace-agglomeration", "co-organisateur"),
        ("ville-de-mulhouse", "co-organisateur"),
        ("Caisse des dépôts", "soutien"),
        ("region-grand-est", "soutien"),
    ]
    for words in ("tables rondes", "ateliers thématiques", "espace dédié aux entrepreneurs"):
        assert words in page.description
    assert "Comment financer mon projet ?" in page.description
    # The fiche gives the year, not the day: no slot, never an invented date.
    assert slots(page) == [] and page.starts_at is None
    assert page.expected_year == 2018 and "2018" in page.dates_note
    assert page.time_status_at(dt.datetime(2026, 12, 6, tzinfo=dt.UTC)) == vocab.TimeStatus.PAST


def test_courts_circuits_prize_giving_is_linked_to_its_call(index):
    page = event(index, "courts-circuits-remise-des-prix-2018")
    assert page.event_type == vocab.EventType.AWARDS
    assert (page.series, page.edition) == ("Mois de l'ESS", "2018")
    assert [call.slug for call in page.related_calls.all()] == ["courts-circuits"]
    assert {slug for slug, _role in organisers(page)} == {
        "ville-de-mulhouse",
        "mulhouse-alsace-agglomeration",
        "mef-mulhouse-sud-alsace",
    }
    assert "prix du jury" in page.description and "prix du public" in page.description
    assert slots(page) == [] and page.city == "" and page.place_name == ""


def test_mois_de_less_2012_in_essonne(index):
    page = event(index, "mois-de-less-2012-essonne")
    assert (page.series, page.edition) == ("Mois de l'ESS", "2012")
    assert organisers(page) == [("essonne-active", "organisateur"), ("solicites", "organisateur")]
    assert slots(page) == [] and page.expected_year == 2012
    assert "novembre 2012" in page.dates_note
    assert page.departement == "91"


def test_essonne_committee_and_its_world_cafe(index):
    page = event(index, "2012-03-20-comite-partenarial-essonne")
    assert page.event_type == vocab.EventType.WORLD_CAFE
    # The minutes give the day, not the times: an all-day slot.
    assert slots(page) == [(dt.date(2012, 3, 20), None, None, None)]
    assert organisers(page) == [("conseil-general-de-lessonne", "organisateur")]
    assert page.network.slug == "comite-partenarial-ess-essonne"
    assert page.minutes.slug == "2012-03-20-comite-partenarial"
    assert page.place_name == "" and page.city == ""
    assert "18 partenaires" in page.description and "62 enjeux" in page.description


def test_next_essonne_committee_on_3_july_2012_from_9_30_to_noon(index):
    page = event(index, "2012-07-03-comite-partenarial-essonne")
    assert page.event_type == vocab.EventType.NETWORK_MEETING
    assert slots(page) == [(dt.date(2012, 7, 3), dt.time(9, 30), None, dt.time(12, 0))]
    # 9:30 in Paris in summer is 7:30 UTC.
    assert page.starts_at == dt.datetime(2012, 7, 3, 7, 30, tzinfo=dt.UTC)
    assert page.ends_at == dt.datetime(2012, 7, 3, 10, 0, tzinfo=dt.UTC)
    assert page.network.slug == "comite-partenarial-ess-essonne"
    assert page.minutes is None  # no minutes of that committee are known


def test_reseau_92_meeting_and_its_announced_next_one(index):
    held = event(index, "2015-11-27-reseau-92-ess")
    assert held.event_type == vocab.EventType.NETWORK_MEETING
    assert slots(held) == [(dt.date(2015, 11, 27), None, None, None)]
    assert held.place_name == "Conseil départemental des Hauts-de-Seine"
    assert organisers(held) == [
        ("amd-92", "organisateur"),
        ("conseil-departemental-des-hauts-de-seine", "partenaire"),
    ]
    assert held.network.slug == "reseau-92-ess"
    assert held.minutes.slug == "2015-11-27-premiere-reunion"

    following = event(index, "reseau-92-ess-prochaine-reunion-2016")
    assert following.network.slug == "reseau-92-ess" and following.minutes is None
    # « probablement durant le premier trimestre 2016 »: no slot, the year only.
    assert slots(following) == [] and following.expected_year == 2016
    assert "premier trimestre 2016" in following.dates_note


def test_gsef_montreal_2016_has_no_invented_date(index):
    page = event(index, "gsef-montreal-2016")
    assert page.event_type == vocab.EventType.FORUM
    assert (page.city, page.country, page.region) == ("Montréal", "Canada", "")
    assert slots(page) == [] and page.expected_year == 2016
    assert "UP Sceaux" in page.summary


def test_linked_pages_are_the_seeded_ones(index):
    """The links point at pages of the same locale, seeded by the other apps."""
    for page in EventPage.objects.child_of(index):
        if page.network_id:
            assert NetworkPage.objects.get(pk=page.network_id).locale_id == index.locale_id
        if page.minutes_id:
            minutes = MeetingMinutesPage.objects.get(pk=page.minutes_id)
            assert minutes.get_parent().pk == page.network_id
        for call in page.related_calls.all():
            assert CallForProjectsPage.objects.get(pk=call.pk).locale_id == index.locale_id


@pytest.mark.parametrize("update", [False, True])
def test_second_load_creates_nothing(index, update):
    pages, revisions = EventPage.objects.count(), Revision.objects.count()
    report = SeedReport(update=update)
    load_events(report)
    assert report.created == 0 and report.updated == 0
    assert EventPage.objects.count() == pages and Revision.objects.count() == revisions


def test_update_brings_an_edited_event_back_through_a_new_revision(index):
    page = event(index, "2012-07-03-comite-partenarial-essonne")
    slot = page.slots.all()[0]
    slot.end_time = dt.time(13, 0)
    page.slots = [slot]
    page.organisers = []
    page.save_revision().publish()
    page = event(index, page.slug)
    assert slots(page)[0][3] == dt.time(13, 0) and organisers(page) == []
    revisions = page.revisions.count()

    load_events(SeedReport())  # without --update, the editors' change stays
    assert slots(event(index, page.slug))[0][3] == dt.time(13, 0)

    report = SeedReport(update=True)
    load_events(report)
    page = event(index, page.slug)
    assert report.updated == 1
    assert slots(page) == [(dt.date(2012, 7, 3), dt.time(9, 30), None, dt.time(12, 0))]
    assert organisers(page) == [("conseil-general-de-lessonne", "organisateur")]
    assert page.revisions.count() == revisions + 1
