"""Benchmark data for the calls for projects: N live calls under the French
calls index, with statuses spread over open, closing soon, rolling, upcoming,
undated (dates not announced, or no session announced once their publication,
spread over two years, is more than a year old), closed (half with laureates)
and discontinued; each with one to three
organisers among the directory's actors, eligible applicants and themes.

Written in bulk (bench/pages.py), like the directory's actors it links to.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from bench.pages import add_children_count, bulk_insert_pages, child_paths
from bench.registry import register_generator, register_urls
from directory import geo
from directory.models import ActorPage
from home.bench import ensure_home_page, ensure_themes

from . import vocab
from .models import (
    ApplicantType,
    CallForProjectsPage,
    CallLaureate,
    CallOrganiser,
    CallsIndexPage,
)

KINDS = ["Appel à projets", "AMI", "Prix", "Trophées", "Fonds", "Programme"]
SUBJECTS = [
    "innovation sociale",
    "tiers-lieux",
    "emploi associatif",
    "économie circulaire",
    "circuits courts alimentaires",
    "mobilité solidaire",
    "coopératives d'habitants",
    "insertion par l'activité économique",
    "finance solidaire",
    "numérique inclusif",
    "silver économie",
    "culture et territoires",
]
DEPARTEMENTS = ["68", "67", "51", "54", "08", "92", "91", "69", "35", "31", "59", "13", "44"]
# (share, bucket): how the generated calls' statuses are spread.
BUCKETS = [
    (35, "open"),
    (10, "closing"),
    (10, "rolling"),
    (8, "upcoming"),
    (4, "undated"),
    (28, "closed"),
    (5, "discontinued"),
]


def ensure_calls_index() -> CallsIndexPage:
    existing = CallsIndexPage.objects.filter(locale__language_code="fr").first()
    if existing:
        return existing
    home = ensure_home_page()
    index = CallsIndexPage(title="Appels à projets", slug="appels-a-projets", show_in_menus=True)
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def _bucket(rng: random.Random) -> str:
    roll = rng.randrange(sum(share for share, _ in BUCKETS))
    for share, name in BUCKETS:
        if roll < share:
            return name
        roll -= share
    return BUCKETS[-1][1]


def _dates(bucket: str, rng: random.Random, now, today) -> dict:
    if bucket == "open":
        return {"deadline": now + timedelta(days=rng.randint(15, 150), hours=rng.randint(0, 23))}
    if bucket == "closing":
        return {"deadline": now + timedelta(hours=rng.randint(1, 14 * 24 - 1))}
    if bucket == "rolling":
        return {"is_rolling": True}
    if bucket == "upcoming":
        opens = today + timedelta(days=rng.randint(2, 60))
        return {"opens_on": opens, "deadline": now + timedelta(days=rng.randint(70, 200))}
    if bucket == "closed":
        return {"deadline": now - timedelta(days=rng.randint(1, 1800), hours=rng.randint(0, 23))}
    if bucket == "discontinued":
        return {"discontinued": True, "discontinued_year": rng.randint(2012, 2024)}
    return {}


def create_calls(index: CallsIndexPage, n: int, rng: random.Random) -> list[CallForProjectsPage]:
    now = timezone.now()
    today = timezone.localdate()
    actor_ids = list(
        ActorPage.objects.filter(locale_id=index.locale_id, live=True).values_list("pk", flat=True)
    )
    applicant_ids = list(ApplicantType.objects.values_list("pk", flat=True))
    theme_ids = [theme.pk for theme in ensure_themes()]
    types = [vocab.AAP, vocab.AAP, vocab.AMI, vocab.AMI, vocab.PRIZE, vocab.OTHER]
    offset = CallForProjectsPage.objects.count()
    pages, plans = [], {}
    for i, path in enumerate(child_paths(index, n)):
        bucket = _bucket(rng)
        dates = _dates(bucket, rng, now, today)
        subject = rng.choice(SUBJECTS)
        call_type = vocab.ROLLING_GRANT if bucket == "rolling" else rng.choice(types)
        title = f"{rng.choice(KINDS)} {subject} {2015 + rng.randrange(12)}"
        slug = f"{slugify(title)[:60]}-{offset + i + 1}"
        departement = rng.choice(DEPARTEMENTS)
        national = rng.random() < 0.08
        first = now - timedelta(seconds=rng.randrange(2 * 365 * 86400))
        with_results = bucket == "closed" and rng.random() < 0.5
        page = CallForProjectsPage(
            title=title,
            draft_title=title,
            slug=slug,
            path=path,
            depth=index.depth + 1,
            numchild=0,
            url_path=f"{index.url_path}{slug}/",
            locale_id=index.locale_id,
            translation_key=uuid.UUID(int=rng.getrandbits(128), version=4),
            live=True,
            has_unpublished_changes=False,
            first_published_at=first,
            last_published_at=first,
            latest_revision_created_at=first,
            call_type=call_type,
            summary=f"Soutenir les projets de {subject} portés par les acteurs de l'ESS.",
            description=f"<p>Un appel pour développer {subject} sur le territoire.</p>",
            scope=vocab.NATIONAL if national else vocab.DEPARTMENTAL,
            region="" if national else geo.departements()[departement].region,
            departement="" if national else departement,
            max_per_project=Decimal(rng.choice([5000, 10000, 25000, 50000])),
            recurrence=rng.choice(["", vocab.ANNUAL, vocab.ONE_OFF]),
            has_results=with_results,
            **dates,
        )
        pages.append(page)
        plans[slug] = with_results

    def relations(chunk):
        organisers, laureates, applicants = [], [], []
        through = CallForProjectsPage.applicants.through
        for page in chunk:
            chosen = rng.sample(actor_ids, k=min(len(actor_ids), rng.randint(1, 3)))
            for order, actor_id in enumerate(chosen):
                role = vocab.ORGANISER if order == 0 else rng.choice(list(vocab.Role))
                organisers.append(
                    CallOrganiser(call_id=page.pk, actor_id=actor_id, role=role, sort_order=order)
                )
            if not chosen:
                organisers.append(CallOrganiser(call_id=page.pk, name="Collectivité", sort_order=0))
            for applicant_id in rng.sample(applicant_ids, k=rng.randint(0, 3)):
                applicants.append(
                    through(callforprojectspage_id=page.pk, applicanttype_id=applicant_id)
                )
            if plans[page.slug]:
                laureates.append(
                    CallLaureate(
                        call_id=page.pk,
                        actor_id=rng.choice(actor_ids) if actor_ids else None,
                        name="" if actor_ids else "Lauréat",
                        project="Projet lauréat",
                        amount=Decimal(10000),
                    )
                )
        CallOrganiser.objects.bulk_create(organisers)
        CallLaureate.objects.bulk_create(laureates)
        through.objects.bulk_create(applicants)

    bulk_insert_pages(CallForProjectsPage, pages, rng, theme_ids, after_insert=relations)
    add_children_count(index, n)
    return pages


@register_generator("calls", depends_on=["actors"])
def generate_calls(n: int, rng: random.Random):
    return create_calls(ensure_calls_index(), n, rng)


@register_urls
def calls_urls():
    index = CallsIndexPage.objects.filter(locale__language_code="fr").first()
    if index is None:
        return []
    base = index.url
    call = (
        CallForProjectsPage.objects.live()
        .child_of(index)
        .open_at(timezone.now())
        .exclude(deadline=None)  # it has a .ics
        .order_by("path")
        .first()
    )
    organiser = (
        CallOrganiser.objects.filter(call__in=CallForProjectsPage.objects.child_of(index))
        .exclude(actor=None)
        .values_list("actor__slug", flat=True)
        .first()
    )
    urls = [
        ("calls index (default)", base),
        ("calls, open AMIs in Grand Est", f"{base}?type=ami&status=ouvert&region=44"),
        ("calls, applicant + theme", f"{base}?applicant=associations&theme=emploi"),
        ("calls, text query", f"{base}?q=solidaire"),
        ("calls, archive (closed), page 3", f"{base}?status=clos&page=3"),
        ("calls archive year", f"{base}archives/2024/"),
        ("calls RSS", f"{base}flux/rss/"),
        ("calls RSS, open AMIs", f"{base}flux/rss/?type=ami&status=ouvert"),
        ("calls iCal feed", f"{base}flux/ical/"),
        ("calls iCal, open AMIs Grand Est", f"{base}flux/ical/?type=ami&status=ouvert&region=44"),
    ]
    if organiser:
        urls.append(("calls, by organiser", f"{base}?organiser={organiser}"))
    if call is not None:
        urls += [("call page", call.url), ("call .ics", f"{call.url}ical/")]
    return urls
