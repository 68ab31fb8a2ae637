"""The public read-only API, `/api/v1/` (issue 15, docs/api.md).

- `registry.py`: `API_RESOURCES`, where each content app registers its
  resource (filter set, scope, schema, serializer) from its own `api.py`;
- `http.py`: what every answer shares (JSON errors in French, CORS, the
  per-IP rate limit, ETag/Last-Modified validators and 304 answers);
- `views.py`: the list and detail endpoints built for each resource, the
  pagination, the `lang` parameter, the OpenAPI document and the French
  documentation page;
- `urls.py`: the `NinjaAPI` instance (version "1", namespace "api-v1"),
  mounted at `/api/v1/` by config/urls.py.
"""

from .registry import API_RESOURCES, ApiResource

__all__ = ["API_RESOURCES", "ApiResource"]
