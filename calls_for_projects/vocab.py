"""The calls' fixed vocabularies: types, roles, recurrence, territory scope and
eligible applicants, as `TextChoices`. Codes are stored; labels are translated
at display time (`.label`, `get_FOO_display()`): a code never reaches a page.

The applicants' codes follow the state's catalogue of grants where it has an
equivalent (association, collectivité, porteur de projet…), refined with the
ESS statuses the seeds name (SCOP/SCIC, CAE, ESUS, SIAE, EA/ESAT).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


def label(choices: type[models.TextChoices], code: str) -> str:
    """The label of `code` in `choices`, the code itself if unknown."""
    return str(dict(choices.choices).get(code, code))


class CallType(models.TextChoices):
    AAP = "aap", _("Appel à projets (AAP)")
    AMI = "ami", _("Appel à manifestation d'intérêt (AMI)")
    PRIZE = "prix", _("Prix ou trophée")
    ROLLING_GRANT = "fil-de-l-eau", _("Aide instruite au fil de l'eau")
    OTHER = "autre", _("Autre dispositif")


AAP, AMI, PRIZE, ROLLING_GRANT, OTHER = CallType  # the codes, by name (likewise below)
# Short labels for cards and badges.
TYPE_SHORT_LABELS = {
    AAP: _("AAP"),
    AMI: _("AMI"),
    PRIZE: _("Prix"),
    ROLLING_GRANT: _("Au fil de l'eau"),
    OTHER: _("Autre"),
}


class Role(models.TextChoices):
    """An organiser's or partner's role in a call."""

    ORGANISER = "organisateur", _("Organisateur")
    CO_ORGANISER = "co-organisateur", _("Co-organisateur")
    FUNDER = "financeur", _("Financeur")
    INSTRUCTOR = "instructeur", _("Instructeur")
    PARTNER = "partenaire", _("Partenaire")


ORGANISER, CO_ORGANISER, FUNDER, INSTRUCTOR, PARTNER = Role
# The roles that make an actor one of the call's "organisers" (the others are
# partners) in the page's summary and the JSON-LD `funder`.
LEAD_ROLES = {ORGANISER, CO_ORGANISER, FUNDER}


class Recurrence(models.TextChoices):
    ONE_OFF = "ponctuel", _("Ponctuel")
    ANNUAL = "annuel", _("Annuel")


ONE_OFF, ANNUAL = Recurrence


class Scope(models.TextChoices):
    """The territory a call covers."""

    NATIONAL = "national", _("France entière")
    REGIONAL = "region", _("Région")
    DEPARTMENTAL = "departement", _("Département")
    LOCAL = "local", _("Commune ou intercommunalité")


NATIONAL, REGIONAL, DEPARTMENTAL, LOCAL = Scope


class Applicant(models.TextChoices):
    """Who may apply (the codes of `ApplicantType` rows)."""

    ASSOCIATIONS = "associations", _("Associations")
    COOPERATIVES = "cooperatives", _("Coopératives (SCOP, SCIC)")
    CAE = "cae", _("Coopératives d'activité et d'emploi (CAE)")
    ESUS = "esus", _("Entreprises agréées ESUS")
    SIAE = "siae", _("Structures d'insertion par l'activité économique (SIAE)")
    EA_ESAT = "ea-esat", _("Entreprises adaptées et ESAT")
    ESS = "structures-ess", _("Structures de l'ESS (tous statuts)")
    NETWORKS = "tetes-de-reseau", _("Têtes de réseau")
    AUTHORITIES = "collectivites", _("Collectivités territoriales")
    INDIVIDUALS = "porteurs-de-projet", _("Porteurs de projet individuels")
