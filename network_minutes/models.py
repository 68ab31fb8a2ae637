"""Networks and their meeting minutes.

`NetworksIndexPage` (one per locale, `/fr/reseaux/`) lists `NetworkPage`s;
each network holds its `MeetingMinutesPage`s.

Structure choices:
- A network's *members* are the directory's: `NetworkPage.network` points at
  the directory's `Network` snippet, and the members are the actor fiches that
  list that network. Membership is recorded once, on the fiche, where the
  directory already shows and filters it.
- *Participants* and *action items* are inline models (`Orderable` rows with a
  `ParentalKey`), not StreamField blocks: the site queries them across pages
  (each actor's fiche lists the meetings its people attended; the open actions
  view lists undone actions across a network's meetings), and a foreign key to
  an actor can be joined, indexed and protected.
- The *agenda* is a StreamField of agenda items (title, discussion, speakers,
  decisions): reader text that is only ever shown with its page, edited as a
  whole and translated segment by segment. An action item names the agenda
  point it comes from by number.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.blocks import KeyFigureBlock
from home.fields import LeanStreamField
from home.models import BasePage, IndexPage, LinkedDocument
from home.models.index import view_route
from home.privacy import public

TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]


# --- Blocks --------------------------------------------------------------------


class AgendaItemBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("intitulé du point"), max_length=250)
    discussion = blocks.RichTextBlock(
        label=_("résumé des échanges"), features=TEXT_FEATURES, required=False
    )
    speakers = blocks.ListBlock(
        blocks.CharBlock(max_length=200),
        label=_("intervenant·es"),
        required=False,
        default=[],
        help_text=_("Nom et, si utile, fonction de chaque personne qui a pris la parole."),
    )
    decisions = blocks.ListBlock(
        blocks.TextBlock(),
        label=_("décisions et orientations"),
        required=False,
        default=[],
    )

    class Meta:
        icon = "list-ol"
        label = _("Point de l'ordre du jour")


# --- Index of networks ------------------------------------------------------------


class NetworksIndexPage(IndexPage):
    subpage_types = ["network_minutes.NetworkPage"]
    template = "network_minutes/networks_index_page.html"

    class Meta:
        verbose_name = _("index des réseaux")
        verbose_name_plural = _("index des réseaux")

    index_route = view_route("", "network_minutes.views.networks_index")
    csv_route = view_route("export/csv/", "network_minutes.exports.minutes_csv", name="csv")
    csv_schema_route = view_route(
        "export/csv/schema/", "network_minutes.exports.minutes_csv_schema", name="csv_schema"
    )

    @path("rss/", name="rss")
    def rss_route(self, request):
        from . import feeds

        return feeds.MinutesFeed(self)(request)


# --- A network ------------------------------------------------------------------------


class NetworkPage(RoutablePageMixin, BasePage):
    network = models.ForeignKey(
        "directory.Network",
        verbose_name=_("réseau de l'annuaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Les membres affichés sont les fiches de l'annuaire rattachées à ce réseau "
            "(rubrique « Adhésion au réseau » de chaque fiche)."
        ),
    )
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    host_organisation = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("structure porteuse"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("L'organisation qui anime ou héberge le réseau (fiche de l'annuaire)."),
    )
    introduction = models.TextField(_("présentation courte"), blank=True)
    description = RichTextField(_("description"), blank=True, features=TEXT_FEATURES)

    content_panels = BasePage.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("acronym"),
                FieldPanel("network"),
                FieldPanel("host_organisation"),
            ],
            _("Identité du réseau"),
        ),
        FieldPanel("introduction"),
        FieldPanel("description"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("acronym", boost=3),
        index.SearchField("introduction", boost=2),
        index.SearchField("description"),
    ]
    translatable_fields = BasePage.translatable_fields + [
        SynchronizedField("network"),
        SynchronizedField("acronym"),
        SynchronizedField("host_organisation"),
        TranslatableField("introduction"),
        TranslatableField("description"),
    ]

    parent_page_types = ["network_minutes.NetworksIndexPage"]
    subpage_types = ["network_minutes.MeetingMinutesPage"]
    template = "network_minutes/network_page.html"

    class Meta:
        verbose_name = _("réseau")
        verbose_name_plural = _("réseaux")

    def get_summary_text(self) -> str:
        return self.introduction

    def get_context(self, request, *args, **kwargs):
        from home.registry import NETWORK_SECTIONS, section_context

        context = super().get_context(request, *args, **kwargs)
        # What other apps show on a network page (home/registry.py).
        context.update(section_context(NETWORK_SECTIONS, self, request))
        return context

    # Route segments carry no dot (Wagtail's page URL pattern refuses it).
    index_route = view_route("", "network_minutes.views.network_index")
    open_actions_route = view_route(
        "actions/", "network_minutes.views.open_actions", name="open_actions"
    )
    ical_route = view_route("agenda/", "network_minutes.feeds.ical_response", name="ical")
    csv_route = view_route("export/csv/", "network_minutes.exports.minutes_csv", name="csv")
    csv_schema_route = view_route(
        "export/csv/schema/", "network_minutes.exports.minutes_csv_schema", name="csv_schema"
    )

    @path("rss/", name="rss")
    def rss_route(self, request):
        from . import feeds

        return feeds.MinutesFeed(self)(request)


# --- Meeting minutes ------------------------------------------------------------------


class MinutesQuerySet(PageQuerySet):
    """The domain queries on minutes pages, one definition for the listing,
    its feeds, the actors' fiches and the bench."""

    def of_network(self, page):
        """Live, public minutes under `page` (a network, or the networks
        index for all of them), in its locale."""
        return public(self.live().descendant_of(page).filter(locale_id=page.locale_id))

    def involving(self, actor):
        """Live, public minutes of the actor's locale that `actor` hosted or
        where one of its people took part."""
        # One id list from two index lookups (UNION), not an OR that made
        # PostgreSQL scan every meeting (17 -> 3 ms on a fiche at 2,000).
        took_part = Participant.objects.filter(organisation_id=actor.pk).order_by()
        hosted = self.model.objects.filter(host_id=actor.pk).order_by()
        involving = took_part.values("page_id").union(hosted.values("pk"))
        return public(self.live().filter(locale_id=actor.locale_id, pk__in=involving))

    def held_from(self, day):
        """Meetings on `day` or later."""
        return self.filter(date__gte=day)

    def announcing_from(self, day):
        """Minutes announcing a next meeting dated `day` or later."""
        return self.filter(next_meeting_date__gte=day)

    def announcing(self):
        """Minutes that say anything about the next meeting."""
        return self.exclude(
            next_meeting_date__isnull=True,
            next_meeting_approximate="",
            next_meeting_host__isnull=True,
            next_meeting_host_text="",
        )

    def stats_by_network(self, index_page) -> dict:
        """{network's tree path: (minutes count, last meeting date)} for the
        networks of `index_page`: one GROUP BY on the network's part of the path."""
        prefix = self.model.steplen * (index_page.depth + 1)
        rows = (
            self.order_by()
            .annotate(network_path=Substr("path", 1, prefix))
            .values("network_path")
            .annotate(n=Count("pk"), last=Max("date"))
            .values_list("network_path", "n", "last")
        )
        return {path: (n, last) for path, n, last in rows}


