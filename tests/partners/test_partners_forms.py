"""The public forms' bad-input catalogue and abuse handling."""

from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from directory.models import ActorPage
from partners.models import Submission
from partners.validation import plain_to_richtext
from tests.partners.helpers import (
    actor_payload,
    edit_url,
    emails_to,
    make_actor,
    make_user,
    pdf_bytes,
    png_bytes,
    propose_url,
    update_payload,
    update_url,
    workflow_action_url,
)

pytestmark = pytest.mark.django_db

TEXT_FIELDS = [
    "title",
    "acronym",
    "summary",
    "address_line1",
    "address_line2",
    "city",
    "programme",
    "example_actions",
    "submitter_name",
    "submitter_organisation",
    "message",
]
SCRIPT = "<script>x()</script><b>g</b>"  # short enough for the acronym (40)


def _errors(response) -> dict:
    return response.context["form"].errors


def test_the_form_renders_with_labels_and_a_hidden_honeypot(client):
    html = client.get(propose_url()).content.decode()
    assert 'for="id_title"' in html and 'for="id_submitter_email"' in html
    assert 'class="form-hp" aria-hidden="true"' in html
    assert 'name="fax_number"' in html and 'tabindex="-1"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_empty_form_is_refused_with_a_message_per_required_field(client):
    response = client.post(propose_url(), {})
    assert response.status_code == 200
    errors = _errors(response)
    assert set(errors) >= {"title", "kind", "submitter_name", "submitter_email", "consent"}
    html = response.content.decode()
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_title_error"' in html
    assert 'id="id_title_error"' in html and 'href="#id_title"' in html
    assert not Submission.objects.exists()


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_ten_thousand_characters_are_refused_and_what_was_typed_is_kept(client, field):
    payload = actor_payload(title="Structure Longue")
    payload[field] = "x" * 10_000
    response = client.post(propose_url(), payload)
    assert response.status_code == 200
    assert field in _errors(response)
    assert "au plus" in str(_errors(response)[field])
    # The other values the person typed are still there.
    other = "title" if field != "title" else "city"
    assert f'value="{payload[other]}"' in response.content.decode()
    assert not Submission.objects.exists()


def test_html_in_every_text_field_is_escaped_on_the_page_in_the_admin_and_in_emails(client):
    moderator = make_user("moderatrice-html", role="moderation")
    payload = actor_payload(**{name: f"{SCRIPT} {name}" for name in TEXT_FIELDS})
    payload["submitter_email"] = "html.proposante@example.net"
    mail.outbox.clear()
    response = client.post(propose_url(), payload)
    assert response.status_code == 302
    submission = Submission.objects.get()

    # The follow page, the admin edit view and the acknowledgement email.
    follow = client.get(response["Location"]).content.decode()
    staff = client.__class__()
    staff.force_login(moderator)
    admin = staff.get(edit_url(submission)).content.decode()
    email = emails_to("html.proposante@example.net")[0]
    html_email = email.alternatives[0][0]
    for rendered in (follow, admin, html_email):
        assert "<script>x()" not in rendered
        assert "&lt;script&gt;x()" in rendered
    for name in TEXT_FIELDS:
        if name.startswith("submitter") or name == "message":
            continue
        assert f"&lt;b&gt;g&lt;/b&gt; {name}" in admin

    # Approved: the fiche shows the text, never the markup.
    staff.post(workflow_action_url(submission, "approve"), {"comment": ""})
    actor = ActorPage.objects.get(pk=Submission.objects.get().result_page_id)
    assert actor.title == f"{SCRIPT} title"
    assert "<script>" not in actor.programme and "&lt;script&gt;" in actor.programme
    public = client.get(actor.url).content.decode()
    assert "<script>x()" not in public and "<b>g</b>" not in public
    assert "&lt;script&gt;x()&lt;/script&gt;&lt;b&gt;g&lt;/b&gt; title" in public


