"""The announcements' one filter set: the index and its feeds (RSS, Atom)
read `AnnouncementFilterSet(request.GET, scope=index_page)`.

Only current announcements are selected (`AnnouncementQuerySet.current`,
the day in Paris of the filter set's `now`): an expired one leaves the
listing and the feeds without anything being stored. The territory filters
(région, département, commune) are the agenda's own (events/filters.py),
reused; the communes offered are those in use (cached per content
version). Counts and selections are never cached: they depend on the day.
"""

from __future__ import annotations

import copy
from collections import Counter
from functools import cached_property

from django.db.models import Count, F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory import geo
from home.listing import ChoiceFilter, ListingFilterSet, usable

from . import vocab
from .announcements import ANNOUNCEMENTS, AnnouncementPage, paris_today
from .filters import EventFilterSet

MAX_CITY_CHOICES = 200
PARAMS = ["q", "kind", "category", "region", "departement", "city", "theme", "sort", "page"]


def _agenda_filter(name: str):
    """The agenda's filter `name` (same field, same codes, same notices), for
    the same field of an announcement: one definition of the territory
    filters for both listings."""
    filter_ = copy.copy(EventFilterSet.base_filters[name])
    filter_.__dict__.pop("_field", None)  # its own form field, built on first use
    filter_.extra = dict(filter_.extra)
    return filter_


class AnnouncementFilterSet(ListingFilterSet):
    kind = ChoiceFilter(
        label=gettext_lazy("Offre ou demande"),
        empty_label=gettext_lazy("Offres et demandes"),
        choices=vocab.AnnouncementKind.choices,
    )
    category = ChoiceFilter(
        label=gettext_lazy("Catégorie"),
        empty_label=gettext_lazy("Toutes les catégories"),
        choices=vocab.AnnouncementCategory.choices,
    )
    region = _agenda_filter("region")
    departement = _agenda_filter("departement")
    city = _agenda_filter("city")

    sort_choices = {
        "recentes": (
            gettext_lazy("Les plus récentes d'abord"),
            [F("first_published_at").desc(nulls_last=True), "-pk"],
        ),
        "expiration": (
            gettext_lazy("Celles qui expirent bientôt d'abord"),
            ["expires_on", F("first_published_at").desc(nulls_last=True), "-pk"],
        ),
    }
    relevance_sort = True
    per_page = 20
    truncated_notice = gettext_lazy(
        "Plus de %(limit)s annonces correspondent à votre recherche : seules les "
        "%(limit)s plus pertinentes sont retenues. Précisez-la ou ajoutez un filtre."
    )
    form_title = gettext_lazy("Filtrer les annonces")
    submit_label = gettext_lazy("Afficher les annonces")
    field_groups = [
        (gettext_lazy("Quoi et où"), ["kind", "category", "region"], False),
        (
            gettext_lazy("Plus de critères : département, commune, thème"),
            ["departement", "city", "theme"],
            True,
        ),
    ]

    class Meta:
        model = AnnouncementPage
        fields: list[str] = []

    def param_order(self) -> list[str]:
        return PARAMS

    # --- The selection: current announcements only ---------------------------------

    @cached_property
    def today(self):
        return paris_today(self.now)

    def base_queryset(self, scope):
        return super().base_queryset(scope).current(paris_today(self.now))

    # --- Choices that depend on the content ------------------------------------

    def load_choices(self):
        return {**super().load_choices(), "city": self.cities()}

    def cities(self) -> list[tuple[str, str]]:
        """The communes of the index's live announcements, the most frequent
        first (cached per content version), alphabetically, plus the one
        asked for when it is in use but not among them (one more query)."""
        scope = self.scope
        announcements = (
            AnnouncementPage.objects.live()
            .descendant_of(scope)
            .filter(locale_id=scope.locale_id)
            .exclude(city="")
        )
        top = (
            announcements.values("city")
            .annotate(n=Count("pk"))
            .order_by("-n", "city")
            .values_list("city", flat=True)[:MAX_CITY_CHOICES]
        )
        key = f"cities:{scope.pk}:{scope.locale_id}:{MAX_CITY_CHOICES}"
        found = set(ANNOUNCEMENTS.get_or_set(key, lambda: list(top)))
        selected = self.data.get("city", "")
        if usable(selected) and selected not in found:
            found.update(
                announcements.filter(city__iexact=selected[:200]).values_list("city", flat=True)[:1]
            )
        return sorted(((city, city) for city in found), key=lambda item: item[1].casefold())

    # --- Counts and facets: one GROUP BY ----------------------------------------------

    @cached_property
    def counts(self) -> list[tuple]:
        """(kind, category, région, count) over the selection: the facets and
        the total in one query."""
        selection = self.filter_queryset(self.queryset.all())
        return self.count_by("kind", "category", "region", queryset=selection)

    @cached_property
    def total(self) -> int:
        return sum(row[-1] for row in self.counts)

    @cached_property
    def facets(self) -> list:
        kinds, categories, regions = Counter(), Counter(), Counter()
        for kind, category, region, n in self.counts:
            kinds[kind] += n
            categories[category] += n
            regions[region] += n
        names = {code: region.name for code, region in geo.regions().items()}
        facets = [
            self.facet(
                "kind", _("Offre ou demande"), kinds, vocab.AnnouncementKind.choices, by_count=False
            ),
            self.facet("category", _("Catégorie"), categories, vocab.AnnouncementCategory.choices),
            self.facet("region", _("Région"), regions, names),
        ]
        return [facet for facet in facets if facet.items]