class MeetingMinutesPage(BasePage):
    FORMAT_NETWORK = "reunion-de-reseau"
    FORMAT_CHOICES = [
        (FORMAT_NETWORK, _("Réunion de réseau")),
        ("comite", _("Comité")),
        ("world-cafe", _("World café")),
        ("atelier", _("Atelier")),
        ("seminaire", _("Séminaire")),
        ("visioconference", _("Visioconférence")),
        ("autre", _("Autre")),
    ]

    # When and where
    date = models.DateField(_("date de la réunion"), db_index=True)
    start_time = models.TimeField(_("heure de début"), null=True, blank=True)
    end_time = models.TimeField(_("heure de fin"), null=True, blank=True)
    meeting_format = models.CharField(
        _("format"), max_length=30, choices=FORMAT_CHOICES, default=FORMAT_NETWORK
    )
    place = models.CharField(
        _("lieu"), max_length=250, blank=True, help_text=_("Par exemple une salle, une adresse.")
    )
    host = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("organisation hôte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    host_text = models.CharField(
        _("organisation hôte (hors annuaire)"),
        max_length=250,
        blank=True,
        help_text=_("Si l'organisation hôte n'a pas de fiche dans l'annuaire."),
    )
    chair = models.CharField(
        _("présidence de séance"),
        max_length=250,
        blank=True,
        help_text=_("Nom et fonction de la personne qui a ouvert et conduit la réunion."),
    )

    # Content
    summary = models.TextField(_("résumé"), blank=True)
    agenda = LeanStreamField(
        [("item", AgendaItemBlock())], blank=True, verbose_name=_("ordre du jour")
    )
    key_figures = LeanStreamField(
        [("figure", KeyFigureBlock())], blank=True, verbose_name=_("chiffres cités")
    )

    # Next meeting
    next_meeting_date = models.DateField(_("date"), null=True, blank=True)
    next_meeting_start_time = models.TimeField(_("heure de début"), null=True, blank=True)
    next_meeting_end_time = models.TimeField(_("heure de fin"), null=True, blank=True)
    next_meeting_approximate = models.CharField(
        _("date approximative"),
        max_length=200,
        blank=True,
        help_text=_("Quand la date n'est pas fixée, par exemple « premier trimestre 2016 »."),
    )
    next_meeting_host = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("organisation hôte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    next_meeting_host_text = models.CharField(
        _("organisation hôte (hors annuaire)"),
        max_length=250,
        blank=True,
        help_text=_("Par exemple « une commune du réseau, à désigner »."),
    )

    content_panels = BasePage.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("date"), FieldPanel("start_time"), FieldPanel("end_time")]
                ),
                FieldPanel("meeting_format"),
                FieldRowPanel([FieldPanel("place"), FieldPanel("host"), FieldPanel("host_text")]),
                FieldPanel("chair"),
            ],
            _("La réunion"),
        ),
        FieldPanel("summary"),
        InlinePanel(
            "participants",
            label=_("Participant·e"),
            heading=_("Participant·es"),
            help_text=_("Dans l'ordre du compte rendu."),
        ),
        FieldPanel("agenda"),
        InlinePanel("action_items", label=_("Action"), heading=_("Actions à mener")),
        FieldPanel("key_figures"),
        InlinePanel("attachments", label=_("Document"), heading=_("Documents joints")),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("next_meeting_date"),
                        FieldPanel("next_meeting_start_time"),
                        FieldPanel("next_meeting_end_time"),
                    ]
                ),
                FieldPanel("next_meeting_approximate"),
                FieldRowPanel(
                    [FieldPanel("next_meeting_host"), FieldPanel("next_meeting_host_text")]
                ),
            ],
            _("Prochaine réunion"),
        ),
    ]

    search_fields = BasePage.search_fields + [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("summary", boost=2),
        index.SearchField("place"),
        index.SearchField("host_text"),
        index.SearchField("chair"),
        index.SearchField("agenda"),
        index.SearchField("key_figures"),
        index.SearchField("next_meeting_approximate"),
        index.RelatedFields(
            "participants",
            [
                index.SearchField("name"),
                index.SearchField("function"),
                index.SearchField("organisation_text"),
            ],
        ),
        index.FilterField("date"),
        index.FilterField("meeting_format"),
    ]

    translatable_fields = BasePage.translatable_fields + [
        SynchronizedField("date"),
        SynchronizedField("start_time"),
        SynchronizedField("end_time"),
        SynchronizedField("meeting_format"),
        TranslatableField("place"),
        SynchronizedField("host"),
        TranslatableField("host_text"),
        TranslatableField("chair"),
        TranslatableField("summary"),
        TranslatableField("agenda"),
        TranslatableField("key_figures"),
        SynchronizedField("next_meeting_date"),
        SynchronizedField("next_meeting_start_time"),
        SynchronizedField("next_meeting_end_time"),
        TranslatableField("next_meeting_approximate"),
        SynchronizedField("next_meeting_host"),
        TranslatableField("next_meeting_host_text"),
        # Names, functions and owners as the minutes give them.
        SynchronizedField("participants"),
        SynchronizedField("action_items"),
        SynchronizedField("attachments"),
    ]

    parent_page_types = ["network_minutes.NetworkPage"]
    subpage_types = []
    template = "network_minutes/meeting_minutes_page.html"

    objects = PageManager.from_queryset(MinutesQuerySet)()

    class Meta:
        verbose_name = _("compte rendu de réunion")
        verbose_name_plural = _("comptes rendus de réunion")

    def clean(self):
        super().clean()
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("L'heure de fin doit suivre l'heure de début.")
        if (
            self.next_meeting_start_time
            and self.next_meeting_end_time
            and self.next_meeting_end_time <= self.next_meeting_start_time
        ):
            errors["next_meeting_end_time"] = _("L'heure de fin doit suivre l'heure de début.")
        if self.next_meeting_date and self.date and self.next_meeting_date <= self.date:
            errors["next_meeting_date"] = _("La prochaine réunion doit suivre celle-ci.")
        if errors:
            raise ValidationError(errors)

    def get_summary_text(self) -> str:
        return self.summary

    @property
    def format_label(self) -> str:
        return str(dict(self.FORMAT_CHOICES).get(self.meeting_format, self.meeting_format))

    @property
    def is_upcoming(self) -> bool:
        return self.date >= timezone.localdate()

    @property
    def has_next_meeting(self) -> bool:
        return bool(
            self.next_meeting_date
            or self.next_meeting_approximate
            or self.next_meeting_host_id
            or self.next_meeting_host_text
        )

    def get_context(self, request, *args, **kwargs):
        from .views import minutes_context

        context = super().get_context(request, *args, **kwargs)
        context.update(minutes_context(self, request))
        return context


