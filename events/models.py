"""The agenda: events announced by the network and its members.

`AgendaIndexPage` (one per locale, `/fr/agenda/`) lists `EventPage`s and
serves their feeds. An event has one or more time slots (`EventSlot`, dates
and times in Europe/Paris, all-day when no time is given), organisers and
partners as directory fiches or free text (`EventOrganiser`), a place and/or
an online link, and links to the calls, networks and minutes it relates to.

What the organisers announce is stored (`status`: scheduled, postponed,
cancelled, full); where the event stands in time (upcoming, today, ongoing,
past) is derived from the slots at request time, never stored
(`EventQuerySet.with_time_status(now)`), like the calls' status. The instants
of each slot (`starts_at`, `ends_at`, aware) and the event's bounds are kept
by `save()`: facts about the content that the listing filters and orders on.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, IntegerField, Min, OuterRef, Q, Subquery, Value, When
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

from directory.models import ActorLinkMixin, PlaceMixin
from home.cache import VersionedCache
from home.models import BasePage, IndexPage, LinkedDocument
from home.models.index import view_route

from . import vocab

TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]

# What the agenda caches: what does not depend on the time (choices of the
# filter form, iCalendar events) under the content's version; what does (the
# partition into current and past, the order by next start, time statuses,
# counts, a listing's page) also under the time window (home/page_cache.py
# `time_window`, which ends at the next slot end: expiry.py).
EVENTS = VersionedCache("events", invalidated_by=["events.EventPage", "directory.ActorPage"])
NEXT_SLOT_END = "next-slot-end"


def paris() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def paris_midnight(day: dt.date) -> dt.datetime:
    """The instant a day starts in Paris (23:00 or 22:00 UTC the day before)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=paris())


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants from `first`'s midnight to the end of `last` (Paris)."""
    return paris_midnight(first), paris_midnight(last + dt.timedelta(days=1))


class AgendaIndexPage(IndexPage):
    subpage_types = ["events.EventPage"]
    template = "events/agenda_index_page.html"

    class Meta:
        verbose_name = _("agenda")
        verbose_name_plural = _("agendas")

    # The listing, its archive, feeds and exports share one filter set
    # (filters.py). Route segments carry no dot: file names come from
    # Content-Disposition.
    index_route = view_route("", "events.views.agenda_index")
    archive_route = view_route("archives/", "events.views.agenda_archive", name="archive")
    archive_year_route = view_route(
        "archives/<int:year>/", "events.views.agenda_archive", name="archive_year"
    )
    rss_route = view_route("flux/rss/", "events.feeds.agenda_rss", name="rss")
    atom_route = view_route("flux/atom/", "events.feeds.agenda_atom", name="atom")
    ical_route = view_route("flux/ical/", "events.feeds.agenda_ical", name="ical")
    csv_route = view_route("export/csv/", "events.exports.agenda_csv", name="csv")
    csv_schema_route = view_route(
        "export/csv/schema/", "events.exports.agenda_csv_schema", name="csv_schema"
    )
    json_route = view_route("export/json/", "events.exports.agenda_json", name="json")
    widget_route = view_route("widget/", "home.widgets.serve_widget", name="widget")