def test_rich_text_from_the_public_is_paragraphs_and_links_only():
    text = (
        "Premier <em>paragraphe</em>\nligne 2\n\n"
        'Voir https://exemple.fr/p?a=1&b=2. <a href="javascript:x">x</a>'
    )
    assert plain_to_richtext(text) == (
        "<p>Premier &lt;em&gt;paragraphe&lt;/em&gt;<br/>ligne 2</p>"
        '<p>Voir <a href="https://exemple.fr/p?a=1&amp;b=2">https://exemple.fr/p?a=1&amp;b=2</a>. '
        "&lt;a href=&quot;javascript:x&quot;&gt;x&lt;/a&gt;</p>"
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("submitter_email", "pas-une-adresse", "adresse de courriel valide"),
        ("email", "camille@", "adresse de courriel valide"),
        ("siret", "123 456 789 00012", "clé de contrôle incorrecte"),
        ("siret", "12345", "9 chiffres"),
        ("postcode", "ABCDE", "code postal"),
        ("website", "javascript:alert(1)", "URL valide"),
        ("kind", "pas-un-type", "choix valide"),
    ],
)
def test_invalid_values_get_a_french_message_next_to_the_field(client, field, value, message):
    response = client.post(propose_url(), actor_payload(**{field: value}))
    assert response.status_code == 200
    assert message in " ".join(_errors(response)[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert 'value="Ressourcerie Zéphyrine"' in html
    assert not Submission.objects.exists()


def test_a_valid_siret_with_spaces_is_accepted_and_normalised(client):
    client.post(propose_url(), actor_payload(siret="732 829 320 00074"))
    assert Submission.objects.get().data["siret"] == "73282932000074"


@pytest.mark.parametrize(
    ("field", "name", "content", "message"),
    [
        ("document", "reglement.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "format"),
        ("document", "image.pdf", None, "format"),
        ("logo", "logo.png", b"%PDF-1.4 not an image", "format"),
        ("logo", "logo.exe", None, "extension"),
        ("document", "vide.pdf", b"", "vide"),
    ],
)
def test_bad_files_are_refused_with_a_message(client, field, name, content, message):
    if content is None:
        content = png_bytes()
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(propose_url(), {**actor_payload(), field: upload})
    assert response.status_code == 200
    assert message in " ".join(_errors(response)[field])
    assert not Submission.objects.exists()


@override_settings(PARTNERS_DOCUMENT_MAX_SIZE=1024, PARTNERS_LOGO_MAX_SIZE=64)
def test_oversize_files_are_refused(client):
    big_pdf = SimpleUploadedFile("gros.pdf", pdf_bytes() + b"0" * 2048, "application/pdf")
    big_logo = SimpleUploadedFile("logo.png", png_bytes() + b"0" * 100, "image/png")
    response = client.post(
        propose_url(), {**actor_payload(), "document": big_pdf, "logo": big_logo}
    )
    assert response.status_code == 200
    assert "taille maximale est 1,0" in " ".join(_errors(response)["document"])
    assert "taille maximale" in " ".join(_errors(response)["logo"])
    assert not Submission.objects.exists()


def test_good_files_are_kept_for_moderators_and_attached_on_approval(client):
    moderator = make_user("moderateur-fichiers", role="moderation")
    logo = SimpleUploadedFile("logo.png", png_bytes(), "image/png")
    document = SimpleUploadedFile("plaquette.pdf", pdf_bytes(), "application/pdf")
    client.post(
        propose_url(),
        {**actor_payload(title="Structure Fichiers Nautile"), "logo": logo, "document": document},
    )
    submission = Submission.objects.get()
    assert submission.logo and submission.document
    file_url = reverse("partners_submission_file", args=[submission.pk, "document"])
    # Not for the public, not for a partner or an editor; for moderators.
    assert client.get(file_url).status_code == 302
    editor = client.__class__()
    editor.force_login(make_user("redactrice-fichiers", role="redaction"))
    assert editor.get(file_url).status_code in (302, 403)
    staff = client.__class__()
    staff.force_login(moderator)
    response = staff.get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    staff.post(workflow_action_url(submission, "approve"), {"comment": ""})
    actor = ActorPage.objects.get(alias_of=None, title="Structure Fichiers Nautile")
    assert actor.logo is not None and actor.logo.width == 4
    assert actor.documents.get().document.file.read().startswith(b"%PDF-")


def test_filled_honeypot_creates_nothing(client):
    response = client.post(propose_url(), actor_payload(fax_number="0102030405"))
    assert response.status_code == 302 and response["Location"] == reverse("partners:thanks")
    assert client.get(response["Location"]).status_code == 200
    assert not Submission.objects.exists()
    assert mail.outbox == []


@override_settings(PARTNERS_RATE_LIMIT=3, PARTNERS_RATE_WINDOW=600)
def test_rate_limit_gives_a_429_page_and_creates_nothing(client):
    for index in range(3):
        response = client.post(propose_url(), actor_payload(title=f"Structure Lémurien {index}"))
        assert response.status_code == 302
    response = client.post(propose_url(), actor_payload(title="Structure Lémurien de trop"))
    assert response.status_code == 429
    assert "Trop d'envois" in response.content.decode()
    assert Submission.objects.count() == 3
    assert not Submission.objects.filter(title="Structure Lémurien de trop").exists()
    # Another address is not affected; reading the form is never limited.
    assert client.get(propose_url()).status_code == 200
    other = client.post(
        propose_url(), actor_payload(title="Structure Lémurien voisine"), REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302


@override_settings(PARTNERS_RATE_LIMIT=1, PARTNERS_TRUSTED_PROXY_COUNT=1)
def test_rate_limit_uses_the_forwarded_address_only_behind_a_trusted_proxy(client):
    first = {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    second = {"HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    assert client.post(propose_url(), actor_payload(title="Proxy A"), **first).status_code == 302
    assert client.post(propose_url(), actor_payload(title="Proxy B"), **second).status_code == 302
    assert client.post(propose_url(), actor_payload(title="Proxy C"), **first).status_code == 429


@override_settings(PARTNERS_RATE_LIMIT=1)
def test_a_forged_forwarded_header_is_ignored_without_a_trusted_proxy(client):
    assert (
        client.post(
            propose_url(), actor_payload(title="Forge A"), HTTP_X_FORWARDED_FOR="203.0.113.1"
        ).status_code
        == 302
    )
    assert (
        client.post(
            propose_url(), actor_payload(title="Forge B"), HTTP_X_FORWARDED_FOR="203.0.113.2"
        ).status_code
        == 429
    )


def test_double_submit_creates_one_submission(client):
    payload = actor_payload(title="Structure Doublon Capybara")
    first = client.post(propose_url(), payload)
    second = client.post(propose_url(), payload)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Submission.objects.filter(title="Structure Doublon Capybara").count() == 1
    assert len(emails_to("camille.proposante@example.net")) == 1


def test_the_token_survives_an_error_so_the_corrected_post_is_still_one(client):
    payload = actor_payload(title="", form_token="11111111-2222-3333-4444-555555555555")
    response = client.post(propose_url(), payload)
    assert 'value="11111111-2222-3333-4444-555555555555"' in response.content.decode()
    payload["title"] = "Structure Corrigée Tapir"
    client.post(propose_url(), payload)
    client.post(propose_url(), payload)
    assert Submission.objects.count() == 1


def test_csrf_is_enforced(client):
    strict = client.__class__(enforce_csrf_checks=True)
    assert strict.post(propose_url(), actor_payload()).status_code == 403
    assert not Submission.objects.exists()


def test_smtp_failure_keeps_the_submission_and_shows_it_to_moderators(client):
    moderator = make_user("moderateur-smtp", role="moderation")
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=ConnectionRefusedError("SMTP injoignable"),
    ):
        response = client.post(propose_url(), actor_payload(title="Structure Panne Courriel"))
    assert response.status_code == 302
    submission = Submission.objects.get(title="Structure Panne Courriel")
    assert submission.status == Submission.Status.PENDING
    assert submission.current_workflow_state is not None
    assert "SMTP injoignable" in submission.email_error
    staff = client.__class__()
    staff.force_login(moderator)
    assert "SMTP injoignable" in staff.get(edit_url(submission)).content.decode()
    dashboard = staff.get(reverse("wagtailadmin_home")).content.decode()
    assert "échec de courriel" in dashboard


def test_update_with_no_change_is_refused(client):
    actor = make_actor("Fiche Immobile Koala")
    response = client.post(update_url(actor), update_payload(actor))
    assert response.status_code == 200
    assert "rien modifié" in response.content.decode()
    assert not Submission.objects.exists()
