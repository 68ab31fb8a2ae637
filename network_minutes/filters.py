"""The filters of a network's list of meetings: `year`, `theme`, `q`, `page`.

Every GET parameter goes through `MinutesFilterForm` before it reaches the
ORM. A value the form rejects is left out and reported in a notice (the
visitor sees which criterion was ignored and why); it never causes a 500.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from home.forms import QueryField
from home.listing import form_notices
from home.models import Theme
from home.search import search_terms

from .models import MeetingMinutesPage

PER_PAGE = 20
ACTIONS_PER_PAGE = 50
# A text query keeps at most this many matches, the most relevant first.
MAX_TEXT_MATCHES = 500
FILTER_PARAMS = ["q", "year", "theme"]


class PageNumberForm(forms.Form):
    page = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": gettext_lazy("numéro de page invalide"),
            "min_value": gettext_lazy("numéro de page invalide"),
        },
    )


class MinutesFilterForm(PageNumberForm):
    """Validates a network page's GET parameters. Built with the themes
    already loaded, so validating costs no query."""

    q = QueryField(
        label=gettext_lazy("Mot-clé, nom, organisation"),
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Année"),
        required=False,
        min_value=1900,
        max_value=2100,
        error_messages={
            "invalid": gettext_lazy("une année est attendue"),
            "min_value": gettext_lazy("année entre 1900 et 2100 attendue"),
            "max_value": gettext_lazy("année entre 1900 et 2100 attendue"),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1900, "max": 2100}),
    )
    theme = forms.ChoiceField(label=gettext_lazy("Thème"), required=False)

    field_order = ["q", "year", "theme", "page"]

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.themes = {theme.slug: theme for theme in themes}
        self.fields["theme"].choices = [("", _("Tous les thèmes"))] + [
            (theme.slug, theme.display_name) for theme in sorted(themes, key=lambda t: t.sort_key)
        ]
        self.fields["theme"].error_messages["invalid_choice"] = _("valeur inconnue")
        for name in ["q", "year", "theme"]:
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


@dataclass
class Chip:
    param: str
    label: str
    value: str
    remove_query: str


@dataclass
class YearItem:
    year: int
    count: int
    query: str
    active: bool


@dataclass
class MinutesFilterResult:
    queryset: object
    params: dict[str, str]
    notices: list[str]
    themes: list[Theme]
    page_number: int | None
    query: str = ""
    truncated: bool = False
    chips: list[Chip] = field(default_factory=list)
    years: list[YearItem] = field(default_factory=list)

    @property
    def has_filters(self) -> bool:
        return bool(self.params)

    def display_form(self) -> MinutesFilterForm:
        """The form to show: valid values kept, ignored ones left out."""
        return MinutesFilterForm(initial=dict(self.params), themes=self.themes)

    def querystring(self, **changes) -> str:
        params = dict(self.params)
        for key, value in changes.items():
            if value is None or value == "":
                params.pop(key, None)
            else:
                params[key] = str(value)
        return urlencode([(key, params[key]) for key in FILTER_PARAMS if key in params])


def meetings_of(network_page):
    """Live, public minutes of `network_page`, in its locale."""
    return (
        MeetingMinutesPage.objects.live()
        .public()
        .descendant_of(network_page)
        .filter(locale_id=network_page.locale_id)
    )


def _text_matches(queryset, query: str) -> list[int]:
    results = queryset.only("pk").search(
        search_terms(query), operator="and", order_by_relevance=True
    )
    return [page.pk for page in results[: MAX_TEXT_MATCHES + 1]]


def filtered_minutes(network_page, data) -> MinutesFilterResult:
    """The meetings of `network_page` selected by the GET parameters `data`,
    newest first, with the year facet counted among the other filters."""
    themes = list(Theme.objects.all())
    form = MinutesFilterForm(data or {}, themes=themes)
    form.is_valid()
    cleaned = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    notices = form_notices(form)
    params: dict[str, str] = {}
    chips: list[tuple[str, str, str]] = []

    queryset = meetings_of(network_page)
    query = cleaned.get("q", "")
    truncated = False
    if query:
        ids = _text_matches(queryset, query)
        truncated = len(ids) > MAX_TEXT_MATCHES
        queryset = queryset.filter(pk__in=ids[:MAX_TEXT_MATCHES])
        params["q"] = query
        chips.append(("q", _("Recherche"), f"« {query} »"))
        if truncated:
            notices.append(
                _(
                    "Plus de %(limit)s comptes rendus correspondent à votre recherche : seuls "
                    "les %(limit)s plus pertinents sont retenus. Précisez-la."
                )
                % {"limit": MAX_TEXT_MATCHES}
            )
    theme_slug = cleaned.get("theme")
    if theme_slug:
        theme = form.themes[theme_slug]
        queryset = queryset.filter(themed_items__tag=theme)
        params["theme"] = theme_slug
        chips.append(("theme", _("Thème"), theme.display_name))

    # Years among the meetings the other filters select: one GROUP BY.
    year_counts = list(
        queryset.order_by()
        .annotate(meeting_year=ExtractYear("date"))
        .values("meeting_year")
        .annotate(n=Count("pk"))
        .values_list("meeting_year", "n")
    )

    year = cleaned.get("year")
    if year:
        queryset = queryset.filter(date__year=year)
        params["year"] = str(year)
        chips.append(("year", _("Année"), str(year)))

    result = MinutesFilterResult(
        queryset=queryset.order_by("-date", "-start_time", "-pk"),
        params=params,
        notices=notices,
        themes=themes,
        page_number=cleaned.get("page"),
        query=query,
        truncated=truncated,
    )
    result.chips = [
        Chip(param, label, value, result.querystring(**{param: None}))
        for param, label, value in chips
    ]
    result.years = [
        YearItem(y, n, result.querystring(year=y), str(y) == params.get("year"))
        for y, n in sorted(year_counts, key=lambda row: -row[0])
        if y
    ]
    return result
