"""Fixtures shared by the agenda's tests: an agenda index and a factory of
published events with their time slots."""

import pytest
from django.utils import timezone

from events import vocab
from events.models import AgendaIndexPage, EventOrganiser, EventPage, EventSlot, paris


@pytest.fixture
def agenda(home_fr):
    """An agenda of its own: the seeded events never change what it lists.
    (Tests of the seeded agenda ask for it by its slug.)"""
    index = AgendaIndexPage(title="Agenda des tests", slug="agenda-des-tests")
    home_fr.add_child(instance=index)
    index.save_revision().publish()
    return AgendaIndexPage.objects.get(pk=index.pk)


@pytest.fixture
def today():
    """Today in Paris."""
    return timezone.localtime(timezone.now(), paris()).date()


@pytest.fixture
def clock(monkeypatch):
    """`clock(instant)`: the site's "now" from then on."""

    def _set(instant):
        monkeypatch.setattr(timezone, "now", lambda: instant)

    return _set


@pytest.fixture
def make_event(agenda):
    """`make_event(*slots, organisers=(), themes=(), **fields)`: a published
    event under `agenda`. Each slot is (start_date, start_time, end_date,
    end_time), Paris time, None where not given; each organiser a dict of
    `EventOrganiser` fields (actor= or name=, role=); themes are `Theme`s."""

    def _make(*slots, organisers=(), themes=(), **fields):
        fields.setdefault("title", "Forum")
        fields.setdefault("event_type", vocab.EventType.FORUM)
        event = EventPage(**fields)
        for position, (start_date, start_time, end_date, end_time) in enumerate(slots):
            event.slots.add(
                EventSlot(
                    sort_order=position,
                    start_date=start_date,
                    start_time=start_time,
                    end_date=end_date,
                    end_time=end_time,
                )
            )
        # Positions as the editor's inline panel gives them.
        for position, organiser in enumerate(organisers):
            event.organisers.add(EventOrganiser(sort_order=position, **organiser))
        if themes:
            event.themes.add(*themes)
        agenda.add_child(instance=event)
        event.save_revision().publish()
        return EventPage.objects.get(pk=event.pk)

    return _make


# --- Announcements (« petites annonces ») ----------------------------------------------

# The poster's private address in the announcements' tests: it must never
# appear in what the site shows.
PRIVATE_EMAIL = "auteur.prive@exemple-secret.test"


@pytest.fixture
def announcements_index(home_fr):
    """An announcements index of its own: the seeded announcements never
    change what it lists."""
    from events.announcements import AnnouncementIndexPage

    index = AnnouncementIndexPage(title="Annonces test", slug="annonces-test")
    home_fr.add_child(instance=index)
    index.save_revision().publish()
    return AnnouncementIndexPage.objects.get(pk=index.pk)


@pytest.fixture
def make_announcement(announcements_index):
    """`make_announcement(title, themes=(), **fields)`: a published
    announcement under `announcements_index` (an offer of premises, its
    private address PRIVATE_EMAIL, unless told otherwise); its territory is
    derived from its postcode as when an editor saves it."""
    from events.announcements import AnnouncementPage

    def _make(title="Bureau à partager", themes=(), **fields):
        fields.setdefault("kind", vocab.AnnouncementKind.OFFER)
        fields.setdefault("category", vocab.AnnouncementCategory.PREMISES)
        fields.setdefault("text", "Un bureau de 12 m² à partager, deux jours par semaine.")
        fields.setdefault("contact_email", PRIVATE_EMAIL)
        page = AnnouncementPage(title=title, **fields)
        if themes:
            page.themes.add(*themes)
        announcements_index.add_child(instance=page)
        page.save_revision().publish()
        return AnnouncementPage.objects.get(pk=page.pk)

    return _make
