"""Calls for projects: AAP, AMI, prizes and rolling grants.

`CallsIndexPage` (one per locale) lists `CallForProjectsPage`s and serves
their feeds. A call links its organisers, partners and laureates to directory
fiches (`directory.ActorPage`), or names them in free text when they are not
in the directory. Its status (open, closing soon…) is derived from its dates
at request time (`status.py`), never stored: `CallForProjectsPage.objects`
holds the domain queries (`with_status(now)`, `in_status(...)`, `open_at(now)`…)
that the listing, the feeds, the admin, the fiche sections and the bench share.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, IntegerField, Prefetch, Q, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from directory.models import ActorLinkMixin, TerritoryMixin
from home.admin_forms import BasePageForm
from home.blocks import KeyFigureBlock
from home.cache import VersionedCache
from home.fields import LeanStreamField
from home.models import BasePage, IndexPage, LinkedDocument
from home.models.index import view_route

from . import status as call_status
from . import vocab

TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]

# What the calls' pages may cache: what does not depend on the time, only on
# the published calls and fiches (the organisers offered by the filter, the
# filter form's HTML, the cards' HTML keyed by status too: cards.py, the
# iCalendar events: feeds.py). Selections, statuses and counts never are.
CALLS = VersionedCache(
    "calls", invalidated_by=["calls_for_projects.CallForProjectsPage", "directory.ActorPage"]
)


class ApplicantType(models.Model):
    """One entry of the fixed vocabulary of eligible applicants
    (`vocab.Applicant`, rows created by a data migration)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("type de candidat")
        verbose_name_plural = _("types de candidats")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return vocab.label(vocab.Applicant, self.code)


class CallsIndexPage(IndexPage):
    subpage_types = ["calls_for_projects.CallForProjectsPage"]
    template = "calls_for_projects/calls_index_page.html"

    class Meta:
        verbose_name = _("liste des appels à projets")
        verbose_name_plural = _("listes des appels à projets")

    # The listing, its archive and its feeds share one set of filters
    # (filters.py); the views live in views.py. Route segments carry no dot
    # (Wagtail's page URL pattern refuses one): file names come from
    # Content-Disposition.
    index_route = view_route("", "calls_for_projects.views.calls_index")
    archive_route = view_route(
        "archives/", "calls_for_projects.views.calls_archive", name="archive"
    )
    archive_year_route = view_route(
        "archives/<int:year>/", "calls_for_projects.views.calls_archive", name="archive_year"
    )
    rss_route = view_route("flux/rss/", "calls_for_projects.feeds.calls_rss", name="rss")
    atom_route = view_route("flux/atom/", "calls_for_projects.feeds.calls_atom", name="atom")
    ical_route = view_route("flux/ical/", "calls_for_projects.feeds.calls_ical", name="ical")
    csv_route = view_route("export/csv/", "calls_for_projects.exports.calls_csv", name="csv")
    csv_schema_route = view_route(
        "export/csv/schema/", "calls_for_projects.exports.calls_csv_schema", name="csv_schema"
    )
    subventions_route = view_route(
        "export/subventions-csv/", "calls_for_projects.exports.subventions_csv", name="subventions"
    )
    subventions_schema_route = view_route(
        "export/subventions-csv/schema/",
        "calls_for_projects.exports.subventions_csv_schema",
        name="subventions_schema",
    )
    widget_route = view_route("widget/", "home.widgets.serve_widget", name="widget")


class CallForProjectsPageForm(BasePageForm):
    """Cross-field checks of the calendar."""

    def clean(self):
        cleaned = super().clean()
        opens_on = cleaned.get("opens_on")
        deadline = cleaned.get("deadline")
        preregistration = cleaned.get("preregistration_on")
        if opens_on and deadline and timezone.localtime(deadline).date() < opens_on:
            self.add_error("deadline", _("La date limite précède la date d'ouverture."))
        if preregistration and deadline and timezone.localtime(deadline).date() < preregistration:
            self.add_error(
                "preregistration_on", _("La pré-inscription doit précéder la date limite.")
            )
        if cleaned.get("is_rolling") and cleaned.get("call_type") not in (
            vocab.ROLLING_GRANT,
            vocab.OTHER,
        ):
            self.add_error(
                "is_rolling",
                _("Une instruction au fil de l'eau correspond au type « aide au fil de l'eau »."),
            )
        return cleaned