class EventQuerySet(PageQuerySet):
    """The agenda's domain queries. A time status is always that of `now`."""

    def with_next_start(self, now: dt.datetime):
        """`next_start`: the start of the first slot not ended at `now` (the
        slot in progress, else the next one); None when every slot is over or
        the event has none."""
        slots = (
            EventSlot.objects.filter(event=OuterRef("pk"), ends_at__gt=now)
            .order_by()
            .values("event")
            .annotate(first=Min("starts_at"))
            .values("first")
        )
        return self.annotate(next_start=Subquery(slots[:1]))

    def with_time_status(self, now: dt.datetime):
        """`time_status`: upcoming, today, ongoing, past or undated, from the
        slot in progress or next (`with_next_start`), the day of `now` in
        Paris, and for an event without slots its expected year."""
        today = timezone.localtime(now, paris()).date()
        start_of_day, end_of_day = day_bounds(today, today)
        return self.with_next_start(now).annotate(
            time_status=Case(
                When(next_start__gte=end_of_day, then=Value(vocab.TimeStatus.UPCOMING)),
                When(next_start__gte=start_of_day, then=Value(vocab.TimeStatus.TODAY)),
                When(next_start__isnull=False, then=Value(vocab.TimeStatus.ONGOING)),
                When(ends_at__isnull=False, then=Value(vocab.TimeStatus.PAST)),
                When(expected_year__lt=today.year, then=Value(vocab.TimeStatus.PAST)),
                default=Value(vocab.TimeStatus.UNDATED),
                output_field=models.CharField(),
            )
        )

    def current(self, now: dt.datetime):
        """Not over at `now`: a slot still to come or in progress, or no
        date yet (and no expected year already past)."""
        today = timezone.localtime(now, paris()).date()
        undated = Q(ends_at__isnull=True) & (
            Q(expected_year__isnull=True) | Q(expected_year__gte=today.year)
        )
        return self.filter(undated | Q(ends_at__gt=now))

    @staticmethod
    def ended_condition(now: dt.datetime) -> Q:
        """Over at `now` (time status « passé »): the last slot has ended
        (`ends_at` is the end of the last slot), or without slots the
        expected year is already past. No subquery on the slots."""
        today = timezone.localtime(now, paris()).date()
        return Q(ends_at__lte=now) | Q(ends_at__isnull=True, expected_year__lt=today.year)

    def past(self, now: dt.datetime):
        return self.filter(self.ended_condition(now))

    def with_ended(self, now: dt.datetime):
        """`ended`: whether the event is over at `now` (the partition of the
        agenda and its archive), for GROUP BY counts."""
        return self.annotate(
            ended=Case(
                When(self.ended_condition(now), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def with_archive_year(self):
        """`year`: the Paris year of the first slot, else the expected year."""
        return self.annotate(
            year=Coalesce(
                ExtractYear("starts_at", tzinfo=paris()),
                F("expected_year"),
                output_field=IntegerField(),
            )
        )

    def between(self, first: dt.date | None, last: dt.date | None):
        """The events with a slot on a day from `first` to `last` (Paris,
        both included; either may be open)."""
        slots = EventSlot.objects.all()
        if first is not None:
            slots = slots.filter(ends_at__gt=paris_midnight(first))
        if last is not None:
            slots = slots.filter(starts_at__lt=paris_midnight(last + dt.timedelta(days=1)))
        return self.filter(pk__in=slots.values("event_id"))

    def organised_by(self, slug: str):
        """The events a directory fiche (its slug) organises or partners."""
        links = EventOrganiser.objects.filter(actor__slug=slug)
        return self.filter(pk__in=links.values("event_id"))

    def involving(self, actor):
        return self.filter(pk__in=EventOrganiser.objects.filter(actor=actor).values("event_id"))

    def in_default_order(self):
        """Current events: the slot in progress or next first, undated last
        (`with_next_start` first)."""
        return self.order_by(F("next_start").asc(nulls_last=True), "title", "pk")


class EventPage(RoutablePageMixin, PlaceMixin, BasePage):
    summary = models.TextField(
        _("résumé"), blank=True, help_text=_("Deux ou trois phrases : ce qui se passe, pour qui.")
    )
    description = RichTextField(_("description"), blank=True, features=TEXT_FEATURES)
    event_type = models.CharField(
        _("type d'événement"), max_length=20, choices=vocab.EventType.choices
    )
    series = models.CharField(
        _("série"),
        max_length=200,
        blank=True,
        help_text=_("Le rendez-vous dont l'événement est une édition, ex. « Mois de l'ESS »."),
    )
    edition = models.CharField(
        _("édition"), max_length=100, blank=True, help_text=_("Par exemple « 2018 » ou « 3e ».")
    )

    # What the organisers announce (the time status is derived)
    status = models.CharField(
        _("statut"), max_length=20, choices=vocab.Status.choices, default=vocab.SCHEDULED
    )
    status_note = models.CharField(
        _("précision sur le statut"),
        max_length=250,
        blank=True,
        help_text=_("Par exemple « Reporté au printemps, nouvelle date à venir »."),
    )

    # Dates: the slots (inline); without any, what is known
    dates_note = models.CharField(
        _("précisions sur les dates"),
        max_length=250,
        blank=True,
        help_text=_("Sans date précise, ce que l'on sait, ex. « premier trimestre 2016 »."),
    )
    expected_year = models.PositiveSmallIntegerField(
        _("année prévue"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("Sans date précise : l'événement passe aux archives après cette année."),
    )
    # Kept by save() from the slots: the first start and the last end.
    starts_at = models.DateTimeField(null=True, editable=False)
    ends_at = models.DateTimeField(null=True, editable=False)

    # Where
    mode = models.CharField(
        _("participation"), max_length=20, choices=vocab.Mode.choices, default=vocab.ON_SITE
    )
    place_name = models.CharField(_("lieu"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    online_url = models.URLField(_("lien pour suivre en ligne"), blank=True, max_length=500)

    # Who and how
    audience = models.CharField(
        _("public"),
        max_length=250,
        blank=True,
        help_text=_("Par exemple « élus et agents des collectivités », « tout public »."),
    )
    price = models.CharField(_("tarif"), max_length=20, choices=vocab.Price.choices, blank=True)
    price_note = models.CharField(_("précisions sur le tarif"), max_length=250, blank=True)
    registration = models.CharField(
        _("inscription"),
        max_length=20,
        choices=vocab.Registration.choices,
        default=vocab.Registration.NONE,
    )
    registration_url = models.URLField(_("lien d'inscription"), blank=True, max_length=500)
    registration_email = models.EmailField(_("courriel d'inscription"), blank=True)
    capacity = models.PositiveIntegerField(_("nombre de places"), null=True, blank=True)
    accessible = models.BooleanField(
        _("accessible aux personnes à mobilité réduite"), default=False
    )
    accessibility = models.TextField(
        _("informations d'accessibilité"),
        blank=True,
        help_text=_("Accès, boucle magnétique, interprétation LSF, documents adaptés…"),
    )

    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("texte alternatif de l'image"),
        max_length=250,
        blank=True,
        help_text=_("Ce que l'image apporte ; vide si elle est décorative."),
    )

    # What it relates to
    related_calls = ParentalManyToManyField(
        "calls_for_projects.CallForProjectsPage",
        blank=True,
        related_name="events",
        verbose_name=_("appels à projets liés"),
        help_text=_("Pour une réunion d'information ou une remise de prix."),
    )
    network = models.ForeignKey(
        "network_minutes.NetworkPage",
        verbose_name=_("réseau"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text=_("Pour une réunion d'un réseau : elle apparaît sur la page du réseau."),
    )
    minutes = models.ForeignKey(
        "network_minutes.MeetingMinutesPage",
        verbose_name=_("compte rendu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text=_("Le compte rendu de la réunion, une fois publié."),
    )

    objects = PageManager.from_queryset(EventQuerySet)()

    content_panels = BasePage.content_panels + [
        FieldRowPanel([FieldPanel("event_type"), FieldPanel("status")]),
        FieldPanel("status_note"),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("series"), FieldPanel("edition")]),
        InlinePanel(
            "organisers",
            label=_("Organisateur ou partenaire"),
            heading=_("Organisateurs et partenaires"),
        ),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], _("Image")),
    ]
    dates_panels = [
        InlinePanel("slots", label=_("Créneau"), heading=_("Dates et horaires (heure de Paris)")),
        MultiFieldPanel(
            [FieldPanel("dates_note"), FieldPanel("expected_year")],
            _("Sans date précise"),
        ),
    ]
    place_panels = [
        FieldPanel("mode"),
        MultiFieldPanel(
            [
                FieldPanel("place_name"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
                FieldRowPanel([FieldPanel("region"), FieldPanel("departement")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            _("Lieu"),
        ),
        FieldPanel("online_url"),
    ]
    practical_panels = [
        FieldPanel("audience"),
        FieldRowPanel([FieldPanel("price"), FieldPanel("price_note")]),
        MultiFieldPanel(
            [
                FieldPanel("registration"),
                FieldRowPanel([FieldPanel("registration_url"), FieldPanel("registration_email")]),
                FieldPanel("capacity"),
            ],
            _("Inscription"),
        ),
        MultiFieldPanel(
            [FieldPanel("accessible"), FieldPanel("accessibility")], _("Accessibilité")
        ),
        InlinePanel("documents", label=_("Document"), heading=_("Documents")),
    ]
    links_panels = [
        FieldPanel("network"),
        FieldPanel("minutes"),
        FieldPanel("related_calls"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Présentation")),
            ObjectList(dates_panels, heading=_("Dates")),
            ObjectList(place_panels, heading=_("Lieu")),
            ObjectList(practical_panels, heading=_("Infos pratiques")),
            ObjectList(links_panels, heading=_("Liens")),
            ObjectList(BasePage.promote_panels, heading=_("Promotion")),
            ObjectList(Page.settings_panels, heading=_("Paramètres"), classname="settings"),
        ]
    )

    search_fields = BasePage.search_fields + [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("summary", boost=2),
        index.SearchField("series", boost=2),
        index.SearchField("description"),
        index.SearchField("place_name"),
        index.SearchField("city"),
        index.RelatedFields("organisers", [index.SearchField("name")]),
        index.FilterField("event_type"),
        index.FilterField("mode"),
        index.FilterField("region"),
        index.FilterField("departement"),
        index.FilterField("starts_at"),
        index.FilterField("ends_at"),
        index.FilterField("status"),
    ]

    # Codes, dates, places and links are the same in every language.
    translatable_fields = BasePage.translatable_fields + [
        TranslatableField("summary"),
        TranslatableField("description"),
        SynchronizedField("event_type"),
        TranslatableField("series"),
        SynchronizedField("edition"),
        SynchronizedField("status"),
        TranslatableField("status_note"),
        TranslatableField("dates_note"),
        SynchronizedField("expected_year"),
        SynchronizedField("mode"),
        SynchronizedField("place_name"),
        SynchronizedField("address"),
        SynchronizedField("postcode"),
        SynchronizedField("city"),
        SynchronizedField("country"),
        SynchronizedField("region"),
        SynchronizedField("departement"),
        SynchronizedField("latitude"),
        SynchronizedField("longitude"),
        SynchronizedField("online_url"),
        TranslatableField("audience"),
        SynchronizedField("price"),
        TranslatableField("price_note"),
        SynchronizedField("registration"),
        SynchronizedField("registration_url"),
        SynchronizedField("registration_email"),
        SynchronizedField("capacity"),
        SynchronizedField("accessible"),
        TranslatableField("accessibility"),
        SynchronizedField("image"),
        TranslatableField("image_alt"),
        SynchronizedField("related_calls"),
        SynchronizedField("network"),
        SynchronizedField("minutes"),
        SynchronizedField("slots"),
        SynchronizedField("organisers"),
        SynchronizedField("documents"),
    ]

    parent_page_types = ["events.AgendaIndexPage"]
    subpage_types = []
    template = "events/event_page.html"

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")

    # --- Saving ---------------------------------------------------------------

    def clean(self):
        super().clean()
        self.derive_territory()
        errors = {}
        if self.mode in (vocab.ONLINE, vocab.HYBRID) and not self.online_url:
            errors["online_url"] = _("Un événement en ligne a besoin d'un lien pour le suivre.")
        if self.registration == vocab.Registration.LINK and not self.registration_url:
            errors["registration_url"] = _("Indiquez le lien d'inscription.")
        if self.registration == vocab.Registration.EMAIL and not self.registration_email:
            errors["registration_email"] = _("Indiquez le courriel d'inscription.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.starts_at, self.ends_at = self.bounds()
        return super().save(*args, **kwargs)

    def bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """(first start, last end) of the slots, computed from their dates."""
        slots = list(self.slots.all())
        for slot in slots:
            slot.compute_instants()
        if not slots:
            return None, None
        return min(slot.starts_at for slot in slots), max(slot.ends_at for slot in slots)

    # --- Time -----------------------------------------------------------------

    @cached_property
    def ordered_slots(self) -> list[EventSlot]:
        return sorted(
            self.slots.all(), key=lambda slot: (slot.start_date, slot.start_time or dt.time.min)
        )

    def time_status_at(self, now: dt.datetime) -> str:
        """The rule of `EventQuerySet.with_time_status`, in Python."""
        today = timezone.localtime(now, paris()).date()
        start_of_day, end_of_day = day_bounds(today, today)
        slots = [slot for slot in self.ordered_slots if slot.instants()[1] > now]
        if slots:
            next_start = min(slot.instants()[0] for slot in slots)
            if next_start >= end_of_day:
                return vocab.TimeStatus.UPCOMING
            if next_start >= start_of_day:
                return vocab.TimeStatus.TODAY
            return vocab.TimeStatus.ONGOING
        if self.ordered_slots:
            return vocab.TimeStatus.PAST
        if self.expected_year and self.expected_year < today.year:
            return vocab.TimeStatus.PAST
        return vocab.TimeStatus.UNDATED

    @cached_property
    def time_status(self) -> str:
        """Now: computed, unless the row was annotated with the listing's SQL
        value (same rule, same instant), which then shadows this property."""
        return self.time_status_at(timezone.now())

    @property
    def time_status_label(self) -> str:
        return vocab.TimeStatus(self.time_status).label

    @property
    def is_past(self) -> bool:
        return self.time_status == vocab.TimeStatus.PAST

    @property
    def archive_year(self) -> int | None:
        if self.starts_at is not None:
            return timezone.localtime(self.starts_at, paris()).year
        return self.expected_year

    # --- Labels -----------------------------------------------------------------

    @property
    def type_label(self) -> str:
        return self.get_event_type_display()

    @property
    def status_label(self) -> str:
        return self.get_status_display()

    @property
    def is_cancelled(self) -> bool:
        return self.status == vocab.CANCELLED

    @property
    def mode_label(self) -> str:
        return self.get_mode_display()

    @property
    def has_place(self) -> bool:
        return self.mode != vocab.ONLINE and bool(self.place_name or self.address or self.city)

    @property
    def series_label(self) -> str:
        """« Mois de l'ESS 2018 »."""
        return " ".join(part for part in (self.series, self.edition) if part)

    def get_summary_text(self) -> str:
        return self.summary

    # --- Routes -----------------------------------------------------------------

    page_route = view_route("", "events.views.event_page", name="page_route")
    ical_route = view_route("ical/", "events.feeds.event_ical", name="ical")


class EventSlot(Orderable):
    """One time slot, in Paris time: all-day without a start time; without an
    end time, it lasts until the end of its last day."""

    event = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="slots")
    start_date = models.DateField(_("date de début"))
    start_time = models.TimeField(_("heure de début"), null=True, blank=True)
    end_date = models.DateField(
        _("date de fin"), null=True, blank=True, help_text=_("Vide : le même jour.")
    )
    end_time = models.TimeField(_("heure de fin"), null=True, blank=True)
    # Kept by save(): the aware instants (UTC in the database).
    starts_at = models.DateTimeField(editable=False)
    ends_at = models.DateTimeField(editable=False)

    panels = [
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("start_time")]),
        FieldRowPanel([FieldPanel("end_date"), FieldPanel("end_time")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("créneau")
        verbose_name_plural = _("créneaux")
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="events_slot_instants")]

    def __str__(self):
        return f"{self.start_date} {self.start_time or ''}".strip()

    @property
    def last_date(self) -> dt.date:
        return self.end_date or self.start_date

    @property
    def all_day(self) -> bool:
        return self.start_time is None

    def instants(self) -> tuple[dt.datetime, dt.datetime]:
        """(start, end), aware, from the Paris dates and times."""
        zone = paris()
        if self.start_time is None:
            start = paris_midnight(self.start_date)
        else:
            start = dt.datetime.combine(self.start_date, self.start_time, tzinfo=zone)
        if self.end_time is None or self.start_time is None:
            end = paris_midnight(self.last_date + dt.timedelta(days=1))
        else:
            end = dt.datetime.combine(self.last_date, self.end_time, tzinfo=zone)
        return start, max(start, end)

    def compute_instants(self) -> None:
        self.starts_at, self.ends_at = self.instants()

    def clean(self):
        super().clean()
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("La date de fin précède la date de début.")
        elif (
            self.start_date
            and self.start_time
            and self.end_time
            and self.last_date == self.start_date
            and self.end_time < self.start_time
        ):
            errors["end_time"] = _("L'heure de fin précède l'heure de début.")
        if self.end_time and not self.start_time:
            errors["start_time"] = _("Indiquez l'heure de début avant l'heure de fin.")
        for name in ("start_date", "end_date"):
            value = getattr(self, name)
            if value and not (1900 <= value.year <= 2100):
                errors[name] = _("Année entre 1900 et 2100 attendue.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.compute_instants()
        return super().save(*args, **kwargs)


class EventOrganiser(ActorLinkMixin, Orderable):
    event = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="organisers")
    actor = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("fiche de l'annuaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_links",
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


class EventDocument(LinkedDocument):
    event = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="documents")


# The announcements (« petites annonces ») live in their own module; imported
# here so that Django finds their models.

from . import announcements  # noqa: E402, F401
