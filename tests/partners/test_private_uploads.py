"""A proposal's uploads stay private until approval (issue 16, item 9): kept
in the private storage, which no URL serves, read by moderators through an
admin view; approval copies them into Wagtail's public images and documents.
Also the move of the files of proposals made before the private storage."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import re_path, reverse
from django.views.static import serve

from config import urls as site_urls
from directory.models import ActorPage
from partners import services
from partners.models import Submission, move_uploads_to_private, private_storage
from tests.partners.helpers import (
    actor_payload,
    make_actor,
    make_user,
    pdf_bytes,
    png_bytes,
    propose_url,
    workflow_action_url,
)

pytestmark = pytest.mark.django_db


def _serve_media(request, path):
    """What serves /media/ wherever it is served: Django's static view in
    development (config/urls.py with DEBUG), an nginx `alias` of MEDIA_ROOT in
    production. Read at request time, so it follows the test's MEDIA_ROOT."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


# The URL configuration of the tests marked `urls(__name__)`: the site's, with
# /media/ served from MEDIA_ROOT (the test settings run with DEBUG off, so
# config/urls.py serves no /media/ at all).
urlpatterns = [re_path(r"^media/(?P<path>.*)$", _serve_media), *site_urls.urlpatterns]


@pytest.fixture
def storage_dirs(settings, tmp_path):
    """MEDIA_ROOT and the private storage in temporary folders."""
    media, private = tmp_path / "media", tmp_path / "private"
    settings.MEDIA_ROOT = media
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": private},
        },
    }
    return media, private


