"""The `NinjaAPI` of `/api/v1/` (config/urls.py includes this module), built
when the URLs are first loaded: every app has registered its resources by
then (`AppConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from .http import api_view, json_response, with_cors
from .registry import API_RESOURCES
from .views import add_resource, docs_page, root, unknown

DESCRIPTION = _(
    "API publique en lecture seule des contenus du site : acteurs de l'annuaire, appels "
    "à projets, comptes rendus, conventions, réseaux, thèmes, agenda et petites annonces. "
    "Les listes acceptent les filtres des pages publiques. Documentation : /api/v1/docs"
)


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title=str(_("API publique du réseau")),
        version="1",
        description=str(DESCRIPTION),
        urls_namespace="api-v1",
        openapi_url="/openapi.json",
        # Swagger UI loads its scripts from a CDN our CSP refuses: the
        # documentation is our own page (docs_page), the schema ninja's.
        docs_url=None,
        docs_decorator=api_view,
    )

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        errors = []
        for error in exc.errors:
            location = [str(part) for part in error.get("loc", ()) if part not in ("path", "query")]
            errors.append(
                {"param": ".".join(location) or "?", "message": str(_("valeur invalide"))}
            )
        body = {"detail": str(_("Paramètre invalide.")), "errors": errors}
        return with_cors(json_response(body, 400))

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return with_cors(json_response({"detail": str(exc), "errors": []}, exc.status_code))

    for resource in API_RESOURCES.resources():
        add_resource(api, resource)
    api.default_router.add_api_operation(
        "/docs", ["GET", "OPTIONS"], docs_page, include_in_schema=False
    )
    api.default_router.add_api_operation("/", ["GET", "OPTIONS"], root, include_in_schema=False)
    # Last: any other path under /api/v1/ is a JSON 404.
    api.default_router.add_api_operation(
        "/{path:path}", ["GET", "OPTIONS"], unknown, include_in_schema=False
    )
    # The document depends on the code only: built once per process
    # (ninja builds it on every request, about a second).
    build_schema = api.get_openapi_schema
    schemas = {}

    def cached_schema(*, path_prefix=None, path_params=None):
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        if key not in schemas:
            schemas[key] = build_schema(path_prefix=path_prefix, path_params=path_params)
        return schemas[key]

    api.get_openapi_schema = cached_schema
    return api


api = build_api()
urlpatterns = api.urls[0]
# The namespace ninja reverses its own URLs in (`urls_namespace`).
app_name = "api-v1"
