"""Proposals from the public and from partner organisations, and the links
between partner accounts and the directory fiches they may act for.

Design decision (issue 6, concurrency and "nothing submitted is lost"):
every proposal is a row of its own model, `Submission`, which goes through
Wagtail's moderation workflow as a snippet (`WorkflowMixin`,
`DraftStateMixin`, `RevisionMixin`). The page is created — or the fiche's new
revision published — only when a moderator approves (see
`partners.services.apply_submission`). Because of that:

- a public form never writes to the page tree, so twenty simultaneous
  submissions are twenty independent INSERTs: no materialised-path
  collision can lose one of them; the one place that still adds a page under
  the directory (an approval) locks the parent row first
  (`select_for_update`), so two approvals at the same moment are serialised;
- the live fiche never changes before approval, and an editor's own
  unpublished draft of that fiche is never overwritten by a proposal;
- the submitter's name, email and organisation live on the submission only:
  never in page fields, so never on the public site, in exports or in search
  (submissions are not search-indexed);
- for an update, the proposal is also stored as a page revision of the fiche
  that is *not* the page's latest revision (`compare_revision`), so moderators
  compare it with the live fiche in Wagtail's own revision comparison;
- nothing is deleted by the workflow: a submission whose changes were
  requested, or whose workflow was cancelled, stays with its revisions and
  history; only Administration may delete one (RGPD erasure requests).
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import DraftStateMixin, RevisionMixin, TaskState, WorkflowMixin

from . import conf


def new_follow_key() -> str:
    return secrets.token_urlsafe(32)


def upload_path(instance, filename: str) -> str:
    """Unguessable names: a pending upload is never linked from the public
    site and is served to moderators through an admin view only."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"partners/submissions/{uuid.uuid4().hex}{suffix}"


class Submission(WorkflowMixin, DraftStateMixin, RevisionMixin, models.Model):
    class Kind(models.TextChoices):
        ACTOR_NEW = "actor_new", _("Nouvelle structure")
        ACTOR_UPDATE = "actor_update", _("Mise à jour d'une fiche")
        CALL_NEW = "call_new", _("Nouvel appel à projets")
        CALL_UPDATE = "call_update", _("Mise à jour d'un appel à projets")
        EVENT_NEW = "event_new", _("Nouvel événement")
        EVENT_UPDATE = "event_update", _("Modification d'un événement")
        ANNOUNCEMENT_NEW = "announcement_new", _("Nouvelle annonce")

    class Origin(models.TextChoices):
        PUBLIC = "public", _("Formulaire public")
        PARTNER = "partner", _("Espace partenaires")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de modération")
        CHANGES_REQUESTED = "changes_requested", _("Modifications demandées")
        APPROVED = "approved", _("Acceptée et publiée")
        CANCELLED = "cancelled", _("Close sans publication")

    OPEN_STATUSES = (Status.PENDING, Status.CHANGES_REQUESTED)
    UPDATE_KINDS = (Kind.ACTOR_UPDATE, Kind.CALL_UPDATE, Kind.EVENT_UPDATE)
    EVENT_KINDS = (Kind.EVENT_NEW, Kind.EVENT_UPDATE)

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    origin = models.CharField(_("origine"), max_length=10, choices=Origin.choices)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    title = models.CharField(_("titre proposé"), max_length=255)
    data = models.JSONField(_("contenu proposé"), default=dict, encoder=DjangoJSONEncoder)
    message = models.TextField(_("message à l'équipe de modération"), blank=True)
    logo = models.FileField(_("logo proposé"), upload_to=upload_path, blank=True)
    document = models.FileField(_("document proposé (PDF)"), upload_to=upload_path, blank=True)

    # The page this proposal updates, or belongs to (a partner's call is
    # attached to its organisation's fiche), and the page approval produced.
    target_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page concernée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("fiche de l'organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    result_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page publiée"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    compare_revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("révision de comparaison"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # The submitter: for moderators only.
    submitter_name = models.CharField(_("nom de la personne"), max_length=200)
    submitter_email = models.EmailField(_("courriel de la personne"))
    submitter_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    consent_at = models.DateTimeField(_("consentement donné le"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte partenaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_submissions",
    )

    follow_key = models.CharField(
        max_length=64, unique=True, default=new_follow_key, editable=False
    )
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    language = models.CharField(_("langue"), max_length=10, default="fr", editable=False)
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("soumise le"), default=timezone.now)
    email_error = models.TextField(_("échec d'envoi de courriel"), blank=True)
    moderator_note = models.TextField(
        _("note interne"),
        blank=True,
        help_text=_("Visible de l'équipe de modération seulement."),
    )

    # Operational fields: kept as they are in the database when a revision
    # is published (a revision must not bring back an old status).
    OPERATIONAL_FIELDS = (
        "status",
        "submitted_at",
        "email_error",
        "result_page_id",
        "compare_revision_id",
        "target_page_id",
        "actor_id",
        "user_id",
        "follow_key",
        "form_token",
        "language",
    )

    class Meta:
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self):
        # Revisions and log entries store this string: no personal data in it.
        return f"{self.get_kind_display()} : {self.title}"

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        for name in self.OPERATIONAL_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        limit = timezone.now() - timedelta(days=conf.get("OVERDUE_DAYS"))
        return self.status == self.Status.PENDING and self.submitted_at < limit

    @property
    def age_days(self) -> int:
        return (timezone.now() - self.submitted_at).days

    @property
    def is_actor(self) -> bool:
        return self.kind in (self.Kind.ACTOR_NEW, self.Kind.ACTOR_UPDATE)

    @property
    def is_event(self) -> bool:
        return self.kind in self.EVENT_KINDS

    @property
    def is_update(self) -> bool:
        return self.kind in self.UPDATE_KINDS

    def moderator_comments(self):
        """The comments moderators left when approving or requesting
        changes, oldest first."""
        return list(
            TaskState.objects.filter(
                workflow_state__base_content_type=self.get_base_content_type(),
                workflow_state__object_id=str(self.pk),
            )
            .exclude(comment="")
            .order_by("finished_at", "pk")
            .values("comment", "finished_at", "status")
        )


class PartnerAccess(models.Model):
    """A partner account may act for this directory fiche: see it in the
    partner space, propose changes to it and calls on its behalf."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte partenaire"),
        on_delete=models.CASCADE,
        related_name="partner_accesses",
    )
    actor = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("fiche"),
        on_delete=models.CASCADE,
        related_name="partner_accesses",
    )
    note = models.CharField(_("note"), max_length=250, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("accès partenaire")
        verbose_name_plural = _("accès partenaires")
        ordering = ["actor__title", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "actor"], name="partners_unique_access")
        ]

    def __str__(self):
        return f"{self.user} → {self.actor}"

    def clean(self):
        super().clean()
        user = getattr(self, "user", None)
        if user is None:
            return
        if user.is_superuser or user.is_staff or user.has_perm("wagtailadmin.access_admin"):
            raise ValidationError(
                {
                    "user": _(
                        "Ce compte a accès à l'administration : un compte partenaire ne "
                        "doit jamais y avoir accès. Créez un compte distinct."
                    )
                }
            )
        if not user.email:
            raise ValidationError(
                {"user": _("Ce compte n'a pas d'adresse électronique pour se connecter.")}
            )
