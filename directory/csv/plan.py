"""What an import file would do, before anything changes: its lines as
`PlannedRow`s with their errors, and which actor each valid line updates
(`resolve_plan`). The plan itself is the shared one (home/imports.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from wagtail.models import Page

from home.imports import ImportPlan, RowError
from home.imports import PlannedRow as BasePlannedRow
from home.models import Theme

from ..models import ActorPage, Network
from ..validators import normalise_siret

__all__ = ["ImportPlan", "PlannedRow", "RowError", "resolve_plan"]


@dataclass
class PlannedRow(BasePlannedRow):
    slug: str = ""  # given, or made from the title
    slug_given: bool = False
    siret: str = ""
    # Model field values of the columns present in the file.
    values: dict[str, Any] = field(default_factory=dict)
    networks: list[Network] | None = None
    themes: list[Theme] | None = None
    contacts: list[dict[str, str]] | None = None


def resolve_plan(plan: ImportPlan, index_page) -> ImportPlan:
    """Find the actor each valid line updates under `index_page` (by SIRET,
    else by slug), or mark it as a creation; report conflicts as errors."""
    plan.index_page_id = index_page.pk
    actors = list(
        ActorPage.objects.child_of(index_page).only("id", "slug", "siret", "title").order_by("path")
    )
    by_siret = {normalise_siret(actor.siret): actor for actor in actors if actor.siret}
    actors_by_slug = {actor.slug: actor for actor in actors}
    taken_slugs = dict(Page.objects.child_of(index_page).values_list("slug", "id"))
    targeted: dict[int, int] = {}
    for row in plan.rows:
        row.target_id, row.action = None, ""
        if not row.is_valid:
            continue
        target = by_siret.get(row.siret) if row.siret else None
        if target is None:
            target = actors_by_slug.get(row.slug)
            if target is not None and row.siret and target.siret:
                row.error(
                    "slug",
                    _(
                        "L'identifiant « %(slug)s » est déjà celui de « %(title)s », "
                        "dont le SIRET est %(siret)s : changez l'identifiant ou le SIRET."
                    )
                    % {"slug": row.slug, "title": target.title, "siret": target.siret},
                )
                continue
            slug_taken = target is None and row.slug in taken_slugs
        else:
            slug_taken = row.slug_given and taken_slugs.get(row.slug, target.pk) != target.pk
        if slug_taken:
            row.error(
                "slug",
                _("L'identifiant « %(slug)s » est déjà pris par une autre page.")
                % {"slug": row.slug},
            )
        elif target is not None and target.pk in targeted:
            row.error(
                "siret" if row.siret else "slug",
                _("Cette ligne désigne le même acteur que la ligne %(line)s.")
                % {"line": targeted[target.pk]},
            )
        elif target is not None:
            targeted[target.pk] = row.line
            row.target_id, row.action = target.pk, "update"
        elif "kind" not in row.values:
            row.error("kind", _("Le type d'acteur est obligatoire."))
        else:
            row.action = "create"
    return plan
