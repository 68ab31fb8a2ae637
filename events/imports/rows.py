"""One imported event (`EventRow`) and the checks the CSV and iCalendar
readers share: texts (length, control characters, scripts), dates (years
1900 to 2100, end after start), vocabularies by code or label, themes and
organisers' fiches."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from directory import geo
from directory.models import ActorPage
from home.imports import PlannedRow
from home.models import Theme
from home.validation import CONTROL_CHARACTERS

from ..models import EventPage, EventSlot, paris

MIN_YEAR, MAX_YEAR = 1900, 2100
# The model's TextField has no limit; an import's summary has this one.
SUMMARY_MAX_LENGTH = 5000
_EXECUTABLE = re.compile(
    r"<\s*/?\s*(script|style|iframe|object|embed|svg)\b|javascript\s*:|<[^>]*\son\w+\s*=",
    re.IGNORECASE,
)


def fold(text: str) -> str:
    """`text` without case, accents, or repeated spaces, for matching names."""
    text = unicodedata.normalize("NFKD", str(text).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("’", "'").split())


@dataclass(frozen=True)
class SlotData:
    """A time slot as the model stores it: Paris dates and times."""

    start_date: dt.date
    start_time: dt.time | None = None
    end_date: dt.date | None = None
    end_time: dt.time | None = None

    def slot(self) -> EventSlot:
        return EventSlot(
            start_date=self.start_date,
            start_time=self.start_time,
            end_date=self.end_date if self.end_date != self.start_date else None,
            end_time=self.end_time,
        )

    def instants(self) -> tuple[dt.datetime, dt.datetime, bool]:
        start, end = self.slot().instants()
        return start, end, self.start_time is None


def slot_key(slot) -> tuple:
    """What makes two slots the same (an EventSlot or a SlotData)."""
    start, end = slot.instants()[:2]
    return start, end, slot.start_time is None


@dataclass
class EventRow(PlannedRow):
    """One event of a file: the EventPage values it gives (only those the
    file has: an update leaves the others alone), its slots, organisers and
    themes (None: not in the file), and how to find it again."""

    key: str = ""  # the translation key, from our UID or the CSV's id
    external_uid: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    # Values only set on a new event (a link to the source's page...).
    create_values: dict[str, Any] = field(default_factory=dict)
    slots: list[SlotData] | None = None
    organisers: list[dict[str, Any]] | None = None
    themes: list[Theme] | None = None

    @property
    def first_start(self) -> dt.datetime | None:
        if not self.slots:
            return None
        return min(slot.instants()[0] for slot in self.slots)


class RowChecker:
    """The checks of one row, recording each problem on it (the column, a
    French message) and returning a usable value or None."""

    def __init__(self, row: EventRow, lookups: Lookups):
        self.row, self.lookups = row, lookups

    def fail(self, column: str, message: str) -> None:
        self.row.error(column, message)

    # --- Texts ----------------------------------------------------------------

    def safe(self, column: str, value: str) -> bool:
        """Whether `value` holds no control character and nothing a browser
        would run (a script tag, a javascript: link); reports it if it does."""
        if control := CONTROL_CHARACTERS.search(value):
            self.fail(
                column,
                _("Caractère de contrôle interdit (code %(code)s).")
                % {"code": f"U+{ord(control.group()):04X}"},
            )
            return False
        if executable := _EXECUTABLE.search(value):
            self.fail(
                column,
                _("Contenu exécutable refusé (« %(found)s ») : texte brut attendu.")
                % {"found": executable.group()},
            )
            return False
        return True

    def text(self, column: str, value: str, limit: int, *, multiline: bool = False) -> str | None:
        value = value or ""
        if not self.safe(column, value):
            return None
        if multiline:
            lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").split("\n")]
            value = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
        else:
            value = " ".join(value.split())
        if len(value) > limit:
            self.fail(
                column,
                _("%(length)s caractères pour %(limit)s au plus.")
                % {"length": len(value), "limit": limit},
            )
            return None
        return value

    def field_text(self, column: str, value: str, name: str, **kwargs) -> str | None:
        limit = EventPage._meta.get_field(name).max_length or SUMMARY_MAX_LENGTH
        return self.text(column, value, limit, **kwargs)

    def url(self, column: str, value: str, limit: int = 500) -> str | None:
        value = self.text(column, value, limit)
        if not value:
            return value
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            self.fail(
                column, _("« %(value)s » n'est pas une adresse web valide.") % {"value": value}
            )
            return None
        return value

    def email(self, column: str, value: str) -> str | None:
        value = self.text(column, value, 254)
        if not value:
            return value
        try:
            EmailValidator()(value)
        except ValidationError:
            self.fail(column, _("« %(value)s » n'est pas un courriel valide.") % {"value": value})
            return None
        return value

    # --- Codes ----------------------------------------------------------------

    def choice(self, column: str, value: str, choices) -> str | None:
        """A vocabulary's code, from its code or its label."""
        value = " ".join((value or "").split())
        if not value:
            return ""
        for code, label in choices.choices:
            if fold(value) in (fold(code), fold(label)):
                return code
        self.fail(
            column,
            _("Valeur inconnue : « %(value)s » (codes possibles : %(codes)s).")
            % {"value": value[:100], "codes": ", ".join(choices.values)},
        )
        return None

    def yes_no(self, column: str, value: str) -> bool | None:
        folded = fold(value or "")
        if folded in {"oui", "o", "vrai", "true", "1", "yes", "x"}:
            return True
        if folded in {"non", "n", "faux", "false", "0", "no", ""}:
            return False
        self.fail(column, _("« %(value)s » : « oui » ou « non » attendu.") % {"value": value[:100]})
        return None

    def uuid(self, column: str, value: str) -> str:
        value = value.strip()
        if not value:
            return ""
        try:
            return str(uuid.UUID(value))
        except ValueError:
            self.fail(column, _("Identifiant invalide : « %(value)s ».") % {"value": value[:100]})
            return ""

    def decimal(self, column: str, value: str, bound: int) -> Decimal | None:
        value = (value or "").strip()
        if not value:
            return None
        try:
            number = Decimal(value.replace(",", ".").replace(" ", ""))
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.fail(
                column, _("« %(value)s » n'est pas un nombre décimal.") % {"value": value[:100]}
            )
            return None
        if not -bound <= number <= bound:
            self.fail(
                column,
                _("%(value)s est hors des bornes (de -%(bound)s à %(bound)s).")
                % {"value": value[:100], "bound": bound},
            )
            return None
        return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)

    def territory(self, region: str, departement: str) -> tuple[str, str] | None:
        region, departement = region.strip(), departement.strip().upper()
        if len(departement) == 1 and departement.isdigit():
            departement = "0" + departement
        ok = True
        if region and region not in geo.regions():
            self.fail(
                "region", _("Code de région inconnu : « %(value)s ».") % {"value": region[:20]}
            )
            ok = False
        if departement and departement not in geo.departements():
            self.fail(
                "departement",
                _("Code de département inconnu : « %(value)s ».") % {"value": departement[:20]},
            )
            ok = False
        if ok and region and departement and geo.departements()[departement].region != region:
            self.fail(
                "departement",
                _("Le département %(departement)s n'appartient pas à la région %(region)s.")
                % {"departement": departement, "region": region},
            )
            ok = False
        return (region, departement) if ok else None

    # --- Dates ----------------------------------------------------------------

    def year_ok(self, column: str, value: dt.date | dt.datetime) -> bool:
        if MIN_YEAR <= value.year <= MAX_YEAR:
            return True
        self.fail(
            column,
            _("Année %(year)s hors des bornes (de %(min)s à %(max)s).")
            % {"year": value.year, "min": MIN_YEAR, "max": MAX_YEAR},
        )
        return False

    def slot(
        self,
        column: str,
        start: dt.date | dt.datetime,
        end: dt.date | dt.datetime | None,
        *,
        end_exclusive: bool = False,
    ) -> SlotData | None:
        """A slot from its start and end: dates (all day; with
        `end_exclusive`, the end is the day after the last, as in iCalendar)
        or aware instants (converted to Paris time)."""
        if not self.year_ok(column, start) or (end is not None and not self.year_ok(column, end)):
            return None
        if isinstance(start, dt.datetime):
            if end is not None and not isinstance(end, dt.datetime):
                end = dt.datetime.combine(end, dt.time.min, tzinfo=start.tzinfo)
            start = start.astimezone(paris())
            end = end.astimezone(paris()) if end is not None else None
            if end is not None and end < start:
                return self._end_before_start(column, start, end)
            if end is None:
                return SlotData(start.date(), start.time().replace(tzinfo=None))
            return SlotData(
                start.date(),
                start.time().replace(tzinfo=None),
                end.date() if end.date() != start.date() else None,
                end.time().replace(tzinfo=None),
            )
        if end is not None and isinstance(end, dt.datetime):
            end = end.date()
        if end is not None and end < start:
            return self._end_before_start(column, start, end)
        if end is not None and end_exclusive:
            end = max(start, end - dt.timedelta(days=1))
        return SlotData(start, None, end if end != start else None)

    def _end_before_start(self, column: str, start, end) -> None:
        self.fail(
            column,
            _("La fin (%(end)s) précède le début (%(start)s).")
            % {"end": _human(end), "start": _human(start)},
        )

    # --- Themes and organisers -------------------------------------------------

    def themes(self, column: str, names: list[str], *, strict: bool) -> list[Theme]:
        """The themes named (by name, English name or slug); with `strict`,
        an unknown name is an error, else it is left out."""
        found, unknown = [], []
        for name in names:
            theme = self.lookups.theme(name)
            if theme is not None and theme not in found:
                found.append(theme)
            elif theme is None and name.strip():
                unknown.append(f"« {name.strip()[:100]} »")
        if unknown and strict:
            self.fail(column, _("Thème inconnu : %(names)s.") % {"names": ", ".join(unknown)})
        return found


