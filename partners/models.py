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
  history; only Administration may delete one (RGPD erasure requests);
- the uploads (logo, PDF) live in the private storage (`STORAGES["private"]`),
  which no URL serves: moderators read them through an admin view, and
  approval copies them into Wagtail's images and documents, which are public;
- the submitter's personal data is erased PARTNERS_PERSONAL_DATA_MONTHS after
  the decision (`decided_at`) by `manage.py purge_personal_data`, which marks
  the submission (`personal_data_purged_at`); the submission itself stays.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.db import models
from django.utils import timezone
from django.utils.functional import LazyObject, empty
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


class _PrivateStorage(LazyObject):
    """`storages["private"]`, looked up on first use and again whenever the
    STORAGES setting changes (tests point it at a temporary folder)."""

    def _setup(self):
        self._wrapped = storages["private"]


_private_storage = _PrivateStorage()


def private_storage():
    """The uploads' storage, as a callable so that migrations name this
    function instead of a backend."""
    return _private_storage


def _reset_private_storage(*, setting, **kwargs):
    if setting in ("STORAGES", "PRIVATE_MEDIA_ROOT"):
        _private_storage._wrapped = empty


setting_changed.connect(_reset_private_storage, dispatch_uid="partners_private_storage")


def move_uploads_to_private(submission_model, *, reverse: bool = False, stdout=None) -> int:
    """Move the uploads of existing submissions from the default (public)
    storage to the private one, under the same names (or back, `reverse`).
    Idempotent: a file already in the target storage is not copied again
    (a copy left in the source by an interrupted run is removed); a file in
    neither is reported and skipped. Returns the number of files moved.
    Used by migration 0004; `submission_model` may be a historical model."""
    from django.core.files.storage import default_storage

    source, target = default_storage, private_storage()
    if reverse:
        source, target = target, source
    moved = 0
    rows = submission_model.objects.exclude(logo="", document="").values_list(
        "pk", "logo", "document"
    )
    for pk, *names in rows.iterator():
        for field, name in zip(("logo", "document"), names, strict=True):
            if not name:
                continue
            if target.exists(name):
                if source.exists(name):
                    source.delete(name)
                continue
            if not source.exists(name):
                if stdout is not None:
                    stdout.write(f"Submission {pk}: {field} file {name} not found\n")
                continue
            with source.open(name, "rb") as fh:
                saved = target.save(name, fh)
            if saved != name:
                submission_model.objects.filter(pk=pk).update(**{field: saved})
            source.delete(name)
            moved += 1
    return moved


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
    # In the private storage, never under a public URL (see above).
    logo = models.FileField(
        _("logo proposé"), upload_to=upload_path, storage=private_storage, blank=True
    )
    document = models.FileField(
        _("document proposé (PDF)"), upload_to=upload_path, storage=private_storage, blank=True
    )

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
    # When the proposal was approved or closed (set with its status): the
    # retention delay of its personal data counts from there.
    decided_at = models.DateTimeField(_("décision le"), null=True, blank=True, editable=False)
    personal_data_purged_at = models.DateTimeField(
        _("données personnelles supprimées le"), null=True, blank=True, editable=False
    )
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
        "decided_at",
        "personal_data_purged_at",
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
