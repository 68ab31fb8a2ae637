"""The one filter recipe of the directory: the index, its map, the GeoJSON and
the exports all call `filtered_actors(index_page, request.GET)`.

Every GET parameter goes through `DirectoryFilterForm` before it reaches the
ORM. A value the form rejects is left out of the queryset and reported in
French (`FilterResult.notices`): a bad link never gives a 500 nor an empty
page, only a notice saying which criterion was ignored.

The text query goes through the site's search backend, restricted to the
filters the backend can apply itself (kind, région, département, membership
year: `FilterField`s of `ActorPage`). The ids of the best `MAX_TEXT_MATCHES`
matches then restrict the ordinary queryset, which applies the theme and
network filters, sorts (by relevance unless another order was asked for),
counts the facets and paginates like any other listing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django import forms
from django.conf import settings
from django.db.models import CharField, Count, F, Q, Value
from django.db.models.functions import Cast, Concat, StrIndex
from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from home.forms import QueryField
from home.listing import form_notices
from home.models import PageTheme, Theme
from home.search import search_terms

from . import geo
from .cache import cached, current_version, private_paths
from .kinds import GROUP_LABELS, KIND_GROUPS, KIND_LABELS, KINDS_BY_GROUP
from .models import ActorPage, Network

PER_PAGE = 20
# A text query keeps at most this many matches, the most relevant first: the
# backend ranks them once, the ORM filters, counts and sorts those ids.
MAX_TEXT_MATCHES = 500

SORT_NAME = "name"
SORT_RELEVANCE = "relevance"
SORT_CHOICES = [
    (SORT_NAME, gettext_lazy("Nom (de A à Z)")),
    ("-population", gettext_lazy("Population (la plus grande d'abord)")),
    ("population", gettext_lazy("Population (la plus petite d'abord)")),
    ("-membership_year", gettext_lazy("Adhésion (la plus récente d'abord)")),
    ("membership_year", gettext_lazy("Adhésion (la plus ancienne d'abord)")),
]
RELEVANCE_CHOICE = (SORT_RELEVANCE, gettext_lazy("Pertinence"))

# The order of the parameters in the links the pages build.
FILTER_PARAMS = ["q", "kind", "region", "departement", "theme", "network", "member_since"]


def sort_choices(with_relevance: bool) -> list[tuple[str, str]]:
    """The orders offered: relevance first when there is a text query."""
    return [RELEVANCE_CHOICE, *SORT_CHOICES] if with_relevance else list(SORT_CHOICES)


def kind_choices():
    """Each group (« all its kinds ») followed by its kinds, as option groups."""
    return [
        (
            label,
            [(code, _("%(group)s : tous les types") % {"group": label})]
            + [(kind, kind_label) for kind, kind_label in kinds],
        )
        for code, label, kinds in KIND_GROUPS
    ]


def network_label(network) -> str:
    if network.acronym and network.acronym != network.name:
        return f"{network.name} ({network.acronym})"
    return network.name


class CodeChoiceField(forms.ChoiceField):
    """A choice validated against a set of codes. Its option list (labels,
    groups) is only built for a form that is displayed: validating a request's
    parameters needs the codes alone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes: frozenset[str] = frozenset()

    def valid_value(self, value) -> bool:
        return str(value) in self.codes


KIND_CODES = frozenset(KIND_LABELS) | frozenset(KINDS_BY_GROUP)
SORT_CODES = frozenset(code for code, _label in SORT_CHOICES)


