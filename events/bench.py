"""Benchmark data for the agenda: N live events under the French agenda
index, their slots spread from three years ago to a year ahead (most with
one slot, some on several days or several dates, a few undated), statuses
(mostly scheduled; some cancelled, postponed or full), places in the
directory's cities (some online), one to three organisers among the
directory's actors, and themes.

Written in bulk (bench/pages.py), like the directory's actors they link to.

The announcements (« petites annonces ») have their own generator: 2 for
every 5 items asked for (`--items 5000` gives the issue's 2,000 beside 5,000
events), live under the French announcements index, offers and needs of
every category in the same cities, most current and a quarter expired,
a third posted by a directory fiche.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from bench.pages import add_children_count, bulk_insert_pages, child_paths
from bench.registry import register_generator, register_urls
from directory import geo
from directory.models import ActorPage
from home.bench import ensure_home_page, ensure_themes

from . import vocab
from .announcements import AnnouncementIndexPage, AnnouncementPage, paris_today
from .models import AgendaIndexPage, EventOrganiser, EventPage, EventSlot, paris

PLACES = [  # (commune, postcode, département, latitude, longitude)
    ("Mulhouse", "68100", "68", 47.7508, 7.3359),
    ("Strasbourg", "67000", "67", 48.5734, 7.7521),
    ("Reims", "51100", "51", 49.2583, 4.0317),
    ("Nancy", "54000", "54", 48.6921, 6.1844),
    ("Sceaux", "92330", "92", 48.7765, 2.2905),
    ("Évry-Courcouronnes", "91000", "91", 48.6239, 2.4294),
    ("Lyon", "69001", "69", 45.7640, 4.8357),
    ("Rennes", "35000", "35", 48.1173, -1.6778),
    ("Toulouse", "31000", "31", 43.6047, 1.4442),
    ("Lille", "59000", "59", 50.6292, 3.0573),
    ("Marseille", "13001", "13", 43.2965, 5.3698),
    ("Nantes", "44000", "44", 47.2184, -1.5536),
]
VENUES = ["Maison de l'ESS", "Hôtel de ville", "Tiers-lieu", "Médiathèque", "Salle des fêtes"]
KINDS = {
    vocab.EventType.FORUM: "Forum",
    vocab.EventType.CONFERENCE: "Conférence",
    vocab.EventType.WORKSHOP: "Atelier",
    vocab.EventType.WORLD_CAFE: "World café",
    vocab.EventType.NETWORK_MEETING: "Réunion du réseau",
    vocab.EventType.TRAINING: "Formation",
    vocab.EventType.FESTIVAL: "Fête",
    vocab.EventType.OPEN_DAY: "Portes ouvertes",
    vocab.EventType.AWARDS: "Remise des prix",
    vocab.EventType.OTHER: "Rencontre",
}
SUBJECTS = [
    "de l'économie sociale et solidaire",
    "des tiers-lieux",
    "de l'emploi solidaire",
    "de l'économie circulaire",
    "des circuits courts",
    "de la finance solidaire",
    "des coopératives",
    "de l'insertion",
    "de l'innovation sociale",
    "des associations employeuses",
]
SERIES = ["Mois de l'ESS", "Forum nécESSaire", "Rendez-vous territoriaux", ""]
STATUSES = [
    (90, vocab.SCHEDULED),
    (4, vocab.CANCELLED),
    (3, vocab.POSTPONED),
    (3, vocab.FULL),
]


def ensure_agenda_index() -> AgendaIndexPage:
    existing = AgendaIndexPage.objects.filter(locale__language_code="fr").first()
    if existing:
        return existing
    home = ensure_home_page()
    index = AgendaIndexPage(title="Agenda", slug="agenda", show_in_menus=True)
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def _weighted(rng: random.Random, choices):
    roll = rng.randrange(sum(share for share, _ in choices))
    for share, value in choices:
        if roll < share:
            return value
        roll -= share
    return choices[-1][1]


def _slots(rng: random.Random, today: dt.date) -> list[EventSlot]:
    """No slot (5 %), one (75 %), a multi-day one or several dates. First
    days spread from three years ago to a year ahead, a third in the future."""
    roll = rng.random()
    if roll < 0.05:
        return []
    first = today + dt.timedelta(days=rng.randint(-3 * 365, 365))
    count = 1 if roll < 0.8 else rng.randint(2, 4)
    slots = []
    for i in range(count):
        day = first + dt.timedelta(days=7 * i)
        if rng.random() < 0.3:  # all day, sometimes over several days
            end = day + dt.timedelta(days=rng.randint(1, 2)) if rng.random() < 0.3 else None
            slot = EventSlot(start_date=day, end_date=end)
        else:
            start = dt.time(rng.choice([9, 10, 14, 18]), rng.choice([0, 30]))
            end = dt.time(min(start.hour + rng.randint(1, 4), 23), start.minute)
            slot = EventSlot(start_date=day, start_time=start, end_time=end)
        slot.sort_order = i
        slot.compute_instants()
        slots.append(slot)
    return slots


def create_events(index: AgendaIndexPage, n: int, rng: random.Random) -> list[EventPage]:
    now = timezone.now()
    today = timezone.localtime(now, paris()).date()
    actor_ids = list(
        ActorPage.objects.filter(locale_id=index.locale_id, live=True).values_list("pk", flat=True)
    )
    theme_ids = [theme.pk for theme in ensure_themes()]
    types = list(vocab.EventType)
    offset = EventPage.objects.count()
    pages, plans = [], {}
    for i, path in enumerate(child_paths(index, n)):
        event_type = rng.choice(types)
        city, postcode, departement, lat, lon = rng.choice(PLACES)
        subject = rng.choice(SUBJECTS)
        title = f"{KINDS[event_type]} {subject} à {city}"
        slug = f"{slugify(title)[:60]}-{offset + i + 1}"
        slots = _slots(rng, today)
        mode = _weighted(rng, [(80, vocab.ON_SITE), (12, vocab.ONLINE), (8, vocab.HYBRID)])
        on_site = mode != vocab.ONLINE
        series = rng.choice(SERIES)
        first = now - dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
        price = rng.choice(["", vocab.FREE, vocab.FREE, vocab.PAID])
        page = EventPage(
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
            event_type=event_type,
            summary=f"Une rencontre autour {subject}, ouverte aux acteurs du territoire.",
            description=f"<p>Au programme : témoignages, échanges et ateliers {subject}.</p>",
            series=series,
            edition=str(rng.randint(2015, today.year + 1)) if series else "",
            status=_weighted(rng, STATUSES),
            dates_note="Date à préciser" if not slots else "",
            expected_year=rng.choice([today.year, today.year + 1]) if not slots else None,
            starts_at=min((s.starts_at for s in slots), default=None),
            ends_at=max((s.ends_at for s in slots), default=None),
            mode=mode,
            place_name=f"{rng.choice(VENUES)} de {city}" if on_site else "",
            postcode=postcode if on_site else "",
            city=city if on_site else "",
            departement=departement if on_site else "",
            region=geo.departements()[departement].region if on_site else "",
            latitude=Decimal(str(round(lat + rng.uniform(-0.03, 0.03), 6))) if on_site else None,
            longitude=Decimal(str(round(lon + rng.uniform(-0.03, 0.03), 6))) if on_site else None,
            online_url="https://visio.example.org/salle" if mode != vocab.ON_SITE else "",
            audience="Tout public",
            price=price,
            accessible=rng.random() < 0.4,
        )
        pages.append(page)
        plans[slug] = slots

    def relations(chunk):
        slots, organisers = [], []
        for page in chunk:
            for slot in plans[page.slug]:
                slot.event_id = page.pk
                slots.append(slot)
            chosen = rng.sample(actor_ids, k=min(len(actor_ids), rng.randint(1, 3)))
            for order, actor_id in enumerate(chosen):
                role = vocab.ORGANISER if order == 0 else rng.choice(list(vocab.Role))
                organisers.append(
                    EventOrganiser(event_id=page.pk, actor_id=actor_id, role=role, sort_order=order)
                )
            if not chosen:
                organisers.append(EventOrganiser(event_id=page.pk, name="Collectif", sort_order=0))
        EventSlot.objects.bulk_create(slots)
        EventOrganiser.objects.bulk_create(organisers)

    bulk_insert_pages(EventPage, pages, rng, theme_ids, after_insert=relations)
    add_children_count(index, n)
    return pages


@register_generator("events", depends_on=["actors"])
def generate_events(n: int, rng: random.Random):
    return create_events(ensure_agenda_index(), n, rng)


@register_urls
def events_urls():
    index = AgendaIndexPage.objects.filter(locale__language_code="fr").first()
    if index is None:
        return []
    base = index.url
    now = timezone.now()
    event = (
        EventPage.objects.live()
        .child_of(index)
        .current(now)
        .exclude(starts_at=None)  # it has a .ics with a date
        .order_by("starts_at", "pk")
        .first()
    )
    organiser = (
        EventOrganiser.objects.filter(event__in=EventPage.objects.child_of(index))
        .exclude(actor=None)
        .values("actor")
        .annotate(n=Count("pk"))
        .order_by("-n", "actor")
        .first()
    )
    this_year = timezone.localtime(now, paris()).year
    last_year = this_year - 1
    urls = [
        ("agenda index (default)", base),
        ("agenda, région + ce mois-ci", f"{base}?region=44&period=ce-mois-ci"),
        ("agenda, type + theme", f"{base}?type=atelier&theme=economie-circulaire"),
        ("agenda, text query", f"{base}?q=solidaire"),
        ("agenda, from a date + free", f"{base}?date_from={this_year}-01-01&price=gratuit"),
        ("agenda archive", f"{base}archives/"),
        ("agenda archive, page 3", f"{base}archives/?page=3"),
        ("agenda archive year", f"{base}archives/{last_year}/"),
        ("agenda RSS", f"{base}flux/rss/"),
        ("agenda RSS, région", f"{base}flux/rss/?region=44"),
        ("agenda iCal feed", f"{base}flux/ical/"),
        ("agenda iCal, région + ce mois-ci", f"{base}flux/ical/?region=44&period=ce-mois-ci"),
        ("agenda CSV export, région", f"{base}export/csv/?region=44"),
        ("agenda JSON export, région", f"{base}export/json/?region=44"),
    ]
    if organiser:
        actor = ActorPage.objects.get(pk=organiser["actor"])
        urls += [
            ("agenda, by organiser", f"{base}?organiser={actor.slug}"),
            ("actor fiche with the most events", actor.url),
        ]
    if event is not None:
        urls += [("event page", event.url), ("event .ics", f"{event.url}ical/")]
    return urls


# --- Announcements (« petites annonces ») ---------------------------------------------------

ANNOUNCEMENTS_PER_ITEM = 0.4  # 2,000 announcements for 5,000 events
ANNOUNCEMENT_TITLES = {
    vocab.AnnouncementCategory.PREMISES: "Bureau à partager",
    vocab.AnnouncementCategory.EQUIPMENT: "Matériel de réunion",
    vocab.AnnouncementCategory.VOLUNTEERING: "Bénévoles pour une collecte",
    vocab.AnnouncementCategory.SKILLS: "Aide en comptabilité associative",
    vocab.AnnouncementCategory.PARTNERSHIP: "Partenaire pour un projet",
    vocab.AnnouncementCategory.JOB: "Stage en communication",
    vocab.AnnouncementCategory.COWORKING: "Poste en coworking",
    vocab.AnnouncementCategory.OTHER: "Coup de main",
}


def ensure_announcement_index() -> AnnouncementIndexPage:
    existing = AnnouncementIndexPage.objects.filter(locale__language_code="fr").first()
    if existing:
        return existing
    home = ensure_home_page()
    index = AnnouncementIndexPage(title="Petites annonces", slug="annonces", show_in_menus=True)
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def create_announcements(
    index: AnnouncementIndexPage, n: int, rng: random.Random
) -> list[AnnouncementPage]:
    now = timezone.now()
    today = paris_today(now)
    actor_ids = list(
        ActorPage.objects.filter(locale_id=index.locale_id, live=True).values_list("pk", flat=True)
    )
    theme_ids = [theme.pk for theme in ensure_themes()]
    categories = list(vocab.AnnouncementCategory)
    offset = AnnouncementPage.objects.count()
    pages = []
    for i, path in enumerate(child_paths(index, n)):
        category = rng.choice(categories)
        kind = rng.choice(list(vocab.AnnouncementKind))
        city, postcode, departement, _lat, _lon = rng.choice(PLACES)
        title = f"{ANNOUNCEMENT_TITLES[category]} à {city}"
        slug = f"{slugify(title)[:60]}-{offset + i + 1}"
        # A quarter expired (up to two months ago), the others for up to a year.
        expires_on = today + dt.timedelta(days=rng.randint(-60, 180))
        first = timezone.make_aware(
            dt.datetime.combine(expires_on - dt.timedelta(days=60), dt.time(12, 0)), paris()
        ) - dt.timedelta(seconds=rng.randrange(86400))
        first = min(first, now)
        subject = rng.choice(SUBJECTS)
        pages.append(
            AnnouncementPage(
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
                kind=kind,
                category=category,
                text=f"Dans le domaine {subject}, une structure du territoire "
                "cherche ou propose un coup de main. Écrivez-nous.",
                postcode=postcode,
                city=city,
                departement=departement,
                region=geo.departements()[departement].region,
                actor_id=rng.choice(actor_ids) if actor_ids and rng.random() < 0.33 else None,
                organisation="" if rng.random() < 0.5 else "Collectif local",
                expires_on=expires_on,
                contact_email=f"annonce-{offset + i + 1}@example.org",
            )
        )
    bulk_insert_pages(AnnouncementPage, pages, rng, theme_ids)
    add_children_count(index, n)
    return pages


@register_generator("announcements", depends_on=["actors"])
def generate_announcements(n: int, rng: random.Random):
    return create_announcements(ensure_announcement_index(), round(n * ANNOUNCEMENTS_PER_ITEM), rng)


@register_urls
def announcements_urls():
    index = AnnouncementIndexPage.objects.filter(locale__language_code="fr").first()
    if index is None:
        return []
    base = index.url
    announcement = AnnouncementPage.objects.live().child_of(index).current().order_by("-pk").first()
    urls = [
        ("announcements index", base),
        ("announcements, commune + theme", f"{base}?city=Sceaux&theme=economie-circulaire"),
        ("announcements, kind + category + région", f"{base}?kind=offre&category=locaux&region=44"),
        ("announcements, text query", f"{base}?q=coworking"),
        ("announcements RSS", f"{base}flux/rss/"),
    ]
    if announcement is not None:
        urls.append(("announcement page", announcement.url))
    return urls
