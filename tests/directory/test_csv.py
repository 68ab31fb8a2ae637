"""The directory's CSV: SIRET validation, export → import round trip, the
import's dry run, error report, drafts-only rule and management command."""

import csv
import io
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from wagtail.models import Revision

from directory.csv import (
    CSV_COLUMNS,
    actor_to_row,
    apply_plan,
    iter_csv,
    parse_csv,
)
from directory.factories import NetworkFactory
from directory.models import ActorContact, ActorPage, DirectoryIndexPage
from directory.validators import validate_siren_or_siret
from home.models import Theme

pytestmark = pytest.mark.django_db

SIRET = "44306184100047"


# --- Fixtures -----------------------------------------------------------------


@pytest.fixture
def new_index(home_fr, add_page):
    """A fresh directory index page (the seed may hold one called "annuaire")."""

    def _make():
        slug = f"annuaire-csv-{uuid.uuid4().hex[:8]}"
        return add_page(home_fr, DirectoryIndexPage, title="Annuaire de test", slug=slug)

    return _make


@pytest.fixture
def index(new_index):
    return new_index()


@pytest.fixture
def network(db):
    return NetworkFactory(name="Réseau des tests CSV", slug="reseau-tests-csv", acronym="RTC")


@pytest.fixture
def full_actor(index, network, publish):
    """A published actor with every exported field, two published contacts and
    one whose name must not be published."""
    actor = ActorPage(
        title="Communauté d'agglomération des Tests",
        slug="ca-des-tests",
        kind="communaute-d-agglomeration",
        acronym="CAT",
        siret=SIRET,
        summary="Première ligne.\nSeconde ligne ; avec « guillemets », et des virgules.",
        website="https://www.example.org/ess",
        email="ess@example.org",
        phone="+33 3 89 00 00 00",
        address_line1="2 rue de l'Hôtel de Ville",
        address_line2="BP 90019",
        postcode="68100",
        city="Mulhouse",
        cedex="Cedex 1",
        country="France",
        region="44",
        departement="68",
        latitude=Decimal("47.750800"),
        longitude=Decimal("7.335900"),
        population=273894,
        membership_year=2012,
        is_draft_fiche=True,
        last_verified=date(2024, 3, 15),
    )
    actor.networks = [network]
    actor.themes.set(list(Theme.objects.filter(slug__in=["circuits-courts", "emploi"])))
    actor.contacts = [
        ActorContact(
            role=ActorContact.ELECTED,
            name="Jeanne Martin",
            function="Vice-présidente : économie | ESS",
            email="j.martin@example.org",
            publication_basis="mandat-electif",
        ),
        ActorContact(
            role=ActorContact.OFFICER,
            name="Paul Durand",
            service="Développement économique",
            publication="yes",
            publication_basis="accord",
        ),
        ActorContact(role=ActorContact.OFFICER, name="Agent Confidentiel", publication="auto"),
    ]
    index.add_child(instance=actor)
    return publish(actor)


def export_text(actors) -> str:
    return "".join(iter_csv(actors))


def csv_text(rows: list[dict], columns=None, delimiter=",") -> str:
    columns = columns or list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def good_row(**overrides) -> dict:
    row = {
        "slug": f"acteur-{uuid.uuid4().hex[:6]}",
        "title": "Coopérative des Tests",
        "kind": "scop",
        "siret": "",
        "city": "Sceaux",
        "postcode": "92330",
        "region": "11",
        "departement": "92",
    }
    row.update(overrides)
    return row


def actor_count(index) -> int:
    return ActorPage.objects.child_of(index).count()


