"""The catalogue of SPASER indicators: declarative definitions, in French for users, in SQL for the engine.

Every definition is a ratio of two aggregates over `facts` (one row per contract, see `spaser.indicators.facts`)
plus a coverage aggregate. The SQL stays portable (CASE, SUM, COUNT): `tests/indicators` transpiles each one
to Spark SQL with sqlglot, so that a national observer can run the same definitions on Spark.

Over 500 lines on purpose: it is one declaration (25 definitions and their themes) that reads best in one place.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    definition: str
    numerator: str  # French description
    denominator: str
    unit: str  # code shown by spaser.formatting: "%" (a share from 0 to 1), "offres", "marchés" (a count)
    source: str
    numerator_sql: str
    denominator_sql: str
    known_sql: str  # contracts where the input is known: coverage = known / all contracts of the scope
    counted: str  # row condition of the contracts in the numerator (drill-down)
    universe: str  # row condition of the contracts the indicator is measured on; the rest are "non renseigné"
    evidence: str  # French text of why a contract is counted, not counted or unknown (facts, and `c.` contracts)
    base_sql: str = "COUNT(*)"  # the contracts the coverage is a share of: every one, or those the data concerns
    reference: tuple[str, ...] = ()  # reference tables the value needs (spaser reference import)
    counts_in: str = "marchés"  # unit code of the numerator: "marchés", "euros", what a mean sums ("" a bare sum)

    @property
    def is_count(self) -> bool:
        """A count of contracts: the value is the numerator itself, without a denominator."""
        return self.unit == "marchés"


def _count(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _value(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} AND amount_ok THEN montant ELSE 0 END)"


DECP = "DECP (données essentielles de la commande publique)"
DECP_SIRENE = "DECP × répertoire SIRENE"
DECP_LISTS = "DECP × listes SIAE, EA/EATT, ESAT, GEIQ"
DECP_ESUS = "DECP × liste des entreprises agréées ESUS (DG Trésor)"


# Reference tables read by the class columns of `facts` (spaser.analytics.classes).
CLASS_TABLES = {
    "awardees_known": ("unites_legales",),
    "category_known": ("unites_legales",),
    "location_known": ("etablissements", "communes"),
    "any_esus": ("esus",),
    "any_inclusive": ("structures_inclusives",),
}


def share(code, label, definition, numerator, denominator, condition, known, evidence, source=DECP, by_value=False):
    measure = _value if by_value else _count
    universe = f"({known}) AND amount_ok" if by_value else f"({known})"
    return Indicator(
        code=code,
        label=label,
        definition=definition,
        numerator=numerator,
        denominator=denominator,
        unit="%",
        source=source,
        numerator_sql=measure(f"({known}) AND ({condition})"),
        denominator_sql=measure(known),
        known_sql=_count(f"({known}) AND amount_ok" if by_value else known),
        counted=f"{universe} AND ({condition})",
        universe=universe,
        evidence=evidence,
        reference=CLASS_TABLES.get(known, ()) + CLASS_TABLES.get(condition, ()),
        counts_in="euros" if by_value else "marchés",
    )


def _mean(code, label, definition, numerator, denominator, unit, column, evidence, summed, concerned=None):
    """The mean of a per-contract figure over the contracts where it is published; when only the `concerned`
    contracts are expected to publish it, over those, and its coverage is a share of them."""
    published = f"{column} IS NOT NULL" if concerned is None else f"{concerned} AND {column} IS NOT NULL"
    return Indicator(
        code=code,
        label=label,
        definition=definition,
        numerator=numerator,
        denominator=denominator,
        unit=unit,
        source=DECP,
        numerator_sql=f"SUM(CASE WHEN {published} THEN {column} ELSE 0 END)",
        denominator_sql=_count(published),
        known_sql=_count(published),
        counted=published,
        universe=published,
        evidence=evidence,
        base_sql="COUNT(*)" if concerned is None else _count(concerned),
        counts_in=summed,
    )


# Why a contract counts: what the DECP publish for it, or the class of its awardees, in French (drill-down).
def _labels(column: str, none: str, unknown: str) -> str:
    return (
        f"CASE WHEN c.{column} IS NULL THEN '{unknown}' WHEN len(c.{column}) = 0 THEN '{none}' "
        f"ELSE array_to_string(c.{column}, ', ') END"
    )


def _known_or(known: str, unknown: str, cases: str) -> str:
    return f"CASE WHEN NOT coalesce({known}, false) THEN '{unknown}' {cases} END"


def _awardees(column: str, known: str, yes: str, no: str, unknown: str) -> str:
    return _known_or(known, unknown, f"WHEN {column} THEN '{yes}' ELSE '{no}'")


def _by_value(evidence: str) -> str:
    """Shares in value leave out the contracts whose amount is missing or suspect."""
    return f"CASE WHEN NOT amount_ok THEN 'montant absent ou signalé comme suspect' ELSE {evidence} END"


def _origin(column: str, published: str) -> str:
    """The share as the DECP publish it (from 0 to 1): a datum, not a figure rounded for display."""
    return (
        f"CASE WHEN NOT origin_concerned THEN 'produits non concernés par l''origine (code CPV)' "
        f"WHEN {column} IS NULL THEN '{published} non renseigné' "
        f"ELSE '{published} publié : ' || replace(CAST({column} AS VARCHAR), '.', ',') || ' (part de 0 à 1)' END"
    )


SOCIAL = _labels("considerationsSociales", "aucune considération sociale", "considérations sociales non renseignées")
ENVIRONMENTAL = _labels(
    "considerationsEnvironnementales",
    "aucune considération environnementale",
    "considérations environnementales non renseignées",
)
BOTH_CONSIDERATIONS = f"{SOCIAL} || ' ; ' || {ENVIRONMENTAL}"
NOT_IN_SIRENE = "titulaires absents du répertoire SIRENE (ou données de référence non chargées)"
ESS = _awardees("any_ess", "awardees_known", "titulaire de l''ESS", "aucun titulaire de l''ESS", NOT_IN_SIRENE)
ESUS = _awardees("any_esus", "awardees_known", "titulaire agréé ESUS", "aucun titulaire agréé ESUS", NOT_IN_SIRENE)
INCLUSIVE = _awardees(
    "any_inclusive",
    "awardees_known",
    "titulaire employeur inclusif (SIAE, EA, ESAT, GEIQ)",
    "aucun titulaire employeur inclusif",
    NOT_IN_SIRENE,
)
SME = _awardees(
    "any_pme",
    "category_known",
    "titulaire PME",
    "aucun titulaire PME",
    "catégorie d''entreprise des titulaires inconnue",
)
PLACES_UNKNOWN = "commune de l''acheteur ou des titulaires inconnue"
LOCAL_DEPARTEMENT = _awardees(
    "any_local_departement",
    "location_known",
    "titulaire établi dans le département",
    "aucun titulaire dans le département",
    PLACES_UNKNOWN,
)
LOCAL_REGION = _awardees(
    "any_local_region",
    "location_known",
    "titulaire établi dans la région",
    "aucun titulaire dans la région",
    PLACES_UNKNOWN,
)
OFFERS = (
    "CASE WHEN offers IS NULL THEN 'nombre d''offres non renseigné' WHEN offers = 1 THEN '1 offre reçue' "
    "ELSE CAST(offers AS VARCHAR) || ' offres reçues' END"
)
ADVANCE = _known_or(
    "advance IS NOT NULL", "avance non renseignée", "WHEN advance THEN 'avance attribuée' ELSE 'pas d''avance'"
)
INNOVATIVE = _known_or(
    "innovative IS NOT NULL",
    "caractère innovant non renseigné",
    "WHEN innovative THEN 'marché innovant' ELSE 'marché non innovant'",
)
ORIGIN_FRANCE = _origin("origin_france", "origineFrance")
ORIGIN_EU = _origin("origin_eu", "origineUE")

_ENV = "Clause environnementale ou Critère environnemental"
_ORIGIN = (
    "ceux dont les DECP attendent l'origine des produits, alimentation, habillement, produits de santé et "
    "véhicules, approchés par les divisions CPV 03 et 15, 18, 33 et 34."
)
_SOC = "Clause sociale, Critère social ou Marché réservé"

CATALOGUE: tuple[Indicator, ...] = (
    share(
        "E1",
        "Part des marchés avec au moins une considération environnementale",
        f"Part des marchés notifiés dans l'année dont les considérations environnementales comportent {_ENV}.",
        "marchés notifiés dans l'année avec une considération environnementale",
        "marchés notifiés dans l'année dont les considérations environnementales sont renseignées",
        "has_env",
        "env_known",
        evidence=ENVIRONMENTAL,
    ),
    share(
        "E2",
        "Part en valeur des marchés avec au moins une considération environnementale",
        "Même définition que E1, en montant initial (HT) des marchés.",
        "montant des marchés de E1",
        "montant des marchés dont les considérations environnementales sont renseignées",
        "has_env",
        "env_known",
        by_value=True,
        evidence=_by_value(ENVIRONMENTAL),
    ),
    share(
        "E3_CLAUSE",
        "Part des marchés avec une clause environnementale",
        "Part des marchés dont les considérations environnementales comportent « Clause environnementale ».",
        "marchés avec une clause environnementale",
        "marchés dont les considérations environnementales sont renseignées",
        "env_clause",
        "env_known",
        evidence=ENVIRONMENTAL,
    ),
    share(
        "E3_CRITERE",
        "Part des marchés avec un critère environnemental",
        "Part des marchés dont les considérations environnementales comportent « Critère environnemental ».",
        "marchés avec un critère d'attribution environnemental",
        "marchés dont les considérations environnementales sont renseignées",
        "env_criterion",
        "env_known",
        evidence=ENVIRONMENTAL,
    ),
    share(
        "E3_LES_DEUX",
        "Part des marchés avec une clause et un critère environnementaux",
        "Part des marchés qui comportent à la fois une clause et un critère environnementaux.",
        "marchés avec clause et critère environnementaux",
        "marchés dont les considérations environnementales sont renseignées",
        "env_clause AND env_criterion",
        "env_known",
        evidence=ENVIRONMENTAL,
    ),
    share(
        "S1",
        "Part des marchés avec au moins une considération sociale",
        f"Part des marchés notifiés dans l'année dont les considérations sociales comportent {_SOC}.",
        "marchés notifiés dans l'année avec une considération sociale",
        "marchés notifiés dans l'année dont les considérations sociales sont renseignées",
        "has_social",
        "social_known",
        evidence=SOCIAL,
    ),
    share(
        "S2",
        "Part en valeur des marchés avec au moins une considération sociale",
        "Même définition que S1, en montant initial (HT) des marchés.",
        "montant des marchés de S1",
        "montant des marchés dont les considérations sociales sont renseignées",
        "has_social",
        "social_known",
        by_value=True,
        evidence=_by_value(SOCIAL),
    ),
    share(
        "S3_CLAUSE",
        "Part des marchés avec une clause sociale",
        "Part des marchés dont les considérations sociales comportent « Clause sociale » (dont clauses d'insertion).",
        "marchés avec une clause sociale",
        "marchés dont les considérations sociales sont renseignées",
        "social_clause",
        "social_known",
        evidence=SOCIAL,
    ),
    share(
        "S3_CRITERE",
        "Part des marchés avec un critère social",
        "Part des marchés dont les considérations sociales comportent « Critère social ».",
        "marchés avec un critère d'attribution social",
        "marchés dont les considérations sociales sont renseignées",
        "social_criterion",
        "social_known",
        evidence=SOCIAL,
    ),
    share(
        "S3_RESERVE",
        "Part des marchés réservés",
        "Part des marchés dont les considérations sociales comportent « Marché réservé » (ESAT/EA, SIAE, ESS).",
        "marchés réservés",
        "marchés dont les considérations sociales sont renseignées",
        "reserved",
        "social_known",
        evidence=SOCIAL,
    ),
    share(
        "R1",
        "Part des marchés avec une considération sociale ou environnementale",
        "Part des marchés qui comportent au moins une considération sociale ou environnementale.",
        "marchés avec une considération sociale ou environnementale",
        "marchés dont les deux considérations sont renseignées, ou l'une d'elles présente",
        "has_social OR has_env",
        "(social_known AND env_known) OR has_social OR has_env",
        evidence=BOTH_CONSIDERATIONS,
    ),
    Indicator(
        code="R2",
        label="Nombre de marchés réservés",
        definition="Nombre de marchés notifiés dans l'année réservés (articles L2113-12, L2113-13 et L2113-15 du "
        "code de la commande publique ; les DECP ne distinguent pas la base légale).",
        numerator="marchés réservés",
        denominator="—",
        unit="marchés",
        source=DECP,
        numerator_sql=_count("social_known AND reserved"),
        denominator_sql="1",
        known_sql=_count("social_known"),
        counted="social_known AND reserved",
        universe="social_known",
        evidence=SOCIAL,
    ),
    share(
        "A1",
        "Part en valeur des achats auprès de l'économie sociale et solidaire",
        "Part du montant des marchés attribués à au moins une structure de l'ESS (SIRENE : "
        "economieSocialeSolidaireUniteLegale = O, ou Annuaire des entreprises : est_ess).",
        "montant des marchés dont au moins un titulaire relève de l'ESS",
        "montant des marchés dont les titulaires sont identifiés dans SIRENE",
        "any_ess",
        "awardees_known",
        source=DECP_SIRENE,
        by_value=True,
        evidence=_by_value(ESS),
    ),
    share(
        "A2",
        "Part en valeur des achats auprès d'entreprises solidaires d'utilité sociale (ESUS)",
        "Part du montant des marchés attribués à au moins une entreprise agréée ESUS (article L3332-17-1 du "
        "code du travail).",
        "montant des marchés dont au moins un titulaire est agréé ESUS",
        "montant des marchés dont les titulaires sont identifiés dans SIRENE",
        "any_esus",
        "awardees_known",
        source=DECP_ESUS,
        by_value=True,
        evidence=_by_value(ESUS),
    ),
    share(
        "A3",
        "Part en valeur des achats auprès d'employeurs inclusifs",
        "Part du montant des marchés attribués à au moins un employeur de personnes défavorisées ou handicapées "
        "(SIAE : EI, AI, ACI, ETTI, EITI ; GEIQ ; ESAT ; EA et EATT).",
        "montant des marchés dont au moins un titulaire est un employeur inclusif",
        "montant des marchés dont les titulaires sont identifiés dans SIRENE",
        "any_inclusive",
        "awardees_known",
        source=DECP_LISTS,
        by_value=True,
        evidence=_by_value(INCLUSIVE),
    ),
    share(
        "P1",
        "Part des marchés attribués à des PME",
        "Part des marchés dont au moins un titulaire est une PME (SIRENE : categorieEntreprise = PME).",
        "marchés dont au moins un titulaire est une PME",
        "marchés dont la catégorie d'entreprise des titulaires est connue",
        "any_pme",
        "category_known",
        source=DECP_SIRENE,
        evidence=SME,
    ),
    share(
        "P2",
        "Part en valeur des marchés attribués à des entreprises du département",
        "Part du montant des marchés dont au moins un titulaire a son établissement dans le département de "
        "l'acheteur.",
        "montant des marchés dont un titulaire est établi dans le département de l'acheteur",
        "montant des marchés dont les communes de l'acheteur et des titulaires sont connues",
        "any_local_departement",
        "location_known",
        source=DECP_SIRENE,
        by_value=True,
        evidence=_by_value(LOCAL_DEPARTEMENT),
    ),
    share(
        "P2_REGION",
        "Part en valeur des marchés attribués à des entreprises de la région",
        "Même définition que P2, à l'échelle de la région de l'acheteur.",
        "montant des marchés dont un titulaire est établi dans la région de l'acheteur",
        "montant des marchés dont les communes de l'acheteur et des titulaires sont connues",
        "any_local_region",
        "location_known",
        source=DECP_SIRENE,
        by_value=True,
        evidence=_by_value(LOCAL_REGION),
    ),
    _mean(
        "P3",
        "Nombre moyen d'offres reçues",
        "Moyenne du nombre d'offres reçues (offresRecues) par marché.",
        "somme des offres reçues",
        "marchés dont le nombre d'offres est renseigné",
        "offres",
        "offers",
        evidence=OFFERS,
        summed="offres",
    ),
    share(
        "P3_OFFRE_UNIQUE",
        "Part des marchés n'ayant reçu qu'une offre",
        "Part des marchés dont offresRecues = 1.",
        "marchés avec une seule offre",
        "marchés dont le nombre d'offres est renseigné",
        "offers = 1",
        "offers IS NOT NULL",
        evidence=OFFERS,
    ),
    share(
        "P4",
        "Part des marchés avec une avance",
        "Part des marchés dont attributionAvance est vrai.",
        "marchés avec attribution d'une avance",
        "marchés dont l'attribution d'une avance est renseignée",
        "advance",
        "advance IS NOT NULL",
        evidence=ADVANCE,
    ),
    _mean(
        "P6",
        "Part moyenne des produits d'origine française",
        f"Moyenne de origineFrance (part des produits d'origine française) sur les marchés concernés : {_ORIGIN} "
        "La couverture est la part de ces marchés qui publient la donnée.",
        "somme des parts d'origine française des marchés concernés",
        "marchés concernés dont origineFrance est renseigné",
        "%",
        "origin_france",
        concerned="origin_concerned",
        evidence=ORIGIN_FRANCE,
        summed="",
    ),
    _mean(
        "P6_UE",
        "Part moyenne des produits d'origine européenne",
        "Moyenne de origineUE (part des produits d'origine de l'Union européenne) sur les marchés concernés, "
        "comme P6.",
        "somme des parts d'origine européenne des marchés concernés",
        "marchés concernés dont origineUE est renseigné",
        "%",
        "origin_eu",
        concerned="origin_concerned",
        evidence=ORIGIN_EU,
        summed="",
    ),
    share(
        "I1",
        "Part des marchés innovants",
        "Part des marchés dont marcheInnovant est vrai.",
        "marchés innovants",
        "marchés dont le caractère innovant est renseigné",
        "innovative",
        "innovative IS NOT NULL",
        evidence=INNOVATIVE,
    ),
    Indicator(
        code="G5",
        label="Couverture des données de considérations",
        definition="Part des marchés dont les considérations sociales et environnementales sont toutes deux "
        "renseignées (les marchés publiés au format 2019 ne les portent pas).",
        numerator="marchés dont les deux considérations sont renseignées",
        denominator="marchés notifiés dans l'année",
        unit="%",
        source=DECP,
        numerator_sql=_count("social_known AND env_known"),
        denominator_sql="COUNT(*)",
        known_sql="COUNT(*)",
        counted="social_known AND env_known",
        universe="true",
        evidence=BOTH_CONSIDERATIONS,
    ),
)

BY_CODE = {indicator.code: indicator for indicator in CATALOGUE}


@dataclass(frozen=True)
class Theme:
    slug: str
    label: str
    codes: tuple[str, ...]


# How the catalogue page and the objective form group the indicators (the slugs are those of the scheme's axes).
THEMES: tuple[Theme, ...] = (
    Theme(
        "social",
        "Achats socialement responsables",
        ("S1", "S2", "S3_CLAUSE", "S3_CRITERE", "S3_RESERVE", "R2", "A1", "A2", "A3"),
    ),
    Theme(
        "environnemental", "Achats écologiquement responsables", ("E1", "E2", "E3_CLAUSE", "E3_CRITERE", "E3_LES_DEUX")
    ),
    Theme(
        "economique",
        "Achats économiquement responsables",
        ("P1", "P2", "P2_REGION", "P3", "P3_OFFRE_UNIQUE", "P4", "P6", "P6_UE", "I1"),
    ),
    Theme("transversal", "Vue d'ensemble et qualité des données", ("R1", "G5")),
)
THEME_OF = {code: theme for theme in THEMES for code in theme.codes}
