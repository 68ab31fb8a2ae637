"""The resources of the public API (`/api/v1/`), each registered by the app
that owns it, so that the core imports no content app.

An app declares its resource in its own `api.py` (imported by its
`AppConfig.ready()`): the listing's filter set (the API reads the same
parameters, with the same validation, as the HTML listing), the index page
model that scopes it in each language, the item schema (documentation of the
OpenAPI document), the serializer and what a page of items prefetches:

    API_RESOURCES.register(ApiResource(
        "calls", _("Appels à projets"),
        schema=CallOut,
        serialize=call_data,
        filterset=CallFilterSet,
        scope_model="calls_for_projects.CallsIndexPage",
        prepare=lambda queryset: queryset.prefetch_related("themes"),
        invalidated_by=["calls_for_projects.CallForProjectsPage"],
    ))

A serializer gets the item and an `ItemContext` (the request, the language,
`url(page)` for absolute links) and returns a dict of public fields only: the
privacy rules of the pages apply (no unpublished contact, no submitter, no
private email); tests/api walks every endpoint to check it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from home.cache import VersionedCache, registered


@dataclass(eq=False)
class ApiResource:
    # The path segment (`/api/v1/<key>/`) and what the documentation calls it.
    key: str
    label: Any
    # The ninja `Schema` of one item (documentation; tests check answers against it).
    schema: type
    # serialize(item, context) -> dict, public fields only.
    serialize: Callable
    description: Any = ""
    # The listing's `ListingFilterSet` subclass; None: pages only (`PageListing`).
    filterset: type | None = None
    # "app_label.ModelName" of the index page that scopes the listing in each
    # language; None for a resource that is no page (the themes).
    scope_model: str | None = None
    # queryset(scope) -> the items, when there is no filter set (else the
    # filter set's `base_queryset`).
    queryset: Callable | None = None
    # prepare(queryset) -> the queryset with what `serialize` reads
    # (select_related/prefetch_related): a fixed number of queries per page.
    prepare: Callable | None = None
    # Model labels whose changes renew the resource's version (its ETag).
    invalidated_by: list = field(default_factory=list)
    # The selection depends on the time (a call's status, an event's
    # partition, an expiry): its ETag also names the time window it was
    # computed in (home/page_cache.py `time_window`, the listings' own).
    timed: bool = False
    # Extra filter parameters' examples for the documentation: {name: value}.
    examples: dict = field(default_factory=dict)
    # The field a detail is looked up by besides the id.
    slug_field: str = "slug"
    order: int = 100

    cache: VersionedCache | None = None


class ApiResourceRegistry:
    def __init__(self):
        self._resources: dict[str, ApiResource] = {}

    def __repr__(self) -> str:
        return f"<ApiResourceRegistry: {', '.join(self._resources)}>"

    def register(self, resource: ApiResource) -> None:
        if resource.key in self._resources:
            return  # ready() may run twice: keep the first
        # Its version (the ETag's base), declared from the app's ready():
        # the models are loaded, the signals connect at once.
        namespace = f"api-{resource.key}"
        resource.cache = registered().get(namespace) or VersionedCache(
            namespace, invalidated_by=resource.invalidated_by
        )
        self._resources[resource.key] = resource

    def get(self, key) -> ApiResource | None:
        return self._resources.get(key) if isinstance(key, str) else None

    def resources(self) -> list[ApiResource]:
        return sorted(self._resources.values(), key=lambda r: (r.order, r.key))


API_RESOURCES = ApiResourceRegistry()
