"""The `partenaire` role of `manage.py create_user --role` (docs/partners.md).

A partner account has no group, no staff flag and no password: it never
reaches the Wagtail admin and signs in to the partner space with a one-time
link sent to its email address, once a moderator has linked it to a fiche
(« Accès partenaires »). Registered in `PartnersConfig.ready()`.
"""

from home.registry import ACCOUNT_ROLES, AccountRole

PARTNER_ROLE = AccountRole(
    "partenaire",
    "Compte partenaire : espace partenaires, sans accès à l'administration",
    groups=(),
    password=False,
    next_step=(
        "Reliez ce compte à une fiche dans l'administration (menu « Accès partenaires ») ; "
        "le partenaire se connecte ensuite à /fr/espace-partenaires/connexion/ avec son "
        "adresse électronique."
    ),
    order=40,
)


def register_partner_role() -> None:
    ACCOUNT_ROLES.register(PARTNER_ROLE)