def _propose_with_files(client, title="Structure Coffre Ornithorynque") -> Submission:
    response = client.post(
        propose_url(),
        {
            **actor_payload(title=title),
            "logo": SimpleUploadedFile("Logo Maison.PNG", png_bytes(), "image/png"),
            "document": SimpleUploadedFile("plaquette.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    assert response.status_code == 302
    return Submission.objects.get(title=title)


def _file_url(submission, field="document") -> str:
    return reverse("partners_submission_file", args=[submission.pk, field])


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_private_storage_is_outside_media_root_by_default():
    private = settings.STORAGES["private"]
    assert private["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    location = Path(private["OPTIONS"]["location"]).resolve()
    assert location == Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    assert not location.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not location.is_relative_to(Path(settings.STATIC_ROOT).resolve())


def test_a_proposal_s_files_are_kept_outside_media_root(client, storage_dirs):
    media, private = storage_dirs
    submission = _propose_with_files(client)

    for upload, content in ((submission.logo, png_bytes()), (submission.document, pdf_bytes())):
        assert upload.name.startswith("partners/submissions/")
        assert (private / upload.name).read_bytes() == content
        assert not (media / upload.name).exists()
        assert not default_storage.exists(upload.name)
    # The names say nothing of the person's file name.
    assert "Maison" not in submission.logo.name and submission.logo.name.endswith(".png")
    assert not list(media.rglob("*.p*"))


@pytest.mark.urls(__name__)
def test_media_url_does_not_serve_a_pending_upload(client, storage_dirs):
    media, _private = storage_dirs
    submission = _propose_with_files(_client())
    # The route serves what is under MEDIA_ROOT...
    default_storage.save("original_images/temoin.png", ContentFile(png_bytes()))
    assert client.get("/media/original_images/temoin.png").status_code == 200
    # ...but the uploads are not there, whatever the path tried.
    for name in (submission.logo.name, submission.document.name):
        assert client.get(f"/media/{name}").status_code == 404
        assert client.get(f"/media/../private/{name}").status_code in (400, 404)


def test_only_moderation_and_administration_read_the_uploads(storage_dirs):
    actor_a, actor_b = make_actor("Fiche Coffre Alpha"), make_actor("Fiche Coffre Bêta")
    partner_a = make_user("coffre-partenaire-a", partner_of=[actor_a])
    partner_b = make_user("coffre-partenaire-b", partner_of=[actor_b])
    submission, _ = services.create_submission(
        kind=Submission.Kind.ACTOR_UPDATE,
        origin=Submission.Origin.PARTNER,
        data={"title": actor_a.title, "summary": "Avec un document."},
        files={"document": SimpleUploadedFile("bilan.pdf", pdf_bytes(), "application/pdf")},
        submitter={
            "submitter_name": "Partenaire A",
            "submitter_email": partner_a.email,
            "submitter_organisation": actor_a.title,
        },
        user=partner_a,
        target_page=actor_a,
        actor=actor_a,
    )
    url = _file_url(submission)
    refused = {
        "anonymous": None,
        # The partner space shows no upload, not even one's own.
        "partner_a": partner_a,
        "partner_b": partner_b,
        "redaction": make_user("coffre-redaction", role="redaction"),
    }
    for who, user in refused.items():
        response = _client(user).get(url)
        assert response.status_code in (302, 403), who
        assert not getattr(response, "streaming", False), who
    for role in ("moderation", "administration"):
        response = _client(make_user(f"coffre-{role}", role=role)).get(url)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == pdf_bytes()
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            f'attachment; filename="proposition-{submission.pk}-document.pdf"'
        )
    # A field that is not an upload, or an upload the proposal lacks: 404
    # (after the language redirect every 404 outside /fr/ gets).
    moderator = _client(make_user("coffre-moderation-2", role="moderation"))
    for field in ("logo", "data"):
        response = moderator.get(_file_url(submission, field), follow=True)
        assert response.status_code == 404 and not getattr(response, "streaming", False)


def test_the_moderators_panel_links_the_files(storage_dirs):
    submission = _propose_with_files(_client())
    moderator = _client(make_user("coffre-panneau", role="moderation"))
    html = moderator.get(
        reverse("wagtailsnippets_partners_submission:edit", args=[submission.pk])
    ).content.decode()
    assert _file_url(submission, "logo") in html and _file_url(submission) in html
    assert submission.document.name not in html


@pytest.mark.urls(__name__)
def test_approval_publishes_public_copies_and_keeps_the_upload_private(storage_dirs):
    media, private = storage_dirs
    submission = _propose_with_files(_client(), title="Structure Coffre Publiée")
    moderator = _client(make_user("coffre-approbation", role="moderation"))
    response = moderator.post(workflow_action_url(submission, "approve"), {"comment": ""})
    assert response.status_code in (200, 302)

    actor = ActorPage.objects.get(alias_of=None, title="Structure Coffre Publiée")
    assert actor.live
    image = actor.logo
    document = actor.documents.get().document
    # Wagtail's image and document: in the default storage, public.
    assert (media / image.file.name).read_bytes() == png_bytes()
    assert (media / document.file.name).read_bytes() == pdf_bytes()
    anonymous = _client()
    image_response = anonymous.get(f"/media/{image.file.name}")
    assert image_response.status_code == 200
    assert b"".join(image_response.streaming_content) == png_bytes()
    # The proposal's own upload stays private (until the retention delay).
    submission.refresh_from_db()
    assert (private / submission.document.name).exists()
    assert anonymous.get(f"/media/{submission.document.name}").status_code == 404


def test_an_approved_document_is_served_by_wagtail(storage_dirs):
    submission = _propose_with_files(_client(), title="Structure Coffre Document")
    moderator = _client(make_user("coffre-document", role="moderation"))
    moderator.post(workflow_action_url(submission, "approve"), {"comment": ""})
    document = (
        ActorPage.objects.get(alias_of=None, title="Structure Coffre Document")
        .documents.get()
        .document
    )
    response = _client().get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()


def _old_submission(title: str, **files) -> Submission:
    return Submission.objects.create(
        kind=Submission.Kind.ACTOR_NEW,
        origin=Submission.Origin.PUBLIC,
        title=title,
        submitter_name="Personne Ancienne",
        submitter_email="ancienne@example.net",
        **files,
    )


def test_existing_uploads_move_to_the_private_storage_once(storage_dirs):
    media, private = storage_dirs
    logo_name, document_name = "partners/submissions/ancien.png", "partners/submissions/ancien.pdf"
    default_storage.save(logo_name, ContentFile(png_bytes()))
    default_storage.save(document_name, ContentFile(pdf_bytes()))
    both = _old_submission("Ancienne avec fichiers", logo=logo_name, document=document_name)
    missing = _old_submission("Ancienne sans fichier", logo="partners/submissions/perdu.png")
    _old_submission("Ancienne sans envoi")

    report = []
    assert move_uploads_to_private(Submission, stdout=_Lines(report)) == 2
    assert (private / logo_name).read_bytes() == png_bytes()
    assert (private / document_name).read_bytes() == pdf_bytes()
    assert not (media / logo_name).exists() and not (media / document_name).exists()
    both.refresh_from_db()
    assert (both.logo.name, both.document.name) == (logo_name, document_name)
    assert both.document.read() == pdf_bytes()  # through the field's (private) storage
    assert report == [
        f"Submission {missing.pk}: logo file partners/submissions/perdu.png not found\n"
    ]

    # Again: nothing to do, nothing lost.
    assert move_uploads_to_private(Submission) == 0
    assert (private / logo_name).read_bytes() == png_bytes()

    # A public copy left behind by an interrupted run is removed.
    default_storage.save(logo_name, ContentFile(png_bytes()))
    assert move_uploads_to_private(Submission) == 0
    assert not (media / logo_name).exists() and (private / logo_name).exists()


def test_the_move_can_be_undone(storage_dirs):
    media, private = storage_dirs
    name = "partners/submissions/retour.pdf"
    private_storage().save(name, ContentFile(pdf_bytes()))
    _old_submission("Ancienne à ramener", document=name)
    assert move_uploads_to_private(Submission, reverse=True) == 1
    assert (media / name).read_bytes() == pdf_bytes() and not (private / name).exists()


class _Lines:
    def __init__(self, lines):
        self.lines = lines

    def write(self, text):
        self.lines.append(text)
