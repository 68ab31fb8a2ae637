"""Partnership conventions approved by a local authority's deliberation.

`ConventionIndexPage` (one per locale, `/fr/conventions/`) lists
`ConventionPage`s. A convention page records one deliberation (seed 000: the
conseil municipal of Sceaux, 30 September 2014) and the partnership it
approves: the authority and its partners (directory fiches), the deciding
body and session, the rapporteur, the object and context, the forms of
collaboration, the dates, the amount and the signed documents. Its status
(proposed, approved, signed, in force, expired) is derived from the dates on
every read (`conventions/status.py`), never stored.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, F
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.fields import LeanStreamField
from home.models import BasePage, IndexPage, LinkedDocument
from home.models.index import view_route
from home.privacy import public

from . import actes
from . import status as lifecycle

CONTEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]

BODY_CHOICES = [
    ("conseil-municipal", _("Conseil municipal")),
    ("conseil-communautaire", _("Conseil communautaire")),
    ("conseil-metropolitain", _("Conseil métropolitain")),
    ("conseil-de-territoire", _("Conseil de territoire")),
    ("conseil-departemental", _("Conseil départemental")),
    ("conseil-regional", _("Conseil régional")),
    ("commission-permanente", _("Commission permanente")),
    ("bureau", _("Bureau")),
    ("autre", _("Autre instance")),
]
BODY_LABELS = dict(BODY_CHOICES)

budget_year_validator = RegexValidator(
    r"^[0-9]{4}(/[0-9]{4})?$",
    _("Une année (2015) ou deux années séparées par une barre oblique (2015/2016)."),
)
prefecture_id_validator = RegexValidator(
    r"^(PREF|SGAR)[0-9AB]{3}$|^SPREF[0-9AB]{3}[0-9]$",
    _("PREFNNN, SPREFNNNM ou SGARNNN (par exemple PREF092)."),
)


class ConventionIndexPage(IndexPage):
    subpage_types = ["conventions.ConventionPage"]
    template = "conventions/convention_index_page.html"

    class Meta:
        verbose_name = _("index des conventions")
        verbose_name_plural = _("index des conventions")

    # The views live in conventions/views.py; route segments carry no dot
    # (Wagtail's page URL pattern refuses one).
    index_route = view_route("", "conventions.views.convention_index")
    csv_route = view_route(
        "export/deliberations-csv/", "conventions.views.deliberations_csv", name="export_csv"
    )
    csv_schema_route = view_route(
        "export/deliberations-csv/schema/",
        "conventions.views.deliberations_csv_schema",
        name="export_csv_schema",
    )


class ConventionQuerySet(PageQuerySet):
    """The domain queries on conventions, one definition for the listing, its
    export, the admin, the actors' fiches and the bench."""

    def of_index(self, index):
        """Live, public conventions under `index`, in its locale."""
        return public(self.live().descendant_of(index).filter(locale_id=index.locale_id))

    def with_status(self, code, today):
        """The conventions having the status `code` on `today` (status.py)."""
        return self.filter(lifecycle.status_q(code, today))

    def status_counts(self, today) -> dict[str, int]:
        """{status code: how many have it on `today`}, in one aggregate query."""
        counts = self.order_by().aggregate(
            **{
                f"n{position}": Count("pk", filter=lifecycle.status_q(code, today))
                for position, code in enumerate(lifecycle.Status)
            }
        )
        return {code: counts[f"n{position}"] for position, code in enumerate(lifecycle.Status)}

    def adopted(self, today):
        """The deliberations adopted on or before `today` (the SCDL export)."""
        return self.filter(decision_date__lte=today)

    def naming(self, actor):
        """Live, public conventions of the actor's locale where `actor` is the
        authority or a partner."""
        # One id list from two index lookups (UNION): an OR of the two
        # conditions made PostgreSQL scan every convention (13 ms at 2,000
        # conventions, 2 ms this way).
        partner_of = ConventionPartner.objects.filter(actor_id=actor.pk).order_by()
        authority_of = self.model.objects.filter(authority_id=actor.pk).order_by()
        naming = partner_of.values("convention_id").union(authority_of.values("pk"))
        return public(self.live().filter(locale_id=actor.locale_id, pk__in=naming))

    def with_partner(self, slug):
        """The conventions naming the directory fiche `slug` among their partners."""
        return self.filter(
            pk__in=ConventionPartner.objects.filter(actor__slug=slug).values("convention_id")
        )

    def most_recent_first(self):
        """The most recent deliberation first; undated (proposed) ones last."""
        return self.order_by(*RECENT_FIRST)


