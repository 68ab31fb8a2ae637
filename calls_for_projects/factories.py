"""Test factories for the calls for projects."""

import factory
import wagtail_factories

from . import vocab
from .models import CallForProjectsPage, CallOrganiser, CallsIndexPage


class CallsIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CallsIndexPage

    title = "Appels à projets"
    slug = "appels-a-projets"


class CallForProjectsPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CallForProjectsPage

    title = factory.Sequence(lambda n: f"Appel {n}")
    call_type = vocab.AAP
    summary = "Un appel pour les initiatives de l'économie sociale et solidaire."
    region = "44"
    scope = vocab.REGIONAL


class CallOrganiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallOrganiser

    call = factory.SubFactory(CallForProjectsPageFactory)
    role = vocab.ORGANISER
    name = factory.Sequence(lambda n: f"Organisateur {n}")