# --- SIRET ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["443061841", "443 061 841", SIRET, "443 061 841 00047", "35600000049837"],
    ids=["siren", "siren-spaces", "siret", "siret-spaces", "la-poste"],
)
def test_valid_siren_and_siret(value):
    validate_siren_or_siret(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("443061842", "siret_key"),
        ("44306184100048", "siret_key"),
        ("35600000012345", "siret_key"),
        ("44306184", "siret_length"),
        ("4430618410004", "siret_length"),
        ("44306184A", "siret_length"),
    ],
    ids=["siren-key", "siret-key", "la-poste-bad", "short", "thirteen", "letters"],
)
def test_invalid_siren_and_siret(value, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_siren_or_siret(value)
    assert excinfo.value.code == code


# --- Export --------------------------------------------------------------------


def test_export_has_bom_header_and_documented_columns(full_actor):
    text = export_text([full_actor])
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert list(rows[0]) == CSV_COLUMNS
    row = rows[0]
    assert row["siret"] == SIRET
    assert row["is_draft_fiche"] == "oui"
    assert row["last_verified"] == "2024-03-15"
    assert row["networks"] == "reseau-tests-csv"
    assert row["themes"] == "circuits-courts|emploi"
    assert row["url"].endswith("/ca-des-tests/")
    assert row["phone"] == "+33 3 89 00 00 00"  # a phone number is not a formula


def test_export_never_contains_unpublished_contacts(full_actor):
    row = actor_to_row(full_actor)
    assert "Jeanne Martin" in row["contacts"]
    assert "Paul Durand" in row["contacts"]
    assert "Confidentiel" not in row["contacts"]
    assert "Confidentiel" not in export_text([full_actor])
    # Colons and bars inside a field are escaped.
    assert "Vice-présidente \\: économie \\| ESS" in row["contacts"]


def test_export_protects_cells_from_spreadsheet_formulas(full_actor):
    full_actor.summary = '=HYPERLINK("http://evil")'
    assert actor_to_row(full_actor)["summary"].startswith("'=")


# --- Round trip ----------------------------------------------------------------


def comparable(row: dict) -> dict:
    return {column: value for column, value in row.items() if column != "url"}


def test_round_trip_recreates_the_same_values_on_a_fresh_index(full_actor, new_index):
    target = new_index()
    plan = parse_csv(export_text([full_actor]).encode("utf-8"), index_page=target)
    assert plan.errors == []
    report = apply_plan(plan, target)
    assert report.applied and report.created == 1

    copy = ActorPage.objects.child_of(target).get()
    assert not copy.live
    assert comparable(actor_to_row(copy)) == comparable(actor_to_row(full_actor))
    assert copy.latitude == Decimal("47.750800")
    assert copy.last_verified == date(2024, 3, 15)
    assert [c.name for c in copy.contacts.all()] == ["Jeanne Martin", "Paul Durand"]
    assert all(c.is_public for c in copy.contacts.all())
    # The draft revision holds the same values.
    assert comparable(actor_to_row(copy.get_latest_revision_as_object())) == comparable(
        actor_to_row(full_actor)
    )


def test_reimporting_an_unchanged_export_changes_nothing(full_actor, index):
    revisions = Revision.objects.count()
    report = apply_plan(parse_csv(export_text([full_actor])), index)
    assert report.applied
    assert [row.action for row in report.rows] == ["unchanged"]
    assert Revision.objects.count() == revisions


def test_reimport_keeps_unpublished_contacts(full_actor, index):
    row = actor_to_row(full_actor)
    row["population"] = "300000"
    row["contacts"] += "|direction:Claire Petit:Directrice générale"
    report = apply_plan(parse_csv(csv_text([row])), index)
    assert report.applied and report.updated == 1

    draft = ActorPage.objects.get(pk=full_actor.pk).get_latest_revision_as_object()
    assert draft.population == 300000
    contacts = {c.name: c for c in draft.contacts.all()}
    assert set(contacts) == {"Jeanne Martin", "Paul Durand", "Claire Petit", "Agent Confidentiel"}
    assert not contacts["Agent Confidentiel"].is_public  # kept, still unpublished
    assert contacts["Claire Petit"].is_public
    assert contacts["Jeanne Martin"].function == "Vice-présidente : économie | ESS"


def test_reimport_keeps_each_contacts_basis_for_publication(full_actor, index):
    """The file carries no basis for publication (docs/csv-import.md): the
    contacts it lists keep the one recorded in the admin, and a new elected
    representative is published on the elected office."""
    row = actor_to_row(full_actor)
    row["population"] = "300000"
    row["contacts"] += "|elu:Marc Nouveau:conseiller communautaire"
    report = apply_plan(parse_csv(csv_text([row])), index)
    assert report.applied and report.updated == 1

    draft = ActorPage.objects.get(pk=full_actor.pk).get_latest_revision_as_object()
    basis = {c.name: c.publication_basis for c in draft.contacts.all()}
    assert basis == {
        "Jeanne Martin": "mandat-electif",
        "Paul Durand": "accord",
        "Marc Nouveau": "mandat-electif",
        "Agent Confidentiel": "",
    }


def test_an_empty_contacts_cell_leaves_contacts_alone(full_actor, index):
    row = actor_to_row(full_actor)
    row["contacts"] = ""
    row["city"] = "Mulhouse Cedex"
    apply_plan(parse_csv(csv_text([row])), index)
    draft = ActorPage.objects.get(pk=full_actor.pk).get_latest_revision_as_object()
    assert draft.city == "Mulhouse Cedex"
    assert draft.contacts.count() == 3


# --- Parsing and the error report ----------------------------------------------------


def test_semicolons_and_bom_are_accepted(index):
    text = "\ufeff" + csv_text([good_row(title="Point-virgule")], delimiter=";")
    plan = parse_csv(text.encode("utf-8"), index_page=index)
    assert plan.errors == []
    assert plan.rows[0].title == "Point-virgule"
    assert plan.rows[0].action == "create"


@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"kind": "club-de-foot"}, "kind", "Type d'acteur inconnu"),
        ({"siret": "44306184100048"}, "siret", "clé de contrôle"),
        ({"siret": "1234"}, "siret", "14 chiffres"),
        ({"region": "99"}, "region", "Code de région inconnu"),
        ({"departement": "999"}, "departement", "Code de département inconnu"),
        ({"departement": "68"}, "departement", "n'appartient pas à la région"),
        ({"membership_year": "1850"}, "membership_year", "Année invalide"),
        ({"membership_year": "deux mille"}, "membership_year", "nombre entier"),
        ({"population": "-3"}, "population", "nombre entier"),
        ({"population": "12²"}, "population", "nombre entier"),
        ({"membership_year": "٢٠١٥"}, "membership_year", "nombre entier"),
        ({"latitude": "nord"}, "latitude", "nombre décimal"),
        ({"longitude": "200"}, "longitude", "hors des bornes"),
        ({"networks": "reseau-fantome"}, "networks", "Réseau inconnu"),
        ({"themes": "emploi|theme-fantome"}, "themes", "Thème inconnu"),
        ({"title": ""}, "title", "obligatoire"),
        ({"is_draft_fiche": "peut-être"}, "is_draft_fiche", "« oui » ou « non »"),
        ({"last_verified": "15 mars"}, "last_verified", "Date invalide"),
        ({"email": "pas-un-courriel"}, "email", "courriel valide"),
        ({"website": "pas une url"}, "website", "adresse web"),
        ({"contacts": "pape:Jean"}, "contacts", "rôle inconnu"),
        ({"contacts": "elu:"}, "contacts", "le nom est obligatoire"),
        ({"title": "Coop\x0bérative"}, "title", "caractères de contrôle"),
        ({"summary": "Résumé\x1b[31m"}, "summary", "caractères de contrôle"),
        ({"contacts": "elu:Jean\x07"}, "contacts", "caractères de contrôle"),
        ({"last_verified": "0001-01-01"}, "last_verified", "entre l'an 1900 et l'an 2100"),
    ],
)
def test_each_bad_value_is_reported_with_line_and_column(index, overrides, column, fragment):
    text = csv_text([good_row(), good_row(**overrides)])
    plan = parse_csv(text, index_page=index)
    assert plan.rows[0].errors == []
    errors = [str(error) for error in plan.errors]
    assert any(
        error.startswith(f"ligne 3, colonne {column} : ") and fragment in error for error in errors
    ), errors


