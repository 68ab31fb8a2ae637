"""The ACTES nomenclature (« Aide au Contrôle de légaliTé dématErialiSé »),
levels 1 and 2: the subject codes of the SCDL « Délibérations » schema.

`DELIB_MATIERE_CODE` is a level-2 code ("7.5"); `DELIB_MATIERE_NOM` is then
the level-1 title followed by the level-2 title, in lower case with accents,
without comma or parenthesis, separated by a slash:
"finances locales/subventions" (`matiere_name()`).
"""

from __future__ import annotations

# (code, title) of level 1, each with its level-2 subjects.
NOMENCLATURE: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "1",
        "Commande publique",
        [
            ("1.1", "Marchés publics"),
            ("1.2", "Délégation de service public"),
            ("1.3", "Conventions de mandat"),
            ("1.4", "Autres types de contrats"),
            ("1.5", "Transactions protocole d'accord transactionnel"),
            ("1.6", "Maîtrise d'œuvre"),
            ("1.7", "Actes spéciaux et divers"),
        ],
    ),
    (
        "2",
        "Urbanisme",
        [
            ("2.1", "Documents d'urbanisme"),
            ("2.2", "Actes relatifs au droit d'occupation ou d'utilisation des sols"),
            ("2.3", "Droit de préemption urbain"),
        ],
    ),
    (
        "3",
        "Domaine et patrimoine",
        [
            ("3.1", "Acquisitions"),
            ("3.2", "Aliénations"),
            ("3.3", "Locations"),
            ("3.4", "Limites territoriales"),
            ("3.5", "Actes de gestion du domaine public"),
            ("3.6", "Autres actes de gestion du domaine privé"),
        ],
    ),
    (
        "4",
        "Fonction publique",
        [
            ("4.1", "Personnels titulaires et stagiaires de la FPT"),
            ("4.2", "Personnels contractuels"),
            ("4.3", "Fonction publique hospitalière"),
            ("4.4", "Autres catégories de personnels"),
            ("4.5", "Régime indemnitaire"),
        ],
    ),
    (
        "5",
        "Institutions et vie politique",
        [
            ("5.1", "Élection exécutif"),
            ("5.2", "Fonctionnement des assemblées"),
            ("5.3", "Désignation de représentants"),
            ("5.4", "Délégation de fonctions"),
            ("5.5", "Délégation de signature"),
            ("5.6", "Exercice des mandats locaux"),
            ("5.7", "Intercommunalité"),
            ("5.8", "Décision d'ester en justice"),
        ],
    ),
    (
        "6",
        "Libertés publiques et pouvoirs de police",
        [
            ("6.1", "Police municipale"),
            ("6.2", "Pouvoir du président du conseil départemental"),
            ("6.3", "Pouvoir du président du conseil régional"),
            ("6.4", "Autres actes réglementaires"),
            ("6.5", "Actes pris au nom de l'État"),
        ],
    ),
    (
        "7",
        "Finances locales",
        [
            ("7.1", "Décisions budgétaires"),
            ("7.2", "Fiscalité"),
            ("7.3", "Emprunts"),
            ("7.4", "Interventions économiques"),
            ("7.5", "Subventions"),
            ("7.6", "Contributions budgétaires"),
            ("7.7", "Avances"),
            ("7.8", "Fonds de concours"),
            ("7.9", "Prise de participation"),
            ("7.10", "Divers"),
        ],
    ),
    (
        "8",
        "Domaines de compétences par thèmes",
        [
            ("8.1", "Enseignement"),
            ("8.2", "Aide sociale"),
            ("8.3", "Voirie"),
            ("8.4", "Aménagement du territoire"),
            ("8.5", "Politique de la ville habitat logement"),
            ("8.6", "Emploi formation professionnelle"),
            ("8.7", "Transports"),
            ("8.8", "Environnement"),
            ("8.9", "Culture"),
        ],
    ),
    (
        "9",
        "Autres domaines de compétences",
        [
            ("9.1", "Autres domaines de compétences des communes"),
            ("9.2", "Autres domaines de compétences des départements"),
            ("9.3", "Autres domaines de compétences des régions"),
            ("9.4", "Vœux et motions"),
        ],
    ),
]

_LEVEL1 = {code: title for code, title, _subjects in NOMENCLATURE}
_LEVEL2 = {code: title for _code, _title, subjects in NOMENCLATURE for code, title in subjects}


def matiere_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Option groups for a select: level 1, then its level-2 codes."""
    return [
        (f"{code}. {title}", [(sub, f"{sub} – {sub_title}") for sub, sub_title in subjects])
        for code, title, subjects in NOMENCLATURE
    ]


def matiere_title(code: str) -> str:
    """The level-2 title of `code`, as written in the nomenclature."""
    return _LEVEL2.get(code, "")


def matiere_name(code: str) -> str:
    """`DELIB_MATIERE_NOM` for a level-2 code: "finances locales/subventions";
    empty for an unknown or empty code."""
    if code not in _LEVEL2:
        return ""
    level1 = _LEVEL1[code.split(".", 1)[0]]
    return f"{level1.lower()}/{_LEVEL2[code].lower()}"
