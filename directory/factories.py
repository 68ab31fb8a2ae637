"""Test and benchmark factories for the directory."""

import factory
import wagtail_factories
from django.utils.text import slugify

from directory.models import ActorContact, ActorPage, DirectoryIndexPage, Network


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Réseau {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class DirectoryIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = DirectoryIndexPage

    title = "Annuaire"
    slug = "annuaire"


class ActorPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ActorPage

    title = factory.Sequence(lambda n: f"Acteur {n}")
    kind = "association"
    city = "Mulhouse"
    postcode = "68100"
    departement = "68"
    region = "44"


class ActorContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActorContact

    actor = factory.SubFactory(ActorPageFactory)
    role = ActorContact.OFFICER
    name = factory.Sequence(lambda n: f"Agent {n}")
