"""The one filter recipe of the calls: the index, its archive and its feeds
(RSS, Atom, iCalendar) all call `filtered_calls(index_page, request.GET)`.

Every GET parameter goes through `CallFilterForm` before it reaches the ORM.
A value the form rejects is left out and reported in a notice: a bad link never
gives a 500 nor an empty page.

The status is computed in SQL from the dates and `now` (status.py), at request
time; no selection, status or count is cached, so a listing never shows a call
as open after its deadline.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Prefetch, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory import geo
from home.forms import QueryField
from home.listing import CountedQuerySet, form_notices
from home.models import Theme
from home.search import search_terms

from . import status as st
from . import vocab
from .cache import cached
from .models import CallForProjectsPage, CallOrganiser

PER_PAGE = 20
MAX_TEXT_MATCHES = 500
# The organiser filter lists at most this many fiches (those linked to the
# most calls); any other linked fiche is still accepted from a link.
MAX_ORGANISER_CHOICES = 100

FILTER_PARAMS = [
    "q",
    "status",
    "type",
    "organiser",
    "theme",
    "applicant",
    "region",
    "deadline_before",
]

# The status filter's values: what people ask for, mapped to derived statuses.
# No value: the calls one can still answer or soon (the default listing).
STATUS_ALL = "tous"
STATUS_FILTERS = {
    st.OPEN: (st.OPEN, st.CLOSING_SOON),
    st.CLOSING_SOON: (st.CLOSING_SOON,),
    st.ROLLING: (st.ROLLING,),
    st.UPCOMING: (st.UPCOMING,),
    st.CLOSED: (st.CLOSED, st.RESULTS),
    st.RESULTS: (st.RESULTS,),
    STATUS_ALL: tuple(st.STATUS_LABELS),
}
STATUS_FILTER_CHOICES = [
    (st.OPEN, gettext_lazy("Ouverts (clôture proche comprise)")),
    (st.CLOSING_SOON, gettext_lazy("Clôture dans les 14 jours")),
    (st.ROLLING, gettext_lazy("Au fil de l'eau")),
    (st.UPCOMING, gettext_lazy("À venir")),
    (st.CLOSED, gettext_lazy("Clos (archives)")),
    (st.RESULTS, gettext_lazy("Résultats publiés")),
    (STATUS_ALL, gettext_lazy("Tous, archives comprises")),
]
NATIONAL = vocab.NATIONAL
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class CallFilterForm(forms.Form):
    """Validates the calls' GET parameters. Built with the themes and the
    organisers already loaded, so that validating costs no query."""

    q = QueryField(
        label=gettext_lazy("Mot-clé"),
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    status = forms.ChoiceField(label=gettext_lazy("Statut"), required=False)
    type = forms.ChoiceField(label=gettext_lazy("Type d'appel"), required=False)
    organiser = forms.ChoiceField(label=gettext_lazy("Organisateur ou partenaire"), required=False)
    theme = forms.ChoiceField(label=gettext_lazy("Thème"), required=False)
    applicant = forms.ChoiceField(label=gettext_lazy("Qui peut candidater"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Territoire"), required=False)
    deadline_before = forms.DateField(
        label=gettext_lazy("Date limite au plus tard le"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": gettext_lazy("une date est attendue, par exemple 2026-12-31")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": gettext_lazy("numéro de page invalide"),
            "min_value": gettext_lazy("numéro de page invalide"),
        },
    )

    def __init__(self, *args, themes=(), organisers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.themes = {theme.slug: theme for theme in themes}
        self.organisers = dict(organisers)
        choice_fields = {
            "status": (_("En cours et à venir"), STATUS_FILTER_CHOICES),
            "type": (_("Tous les types"), vocab.TYPE_CHOICES),
            "organiser": (_("Tous"), list(organisers)),
            "theme": (
                _("Tous les thèmes"),
                [(t.slug, t.display_name) for t in sorted(themes, key=lambda t: t.sort_key)],
            ),
            "applicant": (_("Tous les candidats"), vocab.APPLICANT_CHOICES),
            "region": (
                _("Tous les territoires"),
                [(NATIONAL, _("Appels nationaux"))] + list(geo.region_choices()),
            ),
        }
        for name, (empty_label, choices) in choice_fields.items():
            self.fields[name].choices = [("", empty_label)] + list(choices)
            self.fields[name].error_messages["invalid_choice"] = _("valeur inconnue")
        for name in FILTER_PARAMS:
            self.fields[name].widget.attrs["class"] = "field__input"

    def clean_q(self):
        text = self.cleaned_data.get("q") or ""
        limit = settings.SEARCH_QUERY_MAX_LENGTH
        if len(text) > limit:
            raise forms.ValidationError(
                _("plus de %(limit)s caractères"), code="too_long", params={"limit": limit}
            )
        if text and not search_terms(text):
            raise forms.ValidationError(_("ni mot ni nombre"), code="no_word")
        return text

    def clean_deadline_before(self):
        value = self.cleaned_data.get("deadline_before")
        if value is not None and not (1900 <= value.year <= 2100):
            raise forms.ValidationError(_("année entre 1900 et 2100 attendue"))
        return value


@dataclass
class FacetItem:
    value: str
    label: str
    count: int
    query: str
    active: bool = False


@dataclass
class Facet:
    param: str
    title: str
    items: list[FacetItem]


@dataclass
class Chip:
    param: str
    label: str
    value: str
    remove_query: str


@dataclass
class ArchiveYear:
    year: int | None
    count: int


@dataclass
class CallFilterResult:
    queryset: object  # filtered on everything, status included, ordered
    unfiltered_status: object  # the same without the status filter (facets)
    form: CallFilterForm
    params: dict[str, str]
    notices: list[str]
    chips: list[Chip]
    statuses: tuple[str, ...]
    now: dt.datetime
    page_number: int | None
    truncated: bool
    themes: list[Theme]
    organisers: list[tuple[str, str]]
    extra: dict = field(default_factory=dict)

    @property
    def has_filters(self) -> bool:
        return bool(self.params)

    def display_form(self) -> CallFilterForm:
        """The form to show: the valid values only, the ignored ones left out."""
        return CallFilterForm(
            initial=dict(self.params), themes=self.themes, organisers=self.organisers
        )

    def querystring(self, **changes) -> str:
        """The valid parameters with `changes` applied (None removes one)."""
        params = dict(self.params)
        for key, value in changes.items():
            if value is None or value == "":
                params.pop(key, None)
            else:
                params[key] = str(value)
        order = FILTER_PARAMS + ["page"]
        return urlencode([(key, params[key]) for key in order if key in params])

    @cached_property
    def _counts(self) -> list[tuple[str, str, str, int | None, int]]:
        """(status, type, région, archive year, count) over the filtered set
        whatever its status: one GROUP BY gives the facets, the total and the
        archive's years (None for the calls not finished)."""
        # The year is computed for finished calls only: on SQLite, the
        # Europe/Paris year of a date-time is a Python callback per row.
        year = Case(
            When(status_now__in=st.FINISHED, then=archive_year_expression()),
            output_field=IntegerField(),
        )
        return list(
            self.unfiltered_status.order_by()
            .annotate(year=year)
            .values("status_now", "call_type", "region", "year")
            .annotate(n=Count("pk"))
            .values_list("status_now", "call_type", "region", "year", "n")
        )

    def _selected(self):
        return [row for row in self._counts if row[0] in self.statuses]

    @cached_property
    def total(self) -> int:
        return sum(row[4] for row in self._selected())

    @cached_property
    def archive_years(self) -> list[ArchiveYear]:
        """Finished calls of the filtered set, per year (the most recent first)."""
        counts = Counter()
        for status, _type, _region, year, n in self._counts:
            if status in st.FINISHED:
                counts[year] += n
        years = sorted((y for y in counts if y is not None), reverse=True)
        result = [ArchiveYear(year, counts[year]) for year in years]
        if None in counts:
            result.append(ArchiveYear(None, counts[None]))
        return result

    @cached_property
    def facets(self) -> list[Facet]:
        status_counts = Counter()
        type_counts = Counter()
        region_counts = Counter()
        for status, call_type, region, _year, n in self._counts:
            status_counts[status] += n
            if status in self.statuses:
                type_counts[call_type] += n
                region_counts[region] += n
        status_items = []
        for value, label in STATUS_FILTER_CHOICES:
            count = sum(status_counts[s] for s in STATUS_FILTERS[value])
            if count and value != STATUS_ALL:
                status_items.append(self._item("status", value, label, count))
        type_items = [
            self._item("type", code, label, type_counts[code])
            for code, label in vocab.TYPE_CHOICES
            if type_counts[code]
        ]
        regions = geo.regions()
        region_items = [
            self._item("region", code, regions[code].name, n)
            for code, n in region_counts.items()
            if code in regions
        ]
        region_items.sort(key=lambda item: (-item.count, item.label))
        facets = [
            Facet("status", _("Statut"), status_items),
            Facet("type", _("Type d'appel"), type_items),
            Facet("region", _("Région"), region_items),
        ]
        return [facet for facet in facets if facet.items]

    def _item(self, param, value, label, count):
        return FacetItem(
            value=value,
            label=str(label),
            count=count,
            query=self.querystring(**{param: value}),
            active=self.params.get(param) == value,
        )


