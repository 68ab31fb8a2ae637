"""Fiche data checked against the official registers (issue 15): the
parsing of both APIs' answers, the comparison, and the editor's action in
the admin (« Vérifier auprès des registres ») with the offline fake."""

import html
import uuid
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, PageLogEntry

from directory import registers
from directory.models import ActorPage, DirectoryIndexPage
from directory.registers import (
    CompanyRecord,
    RegisterBadAnswer,
    RegisterNotFound,
    RegisterUnreachable,
)
from directory.registers.check import LOG_ACTION, run_check
from directory.registers.fake import FakeRegisters, recording
from directory.registers.parsing import parse_address, parse_company
from home.roles import EDITORS, MODERATORS
from partners.models import PartnerAccess

FAKE = "directory.registers.fake.FakeRegisters"
ASSOCIATION = "775672272"  # active association, ESS and SIAE, siège in Sceaux
CLOSED = "488123456"  # closed SCOP
SILENT = "21920071400018"  # the fake register never answers
UNKNOWN = "732829320"  # valid key, unknown to the register


@pytest.fixture(autouse=True)
def _fake_calls():
    FakeRegisters.reset()
    yield
    FakeRegisters.reset()


@pytest.fixture
def enabled(settings):
    settings.REGISTERS_ENABLED = True
    settings.REGISTERS_BACKEND = FAKE
    return settings


# --- Parsing the two APIs' answers ---------------------------------------------


def test_company_answer_gives_the_siege_and_the_flags():
    company = parse_company(recording("entreprises_775672272.json"), ASSOCIATION)
    assert company.siren == ASSOCIATION
    assert company.siret == "77567227200017"
    assert company.name == "RESSOURCERIE DU CHAT PERCHE"
    assert company.address_line == "12 RUE DES LILAS"
    assert (company.postcode, company.city) == ("92330", "SCEAUX")
    assert company.legal_form_code == "9220"
    assert company.is_ess is True and company.is_siae is True
    assert company.is_closed is False
    assert (company.latitude, company.longitude) == (Decimal("48.778123"), Decimal("2.290456"))


def test_company_answer_for_a_siret_gives_that_establishment():
    company = parse_company(recording("entreprises_775672272.json"), "77567227200025")
    assert company.siret == "77567227200025"
    assert (company.postcode, company.city) == ("92340", "BOURG-LA-REINE")


def test_company_answer_ignores_other_companies_matching_the_digits():
    payload = recording("entreprises_775672272.json")
    payload["results"] = payload["results"][1:]  # only the company that cites the number
    with pytest.raises(RegisterNotFound):
        parse_company(payload, ASSOCIATION)


def test_closed_company_is_reported_closed_with_its_date():
    company = parse_company(recording("entreprises_488123456.json"), CLOSED)
    assert company.is_closed is True
    assert company.closed_on == "2023-06-30"


@pytest.mark.parametrize(
    "payload",
    [None, [], "texte", {"results": "x"}, {"erreur": "q manquant"}, {"features": []}],
)
def test_company_answer_of_another_shape_is_a_bad_answer(payload):
    with pytest.raises(RegisterBadAnswer):
        parse_company(payload, ASSOCIATION)


def test_company_answer_with_hostile_values_is_cleaned():
    payload = {
        "results": [
            {
                "siren": ASSOCIATION,
                "nom_complet": "NOM\x00 AVEC\x1f CONTROLE " + "X" * 10_000,
                "siege": {"latitude": "NaN", "longitude": "1e400", "code_postal": ["92330"]},
                "complements": {"est_ess": "oui"},
            }
        ]
    }
    company = parse_company(payload, ASSOCIATION)
    assert "\x00" not in company.name and "\x1f" not in company.name
    assert company.name.startswith("NOM AVEC CONTROLE")
    assert len(company.name) <= 255
    assert company.latitude is None and company.longitude is None
    assert company.postcode == ""
    assert company.is_ess is None  # not a boolean: unknown, not « yes »


def test_address_answer_gives_the_best_feature_in_latitude_longitude_order():
    address = parse_address(recording("adresse_sceaux.json"))
    assert address.label == "12 Rue des Lilas 92330 Sceaux"
    assert address.street == "12 Rue des Lilas"
    assert (address.postcode, address.city, address.citycode) == ("92330", "Sceaux", "92071")
    # GeoJSON gives [longitude, latitude].
    assert (address.latitude, address.longitude) == (Decimal("48.778204"), Decimal("2.290561"))
    assert address.score == pytest.approx(0.9731)


