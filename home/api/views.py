"""The endpoints of `/api/v1/`, built for each registered resource
(registry.py):

- `GET /<key>/`: the listing's filter set fed with the query string (the
  same parameter names and validation as the HTML listing; a value the
  listing would ignore with a notice is a 400 here), then `page` and
  `page_size`; the listing's order with the id as last tie-breaker;
- `GET /<key>/{id}/` and `GET /<key>/by-slug/{slug}/`: one item of the same
  base selection (live, public, in the language's tree);
- `lang`: `fr` (default) or `en`, the English tree (aliases until translated).

Each answer carries an ETag made of the resource's content version (a
`VersionedCache` renewed by any change of its models), the themes' and
private sections' versions, the time window of a time-dependent selection
and the query: a matching If-None-Match is answered 304 before any query.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.conf import settings
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import create_model

from home.cache import digest
from home.listing import (
    THEMES,
    ChoiceFilter,
    DateFilter,
    PageFilter,
    PageListing,
    TextFilter,
    YearFilter,
    _flat_choices,
    shown_value,
)
from home.middleware import MAX_ID
from home.page_cache import time_window
from home.privacy import RESTRICTIONS, public
from home.validation import CONTROL_CHARACTERS

from .http import (
    api_view,
    bad_request,
    json_response,
    not_found,
    not_modified,
    param_error,
    set_validators,
)
from .registry import API_RESOURCES, ApiResource

LANGUAGES = ("fr", "en")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# A raw parameter longer than this is refused before any parsing.
MAX_VALUE_LENGTH = 1000
MAX_SLUG_LENGTH = 255
# Renew when the shape of the answers changes (cached copies then differ).
FORMAT_VERSION = "1"

API_PARAMS = {
    "lang": gettext_lazy("Langue des contenus : fr (par défaut) ou en."),
    "page_size": gettext_lazy(
        "Nombre d'éléments par page, de 1 à %(max)s (%(default)s par défaut)."
    ),
}


# --- Parameters ---------------------------------------------------------------------


def filter_names(resource: ApiResource) -> list[str]:
    """The listing's parameters (its filter set's, `page` included)."""
    filterset = resource.filterset or PageListing
    return filterset.filter_names()


def check_raw(request, allowed) -> None:
    """Unknown parameters, over-long values and control characters: a 400
    before anything reads them."""
    errors = []
    for name in request.GET:
        shown = shown_value(name)
        if name not in allowed:
            errors.append(param_error(shown, _("paramètre inconnu")))
            continue
        for value in request.GET.getlist(name):
            if len(value) > MAX_VALUE_LENGTH:
                errors.append(param_error(name, _("valeur trop longue")))
            elif CONTROL_CHARACTERS.search(value):
                errors.append(param_error(name, _("caractères de contrôle")))
    if errors:
        raise bad_request(errors)


def language(request) -> str:
    lang = request.GET.get("lang", "fr") or "fr"
    if lang not in LANGUAGES:
        raise bad_request([param_error("lang", _("fr ou en attendu"))])
    return lang


def page_size(request) -> int:
    raw = request.GET.get("page_size", "")
    if not raw:
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        message = _("un nombre entre 1 et %(max)s est attendu") % {"max": MAX_PAGE_SIZE}
        raise bad_request([param_error("page_size", message)])
    return size


# --- Scope and items -------------------------------------------------------------------


@dataclass
class ItemContext:
    """What a serializer may need besides the item."""

    request: object
    lang: str
    scope: object = None

    @cached_property
    def scope_base(self) -> str:
        url = getattr(self.scope, "api_url", None) or self.scope.get_url(self.request)
        return self.request.build_absolute_uri(url)

    def url(self, page) -> str:
        """The absolute URL of a page (no query when it is in the scope's tree)."""
        if page is None:
            return ""
        scope = self.scope
        if scope is not None and page.url_path.startswith(scope.url_path):
            return self.scope_base + page.url_path[len(scope.url_path) :]
        return page.get_full_url(self.request) or ""

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)


