"""Benchmark data for the home app (discovered by `bench.registry.discover`).

`standard_pages` creates N live French standard pages under the French home
page, in sections of about 25 pages, with plausible French titles,
introductions and bodies, a few themes each, one revision each, and adds them
to the search index.

Pages are written in bulk (treebeard paths computed here, one INSERT per
table and chunk, one revision per page, search index filled with
`add_bulk`) rather than with `add_child()` + `save_revision().publish()`:
the latter costs ~100 queries per page. See docs/performance.md.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from urllib.parse import quote

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Locale, Page, Site

from bench.pages import add_children_count, bulk_insert_pages
from bench.registry import register_generator, register_urls
from home.models import HomePage, StandardPage, Theme

SECTION_SIZE = 25
MENU_SECTIONS = 6

# --- French text --------------------------------------------------------------

TOPICS = [
    "L'économie sociale et solidaire",
    "Les coopératives d'habitants",
    "La finance solidaire",
    "L'économie circulaire",
    "Les sociétés coopératives d'intérêt collectif",
    "L'insertion par l'activité économique",
    "Les tiers-lieux",
    "L'alimentation durable",
    "Les circuits courts",
    "Le réemploi solidaire",
    "L'habitat participatif",
    "Les monnaies locales",
    "La mobilité solidaire",
    "Les coopératives agricoles",
    "L'entrepreneuriat social",
    "Les associations employeuses",
    "La commande publique responsable",
    "Les épiceries solidaires",
    "Le commerce équitable",
    "Les fondations territoriales",
    "Les coopératives d'activité et d'emploi",
    "L'économie de la fonctionnalité",
]
ASPECTS = [
    "mode d'emploi",
    "chiffres clés",
    "retour d'expérience",
    "questions fréquentes",
    "les essentiels",
    "guide pratique",
    "rencontre régionale",
    "portrait",
    "bilan de l'année",
    "appel à initiatives",
    "feuille de route",
    "formation",
]
PLACES = [
    "en Occitanie",
    "en Bretagne",
    "à Lyon",
    "à Marseille",
    "dans les Hauts-de-France",
    "en Nouvelle-Aquitaine",
    "en Île-de-France",
    "dans le Grand Est",
    "en Normandie",
    "dans les quartiers prioritaires",
    "en milieu rural",
    "à Lille",
    "en Pays de la Loire",
    "outre-mer",
]
# Neutral vocabulary: the search keywords ("économie", "coopératives",
# "solidaire") come from the page's topic only, so a keyword search matches a
# realistic share of the pages (10-25 %), not all of them. Every page contains
# "réseau" and "projet(s)" often: `?q=reseau` is the "matches almost
# everything" case.
SUBJECTS = [
    "Le réseau",
    "La Maison",
    "Notre collectif",
    "Chaque structure adhérente",
    "La chambre régionale",
    "Les bénévoles",
    "Les salariés",
    "L'association",
    "Le projet",
    "Les partenaires",
]
VERBS = [  # (singular, plural)
    ("accompagne", "accompagnent"),
    ("soutient", "soutiennent"),
    ("développe", "développent"),
    ("renforce", "renforcent"),
    ("structure", "structurent"),
    ("anime", "animent"),
    ("finance", "financent"),
    ("fédère", "fédèrent"),
    ("transforme", "transforment"),
    ("valorise", "valorisent"),
    ("mobilise", "mobilisent"),
]
OBJECTS = [
    "les territoires ruraux",
    "l'emploi local",
    "la transition écologique",
    "les jeunes entrepreneurs",
    "les quartiers prioritaires",
    "la cohésion sociale",
    "les projets citoyens",
    "les petites entreprises",
    "les collectivités locales",
    "l'accès au logement",
    "la revitalisation des centres-bourgs",
    "les habitants du bassin de vie",
    "les porteurs de projets",
]
COMPLEMENTS = [
    "grâce à un réseau de partenaires engagés",
    "depuis plus de dix ans",
    "avec le soutien de la région",
    "au plus près des habitants",
    "en lien avec les collectivités",
    "dans une logique de gouvernance partagée",
    "sans but lucratif",
    "avec des moyens encore modestes",
    "en s'appuyant sur l'engagement bénévole",
    "selon des principes de gouvernance démocratique",
    "",
]
FIGURE_LABELS = [
    "établissements de l'ESS",
    "emplois salariés",
    "coopératives accompagnées",
    "bénévoles mobilisés",
    "euros d'épargne solidaire",
    "projets financés",
]

DEFAULT_THEMES = [
    ("Économie circulaire", "Circular economy"),
    ("Emploi et insertion", "Employment and inclusion"),
    ("Finance solidaire", "Solidarity finance"),
    ("Alimentation durable", "Sustainable food"),
    ("Habitat et logement", "Housing"),
    ("Culture et loisirs", "Culture and leisure"),
    ("Mobilité", "Mobility"),
    ("Transition écologique", "Ecological transition"),
]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def title(rng: random.Random, topic: str) -> str:
    pattern = rng.randrange(5)
    if pattern == 0:
        return f"{topic} {rng.choice(PLACES)}"
    if pattern == 1:
        return f"{topic} : {rng.choice(ASPECTS)}"
    if pattern == 2:
        return f"Comprendre {_lower_first(topic)}"
    if pattern == 3:
        return f"{topic} {rng.choice(PLACES)} : {rng.choice(ASPECTS)}"
    return f"{rng.choice(ASPECTS).capitalize()} : {_lower_first(topic)}"


def sentence(rng: random.Random, topic: str | None = None) -> str:
    """A sentence; about `topic` (as its subject) one time in three."""
    subject = topic if topic and rng.random() < 0.33 else rng.choice(SUBJECTS)
    singular, plural = rng.choice(VERBS)
    verb = plural if subject.startswith(("Les ", "Des ")) else singular
    complement = rng.choice(COMPLEMENTS)
    words = [subject, verb, rng.choice(OBJECTS)] + ([complement] if complement else [])
    return " ".join(words) + "."


def paragraph_text(
    rng: random.Random, topic: str | None = None, sentences: tuple[int, int] = (2, 4)
) -> str:
    return " ".join(sentence(rng, topic) for _ in range(rng.randint(*sentences)))


def _block_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def body(rng: random.Random, topic: str | None = None) -> list[dict]:
    """Raw StreamField data: paragraphs, headings, lists, quotes, figures, links."""

    def block(type_, value):
        return {"type": type_, "value": value, "id": _block_id(rng)}

    def rich_paragraph():
        parts = [sentence(rng, topic) for _ in range(rng.randint(2, 4))]
        i = rng.randrange(len(parts))
        parts[i] = f"<b>{parts[i]}</b>" if rng.random() < 0.5 else f"<i>{parts[i]}</i>"
        return block("paragraph", "<p>" + " ".join(parts) + "</p>")

    blocks = [rich_paragraph()]
    for _ in range(rng.randint(1, 3)):
        heading = rng.choice(ASPECTS).capitalize()
        blocks.append(block("heading", {"text": heading, "level": "h2"}))
        blocks.append(rich_paragraph())
        roll = rng.random()
        if roll < 0.25:
            items = "".join(f"<li>{sentence(rng, topic)}</li>" for _ in range(rng.randint(3, 5)))
            blocks.append(block("paragraph", f"<ul>{items}</ul>"))
        elif roll < 0.4:
            blocks.append(
                block("quote", {"quote": sentence(rng), "attribution": "Un adhérent du réseau"})
            )
        elif roll < 0.5:
            figures = [
                {
                    "type": "item",
                    "value": {
                        "value": f"{rng.randint(2, 900) * 10:,}".replace(",", "\u202f"),
                        "label": rng.choice(FIGURE_LABELS),
                    },
                    "id": _block_id(rng),
                }
                for _ in range(3)
            ]
            blocks.append(block("key_figures", {"title": "En chiffres", "figures": figures}))
        elif roll < 0.6:
            blocks.append(
                block(
                    "call_to_action",
                    {"label": "En savoir plus", "page": None, "url": "https://www.ess-france.org/"},
                )
            )
    return blocks


# --- Site structure --------------------------------------------------------------


def ensure_home_page() -> HomePage:
    """The French home page: the default site's root if it is a HomePage, else
    a new HomePage under the tree root, made the default site's root (Wagtail's
    placeholder "Welcome" page is then removed)."""
    locale = Locale.get_default()
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        root_page = site.root_page.specific
        if isinstance(root_page, HomePage):
            return root_page.get_translation_or_none(locale) or root_page

    home = HomePage.objects.filter(locale=locale).first()
    if home is None:
        rng = random.Random(0)
        home = HomePage(
            title="Maison de l'ESS",
            slug="accueil",
            locale=locale,
            introduction="La maison commune des acteurs de l'économie sociale et solidaire.",
            body=body(rng, "L'économie sociale et solidaire"),
        )
        Page.get_first_root_node().add_child(instance=home)
        home.save_revision().publish()

    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Maison de l'ESS",
        )
    else:
        site.root_page = home
        site.save()
    placeholder = ContentType.objects.get_for_model(Page)
    for page in Page.objects.filter(depth=2, content_type=placeholder, numchild=0):
        page.delete()
    return home


def ensure_themes() -> list[Theme]:
    themes = list(Theme.objects.all())
    if not themes:
        themes = Theme.objects.bulk_create(
            Theme(
                name=name,
                slug=slugify(name),
                name_en=name_en,
                description=f"Tout sur le thème « {name.lower()} ».",
            )
            for name, name_en in DEFAULT_THEMES
        )
    return themes


def create_standard_pages(parent: Page, n: int, rng: random.Random, themes: list[Theme]):
    """Bulk-create `n` live StandardPages under `parent`: ceil(n/25) sections
    (children of `parent`, the first six in menus) holding the other pages."""
    if n <= 0:
        return []
    parent.refresh_from_db()
    now = timezone.now()
    standard_ct = ContentType.objects.get_for_model(StandardPage)
    index_base = StandardPage.objects.count()
    last_child = parent.get_last_child()
    first_step = Page._str2int(last_child.path[-Page.steplen :]) + 1 if last_child else 1

    n_sections = max(1, -(-n // SECTION_SIZE))
    n_leaves = n - n_sections
    leaves_per_section = [
        n_leaves // n_sections + (i < n_leaves % n_sections) for i in range(n_sections)
    ]
    counter = iter(range(index_base + 1, index_base + n + 1))

    def make(path, depth, numchild, parent_url, in_menu):
        topic = rng.choice(TOPICS)
        page_title = title(rng, topic)
        slug = f"{slugify(page_title)[:80].rstrip('-')}-{next(counter)}"
        first = now - timedelta(seconds=rng.randrange(3 * 365 * 86400))
        last = min(now, first + timedelta(seconds=rng.randrange(60 * 86400)))
        return StandardPage(
            title=page_title,
            draft_title=page_title,
            slug=slug,
            path=path,
            depth=depth,
            numchild=numchild,
            url_path=f"{parent_url}{slug}/",
            content_type_id=standard_ct.pk,
            locale_id=parent.locale_id,
            translation_key=uuid.UUID(int=rng.getrandbits(128), version=4),
            live=True,
            has_unpublished_changes=False,
            first_published_at=first,
            last_published_at=last,
            latest_revision_created_at=last,
            show_in_menus=in_menu,
            introduction=paragraph_text(rng, topic, (1, 2)),
            body=body(rng, topic),
        )

    pages = []
    for i in range(n_sections):
        section = make(
            Page._get_path(parent.path, parent.depth + 1, first_step + i),
            parent.depth + 1,
            leaves_per_section[i],
            parent.url_path,
            i < MENU_SECTIONS,
        )
        pages.append(section)
        for j in range(leaves_per_section[i]):
            pages.append(
                make(
                    Page._get_path(section.path, section.depth + 1, j + 1),
                    section.depth + 1,
                    0,
                    section.url_path,
                    False,
                )
            )

    bulk_insert_pages(StandardPage, pages, rng, [t.pk for t in themes])
    add_children_count(parent, n_sections)
    return pages


@register_generator("standard_pages")
def generate_standard_pages(n: int, rng: random.Random):
    home = ensure_home_page()
    return create_standard_pages(home, n, rng, ensure_themes())


# --- URLs ------------------------------------------------------------------------


def busiest_theme() -> Theme | None:
    locale = Locale.get_active()
    return (
        Theme.objects.annotate(
            n=Count(
                "tagged_pages",
                filter=Q(tagged_pages__content_object__live=True)
                & Q(tagged_pages__content_object__locale=locale),
            )
        )
        .order_by("-n", "name")
        .first()
    )


@register_urls
def home_urls():
    search = reverse("search")
    urls = [
        ("theme index", reverse("theme_index")),
        ("search, 2 words", f"{search}?q={quote('coopératives solidaire')}"),
        ("search, page 2", f"{search}?q=economie&page=2"),
        ("search, no result", f"{search}?q=zzzyyyxxx"),
        ("search, matches ~all", f"{search}?q=reseau"),
    ]
    section = (
        StandardPage.objects.live()
        .filter(numchild__gt=0, locale=Locale.get_active())
        .order_by("path")
        .first()
    )
    if section is not None:
        urls.append(("section page", section.url))
    theme = busiest_theme()
    if theme is not None:
        urls.append(
            ("theme, page 2", reverse("theme_detail", kwargs={"slug": theme.slug}) + "?page=2")
        )
    urls += [("not found (404)", "/fr/page-qui-n-existe-pas/"), ("sitemap.xml", "/sitemap.xml")]
    return urls
