from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LA_POSTE_SIREN = "356000000"


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_siret(value: str) -> str:
    return "".join((value or "").split())


def validate_siren_or_siret(value: str) -> None:
    """A SIREN (9 digits) or SIRET (14 digits) with a valid Luhn key.

    La Poste's establishments (SIREN 356 000 000) are numbered with a sum of
    digits that is a multiple of 5 instead, as INSEE documents.
    """
    digits = normalise_siret(value)
    if not digits.isdigit() or len(digits) not in (9, 14):
        raise ValidationError(
            _("Un SIREN compte 9 chiffres et un SIRET 14 chiffres."), code="siret_length"
        )
    is_la_poste = len(digits) == 14 and digits.startswith(LA_POSTE_SIREN)
    la_poste_rule = is_la_poste and digits != LA_POSTE_SIREN + "00001"
    if la_poste_rule and sum(int(c) for c in digits) % 5 == 0:
        return
    if not luhn_valid(digits):
        raise ValidationError(
            _("Ce numéro SIREN/SIRET n'est pas valide (clé de contrôle incorrecte)."),
            code="siret_key",
        )
