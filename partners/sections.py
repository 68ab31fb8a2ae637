"""« Proposer une mise à jour » on every directory fiche (no query)."""

from django.urls import reverse


def propose_update_section(actor, request):
    return {
        "template": "partners/_actor_propose_update.html",
        "url": reverse("partners:propose_update", args=[actor.pk]),
    }
