"""The seed calls (seeds 002 and 003) are present with their facts, and only
those: no date, amount or link the seeds do not give."""

from decimal import Decimal

import pytest
from django.utils import timezone

from calls_for_projects import status as st
from calls_for_projects import vocab
from calls_for_projects.models import ApplicantType, CallForProjectsPage, CallsIndexPage
from calls_for_projects.seed import load_calls
from home.seeding import SeedReport
from tests.html import links

pytestmark = pytest.mark.django_db

GRAND_EST_ROLLING = [
    "grand-est-emploi-associatif",
    "grand-est-bourses-emergence-scop-scic",
    "grand-est-soutien-aux-entreprises-dutilite-sociale",
    "grand-est-soutien-aux-manifestations-denvergure-de-less",
    "grand-est-soutien-aux-cooperatives-dactivite-et-demploi",
]


@pytest.fixture
def index(fr):
    return CallsIndexPage.objects.get(locale=fr, slug="appels-a-projets")


def call(index, slug) -> CallForProjectsPage:
    return CallForProjectsPage.objects.child_of(index).get(slug=slug)


def organisers(call):
    return [(o.actor.slug if o.actor else o.name, o.role) for o in call.organisers.all()]


def test_index_pages_in_french_and_english(client, index, en):
    assert index.url == "/fr/appels-a-projets/"
    english = index.get_translation(en)
    assert english.slug == "calls-for-projects" and english.title == "Calls for projects"
    assert english.url == "/en/calls-for-projects/"
    assert client.get(index.url).status_code == 200
    assert client.get(english.url).status_code == 200


def test_courts_circuits(client, index):
    page = call(index, "courts-circuits")
    assert page.call_type == vocab.AAP and page.recurrence == vocab.ANNUAL
    assert page.editions_held == 3 and page.framework == "Mois de l'ESS"
    assert organisers(page) == [
        ("ville-de-mulhouse", "co-organisateur"),
        ("mulhouse-alsace-agglomeration", "co-organisateur"),
        ("mef-mulhouse-sud-alsace", "co-organisateur"),
    ]
    juries = [(j.college, j.award) for j in page.juries.all()]
    assert juries == [("chefs d'entreprise", "prix du jury"), ("citoyens", "prix du public")]
    assert "plusieurs semaines" in page.support_offered
    assert "chefs d'entreprise" in page.support_offered
    # The seed gives no date: none is invented. Its last known edition is that
    # of the 2018 fiche: no session announced since, not « À venir ».
    assert page.opens_on is None and page.deadline is None and not page.is_rolling
    assert page.edition_year == 2018
    assert page.status == st.NO_SESSION
    html = client.get(page.url).text
    assert ">Pas de session annoncée<" in html and ">À venir<" not in html
    assert "Aucune session de cet appel n'a été annoncée depuis plus d'un an." in html
    assert "<dt>Dernière édition connue</dt><dd>2018</dd>" in html
    assert "prix du public" in html


def test_ami_initiatives_territoriales_and_its_laureate(client, index):
    page = call(index, "ami-initiatives-territoriales")
    assert page.call_type == vocab.AMI
    assert organisers(page) == [("region-grand-est", "organisateur")]
    assert "audition des porteurs devant un jury d'experts" in page.selection_steps
    assert [j.college for j in page.juries.all()] == ["experts"]
    laureates = list(page.laureates.all())
    assert [(lt.actor.slug, lt.project) for lt in laureates] == [
        (
            "communaute-de-communes-du-pays-de-colombey-et-du-sud-toulois",
            "Territoire zéro chômeur de longue durée",
        ),
        ("association-test", "Territoire zéro chômeur de longue durée"),
    ]
    assert laureates[0].amount == Decimal("50000")
    assert laureates[0].amount_note == "pour sa première année"
    assert laureates[1].amount is None  # the amount is the project's, given once
    html = client.get(page.url).text
    assert "Territoire zéro chômeur de longue durée" in html and "pour sa première année" in html


def test_other_grand_est_calls(index):
    networks = call(index, "ami-tetes-de-reseaux-regionales-associatives")
    assert networks.call_type == vocab.AMI
    assert {a.code for a in networks.applicants.all()} == {"tetes-de-reseau", "associations"}
    fabriques = call(index, "fabriques-a-projets-dutilite-sociale")
    assert fabriques.call_type == vocab.AAP
    assert "besoins non satisfaits" in fabriques.summary
    for page in (networks, fabriques):
        assert organisers(page) == [("region-grand-est", "organisateur")]
        assert page.region == "44"


@pytest.mark.parametrize("slug", GRAND_EST_ROLLING)
def test_grand_est_rolling_schemes(index, slug):
    page = call(index, slug)
    assert page.call_type == vocab.ROLLING_GRANT and page.is_rolling
    assert page.deadline is None
    assert page.status == st.ROLLING
    assert organisers(page) == [("region-grand-est", "financeur")]
    assert page.region == "44" and page.scope == vocab.REGIONAL


