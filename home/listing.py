"""The one listing mechanism: every filtered listing of the site (the
directory, the calls, a network's minutes, the conventions) is a
`ListingFilterSet`, and so is everything that reuses a listing's selection
(its map, feeds, exports, and later the API and saved alerts: a saved alert is
a filter set's `params`).

A filter set owns what every listing shares:
- `q`, the text query (cleaned by `QueryField`, refused when too long or
  without a word), always combined with the other filters: the text matches
  are ranked within the set the other filters select, and at most
  `max_text_matches` of them are kept, with a notice when more matched.
  When the search backend fails (home/search.py), a request gets the other
  filters' selection with a notice, the text query ignored
  (`search_unavailable`), and nothing computed without it is cached under
  the selection's usual key (`filters_key`); a command or a task (the alert
  digests) gets `SearchUnavailable` and tries again later;
- `theme`, the site's controlled vocabulary (from the versioned cache);
- `sort`, when the listing declares `sort_choices`, relevance first when there
  is a text query and `relevance_sort` is on;
- `page`, and the notice when the page asked for does not exist;
- the notices for rejected values: a value the form rejects is left out of the
  queryset and reported, never a 500 nor an empty page;
- the chips (active filters, each with the link that removes it), the
  `querystring` of the valid values in a stable order, and the facet items.

Each listing declares only its own filters (django-filter `Filter`s, usually
with `method=`), its facets and its default order:

    class CallFilterSet(ListingFilterSet):
        type = ChoiceFilter(label=_("Type d'appel"), empty_label=_("Tous les types"),
                            choices=vocab.CallType.choices, field_name="call_type")
        ordering = ["-deadline", "pk"]
        class Meta:
            model = CallForProjectsPage
            fields = []

    listing = CallFilterSet(request.GET, scope=index_page)
    listing.qs                      # filtered, ordered queryset
    page, page_range = listing.paginate()
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cached_property

import django_filters
from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import CharField, Count, Value
from django.db.models.functions import Cast, Concat, StrIndex
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from home.cache import PAGE_TREE, KeptFragment, VersionedCache, digest
from home.forms import QueryField, clean_query_text
from home.http import site_key
from home.page_cache import time_window
from home.privacy import private_paths, public
from home.search import (
    SearchUnavailable,
    ranked_ids,
    search_terms,
    searching,
    serving_request,
)
from home.typography import NBSP, french_spacing

# The themes offered by every listing's theme filter.
THEMES = VersionedCache("themes", timeout=60 * 60, invalidated_by=["home.Theme"])

CORE_PARAMS = ("q", "sort", "page")
FIELD_CLASS = "field__input"


def themes() -> list:
    """The site's themes, in their display order (cached until one is saved)."""
    from home.models import Theme

    return THEMES.get_or_set(
        "all", lambda: sorted(Theme.objects.all(), key=lambda theme: theme.sort_key)
    )


# --- Filters -------------------------------------------------------------------


class _FieldCopies(dict):
    """A listing form's `base_fields`. Django's form copies them with
    `copy.deepcopy` for every form it builds; a filter form needs one copy of
    each field and of its widget (what a form instance changes: attributes,
    choices, error messages), not of everything they reference."""

    def __deepcopy__(self, memo):
        fields = {}
        for name, original in self.items():
            field_ = copy.copy(original)
            field_.widget = copy.copy(original.widget)
            field_.widget.attrs = dict(original.widget.attrs)
            field_.error_messages = dict(original.error_messages)
            field_.validators = list(original.validators)
            fields[name] = field_
        return fields


class ListingQueryField(QueryField):
    """A listing's text query: at most SEARCH_QUERY_MAX_LENGTH characters and
    at least one word or number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("strip", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
        )
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        limit = settings.SEARCH_QUERY_MAX_LENGTH
        if len(value) > limit:
            raise forms.ValidationError(
                _("plus de %(limit)s caractères"), code="too_long", params={"limit": limit}
            )
        if value and not search_terms(value):
            raise forms.ValidationError(_("ni mot ni nombre"), code="no_word")


class TextFilter(django_filters.CharFilter):
    """The text query. Applied by the filter set after every other filter."""

    field_class = ListingQueryField

    def filter(self, qs, value):
        return qs


class PageFilter(django_filters.NumberFilter):
    """The page number: validated here, used by `paginate`."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": gettext_lazy("numéro de page invalide"),
                "min_value": gettext_lazy("numéro de page invalide"),
            },
        )
        super().__init__(**kwargs)

    def filter(self, qs, value):
        return qs


