"""Bulk imports in the admin: the parts every import shares (the
directory's CSV of actors, the agenda's CSV and iCalendar files).

An import reads a file into an `ImportPlan` (its lines as `PlannedRow`s, each
with its errors and the action it would take: create or update), shows it as
a dry run, and applies it once confirmed (`apply_rows`): one transaction per
line, a file with errors changes nothing unless its valid lines are
explicitly confirmed, and the result is an `ImportReport` of `RowResult`s.
`ImportView` is the admin's upload → dry-run report → confirmation flow, its
templates are in `templates/includes/imports/`.

What a line holds, how it is matched against existing pages and applied
stay in each app (`directory/csv/`, `events/imports/`).
"""

from __future__ import annotations

import base64
import csv
import io
import secrets
import zlib
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import Locale

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

# --- The plan: what a file would do ------------------------------------------------


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


def errors_text(errors: list[RowError]) -> str:
    """A line's errors on one line, for the report's table."""
    return " ; ".join(
        f"{error.column} : {error.message}" if error.column else error.message for error in errors
    )


@dataclass
class PlannedRow:
    """One line of a file: its title, errors, and once the plan is resolved
    against the existing pages, its action and the page it updates. An app
    subclasses it with the values it reads."""

    line: int
    title: str = ""
    errors: list[RowError] = field(default_factory=list)
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

    @property
    def reason(self) -> str:
        return errors_text(self.errors)


@dataclass
class ImportPlan:
    """What a file would do: its valid and invalid lines."""

    columns: list[str] = field(default_factory=list)
    rows: list = field(default_factory=list)
    file_errors: list[RowError] = field(default_factory=list)
    # What the editor should know but does not stop the import (ignored columns...).
    notices: list[str] = field(default_factory=list)
    index_page_id: int | None = None

    @property
    def errors(self) -> list[RowError]:
        return self.file_errors + [error for row in self.rows for error in row.errors]

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def valid_rows(self) -> list:
        return [] if self.file_errors else [row for row in self.rows if row.is_valid]

    @property
    def invalid_rows(self) -> list:
        return [row for row in self.rows if not row.is_valid]

    @property
    def to_create(self) -> int:
        return sum(1 for row in self.valid_rows if row.action == "create")

    @property
    def to_update(self) -> int:
        return sum(1 for row in self.valid_rows if row.action == "update")


# --- Reading a file ----------------------------------------------------------------


def decode_text(file_obj: IO | bytes | str, kind: str = "CSV", allow_nul: bool = False) -> str:
    """The text of an uploaded file, UTF-8 with or without a byte order mark;
    ValueError (with the message for the editor) if it is not text (a NUL
    byte means binary content unless `allow_nul`: then the lines that hold
    one are the app's to report)."""
    content = file_obj.read() if hasattr(file_obj, "read") else file_obj
    try:
        text = (
            content.removeprefix("\ufeff")
            if isinstance(content, str)
            else content.decode("utf-8-sig")
        )
    except UnicodeDecodeError as exc:
        raise ValueError(
            _(
                "Le fichier n'est pas un %(kind)s encodé en UTF-8 (octet illisible en position "
                "%(position)s). Enregistrez-le au format « %(kind)s UTF-8 » et recommencez."
            )
            % {"kind": kind, "position": exc.start}
        ) from exc
    if "\x00" in text and not allow_nul:
        raise ValueError(
            _("Ce fichier n'est pas un fichier %(kind)s (contenu binaire).") % {"kind": kind}
        )
    return text


def read_csv_records(file_obj: IO | bytes | str, allow_nul: bool = False) -> list[list[str]]:
    """The records of a CSV file, the delimiter (« ; » or « , ») being
    guessed from the header line; ValueError (with the message for the
    editor) if the file is unreadable."""
    text = decode_text(file_obj, allow_nul=allow_nul)
    if "\x00" in text.split("\n", 1)[0]:
        raise ValueError(_("Ce fichier n'est pas un fichier CSV (contenu binaire)."))
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ValueError(_("Ce fichier CSV est illisible : %(error)s") % {"error": exc}) from exc


