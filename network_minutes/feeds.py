"""Feeds: RSS of newly published minutes (Django syndication) and an
iCalendar file of a network's upcoming meetings.

The calendar holds each upcoming meeting that has its own page (a meeting
scheduled with its agenda) and each next meeting announced with a date in
the minutes of an earlier one, unless a page already exists for that date.
"""

from __future__ import annotations

import datetime
import hashlib
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .filters import MinutesFilterSet
from .models import MeetingMinutesPage

FEED_ITEMS = 20
CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"
# An announced meeting without an end time is given this duration.
DEFAULT_DURATION = datetime.timedelta(hours=2)


class MinutesFeed(Feed):
    """The latest minutes of a network (or of every network of an index)."""

    feed_type = Rss201rev2Feed

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.request = None

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.page

    def title(self, obj):
        return _("%(title)s – comptes rendus") % {"title": obj.title}

    def link(self, obj):
        return obj.get_url(self.request)

    def description(self, obj):
        return obj.get_meta_description() or self.title(obj)

    def items(self, obj):
        # The listing's selection (?q=, ?year=, ?theme= as on the network's
        # page), the latest published first.
        listing = MinutesFilterSet(self.request.GET, scope=obj)
        return list(
            listing.qs.defer_streamfields().order_by("-first_published_at", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.get_meta_description()

    def item_link(self, item):
        return item.get_url(self.request)

    def item_guid(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at


def _moment(day: datetime.date, time: datetime.time | None, zone):
    if time is None:
        return day
    return datetime.datetime.combine(day, time, tzinfo=zone)


def _add_times(event, day, start, end, zone) -> None:
    event.add("dtstart", _moment(day, start, zone))
    if start is None:
        # An all-day event ends (exclusively) the next day.
        event.add("dtend", day + datetime.timedelta(days=1))
    elif end is not None:
        event.add("dtend", _moment(day, end, zone))
    else:
        event.add("dtend", _moment(day, start, zone) + DEFAULT_DURATION)


def _uid(kind: str, page, host: str) -> str:
    key = hashlib.sha1(str(page.translation_key).encode()).hexdigest()[:16]  # noqa: S324
    return f"{kind}-{key}@{host}"


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


def build_calendar(request, network_page) -> Calendar:
    zone = ZoneInfo(settings.TIME_ZONE)
    host = request.get_host().split(":")[0] or "localhost"
    meetings, announced = upcoming_events(network_page, timezone.localdate())
    calendar = Calendar()
    calendar.add("prodid", "-//Maison de l'ESS//Comptes rendus de réseaux//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", network_page.title)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for meeting in meetings:
        event = Event()
        event.add("uid", _uid("meeting", meeting, host))
        event.add("dtstamp", stamp)
        event.add("summary", f"{network_page.title} – {meeting.title}")
        _add_times(event, meeting.date, meeting.start_time, meeting.end_time, zone)
        place = ", ".join(
            part
            for part in [meeting.place, meeting.host.title if meeting.host else meeting.host_text]
            if part
        )
        if place:
            event.add("location", place)
        if meeting.summary:
            event.add("description", meeting.summary)
        event.add("url", request.build_absolute_uri(meeting.get_url(request)))
        calendar.add_component(event)
    for minutes in announced:
        event = Event()
        event.add("uid", _uid("next", minutes, host))
        event.add("dtstamp", stamp)
        event.add("summary", _("%(network)s – prochaine réunion") % {"network": network_page.title})
        _add_times(
            event,
            minutes.next_meeting_date,
            minutes.next_meeting_start_time,
            minutes.next_meeting_end_time,
            zone,
        )
        host_label = (
            minutes.next_meeting_host.title
            if minutes.next_meeting_host
            else minutes.next_meeting_host_text
        )
        if host_label:
            event.add("location", host_label)
        event.add(
            "description",
            _("Annoncée dans le compte rendu : %(title)s") % {"title": minutes.title},
        )
        event.add("url", request.build_absolute_uri(minutes.get_url(request)))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar


def ical_response(request, network_page) -> HttpResponse:
    calendar = build_calendar(request, network_page)
    response = HttpResponse(calendar.to_ical(), content_type=CALENDAR_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{network_page.slug}.ics"'
    return response