def archive_year_expression():
    """The year a finished call is archived under: its deadline's (Paris),
    else the year it was discontinued."""
    paris = ZoneInfo(settings.TIME_ZONE)
    return Coalesce(
        ExtractYear("deadline", tzinfo=paris), F("discontinued_year"), output_field=IntegerField()
    )


def base_queryset(index_page, now: dt.datetime):
    """Live, public calls of `index_page`, in its locale, with their status at
    `now` (`status_now`) and their rank in the default order."""
    queryset = (
        CallForProjectsPage.objects.live()
        .public()
        .descendant_of(index_page)
        .filter(locale_id=index_page.locale_id)
    )
    return annotate_status(queryset, now)


def annotate_status(queryset, now: dt.datetime):
    """Each call's status at `now` (`status_now`) and its rank in the default
    order (`status_rank`), computed by the database. The rank is its own CASE
    over the dates (the same rule): a CASE over `status_now` would repeat the
    status's CASE once per status in the SQL."""
    return queryset.annotate(
        status_now=st.status_expression(now), status_rank=st.rank_expression(now)
    )


def default_ordering():
    """Open calls (closing soon included) first, nearest deadline first; then
    rolling schemes; then upcoming calls, nearest opening first; then finished
    calls, the most recent first."""
    return [
        "status_rank",
        Case(When(status_rank=0, then=F("deadline"))).asc(nulls_last=True),
        Case(When(status_rank=2, then=F("opens_on"))).asc(nulls_last=True),
        F("deadline").desc(nulls_last=True),
        F("discontinued_year").desc(nulls_last=True),
        "title",
        "pk",
    ]


