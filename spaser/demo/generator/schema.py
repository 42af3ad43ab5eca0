"""Enumerations of schema 2.0.3 verbatim, the weights they are drawn with, and the calendar of the synthetic file."""

from datetime import date, timedelta

import numpy as np

from spaser.demo.generator.sampling import cumulative, regime_cdfs


# ---------------------------------------------------------------------------------------------------------------
# Calendar: dates are day numbers in the arrays and strings only when a record is assembled.

EPOCH = date(2023, 1, 1)
DAYS = tuple((EPOCH + timedelta(days=offset)).isoformat() for offset in range(3653))
DAY_NUMBER = {day: number for number, day in enumerate(DAYS)}
FIRST_NOTIFICATION = (date(2024, 1, 1) - EPOCH).days
NOTIFICATION_SPAN = (date(2025, 12, 31) - date(2024, 1, 1)).days
EXTRACTION_DAY = (date(2026, 3, 31) - EPOCH).days  # no clean date lies after the synthetic extraction
EPOCH_WEEKDAY = EPOCH.weekday()

# ---------------------------------------------------------------------------------------------------------------
# Enumerations of schema 2.0.3, verbatim.

TRAVAUX, FOURNITURES, SERVICES = 0, 1, 2
EU_THRESHOLDS = np.array([5_538_000, 221_000, 221_000])
AMOUNT_FLOOR = 40_000
AMOUNT_MEDIAN_ABOVE_FLOOR = np.array([60_000.0, 28_000.0, 35_000.0])
AMOUNT_SIGMA = 1.45

NATURES = ("Marché", "Marché de défense ou de sécurité", "Marché de partenariat")
NATURE_WEIGHTS = (0.988, 0.011, 0.001)

PROCEDURES = (
    "Procédure adaptée",
    "Appel d'offres ouvert",
    "Appel d'offres restreint",
    "Procédure avec négociation",
    "Marché passé sans publicité ni mise en concurrence préalable",
    "Dialogue compétitif",
)
OPEN_TENDER, WITHOUT_COMPETITION = 1, 4
PROCEDURE_WEIGHTS = (
    (0.80, 0.10, 0.005, 0.025, 0.065, 0.005),  # below the EU thresholds
    (0.02, 0.80, 0.06, 0.07, 0.035, 0.015),  # above
)

TECHNIQUES = (
    ("Sans objet",),
    ("Accord-cadre",),
    ("Accord-cadre", "Catalogue électronique"),
    ("Système d'acquisition dynamique",),
    ("Catalogue électronique",),
    ("Concours",),
    ("Enchère électronique",),
    ("Système de qualification",),
)
TECHNIQUE_WEIGHTS = (
    (0.955, 0, 0, 0.025, 0.01, 0.006, 0.003, 0.001),  # single contracts
    (0, 0.95, 0.05, 0, 0, 0, 0, 0),  # accords-cadres
)
FRAMEWORK_SHARE = np.array([0.18, 0.45, 0.42])

MODALITES = (
    ("Sans objet",),
    ("Tranches",),
    ("Bons de commande",),
    ("Marchés subséquents",),
    ("Bons de commande", "Marchés subséquents"),
    ("Tranches", "Bons de commande"),
)
MODALITE_WEIGHTS = (
    (0, 0, 0.72, 0.22, 0.06, 0),  # accords-cadres
    (0.76, 0.22, 0, 0, 0, 0.02),  # travaux
    (0.90, 0.08, 0, 0, 0, 0.02),  # other single contracts
)

FORMES_PRIX = ("Unitaire", "Forfaitaire", "Mixte")
FORME_PRIX_WEIGHTS = ((0.85, 0.05, 0.10), (0.12, 0.75, 0.13), (0.25, 0.60, 0.15))

TYPES_PRIX = (
    ("Définitif ferme",),
    ("Définitif actualisable",),
    ("Définitif révisable",),
    ("Provisoire",),
    ("Définitif ferme", "Définitif révisable"),
    ("Définitif actualisable", "Définitif révisable"),
)
TYPES_PRIX_WEIGHTS = ((0.18, 0.17, 0.58, 0.01, 0.03, 0.03), (0.42, 0.18, 0.33, 0.02, 0.03, 0.02))

CCAGS = (
    "Travaux",
    "Maitrise d'œuvre",
    "Fournitures courantes et services",
    "Marchés industriels",
    "Prestations intellectuelles",
    "Techniques de l'information et de la communication",
    "Pas de CCAG",
)
NO_CCAG = CCAGS.index("Pas de CCAG")
NO_CCAG_SHARE = 0.33

GROUPEMENTS = ("Pas de groupement", "Conjoint", "Solidaire")
TITULAIRE_COUNT_WEIGHTS = (0.94, 0.045, 0.015)
LIEU_TYPES = ("Code postal", "Code département", "Code commune", "Code région", "Code pays")
POSTAL_CODE, DEPARTEMENT_CODE, COMMUNE_CODE, REGION_CODE, COUNTRY_CODE = range(5)
LIEU_TYPE_WEIGHTS = (0.70, 0.22, 0.04, 0.03, 0.01)
VARIATIONS_PRIX = ("Ferme", "Actualisable", "Révisable")
ADVANCE_RATES = (0.05, 0.1, 0.2, 0.3, 0.0)  # 0 with attributionAvance = rate unknown
ADVANCE_RATE_WEIGHTS = (0.55, 0.2, 0.1, 0.1, 0.05)
FRAMEWORK_DURATIONS = (12, 24, 36, 48)
FRAMEWORK_DURATION_WEIGHTS = (0.3, 0.15, 0.15, 0.4)
DURATION_MEDIAN = np.array([6.0, 3.0, 12.0])

