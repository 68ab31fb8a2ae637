"""Test and benchmark factories for the home app."""

import factory
import wagtail_factories
from django.utils.text import slugify

from home.models import HomePage, StandardPage, Theme


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Thème {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    name_en = factory.LazyAttribute(lambda o: f"{o.name} (en)")


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "Accueil"


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StandardPage

    title = factory.Sequence(lambda n: f"Page {n}")
    introduction = "Une page de présentation."
