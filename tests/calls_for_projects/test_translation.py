"""wagtail-localize: a French call translated into English keeps its
synchronised facts (type, dates, organisers, juries) and gets its own text;
the English index lists it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from calls_for_projects.models import CallForProjectsPage, CallsIndexPage

pytestmark = pytest.mark.django_db


def test_call_translated_to_english(client, fr, en, django_capture_on_commit_callbacks):
    index = CallsIndexPage.objects.get(locale=fr, slug="appels-a-projets")
    call = CallForProjectsPage.objects.child_of(index).get(slug="courts-circuits")
    call.deadline = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    call.save_revision().publish()

    source, _ = TranslationSource.update_or_create_from_instance(call)
    # The seed ships the call in English: the editor revises that translation.
    translation, _ = Translation.objects.get_or_create(source=source, target_locale=en)
    english_text = {
        "Courts-circuits": "Short circuits",
        "Mois de l'ESS": "Social economy month",
    }
    for segment in source.stringsegment_set.select_related("string"):
        english = english_text.get(segment.string.data)
        if english:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=en,
                context=segment.context,
                defaults={"data": english},
            )
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)

    english = call.get_translation(en).specific
    assert english.title == "Short circuits" and english.framework == "Social economy month"
    assert english.call_type == call.call_type and english.deadline == call.deadline
    assert english.editions_held == 3
    assert [o.actor_id for o in english.organisers.all()] == [
        o.actor_id for o in call.organisers.all()
    ]
    assert [j.award for j in english.juries.all()] == ["prix du jury", "prix du public"]
    assert client.get(english.url).status_code == 200
    listing = client.get(index.get_translation(en).url)
    assert "Short circuits" in listing.text
