"""The agenda's one filter set: the index, its archive, its map, its feeds
(RSS, iCalendar) and exports (CSV, JSON) all read
`EventFilterSet(request.GET, scope=index_page)`.

Where an event stands in time is derived at request time (models.py): the
listing's partition (current / archive) is applied last, after the text
query, like the calls' status, so the archive's years count the selection.
Only the content-dependent choices (organisers, communes, series) are cached.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory import geo
from home.listing import ChoiceFilter, DateFilter, ListingFilterSet, usable

from . import vocab
from .models import EVENTS, EventOrganiser, EventPage, paris

# The organiser filter lists at most this many fiches (those linked to the
# most events); a fiche linked to an event is still accepted from a link.
MAX_ORGANISER_CHOICES = 100
MAX_CITY_CHOICES = 200
MAX_SERIES_CHOICES = 100

TODAY, WEEKEND, THIS_WEEK, THIS_MONTH, NEXT_MONTH = (
    "aujourd-hui",
    "ce-week-end",
    "cette-semaine",
    "ce-mois-ci",
    "le-mois-prochain",
)
PERIOD_CHOICES = [
    (TODAY, gettext_lazy("Aujourd'hui")),
    (WEEKEND, gettext_lazy("Ce week-end")),
    (THIS_WEEK, gettext_lazy("Cette semaine")),
    (THIS_MONTH, gettext_lazy("Ce mois-ci")),
    (NEXT_MONTH, gettext_lazy("Le mois prochain")),
]
YES = "oui"


def period_days(code: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day (Paris) of a named period seen from `today`.
    « Ce week-end » is the coming Saturday and Sunday (today's when it is one)."""
    if code == TODAY:
        return today, today
    if code == WEEKEND:
        saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:  # Sunday: the week-end in progress
            saturday = today - dt.timedelta(days=1)
        return saturday, saturday + dt.timedelta(days=1)
    if code == THIS_WEEK:
        monday = today - dt.timedelta(days=today.weekday())
        return today, monday + dt.timedelta(days=6)
    first = today.replace(day=1)
    if code == NEXT_MONTH:
        first = (first + dt.timedelta(days=32)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    start = today if code == THIS_MONTH else first
    return start, following - dt.timedelta(days=1)


@dataclass
class ArchiveYear:
    year: int | None
    count: int


class EventFilterSet(ListingFilterSet):
    period = ChoiceFilter(
        label=gettext_lazy("Quand"),
        empty_label=gettext_lazy("Toutes les dates"),
        choices=PERIOD_CHOICES,
        method="filter_period",
    )
    date_from = DateFilter(label=gettext_lazy("À partir du"), method="filter_dates")
    date_to = DateFilter(label=gettext_lazy("Jusqu'au"), method="filter_dates")
    type = ChoiceFilter(
        label=gettext_lazy("Type d'événement"),
        empty_label=gettext_lazy("Tous les types"),
        choices=vocab.EventType.choices,
        field_name="event_type",
    )
    mode = ChoiceFilter(
        label=gettext_lazy("Participation"),
        empty_label=gettext_lazy("Sur place ou en ligne"),
        choices=vocab.Mode.choices,
        method=lambda queryset, name, value: queryset.filter(
            mode__in=(value, vocab.HYBRID) if value != vocab.HYBRID else (value,)
        ),
    )
    region = ChoiceFilter(
        label=gettext_lazy("Région"),
        empty_label=gettext_lazy("Toutes les régions"),
        choices=geo.region_choices(),
    )
    departement = ChoiceFilter(
        label=gettext_lazy("Département"),
        empty_label=gettext_lazy("Tous les départements"),
        choices=geo.departement_choices(),
    )
    city = ChoiceFilter(
        label=gettext_lazy("Commune"),
        empty_label=gettext_lazy("Toutes les communes"),
        method=lambda queryset, name, value: queryset.filter(city__iexact=value),
    )
    organiser = ChoiceFilter(
        label=gettext_lazy("Organisateur ou partenaire"),
        empty_label=gettext_lazy("Tous"),
        method=lambda queryset, name, value: queryset.organised_by(value),
    )
    series = ChoiceFilter(
        label=gettext_lazy("Série"),
        empty_label=gettext_lazy("Toutes les séries"),
        method=lambda queryset, name, value: queryset.filter(series=value),
    )
    price = ChoiceFilter(
        label=gettext_lazy("Tarif"),
        empty_label=gettext_lazy("Gratuit ou payant"),
        choices=vocab.Price.choices,
    )
    accessible = ChoiceFilter(
        label=gettext_lazy("Accessibilité"),
        empty_label=gettext_lazy("Tous les lieux"),
        choices=[(YES, gettext_lazy("Accessible aux personnes à mobilité réduite"))],
        method=lambda queryset, name, value: queryset.filter(accessible=True),
    )

    per_page = 20
    truncated_notice = gettext_lazy(
        "Plus de %(limit)s événements correspondent à votre recherche : seuls les "
        "%(limit)s plus pertinents sont retenus. Précisez-la ou ajoutez un filtre."
    )
    form_title = gettext_lazy("Filtrer l'agenda")
    submit_label = gettext_lazy("Afficher les événements")
    field_groups = [
        (gettext_lazy("Quand, quoi et où"), ["period", "type", "region"], False),
        (
            gettext_lazy("Plus de critères : dates, lieu, organisateur, thème, tarif"),
            [
                "date_from",
                "date_to",
                "mode",
                "departement",
                "city",
                "organiser",
                "series",
                "theme",
                "price",
                "accessible",
            ],
            True,
        ),
    ]

    # Counts and pages are cached under the content's version and the time
    # window (`cached(timed=True)`: until a slot ends, a call's status
    # changes or midnight, home/page_cache.py `time_window`).
    cache = EVENTS

    class Meta:
        model = EventPage
        fields: list[str] = []

    def __init__(self, *args, archive: bool = False, **kwargs):
        self.archive = archive
        super().__init__(*args, **kwargs)

    # --- Choices that depend on the content ------------------------------------

    def load_choices(self):
        return {
            **super().load_choices(),
            "organiser": self.organisers(),
            "city": self._cached_values("city", MAX_CITY_CHOICES),
            "series": self._cached_values("series", MAX_SERIES_CHOICES),
        }

    def _live_events(self):
        return (
            EventPage.objects.live()
            .descendant_of(self.scope)
            .filter(locale_id=self.scope.locale_id)
        )

    def _cached_values(self, field: str, limit: int) -> list[tuple[str, str]]:
        """The values of `field` in use, the most frequent first (cached),
        alphabetically, plus the one asked for when it is in use but not
        among them (one more query)."""
        events = self._live_events().exclude(**{field: ""})
        top = (
            events.values(field)
            .annotate(n=Count("pk"))
            .order_by("-n", field)
            .values_list(field, flat=True)[:limit]
        )
        key = f"{field}:{self.scope.pk}:{self.scope.locale_id}:{limit}"
        found = set(EVENTS.get_or_set(key, lambda: list(top)))
        selected = self.data.get(field, "")
        if usable(selected) and selected not in found:
            lookup = f"{field}__iexact" if field == "city" else field
            found.update(
                events.filter(**{lookup: selected[:200]}).values_list(field, flat=True)[:1]
            )
        return sorted(((value, value) for value in found), key=lambda item: item[1].casefold())

    def organisers(self) -> list[tuple[str, str]]:
        """(slug, name) of the directory fiches linked to the index's live
        events, alphabetically (see the calls' organiser filter)."""
        links = EventOrganiser.objects.filter(
            event__in=self._live_events().values("pk"), actor__live=True
        )
        top = (
            links.values("actor__slug", "actor__title")
            .annotate(n=Count("event_id", distinct=True))
            .order_by("-n", "actor__title", "actor__slug")
            .values_list("actor__slug", "actor__title")[:MAX_ORGANISER_CHOICES]
        )
        key = f"organisers:{self.scope.pk}:{MAX_ORGANISER_CHOICES}"
        found = dict(EVENTS.get_or_set(key, lambda: list(top)))
        selected = self.data.get("organiser", "")
        if usable(selected) and selected not in found:
            extra = links.filter(actor__slug=selected[:100])
            found.update(extra.values_list("actor__slug", "actor__title")[:1])
        return sorted(found.items(), key=lambda item: (item[1].casefold(), item[0]))

    # --- Dates ---------------------------------------------------------------

    @cached_property
    def today(self) -> dt.date:
        return timezone.localtime(self.now, paris()).date()

    def filter_period(self, queryset, name, value):
        first, last = period_days(value, self.today)
        return queryset.between(first, last)

    def filter_dates(self, queryset, name, value):
        # Both bounds at once (when date_from is applied); a range whose end
        # precedes its start is reported by `clean_dates`.
        if name == "date_to" and "date_from" in self.cleaned:
            return queryset
        return queryset.between(self.cleaned.get("date_from"), self.cleaned.get("date_to"))

    @cached_property
    def cleaned(self) -> dict:
        cleaned = super().cleaned
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and last < first:
            self.form.add_error(
                "date_to", forms.ValidationError(_("la date de fin précède la date de début"))
            )
            cleaned.pop("date_to")
        return cleaned

    # --- The selection: the time partition last ----------------------------------

    @property
    def qs(self):
        """The other filters, the text query within them, then current or
        past, in the partition's order."""
        if not hasattr(self, "_qs"):
            selection = self.filter_queryset(self.queryset.all())
            if self.archive:
                self._qs = (
                    selection.past(self.now)
                    .with_archive_year()
                    # Newest year first (an undated event by its expected
                    # year), the same on SQLite and PostgreSQL (NULLs last).
                    .order_by(
                        F("year").desc(nulls_last=True),
                        F("starts_at").desc(nulls_last=True),
                        "title",
                        "pk",
                    )
                )
            else:
                self._qs = selection.current(self.now).with_next_start(self.now).in_default_order()
        return self._qs

    @cached_property
    def counts(self) -> list[tuple]:
        """(ended, type, région, archive year, count) over the selection
        whatever its time: one GROUP BY for the facets, the total and the
        archive's years. `ended` needs no subquery on the slots (the time
        status would need one per event: 120 ms at 5,000 events)."""
        fields = ("ended", "event_type", "region", "year")
        selection = (
            self.filter_queryset(self.queryset.all()).with_ended(self.now).with_archive_year()
        )
        return self.count_by(*fields, queryset=selection, cache_as="counts", timed=True)

    def in_partition(self, ended: bool) -> bool:
        return ended == self.archive

    @cached_property
    def total(self) -> int:
        return sum(row[-1] for row in self.counts if self.in_partition(row[0]))

    @cached_property
    def other_total(self) -> int:
        """How many of the selection are in the other partition (the archive
        from the current listing, and the reverse)."""
        return sum(row[-1] for row in self.counts if not self.in_partition(row[0]))

    @cached_property
    def archive_years(self) -> list[ArchiveYear]:
        counts = Counter()
        for ended, _type, _region, year, n in self.counts:
            if ended:
                counts[year] += n
        years = sorted(counts, key=lambda year: (year is None, -(year or 0)))
        return [ArchiveYear(year, counts[year]) for year in years]

    @cached_property
    def facets(self) -> list:
        types, regions = Counter(), Counter()
        for ended, event_type, region, _year, n in self.counts:
            if self.in_partition(ended):
                types[event_type] += n
                regions[region] += n
        names = {code: region.name for code, region in geo.regions().items()}
        facets = [
            self.facet("type", _("Type d'événement"), types, vocab.EventType.choices),
            self.facet("region", _("Région"), regions, names),
        ]
        return [facet for facet in facets if facet.items]