def test_duplicates_in_the_file_are_reported(index):
    text = csv_text(
        [
            good_row(slug="meme-slug", siret=SIRET),
            good_row(slug="meme-slug"),
            good_row(siret="443 061 841 00047"),
        ]
    )
    errors = [str(error) for error in parse_csv(text, index_page=index).errors]
    assert any(e.startswith("ligne 3, colonne slug") and "ligne 2" in e for e in errors)
    assert any(e.startswith("ligne 4, colonne siret") and "ligne 2" in e for e in errors)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("title,kind\n".encode("utf-16"), "UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "UTF-8"),
        (b"", "vide"),
        (b"nom,type\nA,B\n", "Colonnes inconnues"),
        (b"title,kind\n", "aucun acteur"),
        (b"slug,kind\nabc,scop\n", "Colonnes obligatoires absentes : title"),
    ],
)
def test_unreadable_files_are_refused_with_a_french_message(content, fragment):
    plan = parse_csv(content)
    assert plan.file_errors
    assert fragment in str(plan.file_errors[0])
    assert plan.valid_rows == []


def test_contacts_escapes_round_trip(index):
    row = good_row(
        contacts="autre:Nom \\: composé:Fonction \\| double:Service\\\\Bis:a@b.fr|elu:Zoé"
    )
    plan = parse_csv(csv_text([row]), index_page=index)
    assert plan.errors == []
    assert plan.rows[0].contacts == [
        {
            "role": "autre",
            "name": "Nom : composé",
            "function": "Fonction | double",
            "service": "Service\\Bis",
            "email": "a@b.fr",
        },
        {"role": "elu", "name": "Zoé", "function": "", "service": "", "email": ""},
    ]
    apply_plan(plan, index)
    page = ActorPage.objects.child_of(index).get(slug=row["slug"])
    assert actor_to_row(page)["contacts"] == row["contacts"]


