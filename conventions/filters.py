"""The conventions index's filters: `filtered_conventions(index_page, request.GET)`
serves the listing and the SCDL export alike, so a link keeps its meaning.

Every GET parameter goes through `ConventionFilterForm` before it reaches the
ORM. A value the form rejects (an unknown partner, a status that does not
exist, a year without conventions, a page number that is not one) is left out
and reported in a notice, as in the directory: never a 500.

Choices come from the content: the partners, authorities and years offered
are those of the index's live conventions (one query each, whatever the
number of conventions).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.conf import settings
from django.db.models import Count, F
from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.models import ActorPage
from home.forms import QueryField
from home.listing import form_notices
from home.models import Theme
from home.search import search_terms

from . import status as lifecycle
from .cache import cached
from .models import ConventionPage
from .typography import NBSP

PER_PAGE = 12
MAX_TEXT_MATCHES = 500
FILTER_PARAMS = ["q", "status", "authority", "partner", "year", "theme"]


class ConventionFilterForm(forms.Form):
    """Validates the index's GET parameters. Built with its choices already
    loaded, so that validating costs no query."""

    q = QueryField(
        label=gettext_lazy("Mot-clé"),
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    status = forms.ChoiceField(label=gettext_lazy("Statut"), required=False)
    authority = forms.ChoiceField(label=gettext_lazy("Collectivité"), required=False)
    partner = forms.ChoiceField(label=gettext_lazy("Partenaire"), required=False)
    year = forms.ChoiceField(label=gettext_lazy("Année de la délibération"), required=False)
    theme = forms.ChoiceField(label=gettext_lazy("Thème"), required=False)
    page = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": gettext_lazy("numéro de page invalide"),
            "min_value": gettext_lazy("numéro de page invalide"),
        },
    )

    def __init__(self, *args, themes=(), authorities=(), partners=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.themes = {theme.slug: theme for theme in themes}
        self.authorities = dict(authorities)
        self.partners = dict(partners)
        choice_fields = {
            "status": (_("Tous les statuts"), lifecycle.STATUS_CHOICES),
            "authority": (_("Toutes les collectivités"), list(authorities)),
            "partner": (_("Tous les partenaires"), list(partners)),
            "year": (_("Toutes les années"), [(str(year), str(year)) for year in years]),
            "theme": (
                _("Tous les thèmes"),
                [
                    (theme.slug, theme.display_name)
                    for theme in sorted(themes, key=lambda t: t.sort_key)
                ],
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


@dataclass
class Chip:
    param: str
    label: str
    value: str
    remove_query: str


@dataclass
class StatusCount:
    value: str
    label: str
    count: int
    query: str
    active: bool


@dataclass
class FilterResult:
    queryset: object
    # The filtered set before the status filter: the status counts use it.
    queryset_any_status: object
    form: ConventionFilterForm
    params: dict[str, str]
    notices: list[str]
    chips: list[Chip]
    query: str
    page_number: int | None
    today: object
    choices: dict
    index_id: int = 0
    locale_id: int = 0

    @property
    def has_filters(self) -> bool:
        return bool(self.params)

    def display_form(self) -> ConventionFilterForm:
        """The form to show: valid values only, the ignored ones left out."""
        return ConventionFilterForm(initial=dict(self.params), **self.choices)

    def querystring(self, **changes) -> str:
        """The valid parameters (page excluded) with `changes` applied; None
        removes a parameter. Without a leading "?"."""
        params = dict(self.params)
        for key, value in changes.items():
            if value is None or value == "":
                params.pop(key, None)
            else:
                params[key] = str(value)
        return urlencode([(key, params[key]) for key in FILTER_PARAMS if key in params])

    @cached_property
    def cache_key(self) -> str:
        """Identifies the filter set (index page, locale, parameters, today)
        for the cached counts and the cached filter form."""
        filters = self.querystring()
        digest = hashlib.sha256(filters.encode()).hexdigest()[:32]
        return f"{self.index_id}:{self.locale_id}:{self.today:%Y%m%d}:{digest}"

    def _status_count_values(self) -> dict[str, int]:
        aggregates = {
            code.replace("-", "_"): Count("pk", filter=lifecycle.status_q(code, self.today))
            for code, _label in lifecycle.STATUS_CHOICES
        }
        return self.queryset_any_status.order_by().aggregate(**aggregates)

    @cached_property
    def status_counts(self) -> list[StatusCount]:
        """How many conventions of the set have each status today (one query,
        cached per content version), statuses in use only."""
        counts = cached(f"status:{self.cache_key}", self._status_count_values)
        return [
            StatusCount(
                value=code,
                label=str(label),
                count=counts[code.replace("-", "_")],
                query=self.querystring(status=code),
                active=self.params.get("status") == code,
            )
            for code, label in lifecycle.STATUS_CHOICES
            if counts[code.replace("-", "_")]
        ]


def base_queryset(index_page):
    """Live, public conventions of `index_page`, in its locale."""
    return (
        ConventionPage.objects.live()
        .public()
        .descendant_of(index_page)
        .filter(locale_id=index_page.locale_id)
    )


def filter_choices(index_page, conventions) -> dict:
    """The values in use among `conventions`: authorities, partners (slug,
    title), years of the deliberations (cached per index page and content
    version, conventions/cache.py), and the site's themes."""
    in_use = cached(
        f"choices:{index_page.pk}:{index_page.locale_id}", lambda: _choices_in_use(conventions)
    )
    return {"themes": list(Theme.objects.all()), **in_use}


