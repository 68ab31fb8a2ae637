"""The « Conventions de partenariat » section of an actor's directory fiche:
the conventions the actor signed as the authority or takes part in as a
partner. Registered in `ConventionsConfig.ready()` in `ACTOR_SECTIONS`."""

from __future__ import annotations

from django.db.models import Prefetch

from home.listing import public_index
from home.registry import SECTION_LIMIT, bounded, page_url_with_query

from . import status as lifecycle

ORDER = 30


def conventions_of_actor(actor, request):
    """Live, public conventions of the actor's locale naming `actor`, most
    recent first, each with the words the text uses for it: the first
    `SECTION_LIMIT`, and a link to the listing filtered on the actor when
    there are more. Two queries whatever the number of conventions (and the
    index, cached, when there are more)."""
    from .models import ConventionIndexPage, ConventionPage, ConventionPartner

    conventions, more = bounded(
        ConventionPage.objects.naming(actor)
        .defer_streamfields()
        .select_related("authority")
        .prefetch_related(
            Prefetch(
                "partners",
                queryset=ConventionPartner.objects.filter(actor_id=actor.pk),
                to_attr="links_to_actor",
            )
        )
        .most_recent_first()
    )
    if not conventions:
        return None
    today = lifecycle.paris_today()
    items = [
        {
            "convention": convention,
            "as_authority": convention.authority_id == actor.pk,
            "description": next(
                (link.description for link in convention.links_to_actor if link.description), ""
            ),
            "status": convention.status_on(today).value,
            "status_label": convention.status_on(today).label,
        }
        for convention in conventions
    ]
    more_url = ""
    if more:
        # The listing filters on the signing authority or on a partner: the
        # actor's part in the conventions shown says which.
        name = "authority" if any(item["as_authority"] for item in items) else "partner"
        more_url = page_url_with_query(
            public_index(ConventionIndexPage, actor.locale_id), request, f"{name}={actor.slug}"
        )
    return {
        "template": "conventions/_actor_conventions.html",
        "items": items,
        "more": more,
        "limit": SECTION_LIMIT,
        "more_url": more_url,
    }
