"""The conventions' public pages: the index with its filters, the convention
page, the section on the directory fiches, the SCDL CSV export. Never a 500,
a fixed number of queries whatever the number of conventions."""

import csv
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from conventions.factories import ConventionIndexPageFactory, ConventionPageFactory
from conventions.filters import ConventionFilterSet
from conventions.models import (
    ConventionDocument,
    ConventionIndexPage,
    ConventionPage,
    ConventionPartner,
)
from conventions.scdl import SCDL_COLUMNS
from directory.factories import ActorPageFactory, DirectoryIndexPageFactory
from home.models import HomePage, PageTheme, StandardPage, Theme
from tests.html import facets, texts

pytestmark = pytest.mark.django_db

PER_PAGE = ConventionFilterSet.per_page

SCDL_HEADER = (
    "COLL_NOM,COLL_SIRET,DELIB_ID,DELIB_DATE,DELIB_MATIERE_CODE,DELIB_MATIERE_NOM,DELIB_OBJET,"
    "BUDGET_ANNEE,BUDGET_NOM,PREF_ID,PREF_DATE,VOTE_EFFECTIF,VOTE_REEL,VOTE_POUR,VOTE_CONTRE,"
    "VOTE_ABSTENTION,DELIB_URL"
)


# --- Fixtures -------------------------------------------------------------------


@pytest.fixture
def directory(home_fr):
    return DirectoryIndexPageFactory(
        parent=home_fr, title="Annuaire des conventions test", slug="annuaire-conventions-test"
    )


@pytest.fixture
def actors(directory):
    def actor(slug, title, kind, **fields):
        page = ActorPageFactory(parent=directory, slug=slug, title=title, kind=kind, **fields)
        page.save_revision().publish()
        return page

    return {
        "zephyrine": actor(
            "commune-zephyrine", "Commune Zéphyrine", "commune", siret="21920071000016"
        ),
        "tamarin": actor("commune-tamarin", "Commune Tamarin", "commune", siret="219200714"),
        "quokka": actor("atelier-quokka", "Atelier Quokka", "centre-de-ressources"),
        "pangolin": actor("reseau-pangolin", "Réseau Pangolin", "reseau"),
        "ornithorynque": actor("fonds-ornithorynque", "Fonds Ornithorynque", "financeur"),
    }


@pytest.fixture
def theme(db):
    return Theme.objects.create(name="Thème conventions test", slug="theme-conventions-test")


@pytest.fixture
def index(home_fr):
    return ConventionIndexPageFactory(
        parent=home_fr, title="Conventions test", slug="conventions-test"
    )


def add_convention(index, *, partners=(), themes=(), **fields):
    """A published convention; `partners` are (actor, description) pairs."""
    page = ConventionPageFactory.build(**fields)
    page.partners = [
        ConventionPartner(actor=actor, description=description, sort_order=n)
        for n, (actor, description) in enumerate(partners)
    ]
    index.add_child(instance=page)
    for theme in themes:
        PageTheme.objects.create(content_object=page, tag=theme)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def conventions(index, actors, theme):
    a = actors
    return {
        "approved": add_convention(
            index,
            title="Convention Alpha des tiers-lieux",
            authority=a["zephyrine"],
            decision_date=date(2014, 9, 30),
            rapporteur_name="Jeanne Rapporteuse",
            rapporteur_function="maire adjointe",
            subject="Approbation de conventions avec des acteurs de l'économie solidaire",
            partners=[(a["quokka"], "centre de ressources des quokkas"), (a["pangolin"], "")],
            collaboration_forms=[
                {"type": "form", "value": "informer tous les publics"},
                {"type": "form", "value": "échanger des données"},
            ],
            themes=[theme],
        ),
        "expired": add_convention(
            index,
            title="Convention Béta de financement",
            authority=a["zephyrine"],
            decision_date=date(2016, 3, 10),
            deliberation_reference="=2016-03-12",
            signature_date=date(2016, 4, 1),
            duration_months=12,
            amount=Decimal("15000"),
            matiere_code="7.5",
            budget_year="2016",
            budget_name="Budget principal",
            prefecture_id="PREF092",
            prefecture_date=date(2016, 3, 15),
            vote_members=43,
            vote_actual=40,
            vote_for=35,
            vote_against=3,
            vote_abstention=2,
            deliberation_url="https://deliberations.example.org/2016-03-12.pdf",
            subject="Subvention au fonds de garantie, une convention\nsur deux lignes",
            partners=[(a["pangolin"], "réseau des pangolins")],
        ),
        "in_force": add_convention(
            index,
            title="Convention Gamma du zinzolin",
            authority=a["tamarin"],
            decision_date=date(2020, 6, 1),
            signature_date=date(2020, 7, 1),
            end_date=date(2099, 12, 31),
            subject="Convention relative au tiers-lieu zinzolin",
            partners=[(a["quokka"], "")],
        ),
        "proposed": add_convention(
            index,
            title="Projet de convention Delta",
            subject="Projet de partenariat avec un fonds",
            partners=[(a["ornithorynque"], "fonds régional")],
        ),
    }