def for_cards(queryset):
    """The calls of a listing of cards: their organisers are fetched by
    cards.py for the cards not yet cached only."""
    return queryset.defer_streamfields()


def with_card_relations(queryset):
    """What a feed item shows: organisers with their fiches (one more query)."""
    return queryset.defer_streamfields().prefetch_related(
        Prefetch("organisers", queryset=CallOrganiser.objects.select_related("actor"))
    )


def organiser_choices(index_page, selected: str = "") -> list[tuple[str, str]]:
    """(slug, name) of the directory fiches linked to the index's live calls,
    alphabetically: the `MAX_ORGANISER_CHOICES` linked to the most calls
    (one query), plus `selected` when it is linked to a call but not among
    them (one more query), so that a shared link keeps working."""
    calls = CallForProjectsPage.objects.live().descendant_of(index_page).values("pk")
    links = CallOrganiser.objects.filter(call__in=calls, actor__live=True)
    top = (
        links.values("actor__slug", "actor__title")
        .annotate(n=Count("call_id", distinct=True))
        .order_by("-n", "actor__title", "actor__slug")
        .values_list("actor__slug", "actor__title")[:MAX_ORGANISER_CHOICES]
    )
    # Cached per content version (cache.py): no date in it.
    rows = cached(f"organisers:{index_page.pk}:{MAX_ORGANISER_CHOICES}", lambda: list(top))
    found = dict(rows)
    if selected and selected not in found:
        extra = links.filter(actor__slug=selected).values_list("actor__slug", "actor__title")
        found.update(extra[:1])
    return sorted(found.items(), key=lambda item: (item[1].casefold(), item[0]))


def _text_matches(index_page, query: str) -> list[int]:
    queryset = (
        CallForProjectsPage.objects.live()
        .public()
        .descendant_of(index_page)
        .filter(locale_id=index_page.locale_id)
    )
    results = queryset.only("pk").search(
        search_terms(query), operator="and", order_by_relevance=True
    )
    return [call.pk for call in results[: MAX_TEXT_MATCHES + 1]]


