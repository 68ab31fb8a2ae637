"""Test and benchmark factories for the network minutes."""

import datetime

import factory
import wagtail_factories

from network_minutes.models import (
    ActionItem,
    MeetingMinutesPage,
    NetworkPage,
    NetworksIndexPage,
    Participant,
)


class NetworksIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = NetworksIndexPage

    title = "Réseaux"
    slug = "reseaux"


class NetworkPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = NetworkPage

    title = factory.Sequence(lambda n: f"Réseau {n}")
    introduction = "Un réseau d'élus."


class MeetingMinutesPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = MeetingMinutesPage

    title = factory.Sequence(lambda n: f"Réunion {n}")
    date = datetime.date(2020, 1, 15)
    summary = "Compte rendu de réunion."


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    page = factory.SubFactory(MeetingMinutesPageFactory)
    name = factory.Sequence(lambda n: f"Participant {n}")
    function = "Élu"


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    page = factory.SubFactory(MeetingMinutesPageFactory)
    description = factory.Sequence(lambda n: f"Action {n}")