def titles(response):
    """The cards' titles, in the order the page shows them."""
    return texts(response, ".convention-list .card__title")


def notices(response):
    return response.context["notices"]


# --- Page tree ------------------------------------------------------------------


def test_page_tree_rules(home_fr, index):
    # The index lives under a home page, one per home page (HomePage's own
    # subpage_types must list it for editors to add one in the admin).
    assert ConventionIndexPage.parent_page_types == ["home.HomePage"]
    assert ConventionIndexPage.max_count_per_parent == 1
    assert ConventionPage.allowed_parent_page_models() == [ConventionIndexPage]
    assert ConventionPage.can_create_at(index)
    assert not ConventionPage.can_create_at(home_fr)
    assert ConventionIndexPage.allowed_subpage_models() == [ConventionPage]
    assert ConventionPage.allowed_subpage_models() == []
    standard = StandardPage(title="Une page")
    home_fr.add_child(instance=standard)
    assert not ConventionPage.can_create_at(standard)
    assert not ConventionIndexPage.can_create_at(standard)
    assert ConventionIndexPage in HomePage.allowed_subpage_models()
    # The home page already has its index (the seed's): no second one.
    assert not ConventionIndexPage.can_create_at(home_fr)


# --- Index ----------------------------------------------------------------------


def test_index_lists_the_most_recent_deliberation_first(client, index, conventions):
    response = client.get(index.url)
    assert response.status_code == 200
    assert titles(response) == [
        "Convention Gamma du zinzolin",
        "Convention Béta de financement",
        "Convention Alpha des tiers-lieux",
        "Projet de convention Delta",  # no session date: last
    ]
    html = response.text
    assert "Approuvée" in html and "Échue" in html and "En vigueur" in html
    # Each card names the authority and the partners, in the editor's order.
    cards = re.findall(r'<li class="card convention-card">(.*?)</li>', html, re.S)
    alpha = next(card for card in cards if "Convention Alpha" in card)
    assert "Commune Zéphyrine, conseil municipal du 30 septembre 2014" in alpha
    assert "Atelier Quokka, Réseau Pangolin" in alpha
    delta = next(card for card in cards if "Projet de convention Delta" in card)
    assert "Fonds Ornithorynque" in delta and "conseil municipal" not in delta


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"status": "approuvee"}, ["Convention Alpha des tiers-lieux"]),
        ({"status": "echue"}, ["Convention Béta de financement"]),
        ({"status": "en-vigueur"}, ["Convention Gamma du zinzolin"]),
        ({"status": "proposee"}, ["Projet de convention Delta"]),
        (
            {"partner": "atelier-quokka"},
            ["Convention Gamma du zinzolin", "Convention Alpha des tiers-lieux"],
        ),
        (
            {"authority": "commune-zephyrine"},
            ["Convention Béta de financement", "Convention Alpha des tiers-lieux"],
        ),
        ({"year": "2016"}, ["Convention Béta de financement"]),
        ({"theme": "theme-conventions-test"}, ["Convention Alpha des tiers-lieux"]),
        ({"q": "zinzolin"}, ["Convention Gamma du zinzolin"]),
        ({"partner": "reseau-pangolin", "status": "echue"}, ["Convention Béta de financement"]),
        ({"authority": "commune-zephyrine", "year": "2014"}, ["Convention Alpha des tiers-lieux"]),
    ],
)
def test_filters_and_their_combinations(client, index, conventions, params, expected):
    response = client.get(index.url, params)
    assert response.status_code == 200
    assert titles(response) == expected
    assert not notices(response)