RECENT_FIRST = [F("decision_date").desc(nulls_last=True), "title", "pk"]


class ConventionPage(BasePage):
    # The deliberation
    authority = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("collectivité"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conventions_as_authority",
        help_text=_("La collectivité qui délibère, choisie dans l'annuaire."),
    )
    deciding_body = models.CharField(
        _("instance"), max_length=40, choices=BODY_CHOICES, default="conseil-municipal"
    )
    decision_date = models.DateField(
        _("date de la séance"),
        null=True,
        blank=True,
        help_text=_("Jour où la délibération a été adoptée. Vide si la séance n'a pas eu lieu."),
    )
    deliberation_reference = models.CharField(
        _("numéro de la délibération"),
        max_length=60,
        blank=True,
        help_text=_("L'identifiant donné par la collectivité, par exemple « 2014-09-30-12 »."),
    )
    rapporteur_name = models.CharField(_("rapporteur"), max_length=200, blank=True)
    rapporteur_function = models.CharField(
        _("fonction du rapporteur"),
        max_length=250,
        blank=True,
        help_text=_("Telle que le document la donne, par exemple « maire adjoint »."),
    )
    subject = models.TextField(
        _("objet"),
        help_text=_("L'objet de la délibération, tel qu'il est rédigé (colonne DELIB_OBJET)."),
    )
    context = RichTextField(
        _("contexte"),
        blank=True,
        features=CONTEXT_FEATURES,
        help_text=_("La note de présentation : pourquoi la collectivité engage ce partenariat."),
    )
    collaboration_forms = LeanStreamField(
        [("form", blocks.TextBlock(label=_("Forme de collaboration")))],
        blank=True,
        verbose_name=_("formes de collaboration"),
    )
    related_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("projet lié"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Une page du site que la convention sert, par exemple le portail."),
    )

    # Dates and amount
    signature_date = models.DateField(_("date de signature"), null=True, blank=True)
    start_date = models.DateField(
        _("date de prise d'effet"),
        null=True,
        blank=True,
        help_text=_("Vide : la convention prend effet à sa signature."),
    )
    end_date = models.DateField(_("date de fin"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("durée (en mois)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1200)],
        help_text=_("Si la date de fin n'est pas fixée : la durée à compter de la prise d'effet."),
    )
    amount = models.DecimalField(
        _("montant (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # The effective last day (end date, else start + duration), kept by
    # save() so that the status can be filtered in SQL. Not the status itself.
    computed_end_date = models.DateField(editable=False, null=True, db_index=True)

    # The SCDL « Délibérations » columns nothing else fills
    matiere_code = models.CharField(
        _("matière (nomenclature ACTES)"),
        max_length=5,
        blank=True,
        choices=actes.matiere_choices(),
        help_text=_("Le code de matière transmis au contrôle de légalité, par exemple 1.4."),
    )
    budget_year = models.CharField(
        _("année du budget"),
        max_length=9,
        blank=True,
        validators=[budget_year_validator],
        help_text=_("Si la décision a un impact budgétaire : 2015, ou 2015/2017."),
    )
    budget_name = models.CharField(_("nom du budget"), max_length=200, blank=True)
    prefecture_id = models.CharField(
        _("contrôle de légalité"),
        max_length=9,
        blank=True,
        validators=[prefecture_id_validator],
        help_text=_("L'entité qui a reçu la délibération : PREF092, SPREF0921…"),
    )
    prefecture_date = models.DateField(_("date de réception en préfecture"), null=True, blank=True)
    vote_members = models.PositiveSmallIntegerField(_("membres en exercice"), null=True, blank=True)
    vote_actual = models.PositiveSmallIntegerField(_("votants"), null=True, blank=True)
    vote_for = models.PositiveSmallIntegerField(_("pour"), null=True, blank=True)
    vote_against = models.PositiveSmallIntegerField(_("contre"), null=True, blank=True)
    vote_abstention = models.PositiveSmallIntegerField(_("abstentions"), null=True, blank=True)
    deliberation_url = models.URLField(
        _("adresse de la délibération"),
        blank=True,
        help_text=_(
            "Si la délibération est publiée ailleurs. Un document joint de type "
            "« délibération » la remplace dans l'export."
        ),
    )

    content_panels = BasePage.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("authority"),
                FieldRowPanel([FieldPanel("deciding_body"), FieldPanel("decision_date")]),
                FieldPanel("deliberation_reference"),
                FieldRowPanel([FieldPanel("rapporteur_name"), FieldPanel("rapporteur_function")]),
                FieldPanel("subject"),
            ],
            _("Délibération"),
        ),
        FieldPanel("context"),
        InlinePanel("partners", label=_("Partenaire"), heading=_("Partenaires"), min_num=0),
        FieldPanel("collaboration_forms"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("signature_date"), FieldPanel("start_date")]),
                FieldRowPanel([FieldPanel("end_date"), FieldPanel("duration_months")]),
                FieldPanel("amount"),
            ],
            _("Dates et montant"),
            help_text=_(
                "Le statut (proposée, approuvée, signée, en vigueur, échue) se déduit de ces "
                "dates et de la date de la séance."
            ),
        ),
        InlinePanel("documents", label=_("Document"), heading=_("Documents")),
        PageChooserPanel("related_page"),
        MultiFieldPanel(
            [
                FieldPanel("matiere_code"),
                FieldRowPanel([FieldPanel("budget_year"), FieldPanel("budget_name")]),
                FieldRowPanel([FieldPanel("prefecture_id"), FieldPanel("prefecture_date")]),
                FieldRowPanel(
                    [
                        FieldPanel("vote_members"),
                        FieldPanel("vote_actual"),
                        FieldPanel("vote_for"),
                        FieldPanel("vote_against"),
                        FieldPanel("vote_abstention"),
                    ]
                ),
                FieldPanel("deliberation_url"),
            ],
            _("Données ouvertes (format SCDL « Délibérations »)"),
            classname="collapsed",
        ),
    ]

    search_fields = BasePage.search_fields + [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("subject", boost=2),
        index.SearchField("context"),
        index.SearchField("rapporteur_name"),
        index.SearchField("deliberation_reference"),
        index.RelatedFields("authority", [index.SearchField("title")]),
        index.RelatedFields(
            "partners",
            [
                index.SearchField("description"),
                index.RelatedFields("actor", [index.SearchField("title")]),
            ],
        ),
        index.FilterField("decision_date"),
        index.FilterField("authority"),
    ]

    # Dates, amounts, codes, links and documents are the same in every
    # language: synchronised. Text written for readers is translated.
    translatable_fields = BasePage.translatable_fields + [
        SynchronizedField("authority"),
        SynchronizedField("deciding_body"),
        SynchronizedField("decision_date"),
        SynchronizedField("deliberation_reference"),
        SynchronizedField("rapporteur_name"),
        TranslatableField("rapporteur_function"),
        TranslatableField("subject"),
        TranslatableField("context"),
        TranslatableField("collaboration_forms"),
        SynchronizedField("related_page"),
        SynchronizedField("signature_date"),
        SynchronizedField("start_date"),
        SynchronizedField("end_date"),
        SynchronizedField("duration_months"),
        SynchronizedField("amount"),
        SynchronizedField("matiere_code"),
        SynchronizedField("budget_year"),
        SynchronizedField("budget_name"),
        SynchronizedField("prefecture_id"),
        SynchronizedField("prefecture_date"),
        SynchronizedField("vote_members"),
        SynchronizedField("vote_actual"),
        SynchronizedField("vote_for"),
        SynchronizedField("vote_against"),
        SynchronizedField("vote_abstention"),
        SynchronizedField("deliberation_url"),
        SynchronizedField("partners"),
        SynchronizedField("documents"),
    ]

    parent_page_types = ["conventions.ConventionIndexPage"]
    subpage_types = []
    template = "conventions/convention_page.html"

    objects = PageManager.from_queryset(ConventionQuerySet)()

    class Meta:
        verbose_name = _("convention de partenariat")
        verbose_name_plural = _("conventions de partenariat")

    def clean(self):
        super().clean()
        errors = {}
        if self.end_date and self.duration_months:
            errors["duration_months"] = _("Indiquez une date de fin ou une durée, pas les deux.")
        start = lifecycle.effective_start(self.start_date, self.signature_date)
        if self.end_date and start and self.end_date < start:
            errors["end_date"] = _("La date de fin précède la prise d'effet.")
        if self.signature_date and self.decision_date and self.signature_date < self.decision_date:
            errors["signature_date"] = _("La signature précède la délibération qui l'autorise.")
        if (
            self.vote_actual is not None
            and self.vote_members is not None
            and self.vote_actual > self.vote_members
        ):
            errors["vote_actual"] = _("Plus de votants que de membres en exercice.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.computed_end_date = lifecycle.effective_end(
            self.start_date, self.signature_date, self.end_date, self.duration_months
        )
        return super().save(*args, **kwargs)

    def get_summary_text(self) -> str:
        return self.subject

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        partners = self.partners.all()
        documents = self.documents.all()
        # A live page reads its partners and documents with their fiches and
        # files in one query each; a preview's in-memory lists have no
        # select_related.
        if hasattr(partners, "select_related"):
            partners = partners.select_related("actor")
        if hasattr(documents, "select_related"):
            documents = documents.select_related("document")
        status = self.convention_status
        context.update(
            partner_links=list(partners),
            document_links=list(documents),
            status_code=status.value,
            status_label=status.label,
            status_description=status.description,
            status_steps=[
                {"code": step.value, "label": step.label, "current": step == status}
                for step in lifecycle.Status
            ],
        )
        return context

    # --- Derived values ---------------------------------------------------------

    def status_on(self, today) -> lifecycle.Status:
        return lifecycle.convention_status(
            today=today,
            decision_date=self.decision_date,
            signature_date=self.signature_date,
            start_date=self.start_date,
            end_date=self.end_date,
            duration_months=self.duration_months,
        )

    @property
    def convention_status(self) -> lifecycle.Status:
        """The status today (Europe/Paris)."""
        return self.status_on(lifecycle.paris_today())

    @property
    def status_label(self) -> str:
        return str(self.convention_status.label)

    @property
    def status_description(self) -> str:
        return self.convention_status.description

    @property
    def effective_start_date(self):
        return lifecycle.effective_start(self.start_date, self.signature_date)

    @property
    def effective_end_date(self):
        return lifecycle.effective_end(
            self.start_date, self.signature_date, self.end_date, self.duration_months
        )

    @property
    def deciding_body_label(self) -> str:
        return str(BODY_LABELS.get(self.deciding_body, self.deciding_body))

    @property
    def matiere_name(self) -> str:
        return actes.matiere_name(self.matiere_code)

    @property
    def collaboration_list(self) -> list[str]:
        return [str(block.value) for block in self.collaboration_forms]


