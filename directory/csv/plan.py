"""What an import file would do, before anything changes: its lines as
`PlannedRow`s with their errors, and which actor each valid line updates
(`resolve_plan`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from wagtail.models import Page

from home.models import Theme

from ..models import ActorPage, Network
from ..validators import normalise_siret


@dataclass
class RowError:
    """One error: the line (as a spreadsheet numbers it), the column, the message."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.line and self.column:
            return _("ligne %(line)s, colonne %(column)s : %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        if self.line:
            return _("ligne %(line)s : %(message)s") % {"line": self.line, "message": self.message}
        return self.message


@dataclass
class PlannedRow:
    line: int
    title: str = ""
    slug: str = ""  # given, or made from the title
    slug_given: bool = False
    siret: str = ""
    # Model field values of the columns present in the file.
    values: dict[str, Any] = field(default_factory=dict)
    networks: list[Network] | None = None
    themes: list[Theme] | None = None
    contacts: list[dict[str, str]] | None = None
    errors: list[RowError] = field(default_factory=list)
    # Set when the plan is resolved against a directory index page.
    target_id: int | None = None
    action: str = ""  # "create" or "update"

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))

    @property
    def action_label(self) -> str:
        if self.errors:
            return _("erreur")
        return {"create": _("création"), "update": _("mise à jour")}.get(self.action, "")


@dataclass
class ImportPlan:
    """What a file would do: its valid and invalid lines."""

    columns: list[str] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
    file_errors: list[RowError] = field(default_factory=list)
    index_page_id: int | None = None

    @property
    def errors(self) -> list[RowError]:
        return self.file_errors + [error for row in self.rows for error in row.errors]

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def valid_rows(self) -> list[PlannedRow]:
        return [] if self.file_errors else [row for row in self.rows if row.is_valid]

    @property
    def invalid_rows(self) -> list[PlannedRow]:
        return [row for row in self.rows if not row.is_valid]


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
