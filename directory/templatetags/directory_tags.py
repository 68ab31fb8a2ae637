"""Template tags of the actor fiche (ActorPage is served by Wagtail, so what
its template needs beyond the page's own fields comes from here)."""

from django import template
from django.conf import settings

from directory.views import actor_json_ld as build_json_ld

register = template.Library()


@register.simple_tag(takes_context=True)
def actor_json_ld(context, actor, contacts=None, networks=None):
    """`{% actor_json_ld page contacts networks %}`: the schema.org
    <script type="application/ld+json"> element, published contacts only."""
    return build_json_ld(actor, context.get("request"), contacts=contacts, networks=networks)


@register.simple_tag
def actor_documents(actor):
    """The fiche's documents with their files, in one query."""
    documents = actor.documents.all()
    if hasattr(documents, "select_related"):
        documents = documents.select_related("document")
    return list(documents)


@register.simple_tag
def map_tiles():
    """The tile server of the maps (a setting), for the map's data- attributes."""
    return {"url": settings.MAP_TILES_URL, "attribution": settings.MAP_TILES_ATTRIBUTION}