# --- Applying: all or nothing, drafts only, keys -------------------------------------------


def test_dry_run_changes_nothing(index):
    revisions = Revision.objects.count()
    plan = parse_csv(csv_text([good_row(), good_row()]), index_page=index)
    assert [row.action for row in plan.rows] == ["create", "create"]
    assert actor_count(index) == 0
    assert Revision.objects.count() == revisions


def test_one_bad_row_changes_nothing(index, full_actor):
    changed = actor_to_row(full_actor) | {"population": "1"}
    rows = [good_row(), changed, good_row(siret="44306184100048")]
    before = actor_count(index)
    revisions = Revision.objects.count()
    report = apply_plan(parse_csv(csv_text(rows)), index)
    assert not report.applied
    assert actor_count(index) == before
    assert Revision.objects.count() == revisions
    assert [str(e) for e in report.errors] == [
        "ligne 4, colonne siret : Ce numéro SIREN/SIRET n'est pas valide "
        "(clé de contrôle incorrecte)."
    ]
    assert {row.action for row in report.rows} == {"skipped"}


def test_confirm_valid_rows_applies_only_the_good_rows(index):
    good, bad = good_row(title="La bonne"), good_row(title="La mauvaise", kind="inconnu")
    report = apply_plan(parse_csv(csv_text([good, bad])), index, confirm_valid_rows=True)
    assert report.applied
    assert [(row.line, row.action) for row in report.rows] == [(2, "created"), (3, "skipped")]
    assert list(ActorPage.objects.child_of(index).values_list("title", flat=True)) == ["La bonne"]


def test_import_never_publishes(full_actor, index):
    live_revision = full_actor.live_revision_id
    row = actor_to_row(full_actor) | {"city": "Colmar", "postcode": "68000"}
    report = apply_plan(parse_csv(csv_text([row])), index)
    assert report.updated == 1

    page = ActorPage.objects.get(pk=full_actor.pk)
    assert page.live and page.city == "Mulhouse"  # the live version did not change
    assert page.live_revision_id == live_revision
    assert page.has_unpublished_changes
    assert page.latest_revision_id != live_revision
    assert page.latest_revision.as_object().city == "Colmar"


def test_new_actors_are_unpublished_drafts(index):
    apply_plan(parse_csv(csv_text([good_row(slug="nouvel-acteur")])), index)
    page = ActorPage.objects.child_of(index).get(slug="nouvel-acteur")
    assert not page.live
    assert page.first_published_at is None
    assert page.has_unpublished_changes
    assert page.latest_revision is not None