class ConventionPartner(Orderable):
    """A partner of the convention: a directory fiche, and the words the
    deliberation uses for it (« centre de ressources ESS de la Région
    Île-de-France »)."""

    convention = ParentalKey(ConventionPage, on_delete=models.CASCADE, related_name="partners")
    actor = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("partenaire"),
        on_delete=models.CASCADE,
        related_name="convention_partnerships",
    )
    description = models.CharField(
        _("désignation dans le texte"),
        max_length=300,
        blank=True,
        help_text=_(
            "Comment la délibération présente ce partenaire, par exemple « centre de "
            "ressources ESS de la Région Île-de-France »."
        ),
    )

    panels = [FieldPanel("actor"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "actor"], name="unique_convention_partner"
            )
        ]

    def __str__(self):
        return self.description or str(self.actor_id)


class ConventionDocument(LinkedDocument):
    DELIBERATION = "deliberation"
    KIND_CHOICES = [
        (DELIBERATION, _("Délibération")),
        ("note", _("Note de présentation")),
        ("convention", _("Convention signée")),
        ("avenant", _("Avenant")),
        ("autre", _("Autre document")),
    ]

    convention = ParentalKey(ConventionPage, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("nature"), max_length=20, choices=KIND_CHOICES, default="convention")

    panels = [FieldRowPanel([FieldPanel("document"), FieldPanel("kind")]), FieldPanel("title")]

    @property
    def kind_label(self) -> str:
        return str(dict(self.KIND_CHOICES).get(self.kind, self.kind))