def test_filter_choices_are_the_values_in_use(client, index, conventions):
    form = client.get(index.url).context["form"]
    assert [value for value, _ in form.fields["partner"].choices][1:] == [
        "atelier-quokka",
        "fonds-ornithorynque",
        "reseau-pangolin",
    ]
    assert [value for value, _ in form.fields["authority"].choices][1:] == [
        "commune-tamarin",
        "commune-zephyrine",
    ]
    assert [value for value, _ in form.fields["year"].choices][1:] == ["2020", "2016", "2014"]


def test_status_counts_among_the_filtered_set(client, index, conventions):
    response = client.get(index.url, {"partner": "reseau-pangolin"})
    (status_facet,) = response.context["facets"]
    counts = {item.value: item.count for item in status_facet.items}
    assert counts == {"approuvee": 1, "echue": 1}
    assert facets(response) == {"Statut aujourd'hui": {"Approuvée": 1, "Échue": 1}}
    link = next(i for i in status_facet.items if i.value == "echue")
    assert "partner=reseau-pangolin" in link.query and "status=echue" in link.query


def test_status_counts_leave_out_the_status_but_keep_the_query(client, index, conventions):
    """A status selected, the facet still counts the other statuses among the
    text matches."""
    response = client.get(index.url, {"q": "convention", "status": "echue"})
    assert titles(response) == ["Convention Béta de financement"]
    counts = facets(response)["Statut aujourd'hui"]
    assert counts == {"Proposée": 1, "Approuvée": 1, "En vigueur": 1, "Échue": 1}


def test_query_is_combined_with_the_other_filters(client, index, conventions, monkeypatch):
    """The text matches are ranked within what the other filters select: with
    one match kept at most, each year still finds its own convention."""
    monkeypatch.setattr(ConventionFilterSet, "max_text_matches", 1)
    response = client.get(index.url, {"q": "convention"})
    assert len(titles(response)) == 1
    assert "Plus de 1 conventions correspondent" in notices(response)[0]
    for year, title in [
        ("2014", "Convention Alpha des tiers-lieux"),
        ("2016", "Convention Béta de financement"),
        ("2020", "Convention Gamma du zinzolin"),
    ]:
        response = client.get(index.url, {"q": "convention", "year": year})
        assert titles(response) == [title]
        assert response.context["results"].paginator.count == 1
        assert not notices(response)


def test_active_filters_are_removable_chips(client, index, conventions):
    response = client.get(index.url, {"partner": "atelier-quokka", "status": "approuvee"})
    chips = {chip.param: chip for chip in response.context["chips"]}
    assert chips["partner"].value == "Atelier Quokka"
    assert chips["status"].value == "Approuvée"
    assert chips["status"].remove_query == "partner=atelier-quokka"
    assert "Retirer le filtre" in response.text


@pytest.mark.parametrize(
    "param, value",
    [
        ("status", "perdue"),
        ("partner", "inconnu"),
        ("authority", "<script>"),
        ("year", "abcd"),
        ("year", "1999"),
        ("theme", "nope"),
        ("page", "x"),
        ("page", "-3"),
        ("q", "!!!"),
        ("q", "z" * 500),
    ],
)
def test_invalid_parameters_are_ignored_with_a_notice(client, index, conventions, param, value):
    kept = (
        {"authority": "commune-zephyrine"} if param == "partner" else {"partner": "atelier-quokka"}
    )
    response = client.get(index.url, {param: value, **kept})
    assert response.status_code == 200
    assert len(notices(response)) == 1
    # The valid filter is kept, the bad one dropped.
    assert titles(response) == titles(client.get(index.url, kept))
    assert len(titles(response)) == 2
    assert "Votre sélection a été ajustée" in response.text
    assert "<script>" not in response.text


