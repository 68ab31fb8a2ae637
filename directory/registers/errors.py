"""What can go wrong when asking a register, each with a French message for
the editor. Nothing is retried: one failed call is one message."""

from django.utils.translation import gettext_lazy as _


class RegisterError(Exception):
    message = _("Le registre n'a pas pu être consulté.")

    def __init__(self, detail: str = "", *, source: str = ""):
        super().__init__(detail or str(self.message))
        self.detail = detail
        self.source = source


class RegisterUnreachable(RegisterError):
    message = _("Le service est injoignable ou indisponible pour le moment. Réessayez plus tard.")


class RegisterTimeout(RegisterUnreachable):
    message = _("Le service n'a pas répondu à temps. Réessayez plus tard.")


class RegisterNotFound(RegisterError):
    message = _("Aucune entreprise ou association ne porte ce numéro dans le registre.")


class RegisterBadAnswer(RegisterError):
    message = _("Le service a donné une réponse illisible : rien n'a été repris.")


class InvalidIdentifier(RegisterError):
    message = _(
        "Le SIREN ou SIRET de la fiche n'est pas valide : corrigez-le avant la vérification."
    )
