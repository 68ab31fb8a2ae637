"""Submissions and partner accesses in the admin, the moderators' dashboard
panel, and the admin-only view serving a submission's uploaded files."""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, Panel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    EditView,
    IndexView,
    SnippetViewSet,
    WorkflowActionView,
)

from . import conf, display
from .models import PartnerAccess, Submission

SEE_SUBMITTER = "partners.change_submission"


class SubmissionPermissionPolicy(ModelPermissionPolicy):
    """Submissions come from the public forms and the partner space only:
    nobody adds one in the admin, superusers included."""

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Submission, SubmissionPermissionPolicy(Submission))


class SubmissionSummaryPanel(Panel):
    """The proposal, read-only, with the submitter's details (this panel is
    only reachable with the change permission: moderators), the uploaded
    files and, for an update, the link to Wagtail's comparison with the live
    fiche."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "partners/admin/summary_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            submission = self.instance
            rows = display.proposal_rows(submission) if submission.pk else []
            compare_url = ""
            if submission.compare_revision_id and submission.target_page_id:
                compare_url = reverse(
                    "wagtailadmin_pages:revisions_compare",
                    args=[submission.target_page_id, "live", submission.compare_revision_id],
                )
            context.update(
                submission=submission,
                rows=rows,
                compare_url=compare_url,
                can_see_submitter=self.request.user.has_perm(SEE_SUBMITTER),
                comments=submission.moderator_comments() if submission.pk else [],
            )
            return context


ADMIN_CSS = "css/partners-admin.css"


class LabelledColumn(Column):
    """A cell that carries its column's label: below 960 px the list shows
    each proposal as a card, each value after its label (the header row is
    then no help); on a wide screen the label is hidden."""

    cell_template_name = "partners/admin/labelled_cell.html"

    class Media:
        css = {"all": [ADMIN_CSS]}

    @classmethod
    def for_field(cls, name: str) -> LabelledColumn:
        """A column for a Submission field: the field's own label, a
        choice's label (never its code), sorted by the field."""
        field = Submission._meta.get_field(name)
        accessor = f"get_{name}_display" if field.choices else name
        return cls(accessor, label=capfirst(field.verbose_name), sort_key=name)


class SubmissionIndexView(IndexView):
    # The class the phone layout (static/css/partners-admin.css) hangs on.
    table_classname = "listing partners-listing"


class SubmissionEditView(EditView):
    """Says what an approval did (« la fiche est publiée ») with a link to
    the page, instead of Wagtail's « … modifié(e) »."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.approved_before = self.object.status == Submission.Status.APPROVED

    @cached_property
    def approved_now(self) -> Submission | None:
        """The submission, if this request approved it (the workflow's
        « Approuver » on the last task, or a direct « Publier »)."""
        if self.approved_before or self.action not in ("workflow-action", "publish"):
            return None
        return display.newly_approved(self.object.pk)

    def get_success_message(self, instance=None):
        submission = self.approved_now
        if submission is not None:
            return display.approval_message(submission)
        return super().get_success_message(instance)

    def get_success_buttons(self):
        buttons = super().get_success_buttons()
        submission = self.approved_now
        live_url = display.live_url(submission, self.request) if submission else None
        if live_url:
            buttons.insert(0, messages.button(live_url, _("Voir en ligne")))
        return buttons


class SubmissionWorkflowActionView(WorkflowActionView):
    """The same message when a moderator approves from a workflow action
    link (Wagtail's own view says nothing)."""

    def post(self, request, *args, **kwargs):
        approved_before = self.object.status == Submission.Status.APPROVED
        response = super().post(request, *args, **kwargs)
        submission = None if approved_before else display.newly_approved(self.object.pk)
        if submission is not None:
            live_url = display.live_url(submission, request)
            buttons = [messages.button(live_url, _("Voir en ligne"))] if live_url else []
            messages.success(request, display.approval_message(submission), buttons=buttons)
        return response


class SubmissionViewSet(SnippetViewSet):
    model = Submission
    icon = "mail"
    menu_label = _("Propositions")
    menu_order = 160
    add_to_admin_menu = True
    index_view_class = SubmissionIndexView
    edit_view_class = SubmissionEditView
    workflow_action_view_class = SubmissionWorkflowActionView
    list_display = [
        "title",
        *(LabelledColumn.for_field(name) for name in ("kind", "origin", "status", "submitted_at")),
    ]
    list_filter = ["status", "kind", "origin"]
    search_fields = ["title"]
    search_backend_name = None  # never search-indexed: submissions hold personal data
    ordering = ["-submitted_at"]
    copy_view_enabled = False
    inspect_view_enabled = False
    panels = [SubmissionSummaryPanel(heading=_("Proposition")), FieldPanel("moderator_note")]


class PartnerAccessViewSet(SnippetViewSet):
    """Editors link a partner account to the fiche(s) it may act for."""

    model = PartnerAccess
    icon = "user"
    menu_label = _("Accès partenaires")
    menu_order = 161
    add_to_admin_menu = True
    list_display = ["user", "actor", "created_at"]
    search_fields = ["note", "actor__title", "user__email"]
    search_backend_name = None
    copy_view_enabled = False
    panels = [FieldPanel("user"), FieldPanel("actor"), FieldPanel("note")]


register_snippet(SubmissionViewSet)
register_snippet(PartnerAccessViewSet)


def submission_file(request, pk: int, field: str):
    """A proposal's upload, for Modération and Administration only: the
    files live in the private storage (`STORAGES["private"]`), which no URL
    serves, until approval copies them into Wagtail's images and documents."""
    if not request.user.has_perm(SEE_SUBMITTER):
        raise PermissionDenied
    if field not in ("logo", "document"):
        raise Http404
    submission = get_object_or_404(Submission, pk=pk)
    upload = getattr(submission, field)
    if not upload:
        raise Http404
    try:
        handle = upload.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(upload.name)[0] or "application/octet-stream"
    suffix = re.sub(r"[^a-z0-9.]", "", Path(upload.name).suffix.lower())
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="proposition-{pk}-{field}{suffix}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@hooks.register("register_admin_urls")
def register_partner_admin_urls():
    return [
        path(
            "propositions/<int:pk>/fichier/<str:field>/",
            submission_file,
            name="partners_submission_file",
        )
    ]


class PendingSubmissionsPanel(Component):
    """The moderators' dashboard: open submissions, oldest first."""

    name = "partners_pending_submissions"
    template_name = "partners/admin/dashboard_panel.html"
    order = 90
    limit = 20

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        pending = Submission.objects.filter(status__in=Submission.OPEN_STATUSES).order_by(
            "submitted_at", "pk"
        )
        counts = pending.aggregate(
            total=Count("pk"),
            email_failures=Count("pk", filter=~Q(email_error="")),
        )
        context.update(
            submissions=list(pending[: self.limit]),
            total=counts["total"],
            email_failures=counts["email_failures"],
            overdue_days=conf.get("OVERDUE_DAYS"),
            request=parent_context["request"],
        )
        return context


@hooks.register("construct_homepage_panels")
def add_pending_submissions_panel(request, panels):
    if request.user.has_perm(SEE_SUBMITTER):
        panels.append(PendingSubmissionsPanel())
