"""Applying an `ImportPlan`: draft revisions only, all or nothing unless the
valid lines are confirmed, one review email per file (docs/csv-import.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page

from ..models import PUBLICATION_YES, ActorContact, ActorPage
from ..notifications import batched_review_emails
from .columns import CONTACT_FIELDS, CSV_COLUMNS
from .plan import ImportPlan, PlannedRow, RowError, resolve_plan


@dataclass
class RowResult:
    line: int
    title: str
    action: str  # "created", "updated", "unchanged", "skipped", "error"
    page_id: int | None = None
    changed: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    submitted: bool = False

    @property
    def label(self) -> str:
        labels = {
            "created": _("créée en brouillon"),
            "updated": _("mise à jour en brouillon"),
            "unchanged": _("inchangée"),
            "skipped": _("non importée (erreurs)"),
            "error": _("erreur"),
        }
        text = labels.get(self.action, self.action)
        if self.action == "updated" and self.changed:
            text += _(" (%(fields)s)") % {"fields": ", ".join(self.changed)}
        if self.submitted:
            text += _(", soumise à la relecture")
        return text

    def __str__(self) -> str:
        return _("ligne %(line)s : « %(title)s » %(label)s") % {
            "line": self.line,
            "title": self.title,
            "label": self.label,
        }


@dataclass
class ImportReport:
    applied: bool = False
    rows: list[RowResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def summary(self) -> str:
        if not self.applied:
            return _(
                "Aucune modification : le fichier contient des erreurs. Corrigez-les, ou "
                "confirmez l'import des seules lignes valides."
            )
        return _(
            "%(created)s fiche(s) créée(s), %(updated)s mise(s) à jour, %(unchanged)s "
            "inchangée(s), %(skipped)s ligne(s) ignorée(s) : tout est en brouillon, rien "
            "n'est publié."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.count("skipped") + self.count("error"),
        }


class _Abort(Exception):
    pass


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


def _validation_errors(row: PlannedRow, exc: ValidationError) -> list[RowError]:
    if hasattr(exc, "error_dict"):
        return [
            RowError(row.line, name if name in CSV_COLUMNS else "", message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [RowError(row.line, "", message) for message in exc.messages]


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


def _submit_to_workflow(page: Page, user) -> bool:
    """Submit the page's latest revision for review, as an editor would."""
    if user is None:
        return False
    workflow = page.get_workflow()
    if workflow is None or page.workflow_in_progress:
        return False
    workflow.start(page, user)
    return True


def apply_plan(plan: ImportPlan, index_page, user=None, confirm_valid_rows=False) -> ImportReport:
    """Create or update the plan's actors under `index_page`, as draft
    revisions only (never published), and return a per-row report.

    A plan with any invalid line changes nothing, unless `confirm_valid_rows`:
    then its valid lines are applied and the others reported as skipped.
    """
    if plan.index_page_id != index_page.pk:
        resolve_plan(plan, index_page)
    report = ImportReport(errors=list(plan.errors))
    if plan.file_errors or not plan.rows or (plan.errors and not confirm_valid_rows):
        report.rows = [
            RowResult(row.line, row.title, "skipped", errors=row.errors) for row in plan.rows
        ]
        return report

    results: list[RowResult] = []
    try:
        # One review email per recipient for the whole file, sent once the
        # import is committed (directory/notifications.py).
        with batched_review_emails(user), transaction.atomic():
            to_submit: list[tuple[RowResult, Page]] = []
            for row in plan.rows:
                if not row.is_valid:
                    results.append(
                        RowResult(row.line, row.title, "skipped", row.target_id, errors=row.errors)
                    )
                    continue
                try:
                    with transaction.atomic():
                        result, page = _apply_row(row, index_page, user)
                except ValidationError as exc:
                    result, page = RowResult(row.line, row.title, "error"), None
                    result.errors = _validation_errors(row, exc)
                results.append(result)
                if result.errors:
                    report.errors.extend(result.errors)
                    if not confirm_valid_rows:
                        raise _Abort
                if page is not None:
                    to_submit.append((result, page))
            for result, page in to_submit:
                result.submitted = _submit_to_workflow(page, user)
    except _Abort:
        report.rows = [
            RowResult(result.line, result.title, "skipped", errors=result.errors)
            for result in results
        ]
        report.rows += [
            RowResult(row.line, row.title, "skipped") for row in plan.rows[len(results) :]
        ]
    else:
        report.applied = True
        report.rows = results
    report.errors.sort(key=lambda error: error.line)
    return report