SOCIAL_SHARE = 0.20
ENVIRONMENTAL_SHARE = 0.30
NO_SOCIAL = "Pas de considération sociale"
NO_ENVIRONMENTAL = "Pas de considération environnementale"
SOCIAL_MARCHE = ("Clause sociale", "Critère social", "Marché réservé")
SOCIAL_CONCESSION = ("Clause sociale", "Critère social", "Concession réservée")
SOCIAL_COMPONENT_SHARES = (0.75, 0.30, 0.08)
ENVIRONMENTAL = ("Clause environnementale", "Critère environnemental")
ENVIRONMENTAL_COMPONENT_SHARES = (0.70, 0.45)
SOCIAL_FAMILY_FACTOR = np.array([1.25, 0.70, 1.00])  # insertion clauses are most common in works
ENVIRONMENTAL_FAMILY_FACTOR = np.array([1.10, 1.00, 0.90])

CONCESSION_NATURES = (
    "Délégation de service public",
    "Concession de service",
    "Concession de service public",
    "Concession de travaux",
)
CONCESSION_NATURE_WEIGHTS = (0.60, 0.20, 0.12, 0.08)
CONCESSION_PROCEDURES = (
    "Procédure négociée ouverte",
    "Procédure non négociée ouverte",
    "Procédure négociée restreinte",
    "Procédure non négociée restreinte",
)
CONCESSION_PROCEDURE_WEIGHTS = (0.75, 0.12, 0.10, 0.03)
CONCESSION_DURATIONS = (36, 48, 60, 72, 84, 96, 120, 144, 180, 240, 300, 360)
CONCESSION_DURATION_WEIGHTS = (6, 6, 14, 8, 10, 5, 14, 6, 8, 8, 4, 3)


def _wrapped_options(key: str, options: tuple[tuple[str, ...], ...]) -> tuple[dict, ...]:
    # The wrappers are shared by every record that draws them: never mutate one, replace it.
    return tuple({key: list(values)} for values in options)


def _consideration_options(key: str, values: tuple[str, ...], none: str) -> tuple[dict, ...]:
    """Option 0 is "none"; option `mask` lists the values whose bit is set, in the schema order."""
    options = [{key: [none]}]
    for mask in range(1, 2 ** len(values)):
        options.append({key: [value for bit, value in enumerate(values) if mask >> bit & 1]})
    return tuple(options)


TECHNIQUE_OPTIONS = _wrapped_options("technique", TECHNIQUES)
MODALITE_OPTIONS = _wrapped_options("modaliteExecution", MODALITES)
TYPES_PRIX_OPTIONS = _wrapped_options("typePrix", TYPES_PRIX)
SOCIAL_MARCHE_OPTIONS = _consideration_options("considerationSociale", SOCIAL_MARCHE, NO_SOCIAL)
SOCIAL_CONCESSION_OPTIONS = _consideration_options("considerationSociale", SOCIAL_CONCESSION, NO_SOCIAL)
ENVIRONMENTAL_OPTIONS = _consideration_options("considerationEnvironnementale", ENVIRONMENTAL, NO_ENVIRONMENTAL)

PROCEDURE_CDFS = regime_cdfs(PROCEDURE_WEIGHTS)
TECHNIQUE_CDFS = regime_cdfs(TECHNIQUE_WEIGHTS)
MODALITE_CDFS = regime_cdfs(MODALITE_WEIGHTS)
FORME_PRIX_CDFS = regime_cdfs(FORME_PRIX_WEIGHTS)
TYPES_PRIX_CDFS = regime_cdfs(TYPES_PRIX_WEIGHTS)
NATURE_CDF = cumulative(NATURE_WEIGHTS)
LIEU_TYPE_CDF = cumulative(LIEU_TYPE_WEIGHTS)
TITULAIRE_COUNT_CDF = cumulative(TITULAIRE_COUNT_WEIGHTS)
ADVANCE_RATE_CDF = cumulative(ADVANCE_RATE_WEIGHTS)
FRAMEWORK_DURATION_CDF = cumulative(FRAMEWORK_DURATION_WEIGHTS)
AMOUNT_ROUNDING_CDF = cumulative((0.25, 0.45, 0.30))  # to the hundred, to the euro, to the cent
CONCESSION_NATURE_CDF = cumulative(CONCESSION_NATURE_WEIGHTS).tolist()
CONCESSION_PROCEDURE_CDF = cumulative(CONCESSION_PROCEDURE_WEIGHTS).tolist()
CONCESSION_DURATION_CDF = cumulative(CONCESSION_DURATION_WEIGHTS).tolist()
