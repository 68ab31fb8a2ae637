"""The admin's forms refuse what the public forms refuse (issue 16, items 3
and 4): text holding control characters and dates outside 1900–2100, in
every field of a page — its inline panels (contacts, partners, dates...) and
the text inside its StreamField blocks included — and of the snippets.

One check, `check_form`, shared by `BasePageForm` (every page type's
`base_form_class`, through `home.models.BasePage`) and `BaseSnippetForm`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.blocks import StreamValue

from .validation import (
    CONTROL_CHARACTERS,
    FIRST_RECORDED_YEAR,
    LAST_PLAUSIBLE_YEAR,
    validate_no_control_characters,
    validate_plausible_year,
)

STREAM_CONTROL_CHARACTERS = _(
    "Un des blocs contient des caractères de contrôle invisibles (copiés-collés depuis un "
    "autre logiciel ?) : retirez-les puis enregistrez de nouveau."
)


def _strings(value):
    """Every string inside a StreamField's stored form (nested blocks)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _check_value(value) -> None:
    if isinstance(value, str):
        # (NUL is refused by every CharField already, with Django's message.)
        validate_no_control_characters(value)
    elif isinstance(value, (dt.date, dt.datetime)):
        validate_plausible_year(value, first=FIRST_RECORDED_YEAR, last=LAST_PLAUSIBLE_YEAR)
    elif isinstance(value, StreamValue) and any(
        CONTROL_CHARACTERS.search(text) for text in _strings(value.get_prep_value())
    ):
        raise ValidationError(STREAM_CONTROL_CHARACTERS, code="control_characters")


def check_form(form) -> None:
    """Add an error to each field of `form` (and of its formsets' forms)
    whose cleaned value holds control characters or an implausible date."""
    for name, value in list(getattr(form, "cleaned_data", {}).items()):
        if name not in form.fields:
            continue
        try:
            _check_value(value)
        except ValidationError as error:
            form.add_error(name, error)
    for formset in getattr(form, "formsets", {}).values():
        for child in formset.forms:
            if child.is_bound and child.has_changed() and child.is_valid():
                check_form(child)


class BasePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        check_form(self)
        return cleaned


class BaseSnippetForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        check_form(self)
        return cleaned
