"""The conventions index's filters on the shared listing (home/listing.py):
`ConventionFilterSet(request.GET, scope=index_page)` serves the listing and
the SCDL export alike, so that a link keeps its meaning.

The partners, authorities and years offered are those of the index's live
conventions. They are cached per content version in `CONVENTIONS`, with the
rendered filter form and the status counts (those per day too: a status
changes at midnight).
"""

from __future__ import annotations

from functools import cached_property

from django.utils.translation import gettext_lazy as _

from directory.models import ActorPage
from home.cache import VersionedCache
from home.listing import ChoiceFilter, ListingFilterSet

from . import status as lifecycle
from .models import RECENT_FIRST, ConventionPage

# A directory fiche's title is a choice's label, a theme one of the form's.
CONVENTIONS = VersionedCache(
    "conventions",
    invalidated_by=["conventions.ConventionPage", "directory.ActorPage", "home.Theme"],
)


class ConventionFilterSet(ListingFilterSet):
    status = ChoiceFilter(
        label=_("Statut"),
        empty_label=_("Tous les statuts"),
        choices=lifecycle.Status.choices,
        method="filter_status",
    )
    authority = ChoiceFilter(
        label=_("Collectivité"),
        empty_label=_("Toutes les collectivités"),
        field_name="authority__slug",
    )
    partner = ChoiceFilter(
        label=_("Partenaire"), empty_label=_("Tous les partenaires"), method="filter_partner"
    )
    year = ChoiceFilter(
        label=_("Année de la délibération"),
        empty_label=_("Toutes les années"),
        field_name="decision_date__year",
    )

    per_page = 12
    ordering = RECENT_FIRST
    cache = CONVENTIONS
    truncated_notice = _(
        "Plus de %(limit)s conventions correspondent à votre recherche : seules les "
        "%(limit)s plus pertinentes sont retenues. Précisez-la ou ajoutez un filtre."
    )
    form_title = _("Filtrer les conventions")
    submit_label = _("Afficher les conventions")
    field_groups = [(_("Critères"), ["status", "authority", "partner", "year", "theme"], False)]

    class Meta:
        model = ConventionPage
        fields = []

    def base_queryset(self, scope):
        return ConventionPage.objects.of_index(scope)

    @cached_property
    def today(self):
        return lifecycle.paris_today(self.now)

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value, self.today)

    def filter_partner(self, queryset, name, value):
        return queryset.with_partner(value)

    def load_choices(self) -> dict[str, list]:
        scope = f"{self.scope.pk}:{self.scope.locale_id}"
        in_use = CONVENTIONS.get_or_set(f"choices:{scope}", lambda: choices_in_use(self.queryset))
        return {**super().load_choices(), **in_use}

    @cached_property
    def status_facet(self):
        """How many conventions of the selection (status left out) have each
        status today: one aggregate query, cached."""
        counts = self.cached(
            f"status:{self.today:%Y%m%d}", lambda: self.without("status").status_counts(self.today)
        )
        labels = lifecycle.Status.choices
        return self.facet("status", _("Statut aujourd'hui"), counts, labels, by_count=False)


def choices_in_use(conventions) -> dict[str, list]:
    """The authorities and partners (slug, title) and the deliberations'
    years of `conventions`: three DISTINCT queries."""
    ids = conventions.order_by().values("pk")
    fiches = ActorPage.objects.order_by("sort_title", "slug").values_list("slug", "title")
    authorities = fiches.filter(conventions_as_authority__in=ids).distinct()
    partners = fiches.filter(convention_partnerships__convention__in=ids).distinct()
    years = conventions.order_by().dates("decision_date", "year", order="DESC")
    return {
        "authority": _once(authorities),
        "partner": _once(partners),
        "year": [(str(day.year), str(day.year)) for day in years],
    }


def _once(pairs) -> list:
    """(slug, title) pairs with each slug once (two directories may share one)."""
    seen = {}
    for slug, title in pairs:
        seen.setdefault(slug, title)
    return list(seen.items())