def test_nul_byte_and_repeated_parameters_never_break(client, index, conventions):
    response = client.get(f"{index.url}?q=zinz%00olin&status=echue&status=approuvee&year=")
    assert response.status_code == 200
    response = client.get(index.url + "export/deliberations-csv/?year=abcd&partner=%00")
    assert response.status_code == 200


def test_page_beyond_the_last_shows_the_last_with_a_notice(client, index, conventions):
    response = client.get(index.url, {"page": "99"})
    assert response.status_code == 200
    assert response.context["results"].number == 1
    # A no-break space before the colon: the line never starts with it.
    assert notices(response) == ["La page 99 n'existe pas\u00a0: page 1 affichée."]
    assert "La page 99 n" in response.text


def test_pagination(client, index, actors):
    for n in range(PER_PAGE + 3):
        add_convention(
            index,
            title=f"Convention paginée {n:02d}",
            authority=actors["zephyrine"],
            decision_date=date(2015, 1, 1 + n),
        )
    first = client.get(index.url)
    assert len(titles(first)) == PER_PAGE
    assert first.context["results"].paginator.num_pages == 2
    second = client.get(index.url, {"page": 2})
    assert len(titles(second)) == 3
    assert 'rel="prev"' in second.text


def test_empty_state_offers_a_reset(client, index, conventions):
    response = client.get(index.url, {"partner": "fonds-ornithorynque", "status": "echue"})
    assert response.status_code == 200
    assert titles(response) == []
    assert "Aucune convention ne correspond à ces critères" in response.text
    assert f'href="{index.url}"' in response.text


def test_empty_index(client, index):
    response = client.get(index.url)
    assert response.status_code == 200
    assert titles(response) == []
    assert "Aucune convention n'est encore publiée ici." in response.text
    # Nothing to download: the columns are documented, no empty file offered.
    assert "<code>DELIB_OBJET</code>" in response.text
    assert "export/deliberations-csv/" not in response.text


def test_unpublished_conventions_are_not_listed(client, index, conventions):
    conventions["approved"].unpublish()
    response = client.get(index.url)
    assert "Convention Alpha des tiers-lieux" not in titles(response)


def test_index_links_the_export_with_its_filters_and_documents_columns(client, index, conventions):
    response = client.get(index.url, {"authority": "commune-zephyrine"})
    assert response.context["csv_url"] == (
        f"{index.url}export/deliberations-csv/?authority=commune-zephyrine"
    )
    html = response.text
    for column in SCDL_COLUMNS:
        assert f"<code>{column}</code>" in html


# --- Convention page ------------------------------------------------------------


def test_convention_page_shows_its_facts_and_links_partners(client, conventions, actors):
    page = conventions["approved"]
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.text
    assert "Jeanne Rapporteuse, maire adjointe" in html
    assert "30 septembre 2014" in html
    assert "Conseil municipal" in html
    assert "Approuvée" in html
    assert f'href="{actors["zephyrine"].url}"' in html
    assert f'href="{actors["quokka"].url}"' in html
    assert "centre de ressources des quokkas" in html
    assert "<li>informer tous les publics</li>" in html
    assert "<li>échanger des données</li>" in html
    # Partners in the order given.
    assert html.index("Atelier Quokka") < html.index("Réseau Pangolin")


def test_convention_page_shows_dates_amount_and_documents(client, conventions):
    page = conventions["expired"]
    document = Document.objects.create(title="Délibération signée Béta")
    document.file.save("deliberation-beta.pdf", ContentFile(b"%PDF-1.4 test"))
    ConventionDocument.objects.create(convention=page, document=document, kind="deliberation")
    html = client.get(page.url).text
    assert "Échue" in html
    assert "1 avril 2016" in html  # signature and start
    assert "31 mars 2017" in html  # end from the 12-month duration
    assert "15" in html and "000" in html  # the amount
    assert "Délibération signée Béta" in html
    assert "35 pour, 3 contre, 2 abstentions" in html