def end_of_day(day: dt.date) -> dt.datetime:
    """Midnight (Paris) after `day`: "before" a date includes the whole day."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def filtered_calls(index_page, data, now: dt.datetime | None = None) -> CallFilterResult:
    """The calls of `index_page` selected by the GET parameters `data`, with
    their status at `now` (the current time by default)."""
    now = now or timezone.now()
    themes = list(Theme.objects.all())
    selected = (data or {}).get("organiser", "")
    organisers = organiser_choices(index_page, selected[:100] if isinstance(selected, str) else "")
    form = CallFilterForm(data or {}, themes=themes, organisers=organisers)
    form.is_valid()
    cleaned = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    notices = form_notices(form)

    queryset = base_queryset(index_page, now)
    params: dict[str, str] = {}
    chips: list[tuple[str, str, str]] = []

    query = cleaned.get("q", "")
    truncated = False
    if query:
        ids = _text_matches(index_page, query)
        truncated = len(ids) > MAX_TEXT_MATCHES
        queryset = queryset.filter(pk__in=ids[:MAX_TEXT_MATCHES])
        params["q"] = query
        chips.append(("q", _("Recherche"), f"« {query} »"))
        if truncated:
            notices.append(
                _(
                    "Plus de %(limit)s appels correspondent à votre recherche : seuls les "
                    "%(limit)s plus pertinents sont retenus. Précisez-la ou ajoutez un filtre."
                )
                % {"limit": MAX_TEXT_MATCHES}
            )
    call_type = cleaned.get("type")
    if call_type:
        queryset = queryset.filter(call_type=call_type)
        params["type"] = call_type
        chips.append(("type", _("Type"), str(vocab.TYPE_LABELS[call_type])))
    organiser = cleaned.get("organiser")
    if organiser:
        queryset = queryset.filter(
            pk__in=CallOrganiser.objects.filter(actor__slug=organiser).values("call_id")
        )
        params["organiser"] = organiser
        chips.append(("organiser", _("Organisateur"), form.organisers[organiser]))
    theme_slug = cleaned.get("theme")
    if theme_slug:
        theme = form.themes[theme_slug]
        queryset = queryset.filter(themed_items__tag=theme)
        params["theme"] = theme_slug
        chips.append(("theme", _("Thème"), theme.display_name))
    applicant = cleaned.get("applicant")
    if applicant:
        queryset = queryset.filter(applicants__code=applicant)
        params["applicant"] = applicant
        chips.append(("applicant", _("Candidats"), str(vocab.APPLICANT_LABELS[applicant])))
    region = cleaned.get("region")
    if region:
        if region == NATIONAL:
            queryset = queryset.filter(scope=vocab.NATIONAL)
            chips.append(("region", _("Territoire"), _("Appels nationaux")))
        else:
            queryset = queryset.filter(region=region)
            chips.append(("region", _("Territoire"), geo.regions()[region].name))
        params["region"] = region
    deadline_before = cleaned.get("deadline_before")
    if deadline_before:
        queryset = queryset.filter(deadline__lt=end_of_day(deadline_before))
        params["deadline_before"] = deadline_before.isoformat()
        chips.append(
            ("deadline_before", _("Date limite au plus tard le"), date_format(deadline_before))
        )

    unfiltered_status = queryset
    status_value = cleaned.get("status", "")
    statuses = STATUS_FILTERS.get(status_value, st.CURRENT)
    if status_value:
        params["status"] = status_value
        chips.append(("status", _("Statut"), str(dict(STATUS_FILTER_CHOICES)[status_value])))
    if set(statuses) != set(st.STATUS_LABELS):
        queryset = queryset.filter(status_now__in=statuses)
    queryset = queryset.order_by(*default_ordering())

    result = CallFilterResult(
        queryset=queryset,
        unfiltered_status=unfiltered_status,
        form=form,
        params=params,
        notices=notices,
        chips=[],
        statuses=statuses,
        now=now,
        page_number=cleaned.get("page"),
        truncated=truncated,
        themes=themes,
        organisers=organisers,
    )
    result.chips = [
        Chip(param, label, value, result.querystring(**{param: None}))
        for param, label, value in chips
    ]
    return result


def paginated(result: CallFilterResult):
    """The page of cards asked for, counted from the facets' query."""
    from home.search import paginate

    calls = CountedQuerySet(for_cards(result.queryset), result.total)
    return paginate(calls, result.page_number, PER_PAGE)