def archive_year_expression():
    """The year a finished call is archived under: its deadline's (Paris),
    else the year it was discontinued."""
    paris = ZoneInfo(settings.TIME_ZONE)
    return Coalesce(
        ExtractYear("deadline", tzinfo=paris), F("discontinued_year"), output_field=IntegerField()
    )


# Open calls (closing soon included) first, nearest deadline first; then
# rolling schemes; then upcoming calls, nearest opening first; then calls
# without dates (those whose dates are not announced, then those with no
# session announced for more than a year); then finished calls, the most
# recent first (`status_rank`: `with_status`).
DEFAULT_ORDER = [
    "status_rank",
    Case(When(status_rank=0, then=F("deadline"))).asc(nulls_last=True),
    Case(When(status_rank=2, then=F("opens_on"))).asc(nulls_last=True),
    F("deadline").desc(nulls_last=True),
    F("discontinued_year").desc(nulls_last=True),
    "title",
    "pk",
]


class CallQuerySet(PageQuerySet):
    """The calls' domain queries. A status is always that of `now`, computed
    by the database (status.py)."""

    def with_status(self, now: dt.datetime):
        """Each call's status at `now` (`status_now`) and its rank in the
        default order (`status_rank`: its own CASE over the dates, the same
        rule; a CASE over `status_now` would repeat the status's per status)."""
        return self.annotate(
            status_now=call_status.status_expression(now),
            status_rank=call_status.rank_expression(now),
        )

    def in_status(self, statuses, now: dt.datetime):
        """The calls whose status at `now` is one of `statuses` (a plain
        condition on the dates: no annotation needed)."""
        if set(statuses) >= set(call_status.Status):
            return self
        return self.filter(call_status.status_q(statuses, now))

    def open_at(self, now: dt.datetime):
        """The calls one can apply to at `now` (rolling schemes included)."""
        return self.in_status(call_status.ACCEPTING, now)

    def archived_in(self, year: int, now: dt.datetime):
        """The calls finished at `now` and archived under `year`."""
        return (
            self.in_status(call_status.FINISHED, now)
            .annotate(year=archive_year_expression())
            .filter(year=year)
        )

    def with_archive_year(self):
        """`year`: the archive year of the finished calls only (`with_status`
        first): on SQLite the Paris year of a date-time is a Python callback
        per row."""
        return self.annotate(
            year=Case(
                When(status_now__in=call_status.FINISHED, then=archive_year_expression()),
                output_field=IntegerField(),
            )
        )

    def in_default_order(self):
        """See `DEFAULT_ORDER` (`with_status` first)."""
        return self.order_by(*DEFAULT_ORDER)

    def in_territory(self, code: str):
        """The calls of a région (its code), or national ones (`vocab.NATIONAL`)."""
        if code == vocab.NATIONAL:
            return self.filter(scope=vocab.NATIONAL)
        return self.filter(region=code)

    def organised_by(self, slug: str):
        """The calls a directory fiche (its slug) organises, funds or partners."""
        links = CallOrganiser.objects.filter(actor__slug=slug)
        return self.filter(pk__in=links.values("call_id"))

    def involving(self, actor):
        """The calls `actor` organises, funds or partners, or won."""
        return self.filter(
            Q(pk__in=CallOrganiser.objects.filter(actor=actor).values("call_id"))
            | Q(pk__in=CallLaureate.objects.filter(actor=actor).values("call_id"))
        )

    def closing_by(self, day: dt.date):
        """The calls whose deadline is on `day` (Paris) or before."""
        midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
        return self.filter(deadline__lt=timezone.make_aware(midnight))

    def with_organisers(self):
        """What a feed item or a home card shows: the organisers with their
        fiches (one more query), no StreamField."""
        organisers = CallOrganiser.objects.select_related("actor")
        return self.defer_streamfields().prefetch_related(
            Prefetch("organisers", queryset=organisers)
        )


