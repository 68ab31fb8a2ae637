"""Validators every public form shares (proposals, the partner space, the
announcements' contact form, imports): text a person cannot have meant, dates
nobody announces."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Invisible characters a person cannot have meant (pasted from a word
# processor, or sent by a robot): C0/C1 controls but tab and line breaks, NUL
# included, and lone surrogates. Every input boundary refuses them: the forms
# through `validate_no_control_characters`, the imports with this pattern.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def validate_no_control_characters(value) -> None:
    """Refuse text holding control characters (tab and line breaks are
    fine); the form keeps what was typed so the person can remove them."""
    # NUL is left to Django's own validator (every CharField refuses it,
    # with its own message).
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value.replace("\x00", "")):
        raise ValidationError(
            _(
                "Ce texte contient des caractères de contrôle invisibles (copiés-collés "
                "depuis un autre logiciel ?) : retirez-les puis envoyez de nouveau."
            ),
            code="control_characters",
        )


FIRST_PLAUSIBLE_YEAR = 2000
LAST_PLAUSIBLE_YEAR = 2100


# Editors also record the past (a convention of 1998, a network founded in
# 1985): the admin accepts dates from this year on.
FIRST_RECORDED_YEAR = 1900


def validate_plausible_year(
    value, first: int = FIRST_PLAUSIBLE_YEAR, last: int = LAST_PLAUSIBLE_YEAR
) -> None:
    """A date (or date-time) people may announce: year 2000 to 2100. Years
    such as 1 or 9999 are typing mistakes (and overflow time-zone arithmetic)."""
    if value is not None and not (first <= value.year <= last):
        raise ValidationError(
            _("Indiquez une date entre l'an %(first)s et l'an %(last)s."),
            code="implausible_year",
            params={"first": first, "last": last},
        )
