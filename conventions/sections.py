"""The « Conventions de partenariat » section of an actor's directory fiche:
the conventions the actor signed as the authority or takes part in as a
partner. Registered in `ConventionsConfig.ready()` (directory/related.py)."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from . import status as lifecycle

ORDER = 30


def conventions_of_actor(actor, request):
    """Live, public conventions of the actor's locale naming `actor`, most
    recent first, each with the words the text uses for it. Two queries."""
    from .filters import ordering
    from .models import ConventionPage, ConventionPartner

    conventions = list(
        ConventionPage.objects.live()
        .public()
        .filter(locale_id=actor.locale_id)
        .filter(Q(authority_id=actor.pk) | Q(pk__in=_partner_of(actor)))
        .defer_streamfields()
        .select_related("authority")
        .prefetch_related(
            Prefetch(
                "partners",
                queryset=ConventionPartner.objects.filter(actor_id=actor.pk),
                to_attr="links_to_actor",
            )
        )
        .order_by(*ordering())
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
            "status": convention.status_on(today),
            "status_label": lifecycle.STATUS_LABELS[convention.status_on(today)],
        }
        for convention in conventions
    ]
    return {"template": "conventions/_actor_conventions.html", "items": items}


def _partner_of(actor):
    from .models import ConventionPartner

    return ConventionPartner.objects.filter(actor_id=actor.pk).values("convention_id")
