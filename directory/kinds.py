"""The kinds of actors, grouped. A filter on a group matches all its kinds."""

from django.utils.translation import gettext_lazy as _

LOCAL_AUTHORITIES = "collectivites"
ESS_STRUCTURES = "structures-ess"
SUPPORT = "accompagnement"
EDUCATION = "enseignement-recherche"
CITIZENS = "projets-citoyens"

KIND_GROUPS = [
    (
        LOCAL_AUTHORITIES,
        _("Collectivités territoriales"),
        [
            ("commune", _("Commune")),
            ("communaute-de-communes", _("Communauté de communes")),
            ("communaute-d-agglomeration", _("Communauté d'agglomération")),
            ("communaute-urbaine", _("Communauté urbaine")),
            ("metropole", _("Métropole")),
            ("ept", _("Établissement public territorial")),
            ("conseil-departemental", _("Conseil départemental")),
            ("conseil-regional", _("Conseil régional")),
        ],
    ),
    (
        ESS_STRUCTURES,
        _("Structures de l'ESS"),
        [
            ("association", _("Association")),
            ("scop", _("SCOP")),
            ("scic", _("SCIC")),
            ("cae", _("Coopérative d'activité et d'emploi (CAE)")),
            ("mutuelle", _("Mutuelle")),
            ("fondation", _("Fondation")),
            ("esus", _("Entreprise solidaire d'utilité sociale (ESUS)")),
            ("siae", _("Structure d'insertion par l'activité économique (SIAE)")),
            ("ea-esat", _("Entreprise adaptée / ESAT")),
        ],
    ),
    (
        SUPPORT,
        _("Accompagnement et financement"),
        [
            ("reseau", _("Réseau")),
            ("centre-de-ressources", _("Centre de ressources")),
            ("incubateur", _("Incubateur")),
            ("financeur", _("Financeur")),
            ("chambre-consulaire", _("Chambre consulaire")),
        ],
    ),
    (
        EDUCATION,
        _("Enseignement et recherche"),
        [
            ("universite", _("Université")),
            ("iut", _("IUT")),
            ("chaire", _("Chaire")),
        ],
    ),
    (
        CITIZENS,
        _("Projets citoyens"),
        [("projet-citoyen", _("Projet citoyen"))],
    ),
]

KIND_CHOICES = [(label, kinds) for _code, label, kinds in KIND_GROUPS]
KIND_LABELS = {code: label for _g, _l, kinds in KIND_GROUPS for code, label in kinds}
GROUP_LABELS = {code: label for code, label, _kinds in KIND_GROUPS}
KINDS_BY_GROUP = {code: [kind for kind, _l in kinds] for code, _l, kinds in KIND_GROUPS}
GROUP_OF_KIND = {kind: group for group, kinds in KINDS_BY_GROUP.items() for kind in kinds}


def is_local_authority(kind: str) -> bool:
    return GROUP_OF_KIND.get(kind) == LOCAL_AUTHORITIES
