"""Benchmark data for the network minutes: N live minutes pages spread over a
few networks, each with participants linked to directory actors, an agenda
and action items, under a French networks index page."""

from __future__ import annotations

import datetime
import random
import uuid

from django.utils import timezone
from django.utils.text import slugify

from bench.pages import add_children_count, bulk_insert_pages, child_paths
from bench.registry import register_generator, register_urls
from directory.bench import create_actors, ensure_directory
from directory.models import ActorPage
from home.bench import ensure_home_page, ensure_themes
from network_minutes.models import (
    ActionItem,
    MeetingMinutesPage,
    NetworkPage,
    NetworksIndexPage,
    Participant,
)

NETWORKS = [
    "Réseau 92 – Économie sociale et solidaire",
    "Comité partenarial de l'ESS de l'Essonne",
    "Réseau des élus ESS du Grand Est",
    "Réseau des tiers-lieux d'Occitanie",
]
# Share of the meetings each network holds.
WEIGHTS = [0.4, 0.3, 0.2, 0.1]
TOPICS = [
    "les tiers-lieux et le coworking",
    "la loi NOTRe et les voies de financement",
    "les ressourceries et le réemploi",
    "les services aux aînés",
    "la commande publique responsable",
    "le mois de l'ESS",
    "l'accompagnement des porteurs de projet",
    "les monnaies locales",
]
FIRST_NAMES = ["Anne", "Bruno", "Chloé", "David", "Élise", "Farid", "Gaëlle", "Hugo", "Inès"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"]
FUNCTIONS = [
    "Adjointe au maire déléguée à l'ESS",
    "Conseiller municipal délégué",
    "Vice-présidente du conseil départemental",
    "Chargé de mission ESS",
    "Directrice",
    "Président",
]
FORMATS = [code for code, _label in MeetingMinutesPage.FORMAT_CHOICES]
PARTICIPANTS_PER_MEETING = 8


def ensure_index() -> NetworksIndexPage:
    existing = NetworksIndexPage.objects.filter(locale__language_code="fr").first()
    if existing:
        return existing
    home = ensure_home_page()
    index = NetworksIndexPage(title="Réseaux et comptes rendus", slug="reseaux", show_in_menus=True)
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def ensure_networks(index: NetworksIndexPage) -> list[NetworkPage]:
    pages = []
    for title in NETWORKS:
        slug = slugify(title)[:60]
        page = NetworkPage.objects.child_of(index).filter(slug=slug).first()
        if page is None:
            page = NetworkPage(title=title, slug=slug, introduction=f"Le {title}.")
            index.add_child(instance=page)
            page.save_revision().publish()
        pages.append(page)
    return pages


def ensure_actors(rng: random.Random) -> list[int]:
    ids = list(ActorPage.objects.live().order_by("path").values_list("pk", flat=True)[:200])
    if len(ids) < 20:
        create_actors(ensure_directory(), 40, rng)
        ids = list(ActorPage.objects.live().order_by("path").values_list("pk", flat=True)[:200])
    return ids


def _agenda(rng: random.Random, topics: list[str]) -> list[dict]:
    return [
        {
            "type": "item",
            "value": {
                "title": topic[0].upper() + topic[1:],
                "discussion": f"<p>Les participants échangent sur {topic} et partagent les "
                f"expériences de leurs communes. {rng.randrange(5, 90)} initiatives sont "
                "citées.</p>",
                "speakers": [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"],
                "decisions": [f"Un groupe de travail sur {topic} est constitué."],
            },
        }
        for topic in topics
    ]


def create_minutes(network: NetworkPage, n: int, rng: random.Random, actor_ids, theme_ids):
    now = timezone.now()
    today = timezone.localdate()
    offset = MeetingMinutesPage.objects.count()
    pages = []
    for i, path in enumerate(child_paths(network, n)):
        # Twenty years of meetings, a few of them still to come.
        date = today - datetime.timedelta(days=rng.randrange(-60, 20 * 365))
        topics = rng.sample(TOPICS, k=3)
        title = f"Réunion du {date:%d/%m/%Y} : {topics[0]}"
        slug = f"{date:%Y-%m-%d}-{offset + i + 1}"
        published = now - datetime.timedelta(seconds=rng.randrange(3 * 365 * 86400))
        pages.append(
            MeetingMinutesPage(
                title=title,
                draft_title=title,
                slug=slug,
                path=path,
                depth=network.depth + 1,
                numchild=0,
                url_path=f"{network.url_path}{slug}/",
                locale_id=network.locale_id,
                translation_key=uuid.UUID(int=rng.getrandbits(128), version=4),
                live=True,
                has_unpublished_changes=False,
                first_published_at=published,
                last_published_at=published,
                latest_revision_created_at=published,
                date=date,
                start_time=rng.choice([None, datetime.time(9, 30), datetime.time(14)]),
                meeting_format=rng.choice(FORMATS),
                place=f"Salle du conseil, {rng.choice(LAST_NAMES)}",
                host_id=rng.choice(actor_ids),
                summary=f"Échanges sur {', '.join(topics)}.",
                agenda=_agenda(rng, topics),
                key_figures=[
                    {
                        "type": "figure",
                        "value": {"value": str(rng.randrange(10, 200)), "label": "initiatives"},
                    }
                ],
                next_meeting_date=date + datetime.timedelta(days=rng.randrange(60, 120))
                if rng.random() < 0.5
                else None,
                next_meeting_approximate="" if rng.random() < 0.5 else "au printemps",
            )
        )

    def rows(chunk):
        participants = {
            page.pk: [
                Participant(
                    page_id=page.pk,
                    sort_order=k,
                    name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    function=rng.choice(FUNCTIONS),
                    organisation_id=rng.choice(actor_ids) if k % 4 else None,
                    organisation_text="" if k % 4 else "Collectif d'habitants",
                    attendance=rng.choice(["present", "present", "speaker", "excused"]),
                )
                for k in range(PARTICIPANTS_PER_MEETING)
            ]
            for page in chunk
        }
        Participant.objects.bulk_create(p for rows in participants.values() for p in rows)
        for page in chunk:
            # In memory too, so that indexing the participants' names (search
            # RelatedFields) costs no query per page.
            page.participants = participants[page.pk]
        ActionItem.objects.bulk_create(
            ActionItem(
                page_id=page.pk,
                sort_order=k,
                agenda_point=k + 1,
                description=f"Préparer une note sur {rng.choice(TOPICS)}",
                owner_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                owner_organisation_id=rng.choice(actor_ids),
                due_date=page.date + datetime.timedelta(days=rng.randrange(15, 90))
                if rng.random() < 0.7
                else None,
                done=rng.random() < 0.6,
            )
            for page in chunk
            for k in range(2)
        )

    bulk_insert_pages(MeetingMinutesPage, pages, rng, theme_ids, after_insert=rows)
    add_children_count(network, n)
    return pages


@register_generator("minutes")
def generate_minutes(n: int, rng: random.Random):
    index = ensure_index()
    networks = ensure_networks(index)
    actor_ids = ensure_actors(rng)
    theme_ids = [theme.pk for theme in ensure_themes()]
    created = []
    remaining = n
    for position, (network, weight) in enumerate(zip(networks, WEIGHTS, strict=True)):
        count = remaining if position == len(networks) - 1 else round(n * weight)
        remaining -= count
        created += create_minutes(network, count, rng, actor_ids, theme_ids)
    return created


@register_urls
def minutes_urls():
    index = NetworksIndexPage.objects.filter(locale__language_code="fr").first()
    if index is None:
        return []
    network = NetworkPage.objects.child_of(index).order_by("path").first()
    if network is None:
        return []
    base = network.url
    minutes = MeetingMinutesPage.objects.of_network(network)
    latest = minutes.order_by("-date").first()
    theme = (
        MeetingMinutesPage.themes.through.objects.filter(content_object__in=minutes.values("pk"))
        .select_related("tag")
        .first()
    )
    busiest = (
        Participant.objects.filter(organisation__isnull=False)
        .values_list("organisation_id", flat=True)
        .first()
    )
    urls = [
        ("networks index", index.url),
        ("network page", base),
        ("network, year 2015", f"{base}?year=2015"),
        ("network, page 5", f"{base}?page=5"),
        ("network, text query", f"{base}?q=ressourceries"),
        ("network, open actions", f"{base}actions/"),
        ("network iCal", f"{base}agenda/"),
        ("network RSS", f"{base}rss/"),
        ("all networks RSS", f"{index.url}rss/"),
    ]
    if theme:
        urls.insert(3, ("network, theme", f"{base}?theme={theme.tag.slug}"))
    if latest:
        urls.append(("minutes page", latest.url))
    if busiest:
        actor = ActorPage.objects.get(pk=busiest)
        urls.append(("actor fiche with meetings", actor.url))
    return urls