def test_import_keyed_by_siret_updates_the_existing_page(full_actor, index):
    text = csv_text([{"siret": "443 061 841 00047", "title": "Nouveau nom", "kind": "metropole"}])
    before = actor_count(index)
    report = apply_plan(parse_csv(text), index)
    assert report.updated == 1 and report.created == 0
    assert actor_count(index) == before
    draft = ActorPage.objects.get(pk=full_actor.pk).get_latest_revision_as_object()
    assert (draft.title, draft.kind, draft.slug) == ("Nouveau nom", "metropole", "ca-des-tests")
    assert draft.city == "Mulhouse"  # columns absent from the file are left alone


def test_a_slug_taken_by_an_actor_with_another_siret_is_a_conflict(full_actor, index):
    text = csv_text([good_row(slug="ca-des-tests", siret="443061841")])
    errors = [str(e) for e in parse_csv(text, index_page=index).errors]
    assert errors and errors[0].startswith("ligne 2, colonne slug : ")


def test_import_by_a_user_submits_drafts_to_the_review_workflow(index, django_user_model):
    user = django_user_model.objects.create_superuser("importeur", "i@example.org", "x")
    report = apply_plan(parse_csv(csv_text([good_row(slug="a-relire")])), index, user=user)
    assert report.rows[0].submitted
    page = ActorPage.objects.child_of(index).get(slug="a-relire")
    assert page.workflow_in_progress
    assert page.latest_revision.user == user
    assert not page.live


def test_an_import_sends_each_moderator_one_email_for_the_whole_file(
    index, django_user_model, mailoutbox
):
    from django.contrib.auth.models import Group

    moderator = django_user_model.objects.create_user("moderatrice", "mod@example.org", "x")
    moderator.groups.add(Group.objects.get(name="Modération"))
    editor = django_user_model.objects.create_user(
        "redacteur", "red@example.org", "x", first_name="Rémi", last_name="Dacteur"
    )
    editor.groups.add(Group.objects.get(name="Rédaction"))
    rows = [good_row(slug=f"a-relire-{n}", title=f"Fiche à relire {n}", siret="") for n in range(5)]
    report = apply_plan(parse_csv(csv_text(rows)), index, user=editor)
    assert all(row.submitted for row in report.rows)
    assert [message.to for message in mailoutbox] == [["mod@example.org"]]
    message = mailoutbox[0]
    assert "5 fiches acteurs à relire" in message.subject
    assert "Rémi Dacteur" in message.body
    for n in range(5):
        page = ActorPage.objects.get(locale__language_code="fr", slug=f"a-relire-{n}")
        assert f"Fiche à relire {n} : " in message.body
        assert f"/admin/pages/{page.pk}/edit/" in message.body

    # Outside an import, a submission is notified by Wagtail as usual.
    mailoutbox.clear()
    page = ActorPage.objects.get(locale__language_code="fr", slug="a-relire-0")
    page.current_workflow_state.cancel(user=editor)
    page.get_workflow().start(page, editor)
    assert len(mailoutbox) == 1 and "Fiche à relire 0" in mailoutbox[0].subject


def test_a_failed_import_sends_no_email(index, full_actor, django_user_model, mailoutbox):
    from django.contrib.auth.models import Group

    moderator = django_user_model.objects.create_user("moderateur", "mod2@example.org", "x")
    moderator.groups.add(Group.objects.get(name="Modération"))
    editor = django_user_model.objects.create_superuser("chef", "chef@example.org", "x")
    rows = [good_row(slug="bonne-ligne", siret=""), good_row(slug="mauvaise", kind="inconnu")]
    report = apply_plan(parse_csv(csv_text(rows)), index, user=editor)
    assert not report.applied
    assert mailoutbox == []


def test_import_without_a_user_submits_nothing(index):
    apply_plan(parse_csv(csv_text([good_row(slug="sans-relecture")])), index)
    assert not ActorPage.objects.child_of(index).get(slug="sans-relecture").workflow_in_progress


# --- The management command --------------------------------------------------------------


