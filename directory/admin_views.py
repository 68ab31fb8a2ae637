"""The admin's CSV import of actors: upload, dry-run report, confirmation.

Same rules as `manage.py import_actors` (file format: docs/csv-import.md): draft
revisions only, a file with errors changes nothing unless the valid lines are
explicitly confirmed. The flow (the file kept in the session between the
preview and the confirmation, read again when confirmed) is the shared one:
`home.imports.ImportView`.
"""

from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from home.imports import MAX_UPLOAD_BYTES, ImportView, index_pages_for

from . import registers
from .csv import CSV_COLUMNS, apply_plan, parse_csv
from .models import ActorPage, DirectoryIndexPage
from .registers.check import StaleProposal, apply_accepted, run_check

__all__ = [
    "MAX_UPLOAD_BYTES",
    "SESSION_KEY",
    "ActorImportView",
    "RegistersCheckView",
    "import_index_pages",
]

SESSION_KEY = "directory_actor_import"


def import_index_pages(user) -> list[DirectoryIndexPage]:
    """The directory index pages (in the default language: the others are
    translations) under which `user` may create actor fiches."""
    return index_pages_for(DirectoryIndexPage, user)


class ActorImportView(ImportView):
    page_title = gettext_lazy("Importer des acteurs")
    session_key = SESSION_KEY
    url_name = "directory_import_actors"
    listing_url_name = "directory_actors:index"
    listing_label = gettext_lazy("Acteurs")
    item_label = gettext_lazy("Acteur")
    index_label = gettext_lazy("Annuaire")
    file_label = gettext_lazy("Fichier CSV")
    file_help = gettext_lazy(
        "UTF-8, séparateur virgule ou point-virgule, 5 Mo au plus ; mêmes colonnes que "
        "l'export CSV de l'annuaire."
    )
    help_template = "directory/admin/_import_help.html"

    def get_index_pages(self, user):
        return import_index_pages(user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=CSV_COLUMNS, **kwargs)

    def parse(self, content, index_page, name):
        return parse_csv(content, index_page=index_page)

    def apply(self, plan, index_page, user, confirm_valid_rows):
        return apply_plan(plan, index_page, user=user, confirm_valid_rows=confirm_valid_rows)


# --- « Vérifier auprès des registres » (directory/registers, docs/registers.md) ---

REGISTERS_SALT = "directory.registers.check"
# How long the differences shown may still be accepted (seconds).
REGISTERS_PROPOSALS_MAX_AGE = 3600


class RegistersCheckView(WagtailAdminTemplateMixin, TemplateView):
    """Compare a fiche (its latest draft) with the company register and the
    address base, and save the differences the editor ticks as a new draft
    revision. Only for users who may edit the page; partners never reach
    the admin. No outside call when the check is switched off."""

    template_name = "directory/admin/registers_check.html"
    page_title = gettext_lazy("Vérifier auprès des registres")
    header_icon = "search"

    def dispatch(self, request, page_id):
        page = get_object_or_404(Page, id=page_id).specific
        if not isinstance(page, ActorPage):
            raise Http404
        self.page = page
        self.permissions = page.permissions_for_user(request.user)
        if not self.permissions.can_edit():
            return permission_denied(request)
        return super().dispatch(request, page_id)

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
                "label": self.page.get_admin_display_title(),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            page=self.page,
            edit_url=reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
            check_url=reverse("directory_registers_check", args=[self.page.pk]),
            enabled=registers.is_enabled(),
            locked=self.permissions.page_locked(),
        )
        return context

    def get(self, request, page_id):
        backend = registers.get_registers()
        if backend is None:
            return self.render_to_response(self.get_context_data())
        draft = self.page.get_latest_revision_as_object()
        result = run_check(draft, backend)
        token = signing.dumps(
            {
                "page": self.page.pk,
                "revision": self.page.latest_revision_id,
                "proposals": result.proposals,
            },
            salt=REGISTERS_SALT,
            compress=True,
        )
        has_fiche_data = bool(result.identifier or draft.address_line1 or draft.city)
        return self.render_to_response(
            self.get_context_data(result=result, token=token, has_fiche_data=has_fiche_data)
        )

    def post(self, request, page_id):
        edit_url = reverse("wagtailadmin_pages:edit", args=[self.page.pk])
        check_url = reverse("directory_registers_check", args=[self.page.pk])
        if not registers.is_enabled():
            messages.error(request, _("La vérification auprès des registres n'est pas activée."))
            return redirect(check_url)
        try:
            data = signing.loads(
                request.POST.get("token", ""),
                salt=REGISTERS_SALT,
                max_age=REGISTERS_PROPOSALS_MAX_AGE,
            )
        except signing.BadSignature:  # includes SignatureExpired
            data = None
        if not isinstance(data, dict) or data.get("page") != self.page.pk:
            messages.error(
                request,
                _(
                    "Cette vérification a expiré ou n'est pas valide : relancez-la. "
                    "Rien n'a été changé."
                ),
            )
            return redirect(check_url)
        if self.permissions.page_locked():
            messages.error(request, _("La fiche est verrouillée : rien n'a été changé."))
            return redirect(edit_url)
        if data.get("revision") != self.page.latest_revision_id:
            messages.error(
                request,
                _(
                    "La fiche a été modifiée depuis la vérification : relancez-la. "
                    "Rien n'a été changé."
                ),
            )
            return redirect(check_url)
        proposals = data.get("proposals") if isinstance(data.get("proposals"), dict) else {}
        keys = [key for key in request.POST.getlist("accept") if key in proposals]
        if not keys:
            messages.warning(request, _("Aucune donnée cochée : la fiche n'a pas changé."))
            return redirect(edit_url)
        try:
            apply_accepted(self.page, proposals, keys, request.user)
        except StaleProposal:
            messages.error(
                request,
                _(
                    "Une donnée reçue des registres ne convient pas à la fiche : "
                    "rien n'a été changé."
                ),
            )
            return redirect(check_url)
        messages.success(
            request,
            ngettext(
                "%(count)s donnée reprise des registres : nouvelle version en brouillon, "
                "à publier par le circuit habituel.",
                "%(count)s données reprises des registres : nouvelle version en brouillon, "
                "à publier par le circuit habituel.",
                len(keys),
            )
            % {"count": len(keys)},
        )
        return redirect(edit_url)
