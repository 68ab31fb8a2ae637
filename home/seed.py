"""Seed content of the home app: themes, the home page in French and English,
the « Sceaux Valley » presentation (seed 001)."""

from pathlib import Path

from django.db import transaction
from wagtail.models import Page, Site

from home.models import HomePage, SiteSettings, StandardPage, Theme
from home.seeding import (
    SeedReport,
    get_locale,
    load_toml,
    register_seed,
    upsert_english,
    upsert_object,
    upsert_page,
)
from home.sites import site_address

DATA = Path(__file__).resolve().parent / "seed_data"


def load_themes(report: SeedReport) -> None:
    for row in load_toml(DATA / "themes.toml")["theme"]:
        values = {"name": row["name"], "name_en": row.get("name_en", "")}
        upsert_object(report, Theme, {"slug": row["slug"]}, values)


def _body_with_page_links(body: list[dict], parent: Page) -> list[dict]:
    """Seed files name pages by slug; turn those into page ids."""
    resolved = []
    for block in body:
        value = dict(block["value"]) if isinstance(block["value"], dict) else block["value"]
        if isinstance(value, dict) and "page_slug" in value:
            target = Page.objects.descendant_of(parent).filter(slug=value.pop("page_slug")).first()
            value["page"] = target.pk if target else None
        resolved.append({"type": block["type"], "value": value})
    return resolved


@transaction.atomic
def load_home(report: SeedReport) -> None:
    data = load_toml(DATA / "home.toml")
    fr = get_locale("fr")
    root = Page.get_first_root_node()
    site = Site.objects.filter(is_default_site=True).first()

    created_home = not Page.objects.child_of(root).filter(slug=data["fr"]["slug"]).exists()
    home = upsert_page(
        report,
        root,
        HomePage,
        data["fr"]["slug"],
        {"title": data["fr"]["title"], "introduction": data["fr"]["introduction"], "locale": fr},
    )
    if site is None:
        hostname, port = site_address()
        site = Site.objects.create(
            hostname=hostname,
            port=port,
            root_page=home,
            is_default_site=True,
            site_name="Maison de l'ESS",
        )
    elif site.root_page_id != home.pk:
        placeholder = site.root_page
        site.root_page = home
        site.site_name = site.site_name or "Maison de l'ESS"
        site.save()
        # Wagtail's install creates an empty "Welcome" page of the base Page
        # type; once the site points at our home page it serves no purpose.
        if type(placeholder.specific) is Page and placeholder.numchild == 0:
            placeholder.delete()

    load_site_settings(report, site, data.get("site", {}))

    # Sceaux Valley comes before the home body, which links to it.
    load_sceaux_valley(report, home)

    body = _body_with_page_links(data["fr"].get("body", []), home)
    home = upsert_page(
        report, root, HomePage, data["fr"]["slug"], {"body": body}, force_update=created_home
    )

    # The call to action's page is a synchronised chooser: wagtail-localize
    # points the English one at the English Sceaux Valley.
    upsert_english(
        report,
        home,
        data["en"],
        lambda fields: {**fields, "body": _body_with_page_links(fields.get("body", []), home)},
    )


def load_site_settings(report: SeedReport, site: Site, values: dict) -> None:
    upsert_object(report, SiteSettings, {"site": site}, values)


def load_sceaux_valley(report: SeedReport, home: HomePage) -> None:
    data = load_toml(DATA / "sceaux_valley.toml")
    page = upsert_page(
        report,
        home,
        StandardPage,
        data["slug"],
        {
            "title": data["title"],
            "seo_title": data["seo_title"],
            "show_in_menus": data["show_in_menus"],
            "introduction": data["introduction"],
            "body": data["body"],
        },
        themes=data["themes"],
    )
    upsert_english(report, page, data.get("en"))


register_seed("home.themes", load_themes, order=0)
register_seed("home.pages", load_home, order=10)