def test_rolling_schemes_facts(index):
    scop = call(index, "grand-est-bourses-emergence-scop-scic")
    (eurofence,) = scop.laureates.all()
    assert eurofence.actor.slug == "eurofence" and eurofence.amount == Decimal("244000")
    assert "61 associés salariés" in eurofence.amount_note
    utility = call(index, "grand-est-soutien-aux-entreprises-dutilite-sociale")
    assert {a.code for a in utility.applicants.all()} == {"siae", "ea-esat", "esus"}
    cae = call(index, "grand-est-soutien-aux-cooperatives-dactivite-et-demploi")
    assert [a.code for a in cae.applicants.all()] == ["cae"]
    jobs = call(index, "grand-est-emploi-associatif")
    assert "120 à 150 ETP CDI associatifs par an" in jobs.description


UNDATED_2018 = [
    "courts-circuits",
    "ami-initiatives-territoriales",
    "ami-tetes-de-reseaux-regionales-associatives",
    "fabriques-a-projets-dutilite-sociale",
]


def test_undated_seed_calls_are_not_upcoming(client, index):
    """The calls the 2018 fiches describe without dates: « Pas de session
    annoncée », found by that status, never by « À venir »."""
    for slug in UNDATED_2018:
        page = call(index, slug)
        assert page.edition_year == 2018 and page.status == st.NO_SESSION, slug
    upcoming = client.get(index.url, {"status": "a-venir"})
    assert links(upcoming, ".call-list .card__link") == []
    amis = client.get(index.url, {"type": "ami", "status": "pas-de-session"})
    assert set(links(amis, ".call-list .card__link")) == {
        call(index, "ami-initiatives-territoriales").url,
        call(index, "ami-tetes-de-reseaux-regionales-associatives").url,
    }
    assert "Dernière édition connue" in amis.text


def test_hauts_de_seine_call_stopped_in_2015(client, index):
    page = call(index, "appel-a-projets-ess-des-hauts-de-seine")
    assert page.recurrence == vocab.ANNUAL and page.discontinued
    assert page.discontinued_year == 2015 and "loi NOTRe" in page.discontinued_note
    assert page.departement == "92"
    assert page.status == st.CLOSED and page.archive_year == 2015
    figures = [(b.value["value"], b.value["label"]) for b in page.results_figures]
    assert figures[0][0] == "68" and [f[0] for f in figures] == ["68", "55", "13"]
    assert organisers(page) == [("conseil-departemental-des-hauts-de-seine", "organisateur")]
    archive = client.get(f"{index.url}archives/2015/")
    assert page.title in archive.text
    assert page.title not in client.get(index.url).text  # not among the current calls


def test_no_seed_call_has_an_invented_date_or_amount(index):
    for page in CallForProjectsPage.objects.child_of(index).filter(
        slug__in=GRAND_EST_ROLLING
        + [
            "courts-circuits",
            "ami-initiatives-territoriales",
            "ami-tetes-de-reseaux-regionales-associatives",
            "fabriques-a-projets-dutilite-sociale",
            "appel-a-projets-ess-des-hauts-de-seine",
        ]
    ):
        assert page.opens_on is None and page.deadline is None, page.slug
        assert page.preregistration_on is None, page.slug
        assert page.total_envelope is None and page.max_per_project is None, page.slug
        assert page.application_url == "" and page.application_email == "", page.slug


@pytest.mark.parametrize(
    "fiche, titles",
    [
        ("region-grand-est", ["AMI Initiatives territoriales", "Grand Est Emploi Associatif"]),
        ("ville-de-mulhouse", ["Courts-circuits"]),
        ("mef-mulhouse-sud-alsace", ["Courts-circuits"]),
        ("conseil-departemental-des-hauts-de-seine", ["Appel à projets ESS du Département"]),
        ("association-test", ["AMI Initiatives territoriales"]),
        ("eurofence", ["Grand Est bourses émergence SCOP/SCIC"]),
    ],
)
def test_organisers_and_laureates_fiches_list_their_calls(client, fr, fiche, titles):
    from directory.models import ActorPage

    actor = ActorPage.objects.get(locale=fr, slug=fiche)
    html = client.get(actor.url).text
    section = html[html.index('id="appels-a-projets"') :]
    for title in titles:
        assert title in section


def test_seed_is_idempotent(index):
    report = SeedReport()
    load_calls(report)
    assert report.created == 0 and report.updated == 0
    assert report.unchanged >= 12


def test_applicant_vocabulary_rows_match_the_code():
    assert list(ApplicantType.objects.values_list("code", flat=True)) == [
        code for code, _label in vocab.Applicant.choices
    ]


def test_seed_calls_status_uses_the_current_time(index):
    page = call(index, "courts-circuits")
    assert page.status_at(timezone.now()) == page.status
