"""The calls' fixed vocabularies: types, roles, recurrence, territory scope and
eligible applicants. Codes are stored; labels are translated at display time.

The applicants' codes follow the state's catalogue of grants where it has an
equivalent (association, collectivité, porteur de projet…), refined with the
ESS statuses the seeds name (SCOP/SCIC, CAE, ESUS, SIAE, EA/ESAT).
"""

from django.utils.translation import gettext_lazy as _

# --- Type of call -------------------------------------------------------------

AAP = "aap"
AMI = "ami"
PRIZE = "prix"
ROLLING_GRANT = "fil-de-l-eau"
OTHER = "autre"

TYPE_CHOICES = [
    (AAP, _("Appel à projets (AAP)")),
    (AMI, _("Appel à manifestation d'intérêt (AMI)")),
    (PRIZE, _("Prix ou trophée")),
    (ROLLING_GRANT, _("Aide instruite au fil de l'eau")),
    (OTHER, _("Autre dispositif")),
]
TYPE_LABELS = dict(TYPE_CHOICES)
# Short labels for cards and badges.
TYPE_SHORT_LABELS = {
    AAP: _("AAP"),
    AMI: _("AMI"),
    PRIZE: _("Prix"),
    ROLLING_GRANT: _("Au fil de l'eau"),
    OTHER: _("Autre"),
}

# --- Organisers' and partners' roles -------------------------------------------

ORGANISER = "organisateur"
CO_ORGANISER = "co-organisateur"
FUNDER = "financeur"
INSTRUCTOR = "instructeur"
PARTNER = "partenaire"

ROLE_CHOICES = [
    (ORGANISER, _("Organisateur")),
    (CO_ORGANISER, _("Co-organisateur")),
    (FUNDER, _("Financeur")),
    (INSTRUCTOR, _("Instructeur")),
    (PARTNER, _("Partenaire")),
]
ROLE_LABELS = dict(ROLE_CHOICES)
# The roles that make an actor one of the call's "organisers" (the others are
# partners) in the page's summary and the JSON-LD `funder`.
LEAD_ROLES = {ORGANISER, CO_ORGANISER, FUNDER}

# --- Recurrence ----------------------------------------------------------------

ONE_OFF = "ponctuel"
ANNUAL = "annuel"
RECURRENCE_CHOICES = [
    (ONE_OFF, _("Ponctuel")),
    (ANNUAL, _("Annuel")),
]
RECURRENCE_LABELS = dict(RECURRENCE_CHOICES)

# --- Territory -------------------------------------------------------------------

NATIONAL = "national"
REGIONAL = "region"
DEPARTMENTAL = "departement"
LOCAL = "local"
SCOPE_CHOICES = [
    (NATIONAL, _("France entière")),
    (REGIONAL, _("Région")),
    (DEPARTMENTAL, _("Département")),
    (LOCAL, _("Commune ou intercommunalité")),
]
SCOPE_LABELS = dict(SCOPE_CHOICES)

# --- Eligible applicants -----------------------------------------------------------

APPLICANT_CHOICES = [
    ("associations", _("Associations")),
    ("cooperatives", _("Coopératives (SCOP, SCIC)")),
    ("cae", _("Coopératives d'activité et d'emploi (CAE)")),
    ("esus", _("Entreprises agréées ESUS")),
    ("siae", _("Structures d'insertion par l'activité économique (SIAE)")),
    ("ea-esat", _("Entreprises adaptées et ESAT")),
    ("structures-ess", _("Structures de l'ESS (tous statuts)")),
    ("tetes-de-reseau", _("Têtes de réseau")),
    ("collectivites", _("Collectivités territoriales")),
    ("porteurs-de-projet", _("Porteurs de projet individuels")),
]
APPLICANT_LABELS = dict(APPLICANT_CHOICES)
