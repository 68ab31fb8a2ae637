"""The directory's one filter set: the index, its map, the GeoJSON and the
CSV and JSON exports all select actors with `DirectoryFilterSet`, so a link
keeps its meaning from one to the other (home/listing.py does the rest:
query, theme, sort, page, notices, chips, links, text search).

The facets count the filtered set in two round trips (kind and région in one
GROUP BY, which also gives the total; themes and networks in one UNION ALL),
cached in `DIRECTORY` with the index's rendered fragments until an actor,
theme, network or private section changes.
"""

from collections import Counter
from functools import cached_property

from django.db.models import Count, F, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from home.cache import VersionedCache
from home.listing import ChoiceFilter, Facet, ListingFilterSet, TextFilter, YearFilter, themes
from home.models import PageTheme

from . import geo
from .kinds import GROUP_LABELS, KIND_GROUPS, KIND_LABELS
from .models import ActorPage, Network

DIRECTORY = VersionedCache(
    "directory",
    timeout=10 * 60,
    invalidated_by=[
        "directory.ActorPage",
        "directory.DirectoryIndexPage",  # the cards' links follow its slug
        "directory.Network",
        "home.Theme",
        "wagtailcore.PageViewRestriction",
    ],
)


# The order of the parameters in links (and so in cache keys).
PARAMS = ["q", "kind", "region", "departement", "theme", "network", "member_since"]


def kind_choices():
    """Each group (« all its kinds ») followed by its kinds, as option groups."""
    return [
        (label, [(code, _("%(group)s : tous les types") % {"group": label}), *kinds])
        for code, label, kinds in KIND_GROUPS
    ]


def _by(field: str, descending: bool) -> list:
    order = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return [order, "sort_title", "pk"]


