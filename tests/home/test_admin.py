"""The admin editors work in: page forms with themes, the theme vocabulary."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.models import StandardPage, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("chef", "chef@example.org", "x")
    client.force_login(user)
    return client


def create_url(parent):
    return reverse("wagtailadmin_pages:add", args=("home", "standardpage", parent.pk))


def page_form(themes):
    return nested_form_data(
        {
            "title": "Les circuits courts à Sceaux",
            "slug": "circuits-courts-sceaux",
            "introduction": "Des producteurs locaux.",
            "body": streamfield([("paragraph", rich_text("<p>Marché solidaire.</p>"))]),
            "themes": themes,
        }
    )


def test_editor_creates_a_page_with_themes_from_the_vocabulary(admin_client, home_fr):
    response = admin_client.post(create_url(home_fr), page_form("Circuits courts, Emploi"))
    assert response.status_code == 302, response.context["form"].errors
    page = StandardPage.objects.get(locale__language_code="fr", slug="circuits-courts-sceaux")
    assert set(page.themes.values_list("slug", flat=True)) == {"circuits-courts", "emploi"}
    assert not page.live  # saved as a draft, to go through review


def test_editors_cannot_grow_the_vocabulary_from_a_page_form(admin_client, home_fr):
    themes_before = Theme.objects.count()
    response = admin_client.post(create_url(home_fr), page_form("Thème inventé, Emploi"))
    assert response.status_code == 302
    page = StandardPage.objects.get(locale__language_code="fr", slug="circuits-courts-sceaux")
    assert list(page.themes.values_list("slug", flat=True)) == ["emploi"]
    assert Theme.objects.count() == themes_before


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/snippets/home/theme/",
        "/admin/snippets/home/theme/?q=mobi",
        "/admin/workflows/list/",
    ],
)
def test_admin_screens_open(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_page_edit_form_opens(admin_client):
    page = StandardPage.objects.get(locale__language_code="fr", slug="sceaux-valley")
    assert admin_client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,))).status_code == 200