# --- Inline rows of a minutes page -----------------------------------------------------


class Participant(Orderable):
    PRESENT = "present"
    SPEAKER = "speaker"
    EXCUSED = "excused"
    ATTENDANCE_CHOICES = [
        (PRESENT, _("Présent·e")),
        (SPEAKER, _("Intervenant·e")),
        (EXCUSED, _("Excusé·e")),
    ]

    page = ParentalKey(MeetingMinutesPage, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("nom"), max_length=200)
    function = models.CharField(
        _("fonction"),
        max_length=400,
        blank=True,
        help_text=_("Telle que le compte rendu la donne."),
    )
    organisation = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("organisation (fiche de l'annuaire)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_participations",
    )
    organisation_text = models.CharField(
        _("organisation (hors annuaire)"),
        max_length=250,
        blank=True,
        help_text=_("Si l'organisation n'a pas de fiche dans l'annuaire."),
    )
    attendance = models.CharField(
        _("présence"), max_length=20, choices=ATTENDANCE_CHOICES, default=PRESENT
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("attendance")]),
        FieldPanel("function"),
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("organisation_text")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("participant·e")
        verbose_name_plural = _("participant·es")
        indexes = [models.Index(fields=["organisation", "page"], name="minutes_participant_org")]

    def __str__(self):
        return self.name

    @property
    def attendance_label(self) -> str:
        return str(dict(self.ATTENDANCE_CHOICES).get(self.attendance, self.attendance))

    @property
    def organisation_label(self) -> str:
        if self.organisation_id and self.organisation:
            return self.organisation.title
        return self.organisation_text


class ActionItem(Orderable):
    page = ParentalKey(MeetingMinutesPage, on_delete=models.CASCADE, related_name="action_items")
    agenda_point = models.PositiveSmallIntegerField(
        _("point de l'ordre du jour"),
        null=True,
        blank=True,
        help_text=_("Numéro du point d'où vient l'action (1 pour le premier)."),
    )
    description = models.TextField(_("action"))
    owner_name = models.CharField(_("responsable"), max_length=250, blank=True)
    owner_organisation = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("organisation responsable"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    done = models.BooleanField(_("réalisée"), default=False, db_index=True)

    panels = [
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("owner_name"), FieldPanel("owner_organisation")]),
        FieldRowPanel([FieldPanel("agenda_point"), FieldPanel("due_date"), FieldPanel("done")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return self.description[:80]

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_date and not self.done and self.due_date < timezone.localdate())


class MeetingAttachment(LinkedDocument):
    page = ParentalKey(MeetingMinutesPage, on_delete=models.CASCADE, related_name="attachments")

    class Meta(LinkedDocument.Meta):
        verbose_name = _("document joint")
        verbose_name_plural = _("documents joints")
