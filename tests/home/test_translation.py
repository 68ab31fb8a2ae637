"""wagtail-localize: a French page translated into English keeps its
synchronised fields (themes) and gets its own translated text."""

import pytest
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from home.models import StandardPage, Theme

pytestmark = pytest.mark.django_db


def test_french_page_translated_to_english(
    client, home_fr, en, add_page, django_capture_on_commit_callbacks
):
    page = add_page(
        home_fr,
        StandardPage,
        title="Les tiers-lieux",
        introduction="Des lieux pour se rencontrer.",
    )
    page.themes.add(Theme.objects.get(slug="tiers-lieux-et-coworking"))
    page.save_revision().publish()

    source, _ = TranslationSource.get_or_create_from_instance(page)
    translation = Translation.objects.create(source=source, target_locale=en)
    for segment in source.stringsegment_set.select_related("string"):
        english = {
            "Les tiers-lieux": "Third places",
            "Des lieux pour se rencontrer.": "Places to meet.",
        }.get(segment.string.data)
        if english:
            StringTranslation.objects.create(
                translation_of=segment.string,
                locale=en,
                context=segment.context,
                data=english,
            )
    # wagtail-localize publishes once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)

    english_page = page.get_translation(en).specific
    assert english_page.title == "Third places"
    assert english_page.introduction == "Places to meet."
    assert list(english_page.themes.values_list("slug", flat=True)) == ["tiers-lieux-et-coworking"]
    response = client.get(english_page.url)
    assert response.status_code == 200
    assert "Places to meet." in response.text