def test_french_punctuation_is_bound_to_its_word(client, index, conventions):
    """A no-break space before « : ; » and inside guillemets, so that a phone
    never starts a line with a colon, while the text stays as typed."""
    page = conventions["approved"]
    page.context = "<p>La démarche « Parlons ensemble » : un début ; <b>et</b> ensuite ?</p>"
    page.save_revision().publish()
    html = client.get(page.url).text
    assert "Objet\u00a0:" in html
    assert "adoptée\u00a0; la signature" in html  # the status description
    assert "«\u00a0Parlons ensemble\u00a0»\u00a0: un début\u00a0; <b>et</b> ensuite\u00a0?" in html
    index_html = client.get(index.url, {"q": "tiers-lieux"}).text
    assert "Données ouvertes\u00a0: les délibérations" in index_html
    assert re.search("[0-9] partenaires\u00a0:", index_html)  # a card's label
    assert "«\u00a0tiers-lieux\u00a0»" in index_html  # the search chip


def test_french_spacing_filter_escapes_plain_text():
    from django.template import Context, Template

    template = Template("{% load site_tags %}{{ value|french_spacing }}")
    html = template.render(Context({"value": "<script>x</script> : « y »"}))
    assert html == "&lt;script&gt;x&lt;/script&gt;\u00a0: «\u00a0y\u00a0»"


def test_english_translation_keeps_the_synchronised_facts(client, conventions, en):
    """wagtail-localize: dates, authority and partners are synchronised, the
    English page lists and renders them with English labels."""
    from wagtail_localize.models import TranslationSource

    page = conventions["approved"]
    from home.seeding import SeedReport, upsert_translation

    # The index exists in English (an alias, issue 14): it becomes a translation.
    upsert_translation(SeedReport(), page.get_parent(), en, {})
    source, _created = TranslationSource.get_or_create_from_instance(page)
    english, _created = source.create_or_update_translation(en, fallback=True)
    english.save_revision().publish()
    english = ConventionPage.objects.get(pk=english.pk)
    assert english.locale == en
    assert english.decision_date == date(2014, 9, 30)
    assert english.authority_id == page.authority_id
    assert [(p.actor_id, p.description) for p in english.partners.all()] == [
        (p.actor_id, p.description) for p in page.partners.all()
    ]
    assert english.collaboration_list == page.collaboration_list
    html = client.get(english.url).text
    assert '<html lang="en"' in html
    assert "Partners" in html and "Approved" in html
    # The English listing: this translation, and the aliases of the others.
    listing = client.get(english.get_parent().url)
    assert english.title in titles(listing)
    assert len(titles(listing)) == len(titles(client.get(page.get_parent().url)))


# --- Directory fiches -----------------------------------------------------------


def test_partner_fiche_lists_its_conventions(client, conventions, actors):
    html = client.get(actors["quokka"].url).text
    assert "Conventions de partenariat" in html
    assert "Convention Alpha des tiers-lieux" in html
    assert "Convention Gamma du zinzolin" in html
    assert "centre de ressources des quokkas" in html
    assert "Convention Béta de financement" not in html
    assert 'href="' + conventions["approved"].url + '"' in html


def test_authority_fiche_lists_the_conventions_it_decided(client, conventions, actors):
    html = client.get(actors["zephyrine"].url).text
    assert "Collectivité signataire" in html
    assert "Convention Alpha des tiers-lieux" in html
    assert "Convention Béta de financement" in html
    assert "Convention Gamma du zinzolin" not in html


def test_fiche_without_conventions_has_no_section(client, directory):
    actor = ActorPageFactory(parent=directory, slug="sans-convention", title="Sans convention")
    actor.save_revision().publish()
    assert "conventions-acteur" not in client.get(actor.url).text


def test_unpublished_convention_is_not_on_the_fiche(client, conventions, actors):
    conventions["in_force"].unpublish()
    html = client.get(actors["quokka"].url).text
    assert "Convention Gamma du zinzolin" not in html


