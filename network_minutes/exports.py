"""The meeting minutes as CSV (docs/open-data.md): the minutes the listing
selects (`MinutesFilterSet`, the same parameters as the page, bad values
ignored), newest first, one line per meeting, for one network (its page's
route) or for every network (the networks index's). The columns are
`MINUTES_CSV`'s, whose Table Schema is served beside the file. Participants
are counted, never named; free text is on one line, without control
characters, and a cell a spreadsheet would run as a formula starts with an
apostrophe."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from home.exports import Column, CsvExport, descendant_urls, page_themes, protect_cell, value_chunks
from home.exports import iso_or_empty as _iso
from home.exports import one_line as _text

from .filters import MinutesFilterSet
from .models import MeetingMinutesPage, NetworkPage

EXPORT_CHUNK_SIZE = 500
LIST_SEPARATOR = " | "

MINUTES_CSV = CsvExport(
    "comptes-rendus",
    _("Comptes rendus des réseaux"),
    _(
        "Les réunions des réseaux que la liste sélectionne, les plus récentes d'abord, une par "
        "ligne. Fichier UTF-8 avec BOM, séparateur « ; »."
    ),
    [
        Column(
            "id", _("Identifiant"), _("Identifiant stable, commun aux traductions."), required=True
        ),
        Column("title", _("Titre"), required=True),
        Column("url", _("Adresse du compte rendu"), format="uri"),
        Column("network", _("Réseau"), required=True),
        Column("date", _("Date de la réunion"), type="date", required=True),
        Column("start_time", _("Heure de début"), _("Heure de Paris."), type="time"),
        Column("end_time", _("Heure de fin"), _("Heure de Paris."), type="time"),
        Column(
            "format",
            _("Format (code)"),
            enum=lambda: [code for code, _label in MeetingMinutesPage.FORMAT_CHOICES],
        ),
        Column("format_label", _("Format")),
        Column("place", _("Lieu")),
        Column("host", _("Organisation hôte")),
        Column("chair", _("Présidence de séance")),
        Column("summary", _("Résumé")),
        Column("participants", _("Nombre de participants"), type="integer", required=True),
        Column("actions", _("Nombre d'actions décidées"), type="integer", required=True),
        Column("open_actions", _("Nombre d'actions en cours"), type="integer", required=True),
        Column("next_meeting_date", _("Date de la prochaine réunion"), type="date"),
        Column("themes", _("Thématiques"), _("Noms séparés par « | ».")),
        Column("last_published", _("Dernière publication"), type="datetime"),
    ],
)


# What a line needs, read with `values()` (home/exports.py `value_chunks`).
VALUE_FIELDS = [
    "pk",
    "url_path",
    "path",
    "translation_key",
    "title",
    "date",
    "start_time",
    "end_time",
    "meeting_format",
    "place",
    "host_id",
    "host__title",
    "host_text",
    "chair",
    "summary",
    "participant_count",
    "action_count",
    "open_action_count",
    "next_meeting_date",
    "last_published_at",
]


def minutes_row(values: dict, networks: dict[str, str], themes, url: str) -> dict[str, str]:
    """One meeting as a CSV row, from its `VALUE_FIELDS`; `networks`: {page
    path: title} of the networks (the meeting's is its parent's path);
    `themes`: its `Theme`s; `url`: its full address."""
    formats = dict(MeetingMinutesPage.FORMAT_CHOICES)
    meeting_format = values["meeting_format"]
    start_time, end_time = values["start_time"], values["end_time"]
    last_published = values["last_published_at"]
    row = {
        "id": str(values["translation_key"]),
        "title": _text(values["title"]),
        "url": url or "",
        "network": _text(networks.get(values["path"][: -MeetingMinutesPage.steplen], "")),
        "date": _iso(values["date"]),
        "start_time": start_time.strftime("%H:%M:%S") if start_time else "",
        "end_time": end_time.strftime("%H:%M:%S") if end_time else "",
        "format": meeting_format,
        "format_label": _text(formats.get(meeting_format, meeting_format)),
        "place": _text(values["place"]),
        "host": _text(values["host__title"] if values["host_id"] else values["host_text"]),
        "chair": _text(values["chair"]),
        "summary": _text(values["summary"]),
        "participants": str(values["participant_count"]),
        "actions": str(values["action_count"]),
        "open_actions": str(values["open_action_count"]),
        "next_meeting_date": _iso(values["next_meeting_date"]),
        "themes": LIST_SEPARATOR.join(_text(theme.display_name) for theme in themes),
        "last_published": _iso(timezone.localtime(last_published) if last_published else None),
    }
    return {column: protect_cell(value) for column, value in row.items()}


def minutes_rows(meetings, networks: dict[str, str], url_of) -> Iterator[dict[str, str]]:
    """The rows of the queryset `meetings` (annotated with their counts), in
    its order, read as values in chunks: one query for the themes per chunk."""
    for chunk in value_chunks(meetings, VALUE_FIELDS, EXPORT_CHUNK_SIZE):
        themes = page_themes([values["pk"] for values in chunk])
        for values in chunk:
            yield minutes_row(values, networks, themes[values["pk"]], url_of(values["url_path"]))


def minutes_csv(request, page):
    """The filtered minutes of a network, or of every network under the
    networks index `page`."""
    listing = MinutesFilterSet(request.GET, scope=page)
    networks = dict(
        NetworkPage.objects.filter(
            path__startswith=page.path, locale_id=page.locale_id
        ).values_list("path", "title")
    )
    meetings = listing.qs.annotate(
        participant_count=Count("participants", distinct=True),
        action_count=Count("action_items", distinct=True),
        open_action_count=Count("action_items", filter=Q(action_items__done=False), distinct=True),
    )
    rows = minutes_rows(meetings, networks, descendant_urls(page, request))
    return MINUTES_CSV.response(
        rows, f"comptes-rendus-{page.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    )


def minutes_csv_schema(request, page):
    """The Table Schema of the minutes' CSV export (home/exports.py)."""
    return MINUTES_CSV.schema_response()