def find_scope(resource: ApiResource, lang: str, request=None):
    """The resource's index page in `lang`'s tree (live, public), or 404.
    Kept with its URL under the resource's version and the private
    sections' (no query once known)."""
    if resource.scope_model is None:
        return None

    def lookup():
        model = apps.get_model(resource.scope_model)
        pages = model.objects.live().filter(locale__language_code=lang).order_by("path")
        scope = public(pages).first()
        if scope is None:
            return None
        return scope, scope.get_url(request)

    found = resource.cache.get_or_set(
        f"scope:{lang}:{RESTRICTIONS.version()}:{request.get_host() if request else ''}", lookup
    )
    if found is None:
        raise not_found(_("Cette liste n'existe pas dans cette langue."))
    scope, url = found
    scope.api_url = url
    return scope


def make_filterset(resource: ApiResource, data, scope):
    if resource.filterset is not None:
        return resource.filterset(data, scope=scope)
    return PageListing(data, queryset=resource.queryset(scope))


def base_queryset(resource: ApiResource, scope):
    if resource.filterset is not None:
        return resource.filterset(QueryDict(), scope=scope).queryset
    return resource.queryset(scope)


def stable(queryset):
    """The listing's order, with the id as last tie-breaker."""
    terms = list(queryset.query.order_by) or list(queryset.model._meta.ordering or [])
    if terms and terms[-1] in ("pk", "-pk", "id", "-id"):
        return queryset.order_by(*terms)
    return queryset.order_by(*terms, "pk")


def prepared(resource, queryset):
    return resource.prepare(queryset) if resource.prepare else queryset


def last_modified(items):
    stamps = [getattr(item, "last_published_at", None) for item in items]
    stamps = [stamp for stamp in stamps if stamp is not None]
    return max(stamps) if stamps else None


def etag_for(resource: ApiResource, request, *parts) -> str:
    window = time_window(timezone.now()).isoformat() if resource.timed else ""
    query = urlencode(sorted((k, v) for k in request.GET for v in request.GET.getlist(k)))
    versions = [resource.cache.version(), THEMES.version(), RESTRICTIONS.version()]
    return digest(":".join([FORMAT_VERSION, *versions, window, query, *map(str, parts)]))


# --- Endpoints -------------------------------------------------------------------------


def list_items(request, resource: ApiResource):
    names = filter_names(resource)
    check_raw(request, {*names, *API_PARAMS})
    lang, size = language(request), page_size(request)
    etag = etag_for(resource, request)
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    with translation.override(lang):
        scope = find_scope(resource, lang, request)
        data = QueryDict(mutable=True)
        for name in names:
            if name in request.GET:
                data[name] = request.GET[name]
        listing = make_filterset(resource, data, scope)
        errors = [
            param_error(name, "; ".join(str(message) for message in listing.form.errors[name]))
            for name in listing.param_order()
            if name in listing.form.errors
        ]
        if errors:
            raise bad_request(errors)
        total = listing.total
        pages = max(math.ceil(total / size), 1)
        number = listing.page_number or 1
        if number > pages:
            message = _("la page %(asked)s n'existe pas (%(pages)s pages)") % {
                "asked": number,
                "pages": pages,
            }
            raise bad_request([param_error("page", message)])
        offset = (number - 1) * size
        items = list(prepared(resource, stable(listing.qs)[offset : offset + size]))
        context = ItemContext(request, lang, scope)
        results = [resource.serialize(item, context) for item in items]
        modified = last_modified(items)
        unchanged = not_modified(request, etag, modified)
        if unchanged is not None:
            return unchanged
        data = {
            "count": total,
            "page": number,
            "page_size": size,
            "pages": pages,
            "next": _page_link(request, number + 1) if number < pages else None,
            "previous": _page_link(request, number - 1) if number > 1 else None,
            "notices": [str(notice) for notice in listing.notices],
            "results": results,
        }
    response = json_response(data)
    set_validators(response, etag, modified)
    return response


