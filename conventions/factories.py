"""Test and benchmark factories for the conventions."""

import factory
import wagtail_factories

from conventions.models import ConventionIndexPage, ConventionPage, ConventionPartner


class ConventionIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ConventionIndexPage

    title = "Conventions"
    slug = "conventions"


class ConventionPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ConventionPage

    title = factory.Sequence(lambda n: f"Convention {n}")
    subject = factory.Sequence(lambda n: f"Approbation de la convention {n}")
    deciding_body = "conseil-municipal"


class ConventionPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConventionPartner

    convention = factory.SubFactory(ConventionPageFactory)
    description = ""