def test_address_answer_without_features_is_nothing_found():
    assert parse_address(recording("adresse_empty.json")) is None


@pytest.mark.parametrize("payload", [None, {"type": "FeatureCollection"}, {"features": {}}])
def test_address_answer_of_another_shape_is_a_bad_answer(payload):
    with pytest.raises(RegisterBadAnswer):
        parse_address(payload)


# --- Switched off unless configured ---------------------------------------------


def test_registers_are_off_by_default(settings):
    assert settings.REGISTERS_ENABLED is False
    assert registers.get_registers() is None


def test_configured_backend_is_used(enabled):
    assert isinstance(registers.get_registers(), FakeRegisters)


# --- The comparison ----------------------------------------------------------------


class _Stub:
    def __init__(self, company=None, address=None):
        self._company, self._address = company, address

    def company(self, identifier):
        return self._company

    def geocode(self, query, postcode=""):
        return self._address


def _unsaved(**fields):
    """What the comparison reads of a fiche (no database needed)."""
    defaults = {
        "title": "Fiche",
        "kind": "association",
        "siret": ASSOCIATION,
        "address_line1": "",
        "postcode": "",
        "city": "",
        "latitude": None,
        "longitude": None,
        "last_verified": None,
    }
    return SimpleNamespace(**{**defaults, **fields})


def test_same_data_spelled_differently_is_no_difference():
    page = _unsaved(
        title="Ressourcerie du Chat perché",
        siret="77567227200017",
        address_line1="12 rue des Lilas",
        postcode="92330",
        city="Sceaux",
        latitude=Decimal("48.778250"),
        longitude=Decimal("2.290500"),
        last_verified=timezone.localdate(),
    )
    result = run_check(page, FakeRegisters())
    assert result.differences == []
    assert not result.errors


def test_local_authority_legal_form_proposes_the_kind():
    company = CompanyRecord(siren="200066124", name="AGGLO", legal_form_code="7348")
    result = run_check(_unsaved(title="Agglo", kind="commune", siret=""), _Stub(company))
    assert result.differences == []  # no SIREN on the fiche: the register is not asked
    page = _unsaved(title="Agglo", kind="commune", siret="200066124")
    result = run_check(page, _Stub(company))
    proposals = result.proposals
    assert proposals["kind"] == "communaute-d-agglomeration"


def test_uncertain_address_match_is_not_proposed():
    address = parse_address(recording("adresse_sceaux.json"))
    weak = type(address)(**{**address.__dict__, "score": 0.2})
    result = run_check(
        _unsaved(siret="", address_line1="12 lilas", city="Sceaux"), _Stub(None, weak)
    )
    assert "address_line1" not in result.proposals
    assert "coordinates" not in result.proposals
    assert any("incertaine" in row.warning for row in result.information)


# --- The editor's action in the admin -----------------------------------------------


