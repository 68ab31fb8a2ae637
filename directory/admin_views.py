"""The admin's CSV import of actors: upload, dry-run report, confirmation.

Same rules as `manage.py import_actors` (file format: docs/csv-import.md): draft
revisions only, a file with errors changes nothing unless the valid lines are
explicitly confirmed.

Between the preview and the confirmation the uploaded file is kept in the
user's session (database-backed, so it works whichever server or worker gets
the next request): compressed, limited to `MAX_UPLOAD_BYTES` before
compression, one pending import per session, identified by a random token
the confirmation form must send back. It is removed once the import is
applied. The confirmation parses the file again against the current state
of the directory, so what is applied is checked at that moment. (A signed
hidden field would have sent the whole file back through the browser and run
into Django's DATA_UPLOAD_MAX_MEMORY_SIZE limit for large files.)
"""

import base64
import secrets
import zlib

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import Locale

from .csv import CSV_COLUMNS, apply_plan, parse_csv
from .models import DirectoryIndexPage

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
SESSION_KEY = "directory_actor_import"
ALLOWED_EXTENSIONS = (".csv", ".txt")


def import_index_pages(user) -> list[DirectoryIndexPage]:
    """The directory index pages (in the default language: the others are
    translations) under which `user` may create actor fiches."""
    try:
        locale = Locale.get_default()
    except Locale.DoesNotExist:
        return []
    pages = DirectoryIndexPage.objects.filter(locale=locale).order_by("path")
    return [page for page in pages if page.permissions_for_user(user).can_add_subpage()]


class UploadForm(forms.Form):
    index_page = forms.TypedChoiceField(label=gettext_lazy("Annuaire"), coerce=int)
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV"),
        help_text=gettext_lazy(
            "UTF-8, séparateur virgule ou point-virgule, 5 Mo au plus ; mêmes colonnes que "
            "l'export CSV de l'annuaire."
        ),
    )

    def __init__(self, *args, index_pages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["index_page"].choices = [(page.pk, page.title) for page in index_pages]
        if len(index_pages) == 1:
            self.fields["index_page"].initial = index_pages[0].pk
            self.fields["index_page"].widget = forms.HiddenInput()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_EXTENSIONS):
            raise ValidationError(
                _("Choisissez un fichier CSV (extension .csv) : « %(name)s » n'en est pas un.")
                % {"name": upload.name}
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("Le fichier pèse %(size)s Mo : 5 Mo au plus. Découpez-le en plusieurs fichiers.")
                % {"size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ",")}
            )
        return upload


class ActorImportView(WagtailAdminTemplateMixin, View):
    page_title = gettext_lazy("Importer des acteurs")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        self.index_pages = import_index_pages(request.user)
        if not self.index_pages:
            return permission_denied(request)
        self.template_name = "directory/admin/import.html"
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("directory_actors:index"), "label": _("Acteurs")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = CSV_COLUMNS
        context["max_megabytes"] = MAX_UPLOAD_BYTES // (1024 * 1024)
        return context

    def render(self, template, **context):
        self.template_name = template
        return self.render_to_response(self.get_context_data(**context))

    def get(self, request):
        return self.render(
            "directory/admin/import.html", form=UploadForm(index_pages=self.index_pages)
        )

    def post(self, request):
        if request.POST.get("action") in {"confirm", "confirm_valid_rows"}:
            return self.confirm(request)
        form = UploadForm(request.POST, request.FILES, index_pages=self.index_pages)
        if not form.is_valid():
            return self.render("directory/admin/import.html", form=form)
        index_page = self.index_page(form.cleaned_data["index_page"])
        upload = form.cleaned_data["file"]
        content = upload.read(MAX_UPLOAD_BYTES + 1)
        plan = parse_csv(content, index_page=index_page)
        if plan.file_errors:
            for error in plan.file_errors:
                form.add_error("file", str(error))
            return self.render("directory/admin/import.html", form=form)
        token = secrets.token_urlsafe(16)
        request.session[SESSION_KEY] = {
            "token": token,
            "name": upload.name,
            "index_page": index_page.pk,
            "content": base64.b64encode(zlib.compress(content)).decode("ascii"),
        }
        return self.render(
            "directory/admin/import_preview.html",
            plan=plan,
            token=token,
            file_name=upload.name,
            index_page=index_page,
        )

    def index_page(self, pk):
        return next(page for page in self.index_pages if page.pk == pk)

    def confirm(self, request):
        pending = request.session.get(SESSION_KEY)
        if not pending or pending.get("token") != request.POST.get("token"):
            messages.error(
                request,
                _(
                    "Cet import n'est plus en attente (déjà appliqué ou expiré) : importez le "
                    "fichier à nouveau."
                ),
            )
            return redirect("directory_import_actors")
        if not any(page.pk == pending["index_page"] for page in self.index_pages):
            return permission_denied(request)
        index_page = self.index_page(pending["index_page"])
        content = zlib.decompress(base64.b64decode(pending["content"]))
        plan = parse_csv(content, index_page=index_page)
        report = apply_plan(
            plan,
            index_page,
            user=request.user,
            confirm_valid_rows=request.POST["action"] == "confirm_valid_rows",
        )
        if report.applied:
            del request.session[SESSION_KEY]
        return self.render(
            "directory/admin/import_result.html",
            plan=plan,
            report=report,
            token=pending["token"],
            file_name=pending["name"],
            index_page=index_page,
        )
