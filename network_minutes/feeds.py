"""Feeds: RSS of newly published minutes (Django syndication) and an
iCalendar file of a network's upcoming meetings.

The calendar holds each upcoming meeting that has its own page (a meeting
scheduled with its agenda) and each next meeting announced with a date in
the minutes of an earlier one, unless a page already exists for that date.
"""

from __future__ import annotations

import datetime
import hashlib

from django.utils import timezone
from django.utils.translation import gettext as _

from home import feeds as shared

from .filters import MinutesFilterSet
from .models import MeetingMinutesPage

PRODID = "-//Maison de l'ESS//Comptes rendus de réseaux//FR"
# An announced meeting without an end time is given this duration.
DEFAULT_DURATION = datetime.timedelta(hours=2)


class MinutesFeed(shared.ListingFeed):
    """The latest minutes of a network (or of every network of an index), as
    the listing selects them (?q=, ?year=, ?theme= as on the network's page)."""

    filterset_class = MinutesFilterSet
    max_items = 20

    def title(self, obj):
        return _("%(title)s – comptes rendus") % {"title": obj.title}

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.get_meta_description()

    def item_guid(self, item):
        return item.get_full_url(self.request)


def _key(page) -> str:
    return hashlib.sha1(str(page.translation_key).encode()).hexdigest()[:16]  # noqa: S324


def upcoming_events(network_page, today: datetime.date):
    """(meetings with a page, announced meetings) from `today` on."""
    selection = MeetingMinutesPage.objects.of_network(network_page)
    meetings = list(
        selection.held_from(today)
        .select_related("host")
        .defer_streamfields()
        .order_by("date", "start_time", "pk")
    )
    planned_dates = {meeting.date for meeting in meetings}
    announced = [
        minutes
        for minutes in selection.announcing_from(today)
        .select_related("next_meeting_host")
        .defer_streamfields()
        .order_by("next_meeting_date", "pk")
        if minutes.next_meeting_date not in planned_dates
    ]
    # Two minutes announcing the same date describe one meeting: keep the latest.
    by_date = {}
    for minutes in sorted(announced, key=lambda m: (m.date, m.pk)):
        by_date[minutes.next_meeting_date] = minutes
    return meetings, sorted(by_date.values(), key=lambda m: m.next_meeting_date)


def build_calendar(request, network_page) -> bytes:
    domain = request.get_host().split(":")[0] or "localhost"
    meetings, announced = upcoming_events(network_page, timezone.localdate())
    stamp = timezone.now()
    events = []
    for meeting in meetings:
        host = meeting.host.title if meeting.host else meeting.host_text
        event = shared.new_event(
            shared.uid("meeting", _key(meeting), domain=domain),
            f"{network_page.title} – {meeting.title}",
            stamp,
            location=", ".join(part for part in [meeting.place, host] if part),
            description=meeting.summary,
            url=request.build_absolute_uri(meeting.get_url(request)),
        )
        times = (meeting.date, meeting.start_time, meeting.end_time)
        shared.add_times(event, *times, duration=DEFAULT_DURATION)
        events.append(event)
    for minutes in announced:
        host = minutes.next_meeting_host
        event = shared.new_event(
            shared.uid("next", _key(minutes), domain=domain),
            _("%(network)s – prochaine réunion") % {"network": network_page.title},
            stamp,
            location=host.title if host else minutes.next_meeting_host_text,
            description=_("Annoncée dans le compte rendu : %(title)s") % {"title": minutes.title},
            url=request.build_absolute_uri(minutes.get_url(request)),
        )
        start, end = minutes.next_meeting_start_time, minutes.next_meeting_end_time
        shared.add_times(event, minutes.next_meeting_date, start, end, duration=DEFAULT_DURATION)
        events.append(event)
    return shared.calendar_bytes(shared.new_calendar(network_page.title, PRODID), events)


def ical_response(request, network_page):
    """The network's upcoming meetings, to subscribe to."""
    body = build_calendar(request, network_page)
    return shared.ical_response(body, network_page.slug, inline=True)
