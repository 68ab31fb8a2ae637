"""The directory in the admin: the actors' listing and its filters, the
networks, and the CSV import (upload, dry-run report, confirmation)."""

import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Revision

from directory.admin_views import MAX_UPLOAD_BYTES, SESSION_KEY
from directory.models import ActorPage, DirectoryIndexPage
from home.roles import EDITORS

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/annuaire/import/"
LISTING_URL = "/admin/directory_actors/"


@pytest.fixture
def index(home_fr, add_page):
    slug = f"annuaire-admin-{uuid.uuid4().hex[:8]}"
    return add_page(home_fr, DirectoryIndexPage, title="Annuaire de l'admin", slug=slug)


@pytest.fixture
def actors(index, add_page):
    return {
        "mulhouse": add_page(
            index,
            ActorPage,
            title="Mulhouse Zèbre Agglomération",
            slug="mulhouse-zebre",
            kind="communaute-d-agglomeration",
            region="44",
            departement="68",
        ),
        "scop": add_page(
            index,
            ActorPage,
            title="Coopérative Girafe",
            slug="cooperative-girafe",
            kind="scop",
            region="11",
            departement="92",
            is_draft_fiche=True,
        ),
    }


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("chef-annuaire", "chef@example.org", "x")
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_user("redactrice", "r@example.org", "x")
    user.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(user)
    client.user = user
    return client


def upload(content: bytes, name="acteurs.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


GOOD = csv_bytes(
    "slug,title,kind,city,postcode",
    "atelier-loutre,Atelier Loutre,association,Sceaux,92330",
    "comptoir-castor,Comptoir Castor,scic,Évry-Courcouronnes,91000",
)
ONE_BAD = csv_bytes(
    "slug,title,kind,siret",
    "atelier-loutre,Atelier Loutre,association,",
    "comptoir-castor,Comptoir Castor,scic,44306184100048",
)


# --- Listing -----------------------------------------------------------------


def test_actor_listing_opens(admin_client, actors):
    response = admin_client.get(LISTING_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Mulhouse Zèbre Agglomération" in content
    assert "Coopérative Girafe" in content
    assert reverse("directory_import_actors") in content  # the import button


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("kind=scop", "Coopérative Girafe", "Mulhouse Zèbre"),
        ("kind=collectivites", "Mulhouse Zèbre", "Coopérative Girafe"),
        ("region=44", "Mulhouse Zèbre", "Coopérative Girafe"),
        ("is_draft_fiche=true", "Coopérative Girafe", "Mulhouse Zèbre"),
        ("is_draft_fiche=false&region=44", "Mulhouse Zèbre", "Coopérative Girafe"),
        ("q=girafe", "Coopérative Girafe", "Mulhouse Zèbre"),
        ("q=zèbre&kind=communaute-d-agglomeration", "Mulhouse Zèbre", "Coopérative Girafe"),
    ],
)
def test_actor_listing_filters_and_search(admin_client, actors, query, shown, hidden):
    for url in (LISTING_URL, LISTING_URL + "results/"):
        response = admin_client.get(f"{url}?{query}")
        assert response.status_code == 200
        content = response.content.decode()
        assert shown in content
        assert hidden not in content


def test_actor_listing_ignores_bad_filter_values(admin_client, actors):
    response = admin_client.get(LISTING_URL + "?kind=inconnu&region=999&is_draft_fiche=peut-etre")
    assert response.status_code == 200


def test_networks_snippets_open(admin_client):
    for url in ("/admin/snippets/directory/network/", "/admin/snippets/directory/network/?q=res"):
        assert admin_client.get(url).status_code == 200


# --- Import ----------------------------------------------------------------------


def preview(client, index, content=GOOD, name="acteurs.csv"):
    return client.post(
        IMPORT_URL, {"index_page": index.pk, "file": upload(content, name), "action": "preview"}
    )


def confirm(client, action="confirm"):
    token = client.session[SESSION_KEY]["token"]
    return client.post(IMPORT_URL, {"token": token, "action": action})


def titles(index):
    return set(ActorPage.objects.child_of(index).values_list("title", flat=True))