class CallForProjectsPage(RoutablePageMixin, TerritoryMixin, BasePage):
    call_type = models.CharField(_("type"), max_length=20, choices=vocab.CallType.choices)
    summary = models.TextField(
        _("résumé"), blank=True, help_text=_("Deux ou trois phrases : l'objet de l'appel.")
    )
    description = RichTextField(_("description"), blank=True, features=TEXT_FEATURES)
    eligible_examples = RichTextField(
        _("exemples de projets éligibles"), blank=True, features=TEXT_FEATURES
    )
    framework = models.CharField(
        _("cadre"),
        max_length=250,
        blank=True,
        help_text=_("Programme ou événement dans lequel s'inscrit l'appel, ex. « Mois de l'ESS »."),
    )

    # Calendar (Europe/Paris)
    opens_on = models.DateField(_("date d'ouverture"), null=True, blank=True)
    preregistration_on = models.DateField(
        _("date limite de pré-inscription"), null=True, blank=True
    )
    deadline = models.DateTimeField(
        _("date et heure limites de dépôt"),
        null=True,
        blank=True,
        help_text=_("Heure de Paris. Laissez vide si les dates ne sont pas encore annoncées."),
    )
    is_rolling = models.BooleanField(
        _("instruction au fil de l'eau"),
        default=False,
        help_text=_("Les demandes sont reçues et instruites en continu, sans date limite."),
    )
    dates_note = models.CharField(
        _("précisions sur le calendrier"),
        max_length=250,
        blank=True,
        help_text=_("Par exemple « Dates de la prochaine édition non encore annoncées »."),
    )
    recurrence = models.CharField(
        _("récurrence"), max_length=20, choices=vocab.Recurrence.choices, blank=True
    )
    edition_number = models.PositiveSmallIntegerField(
        _("numéro d'édition"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    edition_year = models.PositiveSmallIntegerField(
        _("année de l'édition"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_(
            "Sans date annoncée, la dernière édition connue : l'appel est affiché « Dates "
            "non annoncées », puis « Pas de session annoncée » quand cette édition a plus "
            "d'un an (sans année : un an après la dernière publication de la page)."
        ),
    )
    editions_held = models.PositiveSmallIntegerField(
        _("éditions déjà organisées"), null=True, blank=True
    )
    discontinued = models.BooleanField(
        _("dispositif arrêté"),
        default=False,
        help_text=_("L'appel n'est plus reconduit : il est affiché comme clos."),
    )
    discontinued_year = models.PositiveSmallIntegerField(
        _("arrêté en (année)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    discontinued_note = models.TextField(_("précisions sur l'arrêt"), blank=True)

    # Who can apply
    applicants = ParentalManyToManyField(
        ApplicantType, blank=True, related_name="calls", verbose_name=_("qui peut candidater")
    )
    applicants_note = models.TextField(_("précisions sur les candidats"), blank=True)
    scope = models.CharField(
        _("territoire couvert"), max_length=20, choices=vocab.Scope.choices, blank=True
    )
    territory_note = models.CharField(_("précisions sur le territoire"), max_length=250, blank=True)

    # Money
    total_envelope = models.DecimalField(
        _("enveloppe totale (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_per_project = models.DecimalField(
        _("montant maximum par projet (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    funding_rate = models.DecimalField(
        _("taux d'intervention (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    funding_note = models.TextField(
        _("précisions sur le financement"),
        blank=True,
        help_text=_("Par exemple « 50 000 € pour la première année »."),
    )

    # Support and selection
    support_offered = RichTextField(_("accompagnement proposé"), blank=True, features=TEXT_FEATURES)
    selection_steps = RichTextField(_("étapes de la sélection"), blank=True, features=TEXT_FEATURES)
    selection_criteria = RichTextField(
        _("critères de sélection"), blank=True, features=TEXT_FEATURES
    )

    # How to apply
    application_url = models.URLField(_("lien pour candidater"), blank=True, max_length=500)
    application_email = models.EmailField(_("courriel pour candidater"), blank=True)
    how_to_apply = RichTextField(_("modalités de candidature"), blank=True, features=TEXT_FEATURES)

    # Results
    results_intro = RichTextField(_("résultats"), blank=True, features=TEXT_FEATURES)
    results_figures = LeanStreamField(
        [("figure", KeyFigureBlock())], blank=True, verbose_name=_("chiffres des résultats")
    )
    # Kept by save(): whether laureates or result figures are published. A
    # fact about the content (like a title), not the status, which is derived.
    has_results = models.BooleanField(default=False, editable=False)

    objects = PageManager.from_queryset(CallQuerySet)()

    base_form_class = CallForProjectsPageForm

    content_panels = BasePage.content_panels + [
        FieldPanel("call_type"),
        FieldPanel("summary"),
        FieldPanel("framework"),
        InlinePanel(
            "organisers",
            label=_("Organisateur ou partenaire"),
            heading=_("Organisateurs et partenaires"),
            min_num=0,
        ),
        FieldPanel("description"),
        FieldPanel("eligible_examples"),
    ]
    calendar_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("opens_on"), FieldPanel("preregistration_on")]),
                FieldPanel("deadline"),
                FieldPanel("is_rolling"),
                FieldPanel("dates_note"),
            ],
            _("Dates"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("recurrence"),
                FieldRowPanel(
                    [
                        FieldPanel("edition_number"),
                        FieldPanel("edition_year"),
                        FieldPanel("editions_held"),
                    ]
                ),
            ],
            _("Récurrence et éditions"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("discontinued"),
                FieldPanel("discontinued_year"),
                FieldPanel("discontinued_note"),
            ],
            _("Arrêt du dispositif"),
        ),
    ]
    eligibility_panels = [
        MultiFieldPanel(
            [
                FieldPanel("applicants", widget=forms.CheckboxSelectMultiple),
                FieldPanel("applicants_note"),
            ],
            _("Candidats éligibles"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("scope"),
                FieldRowPanel([FieldPanel("region"), FieldPanel("departement")]),
                FieldPanel("territory_note"),
            ],
            _("Territoire"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("total_envelope"),
                        FieldPanel("max_per_project"),
                        FieldPanel("funding_rate"),
                    ]
                ),
                FieldPanel("funding_note"),
            ],
            _("Financement"),
        ),
    ]
    selection_panels = [
        FieldPanel("support_offered"),
        FieldPanel("selection_steps"),
        InlinePanel("juries", label=_("Jury"), heading=_("Jurys")),
        FieldPanel("selection_criteria"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("application_url"), FieldPanel("application_email")]),
                FieldPanel("how_to_apply"),
            ],
            _("Candidater"),
        ),
        InlinePanel("documents", label=_("Document"), heading=_("Règlement et dossier")),
    ]
    results_panels = [
        FieldPanel("results_intro"),
        FieldPanel("results_figures"),
        InlinePanel("laureates", label=_("Lauréat"), heading=_("Lauréats")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Présentation")),
            ObjectList(calendar_panels, heading=_("Calendrier")),
            ObjectList(eligibility_panels, heading=_("Éligibilité et financement")),
            ObjectList(selection_panels, heading=_("Sélection et candidature")),
            ObjectList(results_panels, heading=_("Résultats")),
            ObjectList(BasePage.promote_panels, heading=_("Promotion")),
            ObjectList(Page.settings_panels, heading=_("Paramètres"), classname="settings"),
        ]
    )

    search_fields = BasePage.search_fields + [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("summary", boost=2),
        index.SearchField("framework"),
        index.SearchField("description"),
        index.SearchField("eligible_examples"),
        index.SearchField("support_offered"),
        index.RelatedFields("organisers", [index.SearchField("name")]),
        index.FilterField("call_type"),
        index.FilterField("region"),
        index.FilterField("departement"),
        index.FilterField("deadline"),
        index.FilterField("opens_on"),
        index.FilterField("is_rolling"),
        index.FilterField("discontinued"),
        index.FilterField("has_results"),
    ]

    # Codes, dates, amounts, links and documents are the same in every
    # language: synchronised. Text written for readers is translated.
    translatable_fields = BasePage.translatable_fields + [
        SynchronizedField("call_type"),
        TranslatableField("summary"),
        TranslatableField("description"),
        TranslatableField("eligible_examples"),
        TranslatableField("framework"),
        SynchronizedField("opens_on"),
        SynchronizedField("preregistration_on"),
        SynchronizedField("deadline"),
        SynchronizedField("is_rolling"),
        TranslatableField("dates_note"),
        SynchronizedField("recurrence"),
        SynchronizedField("edition_number"),
        SynchronizedField("edition_year"),
        SynchronizedField("editions_held"),
        SynchronizedField("discontinued"),
        SynchronizedField("discontinued_year"),
        TranslatableField("discontinued_note"),
        SynchronizedField("applicants"),
        TranslatableField("applicants_note"),
        SynchronizedField("scope"),
        SynchronizedField("region"),
        SynchronizedField("departement"),
        TranslatableField("territory_note"),
        SynchronizedField("total_envelope"),
        SynchronizedField("max_per_project"),
        SynchronizedField("funding_rate"),
        TranslatableField("funding_note"),
        TranslatableField("support_offered"),
        TranslatableField("selection_steps"),
        TranslatableField("selection_criteria"),
        SynchronizedField("application_url"),
        SynchronizedField("application_email"),
        TranslatableField("how_to_apply"),
        TranslatableField("results_intro"),
        TranslatableField("results_figures"),
        SynchronizedField("organisers"),
        SynchronizedField("juries"),
        SynchronizedField("laureates"),
        SynchronizedField("documents"),
    ]

    parent_page_types = ["calls_for_projects.CallsIndexPage"]
    subpage_types = []
    template = "calls_for_projects/call_for_projects_page.html"

    class Meta:
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")

    # --- Saving ---------------------------------------------------------------

    def clean(self):
        super().clean()
        self.derive_territory()
        if not self.scope and self.departement:
            self.scope = vocab.DEPARTMENTAL
        elif not self.scope and self.region:
            self.scope = vocab.REGIONAL
        if self.scope == vocab.NATIONAL and (self.region or self.departement):
            raise ValidationError({"scope": _("Un appel national n'a ni région ni département.")})

    def save(self, *args, **kwargs):
        self.has_results = bool(list(self.laureates.all())) or bool(self.results_figures)
        return super().save(*args, **kwargs)

    # --- Status -----------------------------------------------------------------

    @property
    def dates(self) -> call_status.CallDates:
        return call_status.CallDates(
            opens_on=self.opens_on,
            deadline=self.deadline,
            is_rolling=self.is_rolling,
            discontinued=self.discontinued,
            has_results=self.has_results,
            edition_year=self.edition_year,
            last_published=self.last_published_at,
        )

    def status_at(self, now) -> call_status.Status:
        return call_status.derive_status(self.dates, now)

    @cached_property
    def status(self) -> str:
        """The status now: the listing's SQL value when the row was annotated
        with it (same rule, same instant), else computed from the dates."""
        annotated = self.__dict__.get("status_now")
        if annotated:
            return annotated
        return self.status_at(timezone.now())

    @property
    def status_label(self) -> str:
        return call_status.Status(self.status).label

    @property
    def is_finished(self) -> bool:
        return self.status in call_status.FINISHED

    @property
    def dates_announced(self) -> bool:
        return bool(self.opens_on or self.deadline or self.is_rolling)

    @property
    def archive_year(self) -> int | None:
        if self.deadline is not None:
            return timezone.localtime(self.deadline).year
        return self.discontinued_year

    # --- Labels -----------------------------------------------------------------

    @property
    def type_label(self) -> str:
        return self.get_call_type_display()

    @property
    def type_short_label(self) -> str:
        return str(vocab.TYPE_SHORT_LABELS.get(self.call_type, self.call_type))

    @property
    def recurrence_label(self) -> str:
        return self.get_recurrence_display()

    @property
    def scope_label(self) -> str:
        return self.get_scope_display()

    @property
    def territory_label(self) -> str:
        """« Grand Est », « Hauts-de-Seine (92) », « France entière »…"""
        if self.scope == vocab.NATIONAL:
            return self.scope_label
        if self.departement:
            return f"{self.departement_name} ({self.departement})"
        return self.region_name

    def get_summary_text(self) -> str:
        return self.summary

    def get_context(self, request, *args, **kwargs):
        from home.registry import CALL_SECTIONS, section_context

        context = super().get_context(request, *args, **kwargs)
        # What other apps show on a call's page (home/registry.py).
        context.update(section_context(CALL_SECTIONS, self, request))
        return context

    # --- Routes -----------------------------------------------------------------

    page_route = view_route("", "calls_for_projects.views.call_page", name="page_route")
    ical_route = view_route("ical/", "calls_for_projects.feeds.call_ical", name="ical")