@pytest.fixture
def actor(db):
    index = DirectoryIndexPage.objects.get(locale=Locale.objects.get(language_code="fr"))
    page = ActorPage(
        title="Ressourcerie du Chat",
        slug=f"registres-{uuid.uuid4().hex[:8]}",
        kind="association",
        siret=ASSOCIATION,
        city="Sceau",
        postcode="",
        last_verified=date(2024, 1, 15),
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _user(django_user_model, name, group=None):
    user = django_user_model.objects.create_user(name, f"{name}@example.org", "x")
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(django_user_model):
    client = Client()
    client.force_login(_user(django_user_model, "registres-redaction", EDITORS))
    return client


def check_url(page):
    return reverse("directory_registers_check", args=[page.pk])


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def test_edit_view_offers_the_check_to_an_editor(editor, actor):
    content = editor.get(edit_url(actor)).content.decode()
    assert "Vérifier auprès des registres" in content
    assert check_url(actor) in content


def test_check_is_not_offered_on_other_pages(editor, actor):
    index = actor.get_parent()
    content = editor.get(edit_url(index)).content.decode()
    assert "Vérifier auprès des registres" not in content
    # A 404 under /admin/ is redirected to /fr/admin/… by LocaleMiddleware, not found either.
    url = reverse("directory_registers_check", args=[index.pk])
    assert editor.get(url, follow=True).status_code == 404


def test_check_off_says_so_and_calls_nothing(settings, editor, actor):
    settings.REGISTERS_BACKEND = FAKE  # configured backend, but not enabled
    response = editor.get(check_url(actor))
    assert response.status_code == 200
    content = response.content.decode()
    assert "pas activée sur ce site" in content
    assert "aucun service extérieur" in content
    assert FakeRegisters.calls == []
    before = actor.revisions.count()
    response = editor.post(check_url(actor), {"token": "x", "accept": ["title"]})
    assert response.status_code == 302
    assert actor.revisions.count() == before
    assert FakeRegisters.calls == []


def test_check_shows_the_differences_field_by_field(enabled, editor, actor):
    response = editor.get(check_url(actor))
    assert response.status_code == 200
    content = response.content.decode()
    result = response.context["result"]
    proposals = result.proposals
    assert proposals["title"] == "RESSOURCERIE DU CHAT PERCHE"
    assert proposals["siret"] == "77567227200017"  # the fiche has only the SIREN
    # The address base's spelling of the register's address.
    assert proposals["address_line1"] == "12 Rue des Lilas"
    assert proposals["postcode"] == "92330"
    assert proposals["city"] == "Sceaux"
    assert proposals["coordinates"] == ["48.778204", "2.290561"]
    assert proposals["last_verified"] == timezone.localdate().isoformat()
    for key in proposals:
        assert f'name="accept" value="{key}"' in content
    information = {row.label: row for row in result.information}
    assert information["Entreprise de l'ESS (registre)"].value == "oui"
    assert "SIAE" in information["Structure d'insertion (SIAE, registre)"].warning
    assert "Association déclarée (9220)" in content
    assert [call[0] for call in FakeRegisters.calls] == ["company", "geocode"]


def test_accepting_saves_a_draft_revision_and_logs_it(enabled, editor, actor):
    token = editor.get(check_url(actor)).context["token"]
    before = actor.revisions.count()
    response = editor.post(
        check_url(actor), {"token": token, "accept": ["address_line1", "postcode", "coordinates"]}
    )
    assert response.status_code == 302
    assert response["Location"] == edit_url(actor)
    actor.refresh_from_db()
    assert actor.revisions.count() == before + 1
    # The published fiche is untouched: the editor publishes through the workflow.
    assert actor.live and actor.has_unpublished_changes
    assert (actor.address_line1, actor.postcode, actor.latitude) == ("", "", None)
    draft = actor.get_latest_revision_as_object()
    assert draft.address_line1 == "12 Rue des Lilas"
    assert draft.postcode == "92330"
    assert (draft.departement, draft.region) == ("92", "11")  # derived from the postcode
    assert (draft.latitude, draft.longitude) == (Decimal("48.778204"), Decimal("2.290561"))
    # What was not ticked stays as it was.
    assert draft.title == "Ressourcerie du Chat"
    assert draft.city == "Sceau"
    assert draft.last_verified == date(2024, 1, 15)
    entry = PageLogEntry.objects.get(page=actor, action=LOG_ACTION)
    assert entry.revision_id == actor.latest_revision_id
    assert entry.data["fields"] == ["address_line1", "postcode", "coordinates"]
    history = editor.get(reverse("wagtailadmin_pages:history", args=[actor.pk]))
    assert "Données des registres reprises" in history.content.decode()


def test_nothing_ticked_changes_nothing(enabled, editor, actor):
    token = editor.get(check_url(actor)).context["token"]
    before = actor.revisions.count()
    response = editor.post(check_url(actor), {"token": token}, follow=True)
    assert "Aucune donnée cochée" in response.content.decode()
    assert actor.revisions.count() == before


@pytest.mark.parametrize(
    "token",
    ["", "x" * 10_000, "abc\x00def", "eyJwYWdlIjoxfQ:1:forged"],
)
def test_forged_or_hostile_token_changes_nothing(enabled, editor, actor, token):
    before = actor.revisions.count()
    response = editor.post(
        check_url(actor), {"token": token, "accept": ["title", "\x00", "x" * 10_000]}, follow=True
    )
    assert response.status_code == 200
    assert "relancez-la" in response.content.decode()
    assert actor.revisions.count() == before


def test_token_of_another_fiche_changes_nothing(enabled, editor, actor):
    other = ActorPage(title="Autre fiche", slug=f"autre-{uuid.uuid4().hex[:6]}", kind="scop")
    actor.get_parent().add_child(instance=other)
    other.siret = ASSOCIATION
    other.save_revision()
    token = editor.get(check_url(other)).context["token"]
    before = actor.revisions.count()
    editor.post(check_url(actor), {"token": token, "accept": ["title"]})
    assert actor.revisions.count() == before


def test_fiche_changed_since_the_check_changes_nothing(enabled, editor, actor):
    token = editor.get(check_url(actor)).context["token"]
    actor.get_latest_revision_as_object().save_revision()  # someone else saved meanwhile
    before = actor.revisions.count()
    response = editor.post(check_url(actor), {"token": token, "accept": ["title"]}, follow=True)
    assert "modifiée depuis la vérification" in response.content.decode()
    assert actor.revisions.count() == before


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        (SILENT, "n'a pas répondu à temps"),
        (UNKNOWN, "Aucune entreprise ou association ne porte ce numéro"),
        ("77567227200018", "n'est pas valide"),  # wrong Luhn key
    ],
)
def test_register_errors_are_explained_and_change_nothing(enabled, editor, actor, siret, message):
    actor.siret = siret
    actor.save_revision(clean=False)  # an invalid key may come from an old import
    before = actor.revisions.count()
    response = editor.get(check_url(actor))
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert "title" not in response.context["result"].proposals
    assert actor.revisions.count() == before