def test_import_form_opens(admin_client, index):
    response = admin_client.get(IMPORT_URL)
    assert response.status_code == 200
    assert "Fichier CSV" in response.content.decode()


def test_upload_shows_the_dry_run_report_then_confirm_creates_drafts(admin_client, index):
    revisions = Revision.objects.count()
    response = preview(admin_client, index)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Essai à blanc" in content
    assert "Atelier Loutre" in content and "création" in content
    assert titles(index) == set()  # nothing yet
    assert Revision.objects.count() == revisions

    response = confirm(admin_client)
    assert response.status_code == 200
    assert "créée en brouillon" in response.content.decode()
    assert titles(index) == {"Atelier Loutre", "Comptoir Castor"}
    for page in ActorPage.objects.child_of(index):
        assert not page.live
        assert page.latest_revision is not None
        assert page.workflow_in_progress  # submitted for review, not published
    assert SESSION_KEY not in admin_client.session

    # Confirming twice does nothing more.
    response = admin_client.post(IMPORT_URL, {"token": "ancien", "action": "confirm"})
    assert response.status_code == 302
    assert len(titles(index)) == 2


def test_a_file_with_a_bad_row_reports_it_and_changes_nothing(admin_client, index):
    response = preview(admin_client, index, ONE_BAD)
    content = response.content.decode()
    assert response.status_code == 200
    assert "clé de contrôle incorrecte" in content
    assert "<td>3</td><td>siret</td>" in content
    assert 'value="confirm_valid_rows"' in content
    assert 'value="confirm"' not in content

    # Confirming the whole file is refused: nothing changes.
    response = confirm(admin_client, "confirm")
    assert response.status_code == 200
    assert "Aucune modification" in response.content.decode()
    assert titles(index) == set()

    response = confirm(admin_client, "confirm_valid_rows")
    assert response.status_code == 200
    assert titles(index) == {"Atelier Loutre"}


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "logo.png", "Choisissez un fichier CSV"),
        (b"\xff\xfe\x00\x00binary\x00", "acteurs.csv", "UTF-8"),
        ("title,kind\n".encode("utf-16"), "acteurs.csv", "UTF-8"),
        (b"nom;commune\nA;B\n", "acteurs.csv", "Colonnes inconnues"),
        (b"", "acteurs.csv", "vide"),
    ],
)
def test_a_non_csv_upload_gives_a_clear_error(admin_client, index, content, name, fragment):
    response = preview(admin_client, index, content, name)
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert SESSION_KEY not in admin_client.session


def test_an_oversized_upload_is_refused(admin_client, index):
    content = GOOD + b"#" * MAX_UPLOAD_BYTES
    response = preview(admin_client, index, content)
    assert response.status_code == 200
    assert "5 Mo au plus" in response.content.decode()


def test_an_editor_can_import_but_pages_stay_drafts(editor_client, index):
    response = preview(editor_client, index)
    assert response.status_code == 200
    response = confirm(editor_client)
    assert response.status_code == 200
    pages = list(ActorPage.objects.child_of(index))
    assert {page.title for page in pages} == {"Atelier Loutre", "Comptoir Castor"}
    for page in pages:
        assert not page.live
        assert page.owner == editor_client.user
        assert page.latest_revision.user == editor_client.user
        assert page.workflow_in_progress


def test_the_import_needs_admin_access(client, django_user_model, index):
    user = django_user_model.objects.create_user("visiteur", "v@example.org", "x")
    client.force_login(user)
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    response = preview(client, index)
    assert response.status_code in (302, 403)
    assert titles(index) == set()


def test_the_import_needs_permission_to_add_pages(client, django_user_model, index):
    user = django_user_model.objects.create_user("lecteur", "l@example.org", "x")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(user)
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert preview(client, index).status_code == 302
    assert titles(index) == set()


def test_the_import_is_csrf_protected(client, django_user_model, index):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    user = django_user_model.objects.create_superuser("csrf", "c@example.org", "x")
    csrf_client.force_login(user)
    response = csrf_client.post(
        IMPORT_URL, {"index_page": index.pk, "file": upload(GOOD), "action": "preview"}
    )
    assert response.status_code == 403