def _page_link(request, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def one_item(request, resource: ApiResource, **lookup):
    check_raw(request, set(API_PARAMS) - {"page_size"})
    lang = language(request)
    etag = etag_for(resource, request, *lookup.values())
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    with translation.override(lang):
        scope = find_scope(resource, lang, request)
        queryset = prepared(resource, base_queryset(resource, scope).filter(**lookup))
        item = next(iter(queryset[:1]), None)
        if item is None:
            raise not_found(_("Aucun élément ne correspond à cet identifiant."))
        modified = last_modified([item])
        unchanged = not_modified(request, etag, modified)
        if unchanged is not None:
            return unchanged
        data = resource.serialize(item, ItemContext(request, lang, scope))
    response = json_response(data)
    set_validators(response, etag, modified)
    return response


def checked_id(value) -> int:
    if not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise not_found(_("Aucun élément ne correspond à cet identifiant."))
    return value


def checked_slug(value: str) -> str:
    if len(value) > MAX_SLUG_LENGTH or CONTROL_CHARACTERS.search(value):
        raise not_found(_("Aucun élément ne correspond à cet identifiant."))
    return value


# --- The operations of one resource ----------------------------------------------------


def openapi_parameters(resource: ApiResource) -> list[dict]:
    """The list endpoint's query parameters, from the listing's filter set."""
    filterset = resource.filterset or PageListing
    parameters = []
    for name in filterset.filter_names():
        filter_ = filterset.base_filters[name]
        schema: dict = {"type": "string"}
        if isinstance(filter_, (PageFilter,)):
            schema = {"type": "integer", "minimum": 1}
        elif isinstance(filter_, YearFilter):
            schema = {"type": "integer", "minimum": 1900, "maximum": 2100}
        elif isinstance(filter_, DateFilter):
            schema = {"type": "string", "format": "date"}
        elif isinstance(filter_, TextFilter):
            schema = {"type": "string", "maxLength": settings.SEARCH_QUERY_MAX_LENGTH}
        elif name == "sort" and filterset.sort_choices:
            codes = list(filterset.sort_choices)
            if filterset.relevance_sort:
                codes.append("relevance")
            schema = {"type": "string", "enum": codes}
        elif isinstance(filter_, ChoiceFilter) and getattr(filter_, "static_choices", None):
            codes = [str(code) for code, _label in _flat_choices(filter_.static_choices)]
            schema = {"type": "string", "enum": codes}
        description = str(filter_.label or (_("Numéro de page") if name == "page" else name))
        parameter = {
            "name": name,
            "in": "query",
            "required": False,
            "description": description,
            "schema": schema,
        }
        if name in resource.examples:
            parameter["example"] = resource.examples[name]
        parameters.append(parameter)
    size_text = str(API_PARAMS["page_size"]) % {"max": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE}
    parameters.append(
        {
            "name": "page_size",
            "in": "query",
            "required": False,
            "description": size_text,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        }
    )
    parameters.append(lang_parameter())
    return parameters


def lang_parameter() -> dict:
    return {
        "name": "lang",
        "in": "query",
        "required": False,
        "description": str(API_PARAMS["lang"]),
        "schema": {"type": "string", "enum": list(LANGUAGES), "default": "fr"},
    }


def page_schema(resource: ApiResource):
    from ninja import Schema

    name = "".join(part.capitalize() for part in resource.key.replace("-", "_").split("_"))
    return create_model(
        f"{name}Page",
        __base__=Schema,
        count=(int, ...),
        page=(int, ...),
        page_size=(int, ...),
        pages=(int, ...),
        next=(str | None, None),
        previous=(str | None, None),
        notices=(list[str], []),
        results=(list[resource.schema], ...),
    )


def add_resource(api, resource: ApiResource) -> None:
    from .schemas import ErrorOut

    key = resource.key
    errors = {400: ErrorOut, 404: ErrorOut, 429: ErrorOut}
    label = str(resource.label)
    tags = [label]

    @api_view
    def list_view(request):
        return list_items(request, resource)

    @api_view
    def detail_view(request, id: int):
        return one_item(request, resource, pk=checked_id(id))

    @api_view
    def slug_view(request, slug: str):
        return one_item(request, resource, **{resource.slug_field: checked_slug(slug)})

    for view, suffix in ((list_view, "list"), (detail_view, "detail"), (slug_view, "by_slug")):
        view.__name__ = f"{key.replace('-', '_')}_{suffix}"

    api.default_router.add_api_operation(
        f"/{key}/",
        ["GET"],
        list_view,
        response={200: page_schema(resource), 304: None, **errors},
        summary=_("%(label)s : liste filtrée") % {"label": label},
        description=str(resource.description),
        tags=tags,
        openapi_extra={"parameters": openapi_parameters(resource)},
    )
    api.default_router.add_api_operation(
        f"/{key}/{{id}}/",
        ["GET"],
        detail_view,
        response={200: resource.schema, 304: None, **errors},
        summary=_("%(label)s : un élément par son identifiant") % {"label": label},
        tags=tags,
        openapi_extra={"parameters": [lang_parameter()]},
    )
    api.default_router.add_api_operation(
        f"/{key}/by-slug/{{slug}}/",
        ["GET"],
        slug_view,
        response={200: resource.schema, 304: None, **errors},
        summary=_("%(label)s : un élément par son slug") % {"label": label},
        tags=tags,
        openapi_extra={"parameters": [lang_parameter()]},
    )
    for path in (f"/{key}/", f"/{key}/{{id}}/", f"/{key}/by-slug/{{slug}}/"):
        api.default_router.add_api_operation(
            path, ["OPTIONS"], _preflight_view(path), include_in_schema=False
        )


def _preflight_view(path):
    # A view per path (ninja names operations after their function), with
    # the path's parameter in its signature.
    if "{id}" in path:

        def preflight_view(request, id: str):
            return None  # never reached: api_view answers OPTIONS

    elif "{slug}" in path:

        def preflight_view(request, slug: str):
            return None

    else:

        def preflight_view(request):
            return None

    preflight_view.__name__ = "options_" + "".join(c if c.isalnum() else "_" for c in path)
    return api_view(preflight_view)


# --- The documentation page -----------------------------------------------------------


def resource_docs(resource: ApiResource, base: str) -> dict:
    parameters = [param for param in openapi_parameters(resource) if param["name"] not in ("lang",)]
    for param in parameters:
        values = param["schema"].get("enum") or []
        param["values"] = ", ".join(values[:12]) + (" …" if values and len(values) > 12 else "")
        param["type"] = param["schema"].get("format") or param["schema"]["type"]
    example = urlencode(resource.examples) if resource.examples else ""
    return {
        "key": resource.key,
        "label": str(resource.label),
        "description": str(resource.description),
        "list_url": f"{base}{resource.key}/",
        "example_url": f"{base}{resource.key}/" + (f"?{example}" if example else ""),
        "parameters": parameters,
    }


@api_view
def docs_page(request):
    with translation.override("fr"):
        base = request.build_absolute_uri(reverse("api-v1:api-root"))
        context = {
            "api_base": base,
            "openapi_url": base + "openapi.json",
            "resources": [resource_docs(r, base) for r in API_RESOURCES.resources()],
            "default_page_size": DEFAULT_PAGE_SIZE,
            "max_page_size": MAX_PAGE_SIZE,
        }
        from .http import rate_limit

        context["rate_limit"], context["rate_window"] = rate_limit()
        response = render(request, "api/docs.html", context)
    return response


@api_view
def root(request):
    """The API's entry point: its resources and documents."""
    check_raw(request, set())
    base = request.build_absolute_uri(reverse("api-v1:api-root"))
    return json_response(
        {
            "version": "1",
            "documentation": base + "docs",
            "openapi": base + "openapi.json",
            "resources": {r.key: f"{base}{r.key}/" for r in API_RESOURCES.resources()},
        }
    )


@api_view
def unknown(request, path: str):
    raise not_found(_("Cette adresse ne correspond à aucune ressource de l'API."))