# --- Applying a plan ---------------------------------------------------------------


@dataclass
class RowResult:
    line: int
    title: str
    action: str  # "created", "updated", "unchanged", "skipped", "error"
    page_id: int | None = None
    changed: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    submitted: bool = False

    # What each action says in the report (an app's words: « créée », « créé »...).
    labels: ClassVar[dict[str, Any]] = {
        "created": gettext_lazy("créé en brouillon"),
        "updated": gettext_lazy("mis à jour en brouillon"),
        "unchanged": gettext_lazy("inchangé"),
        "skipped": gettext_lazy("non importé (erreurs)"),
        "error": gettext_lazy("erreur"),
        "submitted": gettext_lazy(", soumis à la relecture"),
    }

    @property
    def label(self) -> str:
        text = str(self.labels.get(self.action, self.action))
        if self.action == "updated" and self.changed:
            text += _(" (%(fields)s)") % {"fields": ", ".join(self.changed)}
        if self.submitted:
            text += str(self.labels["submitted"])
        return text

    @property
    def reason(self) -> str:
        return errors_text(self.errors)

    def __str__(self) -> str:
        return _("ligne %(line)s : « %(title)s » %(label)s") % {
            "line": self.line,
            "title": self.title,
            "label": self.label,
        }


@dataclass
class ImportReport:
    """The result of an import; an app words its `summary`."""

    applied: bool = False
    rows: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    result_class: ClassVar[type[RowResult]] = RowResult

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
    def skipped(self) -> int:
        return self.count("skipped") + self.count("error")

    @property
    def summary(self) -> str:
        if not self.applied:
            return _(
                "Aucune modification : le fichier contient des erreurs. Corrigez-les, ou "
                "confirmez l'import des seules lignes valides."
            )
        return _(
            "%(created)s créé(s), %(updated)s mis à jour, %(unchanged)s inchangé(s), "
            "%(skipped)s ligne(s) ignorée(s)."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


class _Abort(Exception):
    pass


def validation_errors(row: PlannedRow, exc: ValidationError, columns=()) -> list[RowError]:
    """A model's ValidationError as the line's errors (a field's name as the
    column when it is one of `columns`)."""
    if hasattr(exc, "error_dict"):
        return [
            RowError(row.line, name if name in columns else "", message)
            for name, messages_ in exc.message_dict.items()
            for message in messages_
        ]
    return [RowError(row.line, "", message) for message in exc.messages]


def apply_rows(
    plan: ImportPlan,
    apply_row,
    report: ImportReport,
    *,
    confirm_valid_rows: bool = False,
    to_errors=validation_errors,
    submit=None,
    batch=nullcontext,
) -> ImportReport:
    """Apply each valid line of `plan` with `apply_row(row)` → (RowResult,
    page or None), each in its own transaction (savepoint), all in one
    transaction, and fill `report`.

    A plan with any invalid line changes nothing, unless `confirm_valid_rows`:
    then its valid lines are applied and the others reported as skipped. A
    line that fails when applied (a ValidationError, a refused permission)
    undoes the whole file unless `confirm_valid_rows`. Once every line is
    applied, `submit(page)` (if given) is called for each changed page and
    tells whether it was submitted for review; the whole runs within
    `batch()` (a context manager, e.g. one review email per file)."""
    result_class = report.result_class
    report.errors = list(plan.errors)
    if plan.file_errors or not plan.rows or (plan.errors and not confirm_valid_rows):
        report.rows = [
            result_class(row.line, row.title, "skipped", errors=row.errors) for row in plan.rows
        ]
        return report

    results: list[RowResult] = []
    try:
        with batch(), transaction.atomic():
            changed_pages = []
            for row in plan.rows:
                if not row.is_valid:
                    results.append(
                        result_class(
                            row.line, row.title, "skipped", row.target_id, errors=row.errors
                        )
                    )
                    continue
                try:
                    with transaction.atomic():
                        result, page = apply_row(row)
                except ValidationError as exc:
                    result, page = result_class(row.line, row.title, "error"), None
                    result.errors = to_errors(row, exc)
                results.append(result)
                if result.errors:
                    report.errors.extend(result.errors)
                    if not confirm_valid_rows:
                        raise _Abort
                if page is not None:
                    changed_pages.append((result, page))
            if submit is not None:
                for result, page in changed_pages:
                    result.submitted = submit(page)
    except _Abort:
        report.rows = [
            result_class(result.line, result.title, "skipped", errors=result.errors)
            for result in results
        ]
        report.rows += [
            result_class(row.line, row.title, "skipped") for row in plan.rows[len(results) :]
        ]
    else:
        report.applied = True
        report.rows = results
    report.errors.sort(key=lambda error: error.line)
    return report


def submit_to_workflow(page, user) -> bool:
    """Submit the page's latest revision for review, as an editor would."""
    if user is None:
        return False
    workflow = page.get_workflow()
    if workflow is None or page.workflow_in_progress:
        return False
    workflow.start(page, user)
    return True


def index_pages_for(model, user) -> list:
    """The index pages of `model` in the default language (the others are
    translations) under which `user` may add pages."""
    try:
        locale = Locale.get_default()
    except Locale.DoesNotExist:
        return []
    pages = model.objects.filter(locale=locale).order_by("path")
    return [page for page in pages if page.permissions_for_user(user).can_add_subpage()]


# --- The admin's upload → dry run → confirmation -------------------------------------


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


class ImportUploadForm(forms.Form):
    """The index page to import into (hidden when there is one) and the file."""

    index_page = forms.TypedChoiceField(coerce=int)
    file = forms.FileField()

    extensions: tuple[str, ...] = (".csv", ".txt")
    max_bytes = MAX_UPLOAD_BYTES
    wrong_type_message = gettext_lazy(
        "Choisissez un fichier CSV (extension .csv) : « %(name)s » n'en est pas un."
    )

    def __init__(self, *args, index_pages, index_label, file_label, file_help, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["index_page"].label = index_label
        self.fields["file"].label = file_label
        self.fields["file"].help_text = file_help
        self.fields["index_page"].choices = [(page.pk, page.title) for page in index_pages]
        if len(index_pages) == 1:
            self.fields["index_page"].initial = index_pages[0].pk
            self.fields["index_page"].widget = forms.HiddenInput()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(self.extensions):
            raise ValidationError(self.wrong_type_message % {"name": upload.name})
        if upload.size > self.max_bytes:
            raise ValidationError(
                _(
                    "Le fichier pèse %(size)s Mo : %(max)s Mo au plus. Découpez-le en "
                    "plusieurs fichiers."
                )
                % {"size": megabytes(upload.size), "max": self.max_bytes // (1024 * 1024)}
            )
        return upload


class ImportView(WagtailAdminTemplateMixin, View):
    """Upload → dry-run report → confirmation, for the pages of one model
    under its index pages.

    Between the preview and the confirmation the uploaded file is kept in the
    user's session (database-backed, so it works whichever server or worker
    gets the next request): compressed, limited to `max_upload_bytes` before
    compression, one pending import per session and per `session_key`,
    identified by a random token the confirmation form must send back. It is
    removed once the import is applied. The confirmation reads the file again
    against the current state of the site, so what is applied is checked at
    that moment. (A signed hidden field would have sent the whole file back
    through the browser and run into DATA_UPLOAD_MAX_MEMORY_SIZE.)

    A subclass sets the names below and implements `get_index_pages`,
    `parse` and `apply`."""

    header_icon = "upload"
    session_key = ""
    url_name = ""  # this view's URL name
    listing_url_name = ""  # the admin listing it is reached from
    listing_label = ""
    item_label = gettext_lazy("Titre")
    index_label = gettext_lazy("Rubrique")
    file_label = gettext_lazy("Fichier CSV")
    file_help = ""
    help_template = ""  # what the upload page explains
    form_class = ImportUploadForm
    max_upload_bytes = MAX_UPLOAD_BYTES
    upload_template = "includes/imports/upload.html"
    preview_template = "includes/imports/preview.html"
    result_template = "includes/imports/result.html"

    def get_index_pages(self, user) -> list:
        raise NotImplementedError

    def parse(self, content: bytes, index_page, name: str) -> ImportPlan:
        raise NotImplementedError

    def apply(self, plan: ImportPlan, index_page, user, confirm_valid_rows: bool) -> ImportReport:
        raise NotImplementedError

    def deny(self, request):
        """Wagtail's answer: back to the dashboard with a message (a 403 to
        a script)."""
        return permission_denied(request)

    def dispatch(self, request, *args, **kwargs):
        self.index_pages = self.get_index_pages(request.user)
        if not self.index_pages:
            return self.deny(request)
        self.template_name = self.upload_template
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.listing_url_name), "label": self.listing_label},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            import_url=reverse(self.url_name),
            listing_url=reverse(self.listing_url_name),
            listing_label=self.listing_label,
            item_label=self.item_label,
            help_template=self.help_template,
            max_megabytes=self.max_upload_bytes // (1024 * 1024),
        )
        return context

    def render(self, template, **context):
        self.template_name = template
        return self.render_to_response(self.get_context_data(**context))

    def get_form(self, data=None, files=None):
        return self.form_class(
            data,
            files,
            index_pages=self.index_pages,
            index_label=self.index_label,
            file_label=self.file_label,
            file_help=self.file_help,
        )

    def get(self, request):
        return self.render(self.upload_template, form=self.get_form())

    def post(self, request):
        if request.POST.get("action") in {"confirm", "confirm_valid_rows"}:
            return self.confirm(request)
        form = self.get_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(self.upload_template, form=form)
        index_page = self.index_page(form.cleaned_data["index_page"])
        upload = form.cleaned_data["file"]
        content = upload.read(self.max_upload_bytes + 1)
        plan = self.parse(content, index_page, upload.name)
        if plan.file_errors:
            for error in plan.file_errors:
                form.add_error("file", str(error))
            return self.render(self.upload_template, form=form)
        token = secrets.token_urlsafe(16)
        request.session[self.session_key] = {
            "token": token,
            "name": upload.name,
            "index_page": index_page.pk,
            "content": base64.b64encode(zlib.compress(content)).decode("ascii"),
        }
        return self.render(
            self.preview_template,
            plan=plan,
            token=token,
            file_name=upload.name,
            index_page=index_page,
        )

    def index_page(self, pk):
        return next(page for page in self.index_pages if page.pk == pk)

    def confirm(self, request):
        pending = request.session.get(self.session_key)
        if not pending or pending.get("token") != request.POST.get("token"):
            messages.error(
                request,
                _(
                    "Cet import n'est plus en attente (déjà appliqué ou expiré) : importez le "
                    "fichier à nouveau."
                ),
            )
            return redirect(self.url_name)
        if not any(page.pk == pending["index_page"] for page in self.index_pages):
            return self.deny(request)
        index_page = self.index_page(pending["index_page"])
        content = zlib.decompress(base64.b64decode(pending["content"]))
        plan = self.parse(content, index_page, pending["name"])
        report = self.apply(
            plan,
            index_page,
            request.user,
            confirm_valid_rows=request.POST["action"] == "confirm_valid_rows",
        )
        if report.applied:
            del request.session[self.session_key]
        return self.render(
            self.result_template,
            plan=plan,
            report=report,
            token=pending["token"],
            file_name=pending["name"],
            index_page=index_page,
        )
