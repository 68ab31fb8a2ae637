"""Events in words, in the active language and Paris time: one slot
(« samedi 17 novembre 2018, 9 h 30 – 12 h », « du 2 au 30 novembre 2018 »),
an event without dates (« Date à préciser : premier trimestre 2016 ») and
where it takes place. The listing's cards, the event page, the sections of
other pages and the feeds all write dates with these functions."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from home.typography import NBSP

from . import vocab


def hour_text(value: dt.time) -> str:
    """« 9 h 30 », « 12 h » (no-break spaces)."""
    if value.minute:
        text = _("%(hour)s h %(minutes)s") % {"hour": value.hour, "minutes": f"{value.minute:02d}"}
    else:
        text = _("%(hour)s h") % {"hour": value.hour}
    return text.replace(" ", NBSP)


def day_number(day: dt.date) -> str:
    """« 1er » on the first of the month, else the number."""
    return pgettext("first day of a month", "1er") if day.day == 1 else str(day.day)


def day_text(day: dt.date, weekday: bool = True, year: bool = True, month: bool = True) -> str:
    """« samedi 17 novembre 2018 », or without some of its parts."""
    parts = [date_format(day, "l")] if weekday else []
    parts.append(day_number(day))
    if month:
        parts.append(date_format(day, "F"))
    if year:
        parts.append(str(day.year))
    return " ".join(parts)


def range_text(first: dt.date, last: dt.date) -> str:
    """« du 2 au 30 novembre 2018 », « du 28 octobre au 3 novembre 2018 »,
    « du 28 décembre 2018 au 3 janvier 2019 »."""
    same_year = first.year == last.year
    same_month = same_year and first.month == last.month
    start = day_text(first, weekday=False, year=not same_year, month=not same_month)
    return _("du %(first)s au %(last)s") % {"first": start, "last": day_text(last, weekday=False)}


def slot_text(slot, all_day_note: bool = False) -> str:
    """One slot in words. `all_day_note`: add « toute la journée » to a
    one-day slot without times (the event page)."""
    first, last = slot.start_date, slot.last_date
    if first == last:
        day = day_text(first)
        if slot.start_time is None:
            return _("%(day)s, toute la journée") % {"day": day} if all_day_note else day
        if slot.end_time is None:
            return _("%(day)s, %(start)s") % {"day": day, "start": hour_text(slot.start_time)}
        return _("%(day)s, %(start)s – %(end)s") % {
            "day": day,
            "start": hour_text(slot.start_time),
            "end": hour_text(slot.end_time),
        }
    if slot.start_time is None:
        return range_text(first, last)
    start = day_text(first, weekday=False, year=first.year != last.year)
    params = {"first": start, "start": hour_text(slot.start_time), "last": day_text(last, False)}
    if slot.end_time is None:
        return _("du %(first)s à %(start)s au %(last)s") % params
    return _("du %(first)s à %(start)s au %(last)s à %(end)s") % {
        **params,
        "end": hour_text(slot.end_time),
    }


def undated_text(event) -> str:
    """« Date à préciser : premier trimestre 2016 », « Date à préciser : 2016 »."""
    known = event.dates_note or (str(event.expected_year) if event.expected_year else "")
    if known:
        return _("Date à préciser : %(known)s") % {"known": known}
    return _("Date à préciser")


def place_text(event) -> str:
    """Where, in short: « Mulhouse (Haut-Rhin) », « En ligne », « Mulhouse
    (Haut-Rhin) et en ligne », else the région."""
    where = event.city or event.place_name
    if where and event.departement_name and event.city:
        where = f"{where} ({event.departement_name})"
    elif not where:
        where = event.departement_name or event.region_name
    if event.mode == vocab.ONLINE:
        return _("En ligne")
    if event.mode == vocab.HYBRID:
        return _("%(place)s et en ligne") % {"place": where} if where else _("En ligne")
    return where