# --- SCDL CSV export ------------------------------------------------------------


def export(client, index, params=None):
    response = client.get(index.url + "export/deliberations-csv/", params or {})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    return response, body


def test_csv_has_the_scdl_columns_in_order_utf8_and_adopted_deliberations_only(
    client, index, conventions
):
    response, body = export(client, index)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="deliberations-')
    assert not body.startswith(b"\xef\xbb\xbf")  # no byte order mark
    text = body.decode("utf-8")
    assert text.splitlines()[0] == SCDL_HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == SCDL_COLUMNS
    objets = [row["DELIB_OBJET"] for row in rows]
    # The proposal has no deliberation yet: not exported.
    assert objets == [
        "Convention relative au tiers-lieu zinzolin",
        "Subvention au fonds de garantie, une convention sur deux lignes",
        "Approbation de conventions avec des acteurs de l'économie solidaire",
    ]


def test_csv_values_of_a_complete_deliberation(client, index, conventions):
    _response, body = export(client, index, {"year": "2016"})
    (row,) = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert row == {
        "COLL_NOM": "Commune Zéphyrine",
        "COLL_SIRET": "21920071000016",
        "DELIB_ID": "'=2016-03-12",  # a formula-like cell is neutralised
        "DELIB_DATE": "2016-03-10",
        "DELIB_MATIERE_CODE": "7.5",
        "DELIB_MATIERE_NOM": "finances locales/subventions",
        "DELIB_OBJET": "Subvention au fonds de garantie, une convention sur deux lignes",
        "BUDGET_ANNEE": "2016",
        "BUDGET_NOM": "Budget principal",
        "PREF_ID": "PREF092",
        "PREF_DATE": "2016-03-15",
        "VOTE_EFFECTIF": "43",
        "VOTE_REEL": "40",
        "VOTE_POUR": "35",
        "VOTE_CONTRE": "3",
        "VOTE_ABSTENTION": "2",
        "DELIB_URL": "https://deliberations.example.org/2016-03-12.pdf",
    }
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["DELIB_DATE"])


def test_csv_leaves_unknown_values_empty(client, index, conventions):
    _response, body = export(client, index, {"year": "2020"})
    (row,) = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert row["COLL_NOM"] == "Commune Tamarin"
    assert row["COLL_SIRET"] == ""  # a SIREN is not a SIRET
    assert row["DELIB_DATE"] == "2020-06-01"
    for column in SCDL_COLUMNS:
        if column not in {"COLL_NOM", "DELIB_DATE", "DELIB_OBJET"}:
            assert row[column] == "", column


def test_csv_deliberation_url_prefers_the_attached_deliberation(client, index, conventions):
    page = conventions["expired"]
    document = Document.objects.create(title="Délibération Béta")
    document.file.save("deliberation-beta.pdf", ContentFile(b"%PDF-1.4 test"))
    ConventionDocument.objects.create(convention=page, document=document, kind="deliberation")
    _response, body = export(client, index, {"year": "2016"})
    (row,) = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert row["DELIB_URL"].startswith("http://testserver/")
    assert row["DELIB_URL"].endswith(document.url)


def test_csv_applies_the_filters(client, index, conventions):
    _response, body = export(client, index, {"partner": "atelier-quokka"})
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert [row["DELIB_DATE"] for row in rows] == ["2020-06-01", "2014-09-30"]


# --- Query counts ---------------------------------------------------------------


def _add_many(index, actors, theme, start, stop):
    for n in range(start, stop):
        add_convention(
            index,
            title=f"Convention nombreuse {n}",
            authority=actors["zephyrine"] if n % 2 else actors["tamarin"],
            decision_date=date(2015 + n % 5, 1 + n % 12, 1 + n % 28),
            signature_date=date(2015 + n % 5, 1 + n % 12, 1 + n % 28) if n % 3 else None,
            partners=[(actors["quokka"], f"désignation {n}"), (actors["pangolin"], "")],
            themes=[theme] if n % 2 else [],
        )