def _choices_in_use(conventions) -> dict:
    ids = conventions.order_by().values("pk")
    authorities = list(
        ActorPage.objects.filter(conventions_as_authority__in=ids)
        .order_by("sort_title", "slug")
        .values_list("slug", "title")
        .distinct()
    )
    partners = list(
        ActorPage.objects.filter(convention_partnerships__convention__in=ids)
        .order_by("sort_title", "slug")
        .values_list("slug", "title")
        .distinct()
    )
    years = sorted(
        {d.year for d in conventions.order_by().dates("decision_date", "year")}, reverse=True
    )
    return {
        "authorities": _unique(authorities),
        "partners": _unique(partners),
        "years": years,
    }


def _unique(pairs):
    """(slug, title) pairs with each slug once (two directories may share one)."""
    seen = {}
    for slug, title in pairs:
        seen.setdefault(slug, title)
    return list(seen.items())


def _text_matches(queryset, query: str) -> list[int]:
    results = queryset.only("pk").search(
        search_terms(query), operator="and", order_by_relevance=True
    )
    return [page.pk for page in results[: MAX_TEXT_MATCHES + 1]]


def ordering():
    """Most recent deliberation first; undated (proposed) ones last."""
    return [F("decision_date").desc(nulls_last=True), "title", "pk"]


def filtered_conventions(index_page, data: QueryDict | dict | None, today=None) -> FilterResult:
    """The conventions of `index_page` selected by the GET parameters `data`."""
    today = today or lifecycle.paris_today()
    queryset = base_queryset(index_page)
    choices = filter_choices(index_page, queryset)
    form = ConventionFilterForm(data or {}, **choices)
    form.is_valid()
    cleaned = {name: value for name, value in form.cleaned_data.items() if value not in (None, "")}
    notices = form_notices(form)
    params: dict[str, str] = {}
    chips: list[tuple[str, str, str]] = []

    query = cleaned.get("q", "")
    if query:
        ids = _text_matches(queryset, query)
        if len(ids) > MAX_TEXT_MATCHES:
            notices.append(
                _(
                    "Plus de %(limit)s conventions correspondent à votre recherche : seules les "
                    "%(limit)s plus pertinentes sont retenues. Précisez-la ou ajoutez un filtre."
                )
                % {"limit": MAX_TEXT_MATCHES}
            )
        queryset = queryset.filter(pk__in=ids[:MAX_TEXT_MATCHES])
        params["q"] = query
        chips.append(("q", _("Recherche"), f"«{NBSP}{query}{NBSP}»"))

    authority = cleaned.get("authority")
    if authority:
        queryset = queryset.filter(authority__slug=authority)
        params["authority"] = authority
        chips.append(("authority", _("Collectivité"), form.authorities[authority]))
    partner = cleaned.get("partner")
    if partner:
        queryset = queryset.filter(
            pk__in=ConventionPage.objects.filter(partners__actor__slug=partner).values("pk")
        )
        params["partner"] = partner
        chips.append(("partner", _("Partenaire"), form.partners[partner]))
    year = cleaned.get("year")
    if year:
        queryset = queryset.filter(decision_date__year=int(year))
        params["year"] = year
        chips.append(("year", _("Année"), year))
    theme_slug = cleaned.get("theme")
    if theme_slug:
        theme = form.themes[theme_slug]
        queryset = queryset.filter(themed_items__tag=theme)
        params["theme"] = theme_slug
        chips.append(("theme", _("Thème"), theme.display_name))

    any_status = queryset
    status_code = cleaned.get("status")
    if status_code:
        queryset = queryset.filter(lifecycle.status_q(status_code, today))
        params["status"] = status_code
        chips.append(("status", _("Statut"), str(lifecycle.STATUS_LABELS[status_code])))

    result = FilterResult(
        queryset=queryset.order_by(*ordering()),
        queryset_any_status=any_status,
        form=form,
        params=params,
        notices=notices,
        chips=[],
        query=query,
        page_number=cleaned.get("page"),
        today=today,
        choices=choices,
        index_id=index_page.pk,
        locale_id=index_page.locale_id,
    )
    result.chips = [
        Chip(param, label, value, result.querystring(**{param: None}))
        for param, label, value in chips
    ]
    return result