class DirectoryFilterForm(forms.Form):
    """Validates the directory's GET parameters. Built with the themes and
    networks already loaded, so that validating costs no query. Only a form
    built with `display=True` gets its option lists (labels, groups)."""

    q = QueryField(
        label=gettext_lazy("Nom, commune, mot-clé"),
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    kind = CodeChoiceField(label=gettext_lazy("Type d'acteur"), required=False)
    region = CodeChoiceField(label=gettext_lazy("Région"), required=False)
    departement = CodeChoiceField(label=gettext_lazy("Département"), required=False)
    theme = CodeChoiceField(label=gettext_lazy("Thème"), required=False)
    network = CodeChoiceField(label=gettext_lazy("Réseau"), required=False)
    member_since = forms.IntegerField(
        label=gettext_lazy("Adhérent depuis (année)"),
        help_text=gettext_lazy("Année d'adhésion égale ou postérieure, par exemple 2015."),
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
    sort = CodeChoiceField(label=gettext_lazy("Trier par"), required=False)
    page = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": gettext_lazy("numéro de page invalide"),
            "min_value": gettext_lazy("numéro de page invalide"),
        },
    )

    def __init__(self, *args, themes=(), networks=(), display=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.themes = {theme.slug: theme for theme in themes}
        self.networks = {network.slug: network for network in networks}
        query = self.data.get("q") if self.is_bound else self.initial.get("q")
        with_relevance = bool((query or "").strip())
        codes = {
            "kind": KIND_CODES,
            "region": frozenset(geo.regions()),
            "departement": frozenset(geo.departements()),
            "theme": frozenset(self.themes),
            "network": frozenset(self.networks),
            "sort": (SORT_CODES | {SORT_RELEVANCE}) if with_relevance else SORT_CODES,
        }
        for name, field_codes in codes.items():
            self.fields[name].codes = field_codes
            self.fields[name].error_messages["invalid_choice"] = _("valeur inconnue")
        if display:
            self._set_choices(themes, networks, with_relevance)

    def _set_choices(self, themes, networks, with_relevance):
        choice_fields = {
            "kind": (_("Tous les types"), kind_choices()),
            "region": (_("Toutes les régions"), geo.region_choices()),
            "departement": (_("Tous les départements"), geo.departement_choices()),
            "theme": (
                _("Tous les thèmes"),
                [
                    (theme.slug, theme.display_name)
                    for theme in sorted(themes, key=lambda t: t.sort_key)
                ],
            ),
            "network": (
                _("Tous les réseaux"),
                [(network.slug, network_label(network)) for network in networks],
            ),
        }
        for name, (empty_label, choices) in choice_fields.items():
            self.fields[name].choices = [("", empty_label)] + list(choices)
        self.fields["sort"].choices = sort_choices(with_relevance)
        for name in ["q", "kind", "region", "departement", "theme", "network", "member_since"]:
            self.fields[name].widget.attrs["class"] = "field__input"
        self.fields["sort"].widget.attrs["class"] = "field__input"

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
class FacetItem:
    value: str
    label: str
    count: int
    query: str
    active: bool = False
    children: list[FacetItem] = field(default_factory=list)


@dataclass
class Facet:
    param: str
    title: str
    items: list[FacetItem]


@dataclass
class Chip:
    """An active filter, with the query string that removes it."""

    param: str
    label: str
    value: str
    remove_query: str


@dataclass
class FilterResult:
    queryset: object
    form: DirectoryFilterForm
    params: dict[str, str]
    notices: list[str]
    chips: list[Chip]
    sort: str
    query: str
    page_number: int | None
    truncated: bool
    themes: dict[int, Theme]
    networks: dict[int, Network]
    # Identifies the filtered set for the facet cache (index page, locale,
    # filters); None disables caching.
    cache_key: str | None = None
    version: str = ""

    def _cached(self, name: str, compute):
        if self.cache_key is None:
            return compute()
        return cached(f"{self.cache_key}:{name}", compute, version=self.version)

    @property
    def has_filters(self) -> bool:
        return bool(self.params)

    @cached_property
    def _display_form(self) -> DirectoryFilterForm:
        return DirectoryFilterForm(
            initial={**self.params, "sort": self.sort},
            themes=self.themes.values(),
            networks=self.networks.values(),
            display=True,
        )

    def display_form(self) -> DirectoryFilterForm:
        """The form to show: the valid values only, the ignored ones left out.
        Built on first use only: the index's cached fragments need none."""
        return self._display_form

    def sort_choices(self) -> list[tuple[str, str]]:
        return sort_choices(bool(self.query))

    def querystring(self, **changes) -> str:
        """The valid parameters (page excluded) with `changes` applied; a value
        of None removes a parameter. Without a leading "?"."""
        params = dict(self.params)
        for key, value in changes.items():
            if value is None or value == "":
                params.pop(key, None)
            else:
                params[key] = str(value)
        order = FILTER_PARAMS + ["sort", "page"]
        return urlencode([(key, params[key]) for key in order if key in params])

    @cached_property
    def _kind_region_counts(self) -> list[tuple[str, str, int]]:
        """(kind, région, count) among the filtered set: one GROUP BY query that
        gives the kind and région facets and the total. Cached (directory/cache.py)."""
        return self._cached(
            "kind-region",
            lambda: list(
                self.queryset.order_by()
                .values("kind", "region")
                .annotate(n=Count("pk"))
                .values_list("kind", "region", "n")
            ),
        )

    @cached_property
    def _theme_network_counts(self) -> list[tuple[str, int, int]]:
        """("theme" | "network", id, count) among the filtered set: both GROUP
        BY queries in one round trip (UNION ALL)."""

        def compute():
            ids = self.queryset.order_by().values("pk")
            themes = (
                PageTheme.objects.filter(content_object_id__in=ids)
                .values("tag_id")
                .annotate(n=Count("pk"), facet=Value("theme"))
                .values_list("facet", "tag_id", "n")
            )
            networks = (
                ActorPage.networks.through.objects.filter(actorpage_id__in=ids)
                .values("network_id")
                .annotate(n=Count("pk"), facet=Value("network"))
                .values_list("facet", "network_id", "n")
            )
            return list(themes.union(networks, all=True))

        return self._cached("theme-network", compute)

    @cached_property
    def total(self) -> int:
        """The number of filtered actors, from the facet query (no COUNT(*) of its own)."""
        return sum(n for _kind, _region, n in self._kind_region_counts)

    @cached_property
    def facets(self) -> list[Facet]:
        """Counts among the filtered set, only the values in use (two queries)."""
        facets = [
            self._kind_facet(),
            self._region_facet(),
            self._related_facet("theme", _("Thème"), self.themes, lambda t: t.display_name),
            self._related_facet("network", _("Réseau"), self.networks, str),
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

    def _kind_facet(self):
        counts = Counter()
        for kind, _region, n in self._kind_region_counts:
            counts[kind] += n
        items = []
        for group, label, kinds in KIND_GROUPS:
            children = [
                self._item("kind", kind, kind_label, counts[kind])
                for kind, kind_label in kinds
                if counts.get(kind)
            ]
            if children:
                item = self._item("kind", group, label, sum(c.count for c in children))
                item.children = children
                items.append(item)
        return Facet("kind", _("Type d'acteur"), items)

    def _region_facet(self):
        counts = Counter()
        for _kind, region, n in self._kind_region_counts:
            counts[region] += n
        regions = geo.regions()
        items = [
            self._item("region", code, regions[code].name, n)
            for code, n in counts.items()
            if code in regions
        ]
        items.sort(key=lambda item: (-item.count, item.label))
        return Facet("region", _("Région"), items)

    def _related_facet(self, param, title, objects, label):
        items = [
            self._item(param, objects[pk].slug, label(objects[pk]), n)
            for facet, pk, n in self._theme_network_counts
            if facet == param and pk in objects
        ]
        items.sort(key=lambda item: (-item.count, item.label))
        return Facet(param, title, items)


def vocabulary(version: str | None = None) -> tuple[list[Theme], list[Network]]:
    """The themes and networks the filters offer, from the versioned cache
    (saving a theme or a network renews it)."""
    return cached(
        "vocabulary",
        lambda: (list(Theme.objects.all()), list(Network.objects.all())),
        version=version,
    )


def base_queryset(index_page):
    """Live, public actors of `index_page`, in its locale.

    Same as `.live().public()`, but the private sections (which `public()`
    reads from the database on every call) come from the versioned cache."""
    queryset = (
        ActorPage.objects.live().descendant_of(index_page).filter(locale_id=index_page.locale_id)
    )
    private = Q()
    for path in private_paths():
        private |= Q(path__startswith=path)
    return queryset.exclude(private) if private else queryset


def _text_matches(queryset, query: str) -> list[int]:
    """Ids of the best matches of `query` within `queryset` (filtered on
    `FilterField`s only), most relevant first."""
    results = queryset.only("pk").search(
        search_terms(query), operator="and", order_by_relevance=True
    )
    return [actor.pk for actor in results[: MAX_TEXT_MATCHES + 1]]


def relevance_expression(ids):
    """The rank of each actor in `ids` (best match first), as the position of
    ",<pk>," in one string: a single parameter however many matches there are
    (a CASE WHEN per id costs more to build than the query takes to run)."""
    ranked = "," + ",".join(str(pk) for pk in ids) + ","
    return StrIndex(Value(ranked), Concat(Value(","), Cast("pk", CharField()), Value(",")))


def _ordering(sort: str):
    if sort == "-population":
        return [F("population").desc(nulls_last=True), "sort_title", "pk"]
    if sort == "population":
        return [F("population").asc(nulls_last=True), "sort_title", "pk"]
    if sort == "-membership_year":
        return [F("membership_year").desc(nulls_last=True), "sort_title", "pk"]
    if sort == "membership_year":
        return [F("membership_year").asc(nulls_last=True), "sort_title", "pk"]
    return ["sort_title", "pk"]


def filtered_actors(index_page, data: QueryDict | dict | None) -> FilterResult:
    """The actors of `index_page` selected by the GET parameters `data`."""
    version = current_version()
    themes, networks = vocabulary(version)
    form = DirectoryFilterForm(data or {}, themes=themes, networks=networks)
    form.is_valid()
    cleaned = {name: value for name, value in form.cleaned_data.items() if value not in (None, "")}
    notices = form_notices(form)

    queryset = base_queryset(index_page)
    params: dict[str, str] = {}
    chips: list[tuple[str, str, str]] = []

    kind = cleaned.get("kind")
    if kind:
        if kind in KINDS_BY_GROUP:
            queryset = queryset.filter(kind__in=KINDS_BY_GROUP[kind])
            chips.append(("kind", _("Type d'acteur"), str(GROUP_LABELS[kind])))
        else:
            queryset = queryset.filter(kind=kind)
            chips.append(("kind", _("Type d'acteur"), str(KIND_LABELS[kind])))
        params["kind"] = kind
    region = cleaned.get("region")
    if region:
        queryset = queryset.filter(region=region)
        params["region"] = region
        chips.append(("region", _("Région"), geo.regions()[region].name))
    departement = cleaned.get("departement")
    if departement:
        queryset = queryset.filter(departement=departement)
        params["departement"] = departement
        name = geo.departements()[departement].name
        chips.append(("departement", _("Département"), f"{departement} – {name}"))
    member_since = cleaned.get("member_since")
    if member_since:
        queryset = queryset.filter(membership_year__gte=member_since)
        params["member_since"] = str(member_since)
        chips.append(("member_since", _("Adhérent depuis"), str(member_since)))

    query = cleaned.get("q", "")
    truncated = False
    ids = None
    if query:
        ids = _text_matches(queryset, query)
        truncated = len(ids) > MAX_TEXT_MATCHES
        ids = ids[:MAX_TEXT_MATCHES]
        queryset = queryset.filter(pk__in=ids)
        params["q"] = query
        chips.insert(0, ("q", _("Recherche"), f"« {query} »"))
        if truncated:
            notices.append(
                _(
                    "Plus de %(limit)s acteurs correspondent à votre recherche : seuls les "
                    "%(limit)s plus pertinents sont retenus. Précisez-la ou ajoutez un filtre."
                )
                % {"limit": MAX_TEXT_MATCHES}
            )

    theme_slug = cleaned.get("theme")
    if theme_slug:
        theme = form.themes[theme_slug]
        queryset = queryset.filter(themed_items__tag=theme)
        params["theme"] = theme_slug
        chips.append(("theme", _("Thème"), theme.display_name))
    network_slug = cleaned.get("network")
    if network_slug:
        network = form.networks[network_slug]
        queryset = queryset.filter(networks=network)
        params["network"] = network_slug
        chips.append(("network", _("Réseau"), str(network)))

    sort = cleaned.get("sort") or ""
    if sort == SORT_RELEVANCE and not query:
        sort = ""
    if sort:
        params["sort"] = sort
    else:
        sort = SORT_RELEVANCE if query else SORT_NAME
    if sort == SORT_RELEVANCE and ids:
        queryset = queryset.order_by(relevance_expression(ids), "pk")
    else:
        queryset = queryset.order_by(*_ordering(sort))

    result = FilterResult(
        queryset=queryset,
        form=form,
        params=params,
        notices=notices,
        chips=[],
        sort=sort,
        query=query,
        page_number=cleaned.get("page"),
        truncated=truncated,
        themes={theme.pk: theme for theme in themes},
        networks={network.pk: network for network in networks},
        version=version,
    )
    filters = urlencode(sorted((k, v) for k, v in params.items() if k != "sort"))
    digest = hashlib.sha256(filters.encode()).hexdigest()[:32]
    result.cache_key = f"{index_page.pk}:{index_page.locale_id}:{digest}"
    result.chips = [
        Chip(param, label, value, result.querystring(**{param: None}))
        for param, label, value in chips
    ]
    return result
