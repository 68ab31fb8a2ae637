"""Benchmark data for the directory: N live actor fiches with contacts,
networks, themes and coordinates, under the French directory index page."""

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
from directory.kinds import KIND_LABELS
from directory.models import (
    ActorContact,
    ActorPage,
    DirectoryIndexPage,
    Network,
    fold_for_sorting,
)
from home.bench import ensure_home_page, ensure_themes

NAMES = [
    "Atelier",
    "Coopérative",
    "Maison",
    "Réseau",
    "Collectif",
    "Fabrique",
    "Ressourcerie",
    "Épicerie solidaire",
    "Tiers-lieu",
    "Jardins",
    "Comptoir",
    "Pôle",
    "Association",
]
QUALIFIERS = [
    "de l'économie solidaire",
    "des initiatives locales",
    "du réemploi",
    "des habitants",
    "de la mobilité douce",
    "des circuits courts",
    "de l'insertion",
    "du numérique pour tous",
    "de l'entrepreneuriat social",
    "de la finance solidaire",
    "des aînés",
    "de la culture",
]
CITIES = [
    ("Mulhouse", "68100", "68", 47.7508, 7.3359),
    ("Strasbourg", "67000", "67", 48.5734, 7.7521),
    ("Reims", "51100", "51", 49.2583, 4.0317),
    ("Nancy", "54000", "54", 48.6921, 6.1844),
    ("Charleville-Mézières", "08000", "08", 49.7621, 4.7263),
    ("Sceaux", "92330", "92", 48.7765, 2.2905),
    ("Évry-Courcouronnes", "91000", "91", 48.6239, 2.4294),
    ("Lyon", "69001", "69", 45.7640, 4.8357),
    ("Rennes", "35000", "35", 48.1173, -1.6778),
    ("Toulouse", "31000", "31", 43.6047, 1.4442),
    ("Lille", "59000", "59", 50.6292, 3.0573),
    ("Marseille", "13001", "13", 43.2965, 5.3698),
    ("Nantes", "44000", "44", 47.2184, -1.5536),
    ("Bordeaux", "33000", "33", 44.8378, -0.5792),
    ("Dijon", "21000", "21", 47.3220, 5.0415),
]
SUMMARIES = [
    "Accompagne les porteurs de projets de l'économie sociale et solidaire du territoire.",
    "Soutient les coopératives et les associations employeuses par des aides et des conseils.",
    "Anime un réseau d'acteurs de l'économie circulaire et du réemploi solidaire.",
    "Développe des circuits courts alimentaires avec les producteurs locaux.",
    "Met en relation les collectivités et les entreprises de l'insertion.",
]


def ensure_directory() -> DirectoryIndexPage:
    existing = DirectoryIndexPage.objects.filter(locale__language_code="fr").first()
    if existing:
        return existing
    home = ensure_home_page()
    index = DirectoryIndexPage(title="Annuaire des acteurs", slug="annuaire", show_in_menus=True)
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def ensure_networks() -> list[Network]:
    rows = [
        ("Réseau des collectivités Territoriales pour une Économie Solidaire", "RTES", "rtes"),
        ("Réseau 92 ESS", "", "reseau-92-ess"),
        ("Réseau bench des territoires", "RBT", "reseau-bench"),
    ]
    return [
        Network.objects.get_or_create(slug=slug, defaults={"name": name, "acronym": acronym})[0]
        for name, acronym, slug in rows
    ]


def create_actors(index: DirectoryIndexPage, n: int, rng: random.Random) -> list[ActorPage]:
    now = timezone.now()
    networks = ensure_networks()
    theme_ids = [t.pk for t in ensure_themes()]
    kinds = list(KIND_LABELS)
    offset = ActorPage.objects.count()
    pages = []
    for i, path in enumerate(child_paths(index, n)):
        city, postcode, dep, lat, lon = rng.choice(CITIES)
        name = f"{rng.choice(NAMES)} {rng.choice(QUALIFIERS)} de {city}"
        slug = f"{slugify(name)[:70]}-{offset + i + 1}"
        first = now - timedelta(seconds=rng.randrange(3 * 365 * 86400))
        pages.append(
            ActorPage(
                title=name,
                draft_title=name,
                sort_title=fold_for_sorting(name),
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
                kind=rng.choice(kinds),
                summary=rng.choice(SUMMARIES),
                city=city,
                postcode=postcode,
                departement=dep,
                region=geo.departements()[dep].region,
                country="France",
                latitude=Decimal(str(round(lat + rng.uniform(-0.05, 0.05), 6))),
                longitude=Decimal(str(round(lon + rng.uniform(-0.05, 0.05), 6))),
                population=rng.choice([None, rng.randrange(800, 900_000)]),
                membership_year=rng.choice([None, rng.randrange(2002, 2026)]),
                is_draft_fiche=rng.random() < 0.05,
                panorama=f"<p>{rng.choice(SUMMARIES)} L'économie sociale et solidaire y compte "
                f"{rng.randrange(50, 3000)} établissements.</p>",
            )
        )

    def contacts_and_networks(chunk):
        ActorContact.objects.bulk_create(
            contact
            for page in chunk
            for contact in (
                ActorContact(
                    actor_id=page.pk,
                    sort_order=0,
                    role=ActorContact.ELECTED,
                    name=f"Élue {page.pk}",
                    function="vice-présidente",
                    publication_basis=ActorContact.Basis.ELECTED_OFFICE,
                ),
                ActorContact(
                    actor_id=page.pk,
                    sort_order=1,
                    role=ActorContact.OFFICER,
                    name=f"Agent non publié {page.pk}",
                    service="Service ESS",
                ),
            )
        )
        through = ActorPage.networks.through
        through.objects.bulk_create(
            through(actorpage_id=page.pk, network_id=rng.choice(networks).pk)
            for page in chunk
            if rng.random() < 0.6
        )

    bulk_insert_pages(ActorPage, pages, rng, theme_ids, after_insert=contacts_and_networks)
    add_children_count(index, n)
    return pages


@register_generator("actors")
def generate_actors(n: int, rng: random.Random):
    return create_actors(ensure_directory(), n, rng)


@register_urls
def directory_urls():
    index = DirectoryIndexPage.objects.filter(locale__language_code="fr").first()
    if index is None:
        return []
    base = index.url
    actor = ActorPage.objects.live().child_of(index).order_by("path").first()
    urls = [
        ("directory index", base),
        ("directory, région + theme", f"{base}?region=44&theme=economie-circulaire"),
        ("directory, text query", f"{base}?q=economie"),
        ("directory, kind group, page 3", f"{base}?kind=collectivites&page=3"),
        ("directory GeoJSON, région", f"{base}geojson/?region=44"),
        ("directory GeoJSON, all", f"{base}geojson/"),
        ("directory CSV export", f"{base}export/csv/"),
        ("directory map", f"{base}carte/?region=44"),
    ]
    if actor:
        urls.append(("actor fiche", actor.url))
    return urls
