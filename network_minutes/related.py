"""The « Réunions de réseau » section of an actor's directory fiche: the
meetings the actor hosted or where one of its people took part.

Registered in `NetworkMinutesConfig.ready()` in `ACTOR_SECTIONS`. Two
queries whatever the number of meetings: the meetings (with the actor's
participants' count) and the networks they belong to.
"""

from __future__ import annotations

from django.db.models import Count, Q

from home.registry import bounded

from .models import MeetingMinutesPage, NetworkPage

SHOWN = 20


def meetings_of_actor(actor, request):
    meetings = (
        MeetingMinutesPage.objects.involving(actor)
        .defer_streamfields()
        .annotate(
            actor_participants=Count(
                "participants", filter=Q(participants__organisation_id=actor.pk)
            )
        )
        .order_by("-date", "-pk")
    )
    shown, more = bounded(meetings, SHOWN)
    if not shown:
        return None
    parent_paths = {meeting.path[: -MeetingMinutesPage.steplen] for meeting in shown}
    networks = {
        network.path: network
        for network in NetworkPage.objects.filter(path__in=parent_paths).only(
            "title", "url_path", "path", "depth", "locale_id"
        )
    }
    for meeting in shown:
        meeting.network_page = networks.get(meeting.path[: -MeetingMinutesPage.steplen])
    return {
        "template": "network_minutes/_actor_meetings.html",
        "meetings": shown,
        "more": more,
        "actor": actor,
    }