def write(tmp_path, text: str):
    path = tmp_path / "acteurs.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_command_imports_and_reports(index, tmp_path):
    path = write(tmp_path, csv_text([good_row(title="Par la commande")]))
    out = io.StringIO()
    call_command("import_actors", path, "--index-page", str(index.pk), stdout=out)
    assert "ligne 2 : « Par la commande » créée en brouillon" in out.getvalue()
    assert actor_count(index) == 1


def test_command_dry_run_changes_nothing(index, tmp_path):
    path = write(tmp_path, csv_text([good_row(title="Essai")]))
    out = io.StringIO()
    call_command("import_actors", path, "--dry-run", "--index-page", index.slug, stdout=out)
    assert "Essai à blanc" in out.getvalue()
    assert "ligne 2 : « Essai » — création" in out.getvalue()
    assert actor_count(index) == 0


def test_command_fails_on_errors_and_changes_nothing(index, tmp_path):
    path = write(tmp_path, csv_text([good_row(), good_row(siret="123")]))
    out = io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été modifié"):
        call_command("import_actors", path, "--index-page", str(index.pk), stdout=out)
    assert "ligne 3, colonne siret : " in out.getvalue()
    assert actor_count(index) == 0


def test_command_dry_run_with_errors_fails(index, tmp_path):
    path = write(tmp_path, csv_text([good_row(kind="inconnu")]))
    with pytest.raises(CommandError):
        call_command(
            "import_actors", path, "--dry-run", "--index-page", str(index.pk), stdout=io.StringIO()
        )


def test_command_confirm_valid_rows(index, tmp_path, django_user_model):
    django_user_model.objects.create_superuser("cli", "cli@example.org", "x")
    path = write(tmp_path, csv_text([good_row(title="Valide"), good_row(kind="inconnu")]))
    out = io.StringIO()
    call_command(
        "import_actors",
        path,
        "--confirm-valid-rows",
        "--index-page",
        str(index.pk),
        "--user",
        "cli",
        stdout=out,
    )
    assert "ligne 3, colonne kind : " in out.getvalue()
    assert "soumise à la relecture" in out.getvalue()
    assert list(ActorPage.objects.child_of(index).values_list("title", flat=True)) == ["Valide"]


def test_command_rejects_unknown_user_and_index(index, tmp_path):
    path = write(tmp_path, csv_text([good_row()]))
    with pytest.raises(CommandError, match="Utilisateur inconnu"):
        call_command("import_actors", path, "--index-page", str(index.pk), "--user", "personne")
    with pytest.raises(CommandError, match="Annuaire introuvable"):
        call_command("import_actors", path, "--index-page", "nulle-part")
    with pytest.raises(CommandError, match="Lecture impossible"):
        call_command("import_actors", str(tmp_path / "absent.csv"), "--index-page", str(index.pk))


def test_export_queries_do_not_grow_with_the_number_of_actors(index, full_actor, add_page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_export():
        actors = ActorPage.objects.child_of(index).prefetch_related(
            "contacts", "networks", "themes"
        )
        with CaptureQueriesContext(connection) as ctx:
            text = export_text(actors)
        return len(ctx.captured_queries), text

    queries_for_export()  # warm the site root paths cache
    few, _text = queries_for_export()
    for number in range(4):
        add_page(index, ActorPage, title=f"Acteur {number}", slug=f"acteur-{number}", kind="scop")
    many, text = queries_for_export()
    assert text.count("\r\n") == 6
    assert many == few


def test_the_seed_directory_round_trips_unchanged():
    """The whole seeded directory, exported then imported, changes nothing."""
    seed_index = DirectoryIndexPage.objects.filter(locale__language_code="fr").first()
    actors = list(ActorPage.objects.child_of(seed_index).live())
    assert len(actors) > 20  # the seed's organisations (conftest loads the seed)
    revisions = Revision.objects.count()
    plan = parse_csv(export_text(actors), index_page=seed_index)
    assert [str(error) for error in plan.errors] == []
    report = apply_plan(plan, seed_index)
    changed = [(row.title, row.changed) for row in report.rows if row.action != "unchanged"]
    assert changed == []
    assert Revision.objects.count() == revisions