class YearFilter(django_filters.NumberFilter):
    """A year between 1900 and 2100 (`lookup` on `field_name`)."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2100)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": gettext_lazy("une année est attendue"),
                "min_value": gettext_lazy("année entre 1900 et 2100 attendue"),
                "max_value": gettext_lazy("année entre 1900 et 2100 attendue"),
            },
        )
        kwargs.setdefault(
            "widget", forms.NumberInput(attrs={"inputmode": "numeric", "min": 1900, "max": 2100})
        )
        super().__init__(**kwargs)


class DateFilter(django_filters.DateFilter):
    """A date (ISO or French day/month/year) between the years 1900 and 2100."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y"])
        kwargs.setdefault(
            "error_messages",
            {"invalid": gettext_lazy("une date est attendue, par exemple 2026-12-31")},
        )
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)
        self.extra.setdefault("validators", []).append(_plausible_year)


def _plausible_year(value) -> None:
    if value is not None and not (1900 <= value.year <= 2100):
        raise forms.ValidationError(_("année entre 1900 et 2100 attendue"), code="year")


class CodeChoiceField(forms.ChoiceField):
    """A choice validated against a set of codes: validating a request needs
    the codes alone, the option list (labels, groups) is only set on a form
    that is displayed (copying it into every form cost more than the rest of
    a cached listing)."""

    codes: frozenset = frozenset()

    def valid_value(self, value) -> bool:
        return str(value) in self.codes


class ChoiceFilter(django_filters.ChoiceFilter):
    """A choice among codes. `choices` may be a list, or left out and given by
    the filter set's `load_choices()` (choices that depend on the content).
    Unknown codes are reported as « valeur inconnue »."""

    field_class = CodeChoiceField

    def __init__(self, *args, empty_label=None, choices=(), **kwargs):
        self.empty_label = empty_label
        self.static_choices = list(choices)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        # (A filter declared with `method=` has that method instead.)
        if value in ("", None):
            return qs
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": value})


class ThemeFilter(ChoiceFilter):
    """The site's themes, by slug (looked up in the cached theme list: no join)."""

    def filter(self, qs, value):
        if not value:
            return qs
        ids = [theme.pk for theme in themes() if theme.slug == value]
        return qs.filter(themed_items__tag_id__in=ids)


class SortFilter(ChoiceFilter):
    """The order asked for: applied by the filter set (`order`)."""

    def filter(self, qs, value):
        return qs


# --- Results -------------------------------------------------------------------


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


class CountedQuerySet:
    """A queryset whose length is already known, so that the paginator does not
    count it again."""

    ordered = True

    def __init__(self, queryset, count: int):
        self.queryset = queryset
        self._count = count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, key):
        return self.queryset[key]


class KeptSlices:
    """A selection as the paginator reads it, its length known (no count
    query): each slice it asks for is `fetch(slice)`, which keeps it where
    the caller chooses (a listing's pages, the site search's ranked keys)."""

    ordered = True

    def __init__(self, total: int, fetch):
        self.total, self.fetch = total, fetch

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        return self.fetch(key)


def shown_value(value) -> str:
    """A rejected value, safe and short enough to quote in a notice."""
    return Truncator(clean_query_text(str(value))).chars(40)


def relevance_expression(ids):
    """The rank of each page in `ids` (best match first), as the position of
    ",<pk>," in one string: a single parameter however many matches there are
    (a CASE WHEN per id costs more to build than the query takes to run)."""
    ranked = "," + ",".join(str(pk) for pk in ids) + ","
    return StrIndex(Value(ranked), Concat(Value(","), Cast("pk", CharField()), Value(",")))


def public_index(model, locale_id: int):
    """The live, public index page of type `model` in a locale (the first in
    tree order), or None. Kept in the page tree's versioned cache (renewed
    by any page change): home pages and fiches ask for their sections'
    listings on every request."""

    def find():
        return model.objects.live().filter(locale_id=locale_id).order_by("path").first()

    index = PAGE_TREE.get_or_set(f"index:{model._meta.label_lower}:{locale_id}", find)
    if index is None or any(index.path.startswith(path) for path in private_paths()):
        return None
    return index


def paginate(results, page_number, per_page):
    """The page asked for (the last one when it is past the end, the first
    when it is not a number) and its elided page range."""
    paginator = Paginator(results, per_page)
    page = paginator.get_page(page_number)
    elided = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page, elided


