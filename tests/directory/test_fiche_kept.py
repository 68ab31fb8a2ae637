"""A fiche's own content is kept as HTML per content version, page, site and
language (directory/models.py `fiche_fragment`): a publication shows at
once, a draft never reaches visitors, and a preview shows the draft."""

import pytest
from django.urls import reverse
from wagtail.models import Locale

from directory.models import ActorPage
from tests.html import texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(fr):
    return ActorPage.objects.get(locale=fr, slug="mef-mulhouse-sud-alsace")


def summary(response) -> list[str]:
    return texts(response, ".actor__summary")


def test_a_draft_is_previewed_and_a_publication_shows_at_once(client, admin_client, actor):
    live = summary(client.get(actor.url))
    assert summary(client.get(actor.url)) == live  # served from the kept HTML

    draft = actor.get_latest_revision_as_object()
    draft.summary = "Résumé du brouillon, pas encore publié."
    draft.save_revision()
    assert summary(client.get(actor.url)) == live
    preview = admin_client.get(reverse("wagtailadmin_pages:view_draft", args=[actor.pk]))
    assert preview.status_code == 200
    assert summary(preview) == ["Résumé du brouillon, pas encore publié."]
    assert summary(client.get(actor.url)) == live  # the preview kept nothing

    actor.get_latest_revision().publish()
    assert summary(client.get(actor.url)) == ["Résumé du brouillon, pas encore publié."]


def test_each_language_keeps_its_own_fiche(client, actor):
    english_page = actor.get_translation(Locale.objects.get(language_code="en"))
    for _ in range(2):  # computed, then kept
        french = client.get(actor.url).text
        english = client.get(english_page.url).text
        assert "Coordonnées" in french and "Coordonnées" not in english
        assert 'lang="en"' in english