def _count(client, django_assert_max_num_queries, url, params, limit=25):
    client.get(url, params)  # warm the per-process caches
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url, params)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_query_counts_do_not_grow_with_conventions(
    client, index, actors, theme, django_assert_max_num_queries
):
    _add_many(index, actors, theme, 0, 4)
    first = ConventionPage.objects.child_of(index).first()
    urls = [
        ("index", index.url, {}),
        ("filtered", index.url, {"partner": "atelier-quokka", "status": "en-vigueur"}),
        ("theme and year", index.url, {"theme": "theme-conventions-test", "year": "2016"}),
        ("searched", index.url, {"q": "nombreuse"}),
        ("convention", first.url, {}),
        ("partner fiche", actors["quokka"].url, {}),
        ("csv", index.url + "export/deliberations-csv/", {}),
    ]
    few = {label: _count(client, django_assert_max_num_queries, url, p) for label, url, p in urls}
    _add_many(index, actors, theme, 4, 40)
    many = {label: _count(client, django_assert_max_num_queries, url, p) for label, url, p in urls}
    assert many == few


def test_cached_filter_choices_follow_publication(client, index, actors, conventions, directory):
    response = client.get(index.url)
    assert "cooperative-wombat" not in dict(response.context["form"].fields["partner"].choices)
    assert 'value="cooperative-wombat"' not in response.text
    wombat = ActorPageFactory(
        parent=directory, slug="cooperative-wombat", title="Coopérative Wombat", kind="scop"
    )
    wombat.save_revision().publish()
    added = add_convention(
        index,
        title="Convention Epsilon du wombat",
        decision_date=date(2021, 5, 4),
        partners=[(wombat, "")],
    )
    response = client.get(index.url)
    after = response.context["form"]
    assert dict(after.fields["partner"].choices)["cooperative-wombat"] == "Coopérative Wombat"
    assert 'value="cooperative-wombat"' in response.text  # the cached form was renewed
    assert "2021" in dict(after.fields["year"].choices)
    added.unpublish()
    response = client.get(index.url)
    again = response.context["form"]
    assert "cooperative-wombat" not in dict(again.fields["partner"].choices)
    assert 'value="cooperative-wombat"' not in response.text
    assert "2021" not in dict(again.fields["year"].choices)


def test_cards_show_each_day_s_status_and_follow_publication(client, index, monkeypatch):
    """The cards' HTML is kept (per content version, selection, page and
    day): the status on a card is the day's, and an edit shows at once."""
    from django.utils import timezone

    noon = timezone.make_aware(datetime(2026, 6, 10, 12, 0), ZoneInfo("Europe/Paris"))
    monkeypatch.setattr(timezone, "now", lambda: noon)
    page = add_convention(
        index,
        title="Convention Kappa à échéance",
        decision_date=date(2025, 12, 1),
        signature_date=date(2026, 1, 1),
        end_date=date(2026, 6, 10),
    )

    def card():
        response = client.get(index.url, {"status": ""})
        assert response.status_code == 200
        shown = zip(
            texts(response, ".convention-list .card__title"),
            texts(response, ".convention-list .convention-status"),
            strict=True,
        )
        return list(shown)

    assert card() == [("Convention Kappa à échéance", "En vigueur")]
    assert card() == [("Convention Kappa à échéance", "En vigueur")]  # kept, the same
    monkeypatch.setattr(timezone, "now", lambda: noon + timedelta(hours=12))
    assert card() == [("Convention Kappa à échéance", "Échue")]  # past midnight in Paris
    page.title = "Convention Kappa renouvelée"
    page.end_date = date(2027, 6, 10)
    page.save_revision().publish()
    assert card() == [("Convention Kappa renouvelée", "En vigueur")]


def test_a_listing_asked_again_reads_no_convention(client, index, conventions):
    """Its total and its cards are kept: a second request selects nothing
    from the conventions (the first reads them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def conventions_read():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(index.url, {"status": "en-vigueur"}).status_code == 200
        return [
            q["sql"] for q in captured.captured_queries if "conventions_conventionpage" in q["sql"]
        ]

    assert conventions_read()
    assert conventions_read() == []
