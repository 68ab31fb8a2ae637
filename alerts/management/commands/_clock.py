"""`--now` for the scheduled commands (tests and catching up): an ISO 8601
date-time, in Paris time when it has no offset."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import CommandError
from django.utils import timezone


def parse_now(value: str | None):
    if not value:
        return timezone.now()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--now: not an ISO 8601 date-time: {value!r}") from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