def _human(value) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    return f"{value:%d/%m/%Y}"


class Lookups:
    """What rows are matched against, read once per file: themes, event
    types by label, and the directory's fiches (by slug, for organisers)."""

    def __init__(self, locale_id: int | None = None):
        self.locale_id = locale_id
        self._themes = None
        self._actors: dict[str, ActorPage | None] = {}

    def theme(self, name: str) -> Theme | None:
        if self._themes is None:
            self._themes = {}
            for theme in Theme.objects.all():
                for key in (theme.slug, theme.name, theme.name_en):
                    if key:
                        self._themes.setdefault(fold(key), theme)
        return self._themes.get(fold(name))

    def actor(self, url: str) -> ActorPage | None:
        """The fiche a URL of the directory points at (its last segment, the
        slug), in the agenda's language first."""
        slug = [part for part in url.split("?")[0].split("/") if part][-1:]
        if not slug:
            return None
        slug = slug[0]
        if slug not in self._actors:
            actors = ActorPage.objects.filter(slug=slug).only("id", "title", "locale_id")
            actors = sorted(actors, key=lambda actor: actor.locale_id != self.locale_id)
            self._actors[slug] = actors[0] if actors else None
        return self._actors[slug]


def organiser(name: str, role: str, actor: ActorPage | None) -> dict[str, Any]:
    if actor is not None:
        return {"actor_id": actor.pk, "name": "", "role": role}
    return {"actor_id": None, "name": name, "role": role}
