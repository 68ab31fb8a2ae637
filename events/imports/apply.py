"""Applying an events `ImportPlan` (home.imports.apply_rows): one
transaction per line, all or nothing unless the valid lines are confirmed.

Nothing is published: a new event is a draft page with its first revision,
an existing one gets a new draft revision (its live version is untouched)
with the file's values, only for what the file gives (a column, a
property); an event the file does not change gets no revision. The
editors review and publish them from the agenda's admin listing."""

from __future__ import annotations

from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page

from home.imports import ImportPlan, ImportReport, RowError, RowResult, apply_rows
from home.imports import validation_errors as base_validation_errors

from ..models import EventOrganiser, EventPage
from .plan import resolve_plan
from .rows import EventRow, slot_key

MODEL_FIELDS = {field.name for field in EventPage._meta.get_fields()}


class EventImportReport(ImportReport):
    @property
    def summary(self) -> str:
        if not self.applied:
            return super().summary
        return _(
            "%(created)s événement(s) créé(s), %(updated)s mis à jour, %(unchanged)s "
            "inchangé(s), %(skipped)s ligne(s) ignorée(s) : tout est en brouillon, rien "
            "n'est publié ; relisez-les et publiez-les depuis l'agenda de l'administration."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


def _set_slots(page: EventPage, row: EventRow) -> bool:
    if row.slots is None:
        return False
    if sorted(map(slot_key, page.slots.all())) == sorted(map(slot_key, row.slots)):
        return False
    slots = [data.slot() for data in row.slots]
    for position, slot in enumerate(slots):
        slot.sort_order = position
    page.slots = slots
    return True


def _set_organisers(page: EventPage, row: EventRow) -> bool:
    if row.organisers is None:
        return False

    def key(actor_id, name, role):
        return (actor_id, "" if actor_id else name, role)

    # In the order the exports list them (sort_order, then creation): an
    # event whose organisers share a sort_order (made outside the editor)
    # reads back unchanged.
    ordered = sorted(
        page.organisers.all(),
        key=lambda o: (o.sort_order is None, o.sort_order or 0, o.pk is None, o.pk or 0),
    )
    current = [key(o.actor_id, o.name, o.role) for o in ordered]
    wanted = [key(o["actor_id"], o["name"], o["role"]) for o in row.organisers]
    if current == wanted:
        return False
    page.organisers = [
        EventOrganiser(actor_id=actor_id, name=name, role=role, sort_order=position)
        for position, (actor_id, name, role) in enumerate(wanted)
    ]
    return True


def _apply_values(page: EventPage, row: EventRow, values: dict) -> list[str]:
    """Set the row's values on `page` (in memory); return what changed."""
    changed = []
    if page.title != row.title:
        page.title = row.title
        changed.append("title")
    for name, value in values.items():
        if getattr(page, name) != value:
            setattr(page, name, value)
            changed.append(name)
    if _set_slots(page, row):
        changed.append("slots")
    if _set_organisers(page, row):
        changed.append("organisers")
    if row.themes is not None and {t.pk for t in page.themes.all()} != {t.pk for t in row.themes}:
        page.themes.set(row.themes)
        changed.append("themes")
    return changed


def _failed(row: EventRow, problem: str, page_id=None):
    return RowResult(
        row.line, row.title, "error", page_id, errors=[RowError(row.line, "", problem)]
    ), None


class _Applier:
    def __init__(self, agenda, user):
        self.agenda, self.user = agenda, user
        self.slugs = set(Page.objects.child_of(agenda).values_list("slug", flat=True))

    def slug(self, row: EventRow) -> str:
        base = slugify(row.title)[:200] or "evenement"
        first = row.first_start
        candidates = [base]
        if first is not None:
            candidates.append(f"{base}-{first:%Y-%m-%d}")
        candidate = next((c for c in candidates if c not in self.slugs), None)
        number = 2
        while candidate is None:
            trial = f"{candidates[-1]}-{number}"
            candidate = None if trial in self.slugs else trial
            number += 1
        self.slugs.add(candidate)
        return candidate

    def __call__(self, row: EventRow):
        user = self.user
        if row.action == "create":
            if user is not None and not self.agenda.permissions_for_user(user).can_add_subpage():
                return _failed(
                    row, _("Vous n'avez pas le droit d'ajouter des événements à cet agenda.")
                )
            page = EventPage(
                live=False, owner=user, locale_id=self.agenda.locale_id, slug=self.slug(row)
            )
            _apply_values(page, row, {**row.create_values, **row.values})
            # A draft is saved with Wagtail's minimal checks only: what
            # EventPage.clean derives is derived here (the full checks run
            # with the revision, in the same transaction).
            page.derive_territory()
            self.agenda.add_child(instance=page)
            log(instance=page, action="wagtail.create", user=user)
            page.save_revision(user=user)
            return RowResult(row.line, row.title, "created", page.pk), page

        current = EventPage.objects.get(pk=row.target_id)
        if user is not None:
            if current.locked and current.locked_by_id != user.pk:
                return _failed(
                    row, _("L'événement est verrouillé par une autre personne."), current.pk
                )
            if not current.permissions_for_user(user).can_edit():
                return _failed(
                    row, _("Vous n'avez pas le droit de modifier cet événement."), current.pk
                )
        # The latest revision (a draft, if any) is the base, so that the import
        # does not undo unpublished edits; the live version is never touched.
        page = current.get_latest_revision_as_object()
        changed = _apply_values(page, row, row.values)
        if not changed:
            return RowResult(row.line, row.title, "unchanged", page.pk), None
        page.save_revision(user=user, log_action=True)
        return RowResult(row.line, row.title, "updated", page.pk, changed), page


def apply_plan(plan: ImportPlan, agenda, user=None, confirm_valid_rows=False) -> ImportReport:
    """Create or update the plan's events under `agenda`, as drafts with a
    revision each (never published), and return a per-row report."""
    if plan.index_page_id != agenda.pk:
        resolve_plan(plan, agenda)
    return apply_rows(
        plan,
        _Applier(agenda, user),
        EventImportReport(),
        confirm_valid_rows=confirm_valid_rows,
        to_errors=lambda row, exc: base_validation_errors(row, exc, MODEL_FIELDS),
    )