def test_unreachable_address_base_is_explained(enabled, editor, actor):
    FakeRegisters.fail = {"geocode": RegisterUnreachable("down", source="adresse")}
    content = editor.get(check_url(actor)).content.decode()
    assert "injoignable" in content
    assert "Base adresse nationale" in content


def test_closed_company_is_flagged(enabled, editor, actor):
    actor.siret = CLOSED
    actor.save_revision()
    content = editor.get(check_url(actor)).content.decode()
    assert "fermée (2023-06-30)" in content
    assert "dépubliée" in content


def test_fiche_without_siret_is_checked_by_its_address(enabled, editor, actor):
    actor.siret = ""
    actor.address_line1 = "12 rue des lilas"
    actor.postcode = "92330"
    actor.save_revision()
    response = editor.get(check_url(actor))
    proposals = response.context["result"].proposals
    assert FakeRegisters.calls == [("geocode", "12 rue des lilas 92330 Sceau")]
    assert proposals["city"] == "Sceaux"
    assert "title" not in proposals


def test_locked_fiche_cannot_take_the_differences(enabled, editor, actor, django_user_model):
    token = editor.get(check_url(actor)).context["token"]
    actor.locked = True
    actor.locked_by = _user(django_user_model, "registres-verrou", MODERATORS)
    actor.save(update_fields=["locked", "locked_by"])
    before = actor.revisions.count()
    response = editor.post(check_url(actor), {"token": token, "accept": ["title"]}, follow=True)
    assert "verrouillée" in response.content.decode()
    assert actor.revisions.count() == before


# --- Who may use it -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("partner", False),
        ("admin_only", False),  # reaches the admin, may not edit the fiche
        ("editor", True),
        ("moderator", True),
    ],
)
def test_only_those_who_may_edit_the_fiche_may_check_it(
    enabled, actor, django_user_model, role, allowed
):
    client = Client()
    if role == "partner":
        user = _user(django_user_model, "registres-partenaire")
        PartnerAccess.objects.create(user=user, actor=actor)
        client.force_login(user)
    elif role == "admin_only":
        user = _user(django_user_model, "registres-lecteur")
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        client.force_login(user)
    elif role != "anonymous":
        group = EDITORS if role == "editor" else MODERATORS
        client.force_login(_user(django_user_model, f"registres-{role}", group))
    response = client.get(check_url(actor))
    assert (response.status_code == 200) is allowed
    assert bool(FakeRegisters.calls) is allowed
    FakeRegisters.reset()
    before = actor.revisions.count()
    client.post(check_url(actor), {"token": "x", "accept": ["title"]})
    assert actor.revisions.count() == before
    if not allowed and role != "anonymous":
        edit = client.get(edit_url(actor)).content.decode()
        assert "Vérifier auprès des registres" not in edit


def test_huge_or_unknown_page_ids_are_not_found(enabled, editor):
    for page_id in ("99999999999999999999", "987654321"):
        url = f"/admin/annuaire/fiche/{page_id}/registres/"
        assert editor.get(url, follow=True).status_code == 404
