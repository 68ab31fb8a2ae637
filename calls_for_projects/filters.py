"""The calls' one filter set: the index, its archive and its feeds (RSS, Atom,
iCalendar) all read `CallFilterSet(request.GET, scope=index_page)`.

The status is derived, computed in SQL from the dates and `now` at request
time (`CallForProjectsPage.objects.with_status(now)`). The counts and the
index's pages are kept per content version (`CALLS`) and time window
(`cached(timed=True)`: until the next instant any call's status may change,
home/page_cache.py `time_window`), so a listing never shows a call as open
after its deadline. The organisers offered by the form and the text query's
ranked matches are kept per content version.

The status is the listing's partition (in progress / archive) and is applied
last, after the text query: the status facet and the archive's years count
every status of the selection, so the text matches are ranked within all the
other filters but the status.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory import geo
from home.listing import ChoiceFilter, DateFilter, ListingFilterSet, usable

from . import status as st
from . import vocab
from .models import CALLS, DEFAULT_ORDER, CallForProjectsPage, CallOrganiser

# The organiser filter lists at most this many fiches (those linked to the
# most calls); any other linked fiche is still accepted from a link.
MAX_ORGANISER_CHOICES = 100

# The status filter's values: what people ask for, as derived statuses.
# No value: the calls one can still answer or soon, or whose next dates are
# awaited (the default listing, `status.CURRENT`).
STATUS_ALL = "tous"
STATUS_FILTERS = {
    st.OPEN: (st.OPEN, st.CLOSING_SOON),
    st.CLOSING_SOON: (st.CLOSING_SOON,),
    st.ROLLING: (st.ROLLING,),
    st.UPCOMING: (st.UPCOMING,),
    st.NOT_ANNOUNCED: (st.NOT_ANNOUNCED,),
    st.NO_SESSION: (st.NO_SESSION,),
    st.CLOSED: st.FINISHED,
    st.RESULTS: (st.RESULTS,),
    STATUS_ALL: tuple(st.Status),
}
STATUS_FILTER_CHOICES = [
    (st.OPEN, gettext_lazy("Ouverts (clôture proche comprise)")),
    (st.CLOSING_SOON, gettext_lazy("Clôture dans les 14 jours")),
    (st.ROLLING, gettext_lazy("Au fil de l'eau")),
    (st.UPCOMING, gettext_lazy("À venir")),
    (st.NOT_ANNOUNCED, gettext_lazy("Dates non annoncées")),
    (st.NO_SESSION, gettext_lazy("Pas de session annoncée depuis plus d'un an")),
    (st.CLOSED, gettext_lazy("Clos (archives)")),
    (st.RESULTS, gettext_lazy("Résultats publiés")),
    (STATUS_ALL, gettext_lazy("Tous, archives comprises")),
]


@dataclass
class ArchiveYear:
    year: int | None
    count: int


class CallFilterSet(ListingFilterSet):
    status = ChoiceFilter(
        label=gettext_lazy("Statut"),
        empty_label=gettext_lazy("En cours et à venir"),
        choices=STATUS_FILTER_CHOICES,
        method=lambda queryset, name, value: queryset,  # applied last: `qs`
    )
    type = ChoiceFilter(
        label=gettext_lazy("Type d'appel"),
        empty_label=gettext_lazy("Tous les types"),
        choices=vocab.CallType.choices,
        field_name="call_type",
    )
    organiser = ChoiceFilter(
        label=gettext_lazy("Organisateur ou partenaire"),
        empty_label=gettext_lazy("Tous"),
        method=lambda queryset, name, value: queryset.organised_by(value),
    )
    applicant = ChoiceFilter(
        label=gettext_lazy("Qui peut candidater"),
        empty_label=gettext_lazy("Tous les candidats"),
        choices=vocab.Applicant.choices,
        field_name="applicants__code",
    )
    region = ChoiceFilter(
        label=gettext_lazy("Territoire"),
        empty_label=gettext_lazy("Tous les territoires"),
        choices=[(vocab.NATIONAL, gettext_lazy("Appels nationaux")), *geo.region_choices()],
        method=lambda queryset, name, value: queryset.in_territory(value),
    )
    deadline_before = DateFilter(
        label=gettext_lazy("Date limite au plus tard le"),
        method=lambda queryset, name, value: queryset.closing_by(value),
    )

    ordering = DEFAULT_ORDER
    cache = CALLS
    truncated_notice = gettext_lazy(
        "Plus de %(limit)s appels correspondent à votre recherche : seuls les "
        "%(limit)s plus pertinents sont retenus. Précisez-la ou ajoutez un filtre."
    )
    form_title = gettext_lazy("Filtrer les appels")
    submit_label = gettext_lazy("Afficher les appels")
    field_groups = [
        (gettext_lazy("Statut, type et territoire"), ["status", "type", "region"], False),
        (
            gettext_lazy("Plus de critères : organisateur, thème, candidats, date limite"),
            ["organiser", "theme", "applicant", "deadline_before"],
            True,
        ),
    ]

    class Meta:
        model = CallForProjectsPage
        fields: list[str] = []

    def base_queryset(self, scope):
        return super().base_queryset(scope).with_status(self.now)

    def load_choices(self):
        return {**super().load_choices(), "organiser": self.organisers()}

    def organisers(self) -> list[tuple[str, str]]:
        """(slug, name) of the directory fiches linked to the index's live
        calls, alphabetically: the `MAX_ORGANISER_CHOICES` linked to the most
        calls (cached), plus the one asked for when it is linked to a call but
        not among them (one more query), so that a shared link keeps working."""
        calls = CallForProjectsPage.objects.live().descendant_of(self.scope).values("pk")
        links = CallOrganiser.objects.filter(call__in=calls, actor__live=True)
        top = (
            links.values("actor__slug", "actor__title")
            .annotate(n=Count("call_id", distinct=True))
            .order_by("-n", "actor__title", "actor__slug")
            .values_list("actor__slug", "actor__title")[:MAX_ORGANISER_CHOICES]
        )
        key = f"organisers:{self.scope.pk}:{MAX_ORGANISER_CHOICES}"
        found = dict(CALLS.get_or_set(key, lambda: list(top)))
        selected = self.data.get("organiser", "")
        if usable(selected) and selected not in found:
            extra = links.filter(actor__slug=selected[:100])
            found.update(extra.values_list("actor__slug", "actor__title")[:1])
        return sorted(found.items(), key=lambda item: (item[1].casefold(), item[0]))

    # --- The selection: the status last -------------------------------------

    @cached_property
    def statuses(self) -> tuple[str, ...]:
        return STATUS_FILTERS.get(self.cleaned.get("status"), st.CURRENT)

    @property
    def showing_current(self) -> bool:
        return set(self.statuses) == set(st.CURRENT)

    @property
    def qs(self):
        """The other filters, the text query within them, then the status."""
        if not hasattr(self, "_qs"):
            selection = self.without("status").in_status(self.statuses, self.now)
            self._qs = self.order(selection)
        return self._qs

    @cached_property
    def counts(self) -> list[tuple]:
        """(status, type, région, archive year, count) over the selection
        whatever its status: one GROUP BY gives the facets, the total and the
        archive's years (None for the calls not finished). Kept per
        selection and time window (no status changes before it ends)."""
        fields = ("status_now", "call_type", "region", "year")
        return self.cached(
            "counts",
            lambda: self.count_by(*fields, queryset=self.without("status").with_archive_year()),
            timed=True,
        )

    @cached_property
    def total(self) -> int:
        return sum(row[-1] for row in self.counts if row[0] in self.statuses)

    @cached_property
    def archive_years(self) -> list[ArchiveYear]:
        """Finished calls of the selection, per year (the most recent first,
        then those without a year)."""
        counts = Counter()
        for status, _type, _region, year, n in self.counts:
            if status in st.FINISHED:
                counts[year] += n
        years = sorted(counts, key=lambda year: (year is None, -(year or 0)))
        return [ArchiveYear(year, counts[year]) for year in years]

    @cached_property
    def facets(self) -> list:
        statuses, types, regions = Counter(), Counter(), Counter()
        for status, call_type, region, _year, n in self.counts:
            statuses[status] += n
            if status in self.statuses:
                types[call_type] += n
                regions[region] += n
        choices = STATUS_FILTER_CHOICES[:-1]  # not « tous »
        by_value = {value: sum(statuses[s] for s in STATUS_FILTERS[value]) for value, _ in choices}
        names = {code: region.name for code, region in geo.regions().items()}
        facets = [
            self.facet("status", _("Statut"), by_value, choices, by_count=False),
            self.facet("type", _("Type d'appel"), types, vocab.CallType.choices, by_count=False),
            self.facet("region", _("Région"), regions, names),
        ]
        return [facet for facet in facets if facet.items]
