"""The filters of a network's list of meetings (`q`, `year`, `theme`, `page`)
on the shared listing (home/listing.py), and the page-only listing of the
networks index and of the open actions."""

from __future__ import annotations

from functools import cached_property

from django.utils.translation import gettext_lazy as _

from home.listing import ListingFilterSet, TextFilter, YearFilter

from .models import MeetingMinutesPage

ACTIONS_PER_PAGE = 50


class MinutesFilterSet(ListingFilterSet):
    """A network's meetings (scope: the network, or the networks index),
    newest first, with the year facet counted among the other filters."""

    q = TextFilter(label=_("Mot-clé, nom, organisation"))
    year = YearFilter(label=_("Année"), field_name="date", lookup_expr="year")

    ordering = ["-date", "-start_time", "-pk"]
    truncated_notice = _(
        "Plus de %(limit)s comptes rendus correspondent à votre recherche : seuls "
        "les %(limit)s plus pertinents sont retenus. Précisez-la."
    )
    form_title = _("Filtrer les comptes rendus")
    submit_label = _("Afficher les comptes rendus")
    field_groups = [(_("Année et thème"), ["year", "theme"], False)]

    class Meta:
        model = MeetingMinutesPage
        fields = []

    def base_queryset(self, scope):
        return MeetingMinutesPage.objects.of_network(scope)

    @cached_property
    def year_facet(self):
        counts = dict(self.count_by("date__year", queryset=self.without("year")))
        years = [(year, str(year)) for year in sorted(filter(None, counts), reverse=True)]
        return self.facet("year", _("Par année"), counts, years, by_count=False)
