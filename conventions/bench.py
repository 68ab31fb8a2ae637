"""Benchmark data for the conventions: N live convention pages under the
French conventions index, each with an authority and one to five partners
taken from the directory's generated actors, dates spread over 2010–2026 so
that every status occurs, and collaboration forms."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from bench.pages import add_children_count, bulk_insert_pages, child_paths
from bench.registry import register_generator, register_urls
from conventions.models import ConventionIndexPage, ConventionPage, ConventionPartner
from conventions.status import effective_end
from directory.models import ActorPage
from home.bench import ensure_home_page, ensure_themes, sentence

SUBJECTS = [
    "Approbation d'une convention de partenariat avec",
    "Convention pluriannuelle d'objectifs avec",
    "Avenant à la convention de partenariat conclue avec",
    "Convention de soutien au développement de l'ESS avec",
]
FORMS = [
    "informer tous les publics sur l'économie sociale et solidaire",
    "mettre à disposition des informations, des conseils et des outils",
    "participer à la mise en place et au suivi de l'écosystème local",
    "permettre un échange de données pour le portail",
    "communiquer sur les projets émanant du partenariat",
    "accueillir des permanences d'accompagnement",
]
DESCRIPTIONS = ["", "", "centre de ressources", "réseau d'accompagnement", "financeur solidaire"]


def ensure_index() -> ConventionIndexPage:
    existing = ConventionIndexPage.objects.filter(locale__language_code="fr").first()
    if existing:
        return existing
    home = ensure_home_page()
    index = ConventionIndexPage(
        title="Conventions de partenariat", slug="conventions", show_in_menus=True
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def _dates(rng: random.Random) -> dict:
    """Dates giving every status: no session, a session only, signed, with
    an end date or a duration, some already expired."""
    roll = rng.random()
    if roll < 0.05:
        return {}
    session = date(2010, 1, 1) + timedelta(days=rng.randrange(16 * 365))
    if roll < 0.3:
        return {"decision_date": session}
    signed = session + timedelta(days=rng.randrange(10, 90))
    values = {"decision_date": session, "signature_date": signed}
    if rng.random() < 0.3:
        values["start_date"] = signed + timedelta(days=rng.randrange(0, 120))
    if rng.random() < 0.5:
        values["duration_months"] = rng.choice([12, 24, 36])
    elif rng.random() < 0.5:
        values["end_date"] = signed + timedelta(days=rng.randrange(365, 5 * 365))
    return values


def create_conventions(index: ConventionIndexPage, n: int, rng: random.Random):
    now = timezone.now()
    theme_ids = [t.pk for t in ensure_themes()]
    # Whole objects, so that the search index reads the authority and the
    # partners (RelatedFields) from memory instead of a query per page.
    actors = list(
        ActorPage.objects.filter(locale_id=index.locale_id, live=True)
        .defer_streamfields()
        .only("pk", "title", "slug", "path", "depth", "url_path", "locale_id")
        .order_by("pk")
    )
    if len(actors) < 6:
        raise RuntimeError("The conventions generator needs the directory's actors first.")
    # A territory has a few authorities and a limited circle of partners:
    # 20 authorities, partners among 150 organisations (the filter's choices).
    authorities = actors[:20]
    partner_pool = actors[20:170] or actors
    offset = ConventionPage.objects.count()
    pages = []
    for i, path in enumerate(child_paths(index, n)):
        authority = rng.choice(authorities)
        partners = rng.sample(partner_pool, k=rng.randint(1, 5))
        name = f"Convention {authority.title} – {partners[0].title}"[:240]
        slug = f"{slugify(name)[:60]}-{offset + i + 1}"
        dates = _dates(rng)
        first = now - timedelta(seconds=rng.randrange(3 * 365 * 86400))
        page = ConventionPage(
            title=name,
            draft_title=name,
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
            authority=authority,
            deciding_body=rng.choice(["conseil-municipal", "conseil-communautaire"]),
            deliberation_reference=f"DEL-{offset + i + 1:05d}" if rng.random() < 0.7 else "",
            rapporteur_name=rng.choice(["", "Camille Martin", "Louis Bernard", "Inès Petit"]),
            subject=f"{rng.choice(SUBJECTS)} {partners[0].title}",
            context=f"<p>{sentence(rng)} {sentence(rng)}</p>",
            collaboration_forms=[
                {"type": "form", "value": form, "id": str(uuid.UUID(int=rng.getrandbits(128)))}
                for form in rng.sample(FORMS, k=rng.randint(1, 4))
            ],
            amount=Decimal(rng.randrange(1, 200) * 500) if rng.random() < 0.3 else None,
            matiere_code=rng.choice(["", "1.4", "7.5", "8.6"]),
            **dates,
        )
        page.computed_end_date = effective_end(
            page.start_date, page.signature_date, page.end_date, page.duration_months
        )
        # In memory: the revision's content and the search index include them.
        page.partners = [
            ConventionPartner(
                actor=actor, sort_order=position, description=rng.choice(DESCRIPTIONS)
            )
            for position, actor in enumerate(partners)
        ]
        pages.append(page)

    def add_partners(chunk):
        rows = []
        for page in chunk:
            for partner in page.partners.all():
                partner.convention_id = page.pk
                rows.append(partner)
        ConventionPartner.objects.bulk_create(rows)

    bulk_insert_pages(ConventionPage, pages, rng, theme_ids, after_insert=add_partners)
    add_children_count(index, n)
    return pages


@register_generator("conventions", depends_on=["actors"])
def generate_conventions(n: int, rng: random.Random):
    return create_conventions(ensure_index(), n, rng)


@register_urls
def convention_urls():
    index = ConventionIndexPage.objects.filter(locale__language_code="fr").first()
    if index is None:
        return []
    base = index.url
    busiest = (
        ConventionPartner.objects.filter(convention__locale_id=index.locale_id)
        .values_list("actor__slug", flat=True)
        .order_by("actor__slug")
        .first()
    )
    convention = ConventionPage.objects.of_index(index).order_by("path").first()
    urls = [
        ("conventions index", base),
        ("conventions, status in force", f"{base}?status=en-vigueur"),
        ("conventions, year + status, page 2", f"{base}?year=2018&status=echue&page=2"),
        ("conventions, text query", f"{base}?q=partenariat"),
        ("conventions SCDL CSV export", f"{base}export/deliberations-csv/"),
    ]
    if busiest:
        urls.append(("conventions, partner", f"{base}?partner={busiest}"))
    if convention:
        urls.append(("convention page", convention.url))
        partner = convention.partners.select_related("actor").first()
        if partner:
            urls.append(("actor fiche with conventions", partner.actor.url))
    # The busy fiche: the authority that approved the most conventions
    # (about a hundred at 2,000 conventions), its sections bounded.
    busy = (
        ActorPage.objects.filter(conventions_as_authority__locale_id=index.locale_id)
        .annotate(n=Count("conventions_as_authority"))
        .order_by("-n", "pk")
        .first()
    )
    if busy:
        urls.append((f"busy actor fiche ({busy.n} conventions)", busy.url))
    return urls