def usable(value) -> bool:
    """A value asked for that may be looked up in the database (a choice
    offered only when it exists, a shared link's organiser): a string
    without a NUL byte (PostgreSQL refuses them in a query)."""
    return bool(value) and isinstance(value, str) and "\x00" not in value


def with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


# --- The filter set ----------------------------------------------------------------


class ListingFilterSet(django_filters.FilterSet):
    q = TextFilter(label=gettext_lazy("Mot-clé"))
    theme = ThemeFilter(label=gettext_lazy("Thème"), empty_label=gettext_lazy("Tous les thèmes"))
    sort = SortFilter(label=gettext_lazy("Trier par"))
    page = PageFilter()

    per_page = 20
    # A text query keeps at most this many matches, the most relevant first.
    max_text_matches = 500
    # Said when more matched: "%(limit)s" is replaced by max_text_matches.
    truncated_notice = gettext_lazy(
        "Plus de %(limit)s résultats correspondent à votre recherche : seuls les "
        "%(limit)s plus pertinents sont retenus. Précisez-la ou ajoutez un filtre."
    )
    # {code: (label, order_by arguments)}; the first is the default. Empty:
    # no sort parameter, the listing is in `ordering`.
    sort_choices: dict = {}
    ordering: list = ["pk"]
    # Offer « Pertinence » (the default then) when there is a text query.
    relevance_sort = False
    # The namespace that caches facet counts, choices and the text query's
    # ranked matches (all under the content's version), or None.
    cache: VersionedCache | None = None
    # The text query could not be searched (search backend unavailable,
    # home/search.py): it is ignored, with a notice.
    search_unavailable = False
    unavailable_notice = gettext_lazy(
        "La recherche par mots-clés est momentanément indisponible : « %(value)s » "
        "n'est pas pris en compte, les autres filtres le sont. Réessayez dans "
        "quelques minutes."
    )
    # The shared filter form (templates/includes/listing/filter_form.html):
    # its title, its button, and its groups of fields after the text query:
    # (legend, [parameter names], folded) — a folded group is a <details>
    # whose summary is the legend, open when one of its filters is set.
    form_title = gettext_lazy("Filtrer")
    submit_label = gettext_lazy("Afficher")
    field_groups: list = []

    class Meta:
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, scope=None, now=None):
        self.scope = scope
        self.now = now or timezone.now()
        # What django-filter's __init__ does, with a shallow copy of each
        # filter instead of a deep one (choices and lazy labels included).
        # The scope's queryset is built when first read (`queryset`): a
        # page whose values all come from the cache builds none.
        self.is_bound = True
        self.data = data if data is not None else {}
        self._queryset = queryset
        self.request = request
        self.form_prefix = None
        self.filters = {}
        model = queryset.model if queryset is not None else self._meta.model
        for name in self.filter_names():
            base = self.base_filters[name]
            filter_ = copy.copy(base)
            filter_.extra = dict(base.extra)
            filter_.model = model
            filter_.parent = self
            if base.method is not None:
                filter_.method = base.method  # a FilterMethod bound to this copy
            self.filters[name] = filter_

    @property
    def queryset(self):
        """What the listing selects from: the queryset given, else the
        scope's `base_queryset`, else every item of the model."""
        if self._queryset is None:
            if self.scope is not None:
                self._queryset = self.base_queryset(self.scope)
            else:
                self._queryset = self._meta.model._default_manager.all()
        return self._queryset

    @queryset.setter
    def queryset(self, value):
        self._queryset = value

    @classmethod
    def filter_names(cls) -> list[str]:
        """The parameters this listing reads (no `sort` without sort choices)."""
        return [name for name in cls.base_filters if name != "sort" or cls.sort_choices]

    @classmethod
    def listing_form_class(cls):
        """The form class, built once per listing (its fields come from the
        filters, which never change)."""
        if "_listing_form_class" not in cls.__dict__:
            fields = {name: cls.base_filters[name].field for name in cls.filter_names()}
            form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
            form_class.base_fields = _FieldCopies(form_class.base_fields)
            cls._listing_form_class = form_class
        return cls._listing_form_class

    def get_form_class(self):
        return self.listing_form_class()

    # --- What a listing declares -------------------------------------------

    def base_queryset(self, scope):
        """The items a listing of `scope` (an index page) shows: its live,
        public descendants of the model, in its locale."""
        return public(
            self._meta.model.objects.live().descendant_of(scope).filter(locale_id=scope.locale_id)
        )

    def load_choices(self) -> dict[str, list]:
        """Choices that depend on the content, by parameter (theme included)."""
        return {"theme": [(theme.slug, theme.display_name) for theme in themes()]}

    def describe(self, name: str, value) -> str:
        """How a chip shows the valid value of `name`."""
        if name == "q":
            return f"«{NBSP}{value}{NBSP}»"
        if isinstance(self.form.fields[name], CodeChoiceField):
            for code, label in _flat_choices(self.choice_list(name)):
                if str(code) == str(value):
                    return str(label)
        if hasattr(value, "year") and hasattr(value, "isoformat"):
            return date_format(value)
        return str(value)

    def chip_label(self, name: str) -> str:
        if name == "q":
            return _("Recherche")
        return str(self.filters[name].label)

    # --- The form -----------------------------------------------------------

    @cached_property
    def choices(self) -> dict[str, list]:
        return self.load_choices()

    def choice_list(self, name: str) -> list:
        """The options of a choice parameter: from `load_choices()`, else the
        filter's own."""
        if name == "sort":
            return self.sort_options()
        if name in self.choices:
            return list(self.choices[name])
        return list(getattr(self.filters[name], "static_choices", ()))

    def _prepare(self, form, display: bool = False) -> None:
        for name, form_field in form.fields.items():
            if isinstance(form_field, CodeChoiceField):
                choices = self.choice_list(name)
                form_field.codes = frozenset(str(code) for code, _label in _flat_choices(choices))
                form_field.error_messages["invalid_choice"] = _("valeur inconnue")
                if display:
                    empty = [] if name == "sort" else [("", self.filters[name].empty_label or "")]
                    form_field.choices = empty + choices
            form_field.widget.attrs.setdefault("class", FIELD_CLASS)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = self.get_form_class()(self.data, prefix=self.form_prefix)
            self._prepare(form)
            self._form = form
        return self._form

    def display_form(self):
        """The form to show: the valid values only, the ignored ones left out.
        Built once, on first use (a cached listing fragment may need none)."""
        if not hasattr(self, "_display_form"):
            initial = dict(self.params)
            if "sort" in self.filters:
                initial["sort"] = self.sort_code
            form = self.get_form_class()(initial=initial)
            self._prepare(form, display=True)
            self._display_form = form
        return self._display_form

    def form_layout(self, form=None) -> list[dict]:
        """The display form's fields by group, for the shared filter form."""
        form = form or self.display_form()
        groups = []
        for legend, names, folded in self.field_groups:
            fields = [form[name] for name in names if name in form.fields]
            if fields:
                groups.append(
                    {
                        "legend": legend,
                        "fields": fields,
                        "folded": folded,
                        "open": any(name in self.params for name in names),
                    }
                )
        return groups

    def sort_options(self) -> list[tuple[str, str]]:
        options = [(code, label) for code, (label, _order) in self.sort_choices.items()]
        if self.relevance_sort and self.query and not self.search_unavailable:
            options.insert(0, ("relevance", _("Pertinence")))
        return options

    @cached_property
    def cleaned(self) -> dict:
        """The valid, non-empty values."""
        self.form.is_valid()
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "", [])
        }

    @cached_property
    def query(self) -> str:
        """The valid text query. Cleaned on its own: the sort options (and so
        the form) depend on it."""
        if "q" not in self.filters:
            return ""
        try:
            return ListingQueryField(required=False).clean(self.data.get("q", ""))
        except forms.ValidationError:
            return ""

    @cached_property
    def page_number(self) -> int | None:
        return self.cleaned.get("page")

    @cached_property
    def sort_code(self) -> str:
        """The order applied: the one asked for, else relevance (with a text
        query and `relevance_sort`), else the first of `sort_choices`."""
        asked = self.cleaned.get("sort", "")
        ranks = self.relevance_sort and self.query and not self.search_unavailable
        if asked == "relevance" and not ranks:
            asked = ""
        if asked:
            return asked
        if ranks:
            return "relevance"
        return next(iter(self.sort_choices), "")

    @cached_property
    def params(self) -> dict[str, str]:
        """The valid values as they appear in a link (page excluded)."""
        params = {}
        for name, value in self.cleaned.items():
            if name == "page":
                continue
            params[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        if params.get("sort") == "relevance" and not self.query:
            params.pop("sort")
        return params

    @property
    def has_filters(self) -> bool:
        return bool(self.params)

    def param_order(self) -> list[str]:
        names = [name for name in self.filters if name not in CORE_PARAMS]
        return ["q", *names, "sort", "page"]

    def querystring(self, **changes) -> str:
        """The valid parameters with `changes` applied (None removes one),
        in a stable order, without a leading "?"."""
        params = dict(self.params)
        for key, value in changes.items():
            if value is None or value == "":
                params.pop(key, None)
            else:
                params[key] = str(value)
        return urlencode([(key, params[key]) for key in self.param_order() if key in params])

    @cached_property
    def _selection_key(self) -> str:
        scope = f"{self.scope.pk}:{self.scope.locale_id}" if self.scope is not None else "-"
        return f"{scope}:{digest(self.querystring(sort=None))}"

    @property
    def filters_key(self) -> str:
        """Identifies the selection (scope, locale, filters, no sort or page)
        in cache keys. The text query is searched first: a selection made
        without it (search backend unavailable) has a key of its own, so
        what is cached for it is never served once the search is back."""
        if self.query:
            self._ranked()
        if self.search_unavailable:
            return f"{self._selection_key}:sans-recherche"
        return self._selection_key

    # --- Filtering ------------------------------------------------------------

    def filter_queryset(self, queryset, exclude=()):
        """`queryset` filtered on every valid value but those of `exclude`,
        the text query last, ranked within what the others selected."""
        exclude = frozenset(exclude)
        for name, value in self.cleaned.items():
            if name in CORE_PARAMS or name in exclude:
                continue
            queryset = self.filters[name].filter(queryset, value)
        if self.query and "q" not in exclude:
            ranked = self._ranked(exclude)
            if ranked is not None:
                queryset = queryset.filter(pk__in=ranked[: self.max_text_matches])
        return queryset

    def without(self, *names):
        """The selection with the filters `names` left out (a facet counts
        its own values among what the other filters select)."""
        return self.filter_queryset(self.queryset.all(), exclude=names)

    @cached_property
    def _ranked_everywhere(self) -> list:
        """Ids of the best text matches among all the listing's items (kept
        in the listing's cache: they change only with the content). Raises
        `SearchUnavailable` (nothing cached) when the backend fails."""

        def compute():
            with searching():
                everything = self.queryset.model.objects.filter(
                    pk__in=self.queryset.order_by().values("pk")
                )
                results = everything.only("pk").search(
                    search_terms(self.query), operator="and", order_by_relevance=True
                )
                return ranked_ids(results[: self.max_text_matches + 1])

        if self.cache is None:
            return compute()
        scope = f"{self.scope.pk}:{self.scope.locale_id}" if self.scope is not None else "-"
        return self.cache.get_or_set(f"ranked:{scope}:{digest(self.query)}", compute)

    def _ranked(self, exclude=frozenset()) -> list | None:
        """Ids of the best text matches (one more than kept, to tell when
        some were left out) among what the filters but `exclude` select;
        None when the search backend is unavailable (`search_unavailable`).

        When the whole listing holds no more matches than are kept, they
        are returned for every scope: a relevance score does not depend on
        the other filters, so the filters that follow select the same
        items in the same order, and the facets need no search of their
        own. Only beyond that limit is each scope searched, so that the
        kept matches are the best ones within it (and only when another
        filter narrows the scope)."""
        if self.search_unavailable:
            return None
        # Only the filters that are set change the ranking's scope.
        key = frozenset(exclude) & frozenset(self.cleaned)
        scoped_by = set(self.cleaned) - set(CORE_PARAMS) - key
        try:
            everywhere = self._ranked_everywhere
            if not scoped_by or len(everywhere) <= self.max_text_matches:
                return everywhere
            ranked = self.__dict__.setdefault("_ranked_by_scope", {})
            if key not in ranked:
                others = self.filter_queryset(self.queryset.all(), exclude={*key, "q"})
                scope = self.queryset.model.objects.filter(pk__in=others.order_by().values("pk"))
                with searching():
                    results = scope.only("pk").search(
                        search_terms(self.query), operator="and", order_by_relevance=True
                    )
                    ranked[key] = ranked_ids(results[: self.max_text_matches + 1])
            return ranked[key]
        except SearchUnavailable:
            # A visitor gets the other filters' selection, with a notice; a
            # command or a task must not act on it (an alert's digest would
            # send what its text query leaves out): it tries again later.
            if not serving_request():
                raise
            self.search_unavailable = True
            return None

    @property
    def text_matches(self) -> list:
        """Ids of the best text matches within the other filters, best first
        (none when the search backend is unavailable)."""
        return (self._ranked() or [])[: self.max_text_matches]

    @property
    def truncated(self) -> bool:
        ranked = self._ranked() if self.query else None
        return ranked is not None and len(ranked) > self.max_text_matches

    def order(self, queryset):
        sort_code = self.sort_code
        if sort_code == "relevance" and self._ranked() is None:
            # No relevance without the search backend: the default order.
            sort_code = next(iter(self.sort_choices), "")
        if sort_code == "relevance":
            return queryset.order_by(relevance_expression(self.text_matches), "pk")
        if sort_code in self.sort_choices:
            return queryset.order_by(*self.sort_choices[sort_code][1])
        return queryset.order_by(*self.ordering)

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            self._qs = self.order(self.filter_queryset(self.queryset.all()))
        return self._qs

    # --- What the page shows ----------------------------------------------

    @cached_property
    def notices(self) -> list[str]:
        """One sentence per rejected parameter, and one when the text query
        matched more than is kept. `paginate` adds the page's."""
        notices = []
        form = self.form
        self.cleaned  # noqa: B018 (validates)
        for name in self.param_order():
            if name not in form.fields or name not in form.errors:
                continue
            reason = "; ".join(str(message) for message in form.errors[name])
            params = {"value": shown_value(form.data.get(name, "")), "reason": reason}
            if name == "page":
                text = _(
                    "Numéro de page « %(value)s » ignoré (%(reason)s) : première page affichée."
                )
            elif name == "sort":
                text = _("Tri « %(value)s » ignoré (%(reason)s) : tri par défaut appliqué.")
            else:
                params["label"] = form.fields[name].label
                text = _("%(label)s : « %(value)s » ignoré (%(reason)s).")
            notices.append(french_spacing(text % params))
        if self.truncated:
            limit = {"limit": self.max_text_matches}
            notices.append(french_spacing(str(self.truncated_notice) % limit))
        if self.search_unavailable:
            value = {"value": shown_value(self.query)}
            notices.append(french_spacing(str(self.unavailable_notice) % value))
        return notices

    @cached_property
    def chips(self) -> list[Chip]:
        chips = []
        for name in self.param_order():
            if name in ("sort", "page") or name not in self.params:
                continue
            chips.append(
                Chip(
                    name,
                    self.chip_label(name),
                    self.describe(name, self.cleaned[name]),
                    self.querystring(**{name: None}),
                )
            )
        return chips

    def cached(self, name: str, compute, *, timed: bool = False):
        """`compute()` for this selection, from the listing's versioned cache
        (computed each time when the listing has none).

        `timed`: what `compute` returns also depends on the time (a call's
        status, an event being past): it is kept only until the end of the
        request's time window (home/page_cache.py `time_window`: the next
        instant anything the pages derive from the time may change, the next
        midnight at the latest), and not at all when that is under a second
        away."""
        if self.cache is None:
            return compute()
        if not timed:
            return self.cache.get_or_set(f"{name}:{self.filters_key}", compute)
        seconds = int((self.window_end - self.now).total_seconds())
        if seconds < 1:
            return compute()
        key = f"{name}:{self.filters_key}:{self.window_end.isoformat()}"
        return self.cache.get_or_set(key, compute, timeout=seconds)

    @cached_property
    def window_end(self):
        """The end of the time window of the listing's instant (`cached`)."""
        return time_window(self.now)

    def count_by(
        self, *fields, queryset=None, cache_as: str | None = None, timed: bool = False
    ) -> list[tuple]:
        """(value of each field..., count) rows over the selection (or
        `queryset`): one GROUP BY, cached under `cache_as` if given (per
        time window if `timed`, see `cached`)."""

        def compute():
            source = self.qs if queryset is None else queryset
            return list(
                source.order_by().values(*fields).annotate(n=Count("pk")).values_list(*fields, "n")
            )

        return self.cached(cache_as, compute, timed=timed) if cache_as else compute()

    def facet_item(self, param, value, label, count, children=()) -> FacetItem:
        return FacetItem(
            value=str(value),
            label=str(label),
            count=count,
            query=self.querystring(**{param: value}),
            active=self.params.get(param) == str(value),
            children=list(children),
        )

    def facet(self, param, title, counts: dict, labels, by_count: bool = True) -> Facet:
        """The values of `param` in use (`counts`: value → count), labelled by
        `labels` (value → label, or ordered pairs), the most frequent first
        (or in the order of `labels`)."""
        pairs = list(labels.items()) if isinstance(labels, dict) else list(labels)
        items = [
            self.facet_item(param, value, label, counts[value])
            for value, label in pairs
            if counts.get(value)
        ]
        if by_count:
            items.sort(key=lambda item: (-item.count, item.label))
        return Facet(param, str(title), items)

    @cached_property
    def total(self) -> int:
        """How many items the selection holds (kept per selection and time
        window when the listing has a cache)."""
        return self.cached("total", lambda: self.qs.count(), timed=True)

    def _html_name(self, request, name: str, extra) -> str:
        """HTML the listing shows, named for a cache: `name`, the request's
        site (its links), its language, the sort asked for (its links carry
        it) and `extra` (anything else it depends on: a page's number, the
        day its statuses are for...)."""
        sort = self.params.get("sort", "") or "-"
        return ":".join(map(str, [name, site_key(request), get_language() or "-", sort, *extra]))

    def kept_html(self, request, name: str, render, *extra, timed: bool = False) -> str:
        """`render()`, HTML the listing shows (a page of its cards, its
        facets...), kept under the content's version per selection and
        `_html_name` (and time window if `timed`, see `cached`): read with
        the page's other cached values, in the same round trip. `render` may
        return a small dict holding the HTML and what the rest of the page
        needs to know about it (the page number shown, a map)."""
        return self.cached(self._html_name(request, name, extra), render, timed=timed)

    def fragment(self, request, name: str, *, timed: bool = False) -> KeptFragment:
        """A part of the listing's template kept like `kept_html`, for
        `{% kept fragment extra... %}…{% endkept %}` (home/cache.py)."""

        def keep(full_name, render):
            return self.cached(full_name, render, timed=timed)

        return KeptFragment(keep, self._html_name(request, name, ()))

    def paginate(self, queryset=None, per_page=None, total=None):
        """The page of results asked for and its elided range; a notice when
        that page does not exist (the paginator shows the nearest one)."""
        if queryset is None:
            queryset = self.qs
        if total is not None:
            queryset = CountedQuerySet(queryset, total)
        page, page_range = paginate(queryset, self.page_number, per_page or self.per_page)
        self.note_page_shown(page.number)
        return page, page_range

    def paginate_kept(self, source, read, total: int, per_page=None):
        """`paginate` for a listing whose total is known and whose pages are
        kept (`cached(timed=True)`, per selection, sort and time window):
        `source()` builds the ordered queryset, only when the page asked for
        is not kept; `read(queryset_slice)` turns a page of it into plain,
        picklable rows, which become the page's `object_list`."""
        per_page = per_page or self.per_page
        name = f"rows:{self.sort_code or '-'}:{per_page}"
        results = KeptSlices(
            total,
            lambda key: self.cached(
                f"{name}:{key.start}:{key.stop}", lambda: read(source()[key]), timed=True
            ),
        )
        return self.paginate(results, per_page=per_page)

    def note_page_shown(self, number: int) -> None:
        """A notice when the page shown is not the one asked for (for a
        listing whose page came from a cache rather than `paginate`)."""
        if self.page_number and number != self.page_number:
            notice = french_spacing(
                _("La page %(asked)s n'existe pas : page %(shown)s affichée.")
                % {"asked": self.page_number, "shown": number}
            )
            if notice not in self.notices:
                self.notices.append(notice)

    def context(self, base_url: str = "") -> dict:
        """What the shared listing partials read (templates/includes/listing/)."""
        return {
            "filters": self,
            # Built once, when a template first reads it (cached fragments may not).
            "form": SimpleLazyObject(self.display_form),
            "notices": self.notices,
            "chips": self.chips,
            "reset_url": base_url,
        }


def _flat_choices(choices):
    for code, label in choices:
        if isinstance(label, (list, tuple)):
            yield from _flat_choices(label)
        else:
            yield code, label


class PageListing(ListingFilterSet):
    """A listing without filters: `queryset` in its own order, its page
    number and the notice when that page does not exist (an index of
    networks, a list of open actions)."""

    q = None
    theme = None

    def order(self, queryset):
        return queryset
