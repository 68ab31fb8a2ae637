"""Applying an `ImportPlan`: draft revisions only, all or nothing unless the
valid lines are confirmed, one review email per file (docs/csv-import.md)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log
from wagtail.models import Page

from home.imports import ImportReport as BaseImportReport
from home.imports import RowResult as BaseRowResult
from home.imports import apply_rows, submit_to_workflow, validation_errors

from ..models import PUBLICATION_YES, ActorContact, ActorPage
from ..notifications import batched_review_emails
from .columns import CONTACT_FIELDS, CSV_COLUMNS
from .plan import ImportPlan, PlannedRow, RowError, resolve_plan


class RowResult(BaseRowResult):
    labels = {
        "created": gettext_lazy("créée en brouillon"),
        "updated": gettext_lazy("mise à jour en brouillon"),
        "unchanged": gettext_lazy("inchangée"),
        "skipped": gettext_lazy("non importée (erreurs)"),
        "error": gettext_lazy("erreur"),
        "submitted": gettext_lazy(", soumise à la relecture"),
    }


class ImportReport(BaseImportReport):
    result_class = RowResult

    @property
    def summary(self) -> str:
        if not self.applied:
            return super().summary
        return _(
            "%(created)s fiche(s) créée(s), %(updated)s mise(s) à jour, %(unchanged)s "
            "inchangée(s), %(skipped)s ligne(s) ignorée(s) : tout est en brouillon, rien "
            "n'est publié."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


def _contact_key(contact) -> tuple:
    return (*(getattr(contact, name) for name in CONTACT_FIELDS), contact.publication)


def _merged_contacts(page: ActorPage, imported: list[dict[str, str]]) -> list[ActorContact]:
    """The file's contacts, then the page's unpublished contacts (never exported)."""
    existing = list(page.contacts.all())
    used: set[int] = set()
    merged = []
    for data in imported:
        match = next(
            (
                index
                for index, contact in enumerate(existing)
                if index not in used
                and contact.role == data["role"]
                and contact.name.casefold() == data["name"].casefold()
            ),
            None,
        )
        if match is not None:
            used.add(match)
            contact = existing[match]
        elif data["role"] == ActorContact.ELECTED:
            contact = ActorContact(
                publication=ActorContact.PUBLICATION_AUTO,
                publication_basis=ActorContact.Basis.ELECTED_OFFICE,
            )
        else:
            # The file's column holds published names: the import publishes a
            # new staff contact by decision; its basis (not in the file) is for
            # the editors to record, the admin asks for it.
            contact = ActorContact(publication=PUBLICATION_YES)
        for name in CONTACT_FIELDS:
            setattr(contact, name, data[name])
        merged.append(contact)
    merged.extend(
        contact
        for index, contact in enumerate(existing)
        if index not in used and not contact.is_public
    )
    for position, contact in enumerate(merged):
        contact.sort_order = position
    return merged


def _apply_values(page: ActorPage, row: PlannedRow) -> list[str]:
    """Set the row's values on `page` (in memory); return the changed columns."""
    changed = []
    for name, value in row.values.items():
        if getattr(page, name) != value:
            setattr(page, name, value)
            changed.append(name)
    if row.slug_given and page.slug != row.slug:
        page.slug = row.slug
        changed.append("slug")
    for name in ("networks", "themes"):
        objects = getattr(row, name)
        manager = getattr(page, name)
        if objects is not None and {o.pk for o in manager.all()} != {o.pk for o in objects}:
            manager.set(objects)
            changed.append(name)
    if row.contacts is not None:
        before = [_contact_key(contact) for contact in page.contacts.all()]
        merged = _merged_contacts(page, row.contacts)
        if [_contact_key(contact) for contact in merged] != before:
            page.contacts = merged
            changed.append("contacts")
    return changed


def _can_edit(page: Page, user) -> str:
    if user is None:
        return ""
    if page.locked and page.locked_by_id != user.pk:
        return _("La fiche est verrouillée par une autre personne.")
    if not page.permissions_for_user(user).can_edit():
        return _("Vous n'avez pas le droit de modifier cette fiche.")
    return ""


def _failed(row: PlannedRow, problem: str, page_id: int | None = None) -> tuple[RowResult, None]:
    errors = [RowError(row.line, "", problem)]
    return RowResult(row.line, row.title, "error", page_id, errors=errors), None


def _apply_row(row: PlannedRow, index_page, user) -> tuple[RowResult, Page | None]:
    if row.action == "create":
        if user is not None and not index_page.permissions_for_user(user).can_add_subpage():
            return _failed(row, _("Vous n'avez pas le droit d'ajouter des fiches à cet annuaire."))
        page = ActorPage(
            live=False,
            owner=user,
            locale_id=index_page.locale_id,
            title=row.title,
            slug=row.slug,
        )
        _apply_values(page, row)
        index_page.add_child(instance=page)
        log(instance=page, action="wagtail.create", user=user)
        page.save_revision(user=user)
        return RowResult(row.line, row.title, "created", page.pk), page

    current = ActorPage.objects.get(pk=row.target_id)
    problem = _can_edit(current, user)
    if problem:
        return _failed(row, problem, current.pk)
    # The latest revision (a draft, if any) is the base, so that the import
    # does not undo unpublished edits; the live version is never touched.
    page = current.get_latest_revision_as_object()
    changed = _apply_values(page, row)
    if not changed:
        return RowResult(row.line, row.title or page.title, "unchanged", page.pk), None
    page.save_revision(user=user, log_action=True)
    return RowResult(row.line, row.title or page.title, "updated", page.pk, changed), page


def apply_plan(plan: ImportPlan, index_page, user=None, confirm_valid_rows=False) -> ImportReport:
    """Create or update the plan's actors under `index_page`, as draft
    revisions only (never published), and return a per-row report.

    A plan with any invalid line changes nothing, unless `confirm_valid_rows`:
    then its valid lines are applied and the others reported as skipped
    (home.imports.apply_rows). One review email per recipient for the whole
    file, sent once the import is committed (directory/notifications.py).
    """
    if plan.index_page_id != index_page.pk:
        resolve_plan(plan, index_page)
    return apply_rows(
        plan,
        lambda row: _apply_row(row, index_page, user),
        ImportReport(),
        confirm_valid_rows=confirm_valid_rows,
        to_errors=lambda row, exc: validation_errors(row, exc, CSV_COLUMNS),
        submit=lambda page: submit_to_workflow(page, user),
        batch=lambda: batched_review_emails(user),
    )
