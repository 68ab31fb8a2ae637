"""Fixtures shared by the agenda's tests: an agenda index and a factory of
published events with their time slots."""

import pytest

from events import vocab
from events.models import AgendaIndexPage, EventOrganiser, EventPage, EventSlot


@pytest.fixture
def agenda(home_fr):
    """The French agenda (the seeded one, else a new one). A test module
    that wants its events alone overrides this fixture."""
    index = AgendaIndexPage.objects.child_of(home_fr).first()
    if index is None:
        index = AgendaIndexPage(title="Agenda", slug="agenda-test")
        home_fr.add_child(instance=index)
    return index


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
        for start_date, start_time, end_date, end_time in slots:
            event.slots.add(
                EventSlot(
                    start_date=start_date,
                    start_time=start_time,
                    end_date=end_date,
                    end_time=end_time,
                )
            )
        for organiser in organisers:
            event.organisers.add(EventOrganiser(**organiser))
        if themes:
            event.themes.add(*themes)
        agenda.add_child(instance=event)
        event.save_revision().publish()
        return EventPage.objects.get(pk=event.pk)

    return _make