class CallOrganiser(ActorLinkMixin, Orderable):
    call = ParentalKey(CallForProjectsPage, on_delete=models.CASCADE, related_name="organisers")
    actor = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("fiche de l'annuaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_links",
    )
    role = models.CharField(
        _("rôle"), max_length=20, choices=vocab.Role.choices, default=vocab.ORGANISER
    )

    panels = [
        FieldPanel("role"),
        FieldRowPanel([FieldPanel("actor"), FieldPanel("name")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("organisateur ou partenaire")
        verbose_name_plural = _("organisateurs et partenaires")

    def __str__(self):
        return self.display_name

    @property
    def role_label(self) -> str:
        return self.get_role_display()


class CallJury(Orderable):
    call = ParentalKey(CallForProjectsPage, on_delete=models.CASCADE, related_name="juries")
    name = models.CharField(_("nom du jury"), max_length=250)
    college = models.CharField(
        _("collège"),
        max_length=250,
        blank=True,
        help_text=_("Qui le compose, ex. « chefs d'entreprise », « citoyens », « experts »."),
    )
    award = models.CharField(
        _("prix décerné"), max_length=250, blank=True, help_text=_("Par exemple « prix du jury ».")
    )
    description = models.TextField(_("rôle du jury"), blank=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("college")]),
        FieldPanel("award"),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("jury")
        verbose_name_plural = _("jurys")

    def __str__(self):
        return self.name


class CallLaureate(ActorLinkMixin, Orderable):
    """A laureate: the structure (a fiche or a name), the project, the prize
    or amount. Several structures carrying one project are consecutive rows
    with the same project name; the amount is given once."""

    call = ParentalKey(CallForProjectsPage, on_delete=models.CASCADE, related_name="laureates")
    actor = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("fiche de l'annuaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_awards",
    )
    project = models.CharField(_("projet"), max_length=250, blank=True)
    award = models.CharField(_("prix ou distinction"), max_length=250, blank=True)
    amount = models.DecimalField(
        _("montant reçu (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_note = models.CharField(
        _("précision sur le montant"),
        max_length=250,
        blank=True,
        help_text=_("Par exemple « pour sa première année »."),
    )
    edition_year = models.PositiveSmallIntegerField(
        _("édition (année)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldRowPanel([FieldPanel("actor"), FieldPanel("name")]),
        FieldRowPanel([FieldPanel("project"), FieldPanel("award")]),
        FieldRowPanel(
            [FieldPanel("amount"), FieldPanel("amount_note"), FieldPanel("edition_year")]
        ),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("lauréat")
        verbose_name_plural = _("lauréats")

    def __str__(self):
        return self.project or self.display_name


class CallDocument(LinkedDocument):
    class Kind(models.TextChoices):
        RULES = "reglement", _("Règlement")
        FORM = "dossier", _("Dossier de candidature")
        OTHER = "autre", _("Autre document")

    RULES, FORM, OTHER = Kind

    call = ParentalKey(CallForProjectsPage, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices, default=RULES)

    panels = [FieldRowPanel([FieldPanel("kind"), FieldPanel("document")]), FieldPanel("title")]

    @property
    def kind_label(self) -> str:
        return self.get_kind_display()
