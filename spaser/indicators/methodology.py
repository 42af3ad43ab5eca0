"""`docs/indicateurs.md`, the French methodology, generated from the catalogue so that they cannot drift apart.

Regenerate with `make docs` (`spaser methodology`); a test fails when the committed file differs from this rendering.
"""

from spaser.indicators.catalogue import CATALOGUE, Indicator
from spaser.indicators.engine import CATALOGUE_VERSION


# The counting rules, in French: (name, rule); rendered in docs/indicateurs.md and on the « Détail du calcul » pages.
COUNTING_RULES = (
    (
        "Unité",
        (
            "le contrat distinct (marché ou contrat de concession), dans sa version actuelle : un contrat "
            "republié, reçu de plusieurs plateformes ou modifié n'est compté qu'une fois ; un identifiant "
            "réutilisé pour des marchés distincts (versions différant par deux éléments parmi date de "
            "notification, montant initial et titulaires) compte pour autant de marchés (règle d'identité : "
            "`docs/decp-model.md`)."
        ),
    ),
    (
        "Année",
        (
            "l'année de la date de notification initiale (`dateNotification` ; `dateSignature` pour une "
            "concession), jamais celle d'une modification ou de la publication."
        ),
    ),
    (
        "Valeur",
        (
            "le montant à la notification (`montant` ; `valeurGlobale` pour une concession), hors modifications. "
            "Les montants suspects (nuls ou négatifs, fictifs comme 999 999 999 ou 12 311 111 111, supérieurs à "
            "un milliard d'euros, illisibles) sont exclus des sommes et cela se lit dans la couverture. Les "
            "montants des accords-cadres sont des maxima."
        ),
    ),
    (
        "Considérations",
        (
            "un contrat a une considération sociale si ses considérations sociales comportent « Clause sociale », "
            "« Critère social » ou « Marché réservé » (« Concession réservée » pour une concession) ; une "
            "considération environnementale si elles comportent « Clause environnementale » ou « Critère "
            "environnemental »."
        ),
    ),
    (
        "Inconnu n'est pas « aucune »",
        (
            "un contrat dont la considération n'est pas renseignée (tous les contrats publiés au format 2019, ou "
            "seulement « NC ») sort du dénominateur et de la couverture ; un contrat qui porte « Pas de "
            "considération … » ou « Sans objet » compte comme « aucune »."
        ),
    ),
    (
        "Marchés et concessions à part",
        (
            "les indicateurs portent sur les marchés ; les concessions se calculent sur demande (`--concessions`) "
            "et ne sont jamais mélangées aux marchés."
        ),
    ),
    (
        "Univers",
        (
            "tous les contrats publiés, ou seulement ceux d'au moins 40 000 € ou 90 000 € HT (`--threshold`, série du "
            "recensement de l'OECP avant 2024). Filtres possibles par nature, division CPV et procédure."
        ),
    ),
    (
        "Titulaires",
        (
            "un contrat attribué à plusieurs titulaires compte pour une catégorie (ESS, ESUS, employeur inclusif, "
            "PME, local) dès que l'un d'eux en relève. Seuls les identifiants SIRET sont classés ; un titulaire "
            "identifié autrement (TVA, HORS-UE…) reste inconnu, jamais deviné."
        ),
    ),
    (
        "Périmètre",
        (
            "un acheteur est un SIREN (tous ses SIRET) ou une liste explicite de SIRET (schéma mutualisé, calculé "
            "par acheteur et pour l'ensemble) ; agrégats nationaux et par type d'acheteur."
        ),
    ),
    (
        "Couverture",
        (
            "part des contrats du périmètre pour lesquels la donnée nécessaire est connue (pour P6 et P6_UE, part "
            "des seuls marchés concernés par l'origine des produits) ; une valeur sans dénominateur est affichée "
            "« données insuffisantes »."
        ),
    ),
)


def render() -> str:
    parts = [
        "# Méthodologie des indicateurs SPASER",
        "",
        "Document généré depuis le catalogue (`spaser/indicators/catalogue.py`) par `make docs` : "
        f"ne pas le modifier à la main. Version du catalogue : `{CATALOGUE_VERSION}` (empreinte des définitions, "
        "reprise par les pages « Détail du calcul » et `spaser indicators --explain`).",
        "",
        "## Règles de comptage",
        "",
        *(f"- **{name}** : {rule}" for name, rule in COUNTING_RULES),
        "",
        "## Catalogue",
        "",
        "| Code | Indicateur | Unité | Source |",
        "| --- | --- | --- | --- |",
        *(f"| {i.code} | {i.label} | {i.unit} | {i.source} |" for i in CATALOGUE),
        "",
        *(line for indicator in CATALOGUE for line in _section(indicator)),
    ]
    return "\n".join(parts).rstrip() + "\n"


def _section(indicator: Indicator) -> list[str]:
    return [
        f"### {indicator.code} — {indicator.label}",
        "",
        indicator.definition,
        "",
        *(f"- {name} : {text}." for name, text in facts(indicator)),
        "",
    ]


def facts(indicator: Indicator) -> tuple[tuple[str, str], ...]:
    """(name, text) of how an indicator is computed, under its definition: here and in the steering report."""
    return (
        ("Numérateur", indicator.numerator),
        ("Dénominateur", indicator.denominator),
        ("Unité", f"{indicator.unit}. Source : {indicator.source}"),
    )


def plain_counting_rules() -> tuple[tuple[str, str], ...]:
    """COUNTING_RULES for a page or a document, without the Markdown code marks."""
    return tuple((name, rule.replace("`", "")) for name, rule in COUNTING_RULES)