class DirectoryFilterSet(ListingFilterSet):
    q = TextFilter(label=gettext_lazy("Nom, commune, mot-clé"))
    kind = ChoiceFilter(
        label=gettext_lazy("Type d'acteur"),
        empty_label=gettext_lazy("Tous les types"),
        method="filter_kind",
    )
    region = ChoiceFilter(
        label=gettext_lazy("Région"),
        empty_label=gettext_lazy("Toutes les régions"),
        choices=geo.region_choices(),
        method="filter_territory",
    )
    departement = ChoiceFilter(
        label=gettext_lazy("Département"),
        empty_label=gettext_lazy("Tous les départements"),
        choices=geo.departement_choices(),
        method="filter_territory",
    )
    network = ChoiceFilter(
        label=gettext_lazy("Réseau"),
        empty_label=gettext_lazy("Tous les réseaux"),
        method="filter_network",
    )
    member_since = YearFilter(
        label=gettext_lazy("Adhérent depuis (année)"),
        help_text=gettext_lazy("Année d'adhésion égale ou postérieure, par exemple 2015."),
        method="filter_member_since",
    )

    sort_choices = {
        "name": (gettext_lazy("Nom (de A à Z)"), ["sort_title", "pk"]),
        "-population": (
            gettext_lazy("Population (la plus grande d'abord)"),
            _by("population", True),
        ),
        "population": (
            gettext_lazy("Population (la plus petite d'abord)"),
            _by("population", False),
        ),
        "-membership_year": (
            gettext_lazy("Adhésion (la plus récente d'abord)"),
            _by("membership_year", True),
        ),
        "membership_year": (
            gettext_lazy("Adhésion (la plus ancienne d'abord)"),
            _by("membership_year", False),
        ),
    }
    relevance_sort = True
    truncated_notice = gettext_lazy(
        "Plus de %(limit)s acteurs correspondent à votre recherche : seuls les "
        "%(limit)s plus pertinents sont retenus. Précisez-la ou ajoutez un filtre."
    )
    cache = DIRECTORY
    form_title = gettext_lazy("Filtrer les acteurs")
    submit_label = gettext_lazy("Afficher les acteurs")
    field_groups = [
        (gettext_lazy("Type et territoire"), ["kind", "region", "departement"], False),
        (
            gettext_lazy("Plus de critères : thème, réseau, adhésion"),
            ["theme", "network", "member_since"],
            True,
        ),
    ]

    class Meta:
        model = ActorPage
        fields = []

    def param_order(self) -> list[str]:
        return [*PARAMS, "sort", "page"]

    @cached_property
    def networks(self) -> dict[str, Network]:
        """The networks by slug (cached until one is saved)."""
        return DIRECTORY.get_or_set("networks", lambda: {n.slug: n for n in Network.objects.all()})

    def load_choices(self) -> dict[str, list]:
        network_choices = [(slug, _network_label(n)) for slug, n in self.networks.items()]
        return {**super().load_choices(), "kind": kind_choices(), "network": network_choices}

    def describe(self, name: str, value) -> str:
        if name == "kind":
            return str(GROUP_LABELS.get(value) or KIND_LABELS[value])
        if name == "network":
            return str(self.networks[value])
        return super().describe(name, value)

    def chip_label(self, name: str) -> str:
        return _("Adhérent depuis") if name == "member_since" else super().chip_label(name)

    # --- Filters (ActorQuerySet: the same queries as the admin and the map) ---

    def filter_kind(self, queryset, name, value):
        return queryset.of_kind(value)

    def filter_territory(self, queryset, name, value):
        return queryset.listed_in(**{name: value})

    def filter_network(self, queryset, name, value):
        return queryset.member_of(self.networks[value])

    def filter_member_since(self, queryset, name, value):
        return queryset.members_since(value)

    # --- Counts and facets ----------------------------------------------------------

    @cached_property
    def kind_region_counts(self) -> list[tuple[str, str, int]]:
        """(kind, région, count) rows of the filtered set: one GROUP BY."""
        return self.count_by("kind", "region", cache_as="kind-region")

    @cached_property
    def total(self) -> int:
        """The number of filtered actors, from the facet query (no COUNT of its own)."""
        return sum(n for _kind, _region, n in self.kind_region_counts)

    def theme_network_counts(self) -> list[tuple[str, int, int]]:
        """("theme" | "network", id, count) rows: both GROUP BYs in one round trip."""
        ids = self.qs.order_by().values("pk")
        by_theme = (
            PageTheme.objects.filter(content_object_id__in=ids)
            .values("tag_id")
            .annotate(n=Count("pk"), facet=Value("theme"))
            .values_list("facet", "tag_id", "n")
        )
        by_network = (
            ActorPage.networks.through.objects.filter(actorpage_id__in=ids)
            .values("network_id")
            .annotate(n=Count("pk"), facet=Value("network"))
            .values_list("facet", "network_id", "n")
        )
        return list(by_theme.union(by_network, all=True))

    @cached_property
    def facets(self) -> list[Facet]:
        """Counts among the filtered set, only the values in use."""
        kinds, regions = Counter(), Counter()
        for kind, region, n in self.kind_region_counts:
            kinds[kind] += n
            regions[region] += n
        related = {
            "theme": {theme.pk: theme for theme in themes()},
            "network": {network.pk: network for network in self.networks.values()},
        }
        counts = {"theme": Counter(), "network": Counter()}
        for facet, pk, n in self.cached("theme-network", self.theme_network_counts):
            if pk in related[facet]:
                counts[facet][related[facet][pk].slug] = n
        facets = [
            Facet("kind", _("Type d'acteur"), self.kind_items(kinds)),
            self.facet("region", _("Région"), regions, geo.region_choices()),
            self.facet(
                "theme",
                _("Thème"),
                counts["theme"],
                [(theme.slug, theme.display_name) for theme in related["theme"].values()],
            ),
            self.facet(
                "network",
                _("Réseau"),
                counts["network"],
                [(network.slug, str(network)) for network in related["network"].values()],
            ),
        ]
        return [facet for facet in facets if facet.items]

    def kind_items(self, counts) -> list:
        """The groups in use, each with its kinds in use."""
        items = []
        for group, label, kinds in KIND_GROUPS:
            children = [
                self.facet_item("kind", kind, kind_label, counts[kind])
                for kind, kind_label in kinds
                if counts[kind]
            ]
            if children:
                total = sum(child.count for child in children)
                items.append(self.facet_item("kind", group, label, total, children))
        return items


def _network_label(network) -> str:
    if network.acronym and network.acronym != network.name:
        return f"{network.name} ({network.acronym})"
    return network.name
