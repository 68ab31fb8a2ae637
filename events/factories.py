"""Test factories for the agenda."""

import factory
import wagtail_factories

from . import vocab
from .models import AgendaIndexPage, EventPage, EventSlot


class AgendaIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = AgendaIndexPage

    title = "Agenda"
    slug = "agenda"


class EventPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = EventPage

    title = factory.Sequence(lambda n: f"Événement {n}")
    event_type = vocab.EventType.FORUM
    summary = "Une rencontre des acteurs de l'économie sociale et solidaire."
    region = "44"


class EventSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventSlot

    event = factory.SubFactory(EventPageFactory)
