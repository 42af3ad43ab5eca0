"""Realistic synthetic DECP file in format 2022 (schema 2.0.3), at national scale.

`spaser demo generate` writes the envelope `{"marches":{"marche":[…],"contrat-concession":[…]}}` with one record
per line. Everything derives from one seed (the same arguments give the same bytes). Records are drawn by vectorised
batches and streamed to disk; only a bounded window of recent records is kept for the repetitions real files contain
(re-publications after a modification, exact duplicates, overlaps between consecutive daily files).

A small share of records is deliberately defective, reproducing the problems observed in the real data
(shared/research/decp-format.md §5): the importer and the quality report must survive them.
"""

import heapq
import os
import time
from bisect import bisect_right
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import orjson

from spaser.errors import SpaserError


BATCH_SIZE = 10_000
WRITE_BUFFER_BYTES = 16 * 1024 * 1024
PROGRESS_STEP = 10_000

# The population scales with the file, within the orders of magnitude of the real DECP (about 30 000 buyers and
# a few hundred thousand awardees a year): the caps keep memory bounded whatever the number of marchés.
MARCHES_PER_BUYER, MIN_BUYERS, MAX_BUYERS = 60, 50, 60_000
MARCHES_PER_AWARDEE, MIN_AWARDEES, MAX_AWARDEES = 4, 200, 600_000

CONCESSIONS_PER_MARCHE = 0.01
DUPLICATE_RATE = 0.0215  # per fresh record: about 2 % of the written records
REPUBLICATION_RATE = 0.054  # per fresh record: about 5 % of the written records
MAX_REPEAT_DELAY = 20_000  # records; bounds the memory held by pending repetitions
OVERLAP_SHARE = 0.03  # of a daily file repeated from the previous one
NEXT_LOT_SHARE = 0.12
SHARED_ID_LOT_SHARE = 0.003
MODIFIED_SHARE = 0.08
SOCIAL_SHARE = 0.20
ENVIRONMENTAL_SHARE = 0.30
DIRTY_SHARE = 0.015
CONCESSION_DIRTY_SHARE = 0.02
FORCE_EVERY_DIRTY_KIND_FROM = 1_000  # marchés
FORCED_DIRTY_WINDOW = 300  # first fresh rows, always written when every kind is forced

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
CCAG_TRAVAUX, CCAG_MOE, CCAG_FCS, CCAG_MI, CCAG_PI, CCAG_TIC, NO_CCAG = range(7)
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

# ---------------------------------------------------------------------------------------------------------------
# Geography: département code, INSEE region code, relative population (hundreds of thousands of inhabitants).

DEPARTEMENTS_TABLE = """
01 84 6.6  02 32 5.3  03 84 3.4  04 93 1.7  05 93 1.4  06 93 11   07 84 3.3  08 44 2.7  09 76 1.5  10 44 3.1
11 76 3.8  12 76 2.8  13 93 20.4 14 28 7    15 84 1.4  16 75 3.5  17 75 6.6  18 24 3    19 75 2.4  2A 94 1.6
2B 94 1.8  21 27 5.4  22 53 6    23 75 1.2  24 75 4.1  25 27 5.4  26 84 5.2  27 28 6    28 24 4.3  29 53 9.2
30 76 7.5  31 76 14.2 32 76 1.9  33 75 16.5 34 76 12   35 53 10.9 36 24 2.2  37 24 6.1  38 84 12.7 39 27 2.6
40 75 4.2  41 24 3.3  42 84 7.7  43 84 2.3  44 52 14.5 45 24 6.8  46 76 1.7  47 75 3.3  48 76 0.8  49 52 8.2
50 28 5    51 44 5.7  52 44 1.7  53 52 3.1  54 44 7.3  55 44 1.8  56 53 7.6  57 44 10.4 58 27 2    59 32 26
60 32 8.3  61 28 2.8  62 32 14.6 63 84 6.6  64 75 6.9  65 76 2.3  66 76 4.8  67 44 11.4 68 44 7.7  69 84 18.8
70 27 2.3  71 27 5.5  72 52 5.7  73 84 4.4  74 84 8.3  75 11 21.3 76 28 12.5 77 11 14.3 78 11 14.5 79 75 3.7
80 32 5.7  81 76 3.9  82 76 2.6  83 93 10.8 84 93 5.6  85 52 6.9  86 75 4.4  87 75 3.7  88 44 3.6  89 27 3.3
90 27 1.4  91 11 13   92 11 16.3 93 11 16.7 94 11 14.1 95 11 12.5 971 01 3.8 972 02 3.6 973 03 2.9 974 04 8.7
976 06 3.1
"""


def _departements() -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray]:
    fields = DEPARTEMENTS_TABLE.split()
    codes, regions, weights = fields[0::3], fields[1::3], [float(weight) for weight in fields[2::3]]
    return tuple(codes), tuple(regions), np.asarray(weights)


DEPT_CODES, DEPT_REGIONS, DEPT_WEIGHTS = _departements()
DEPT_COUNT = len(DEPT_CODES)
REGION_CODES = tuple(sorted(set(DEPT_REGIONS)))
PARIS = DEPT_CODES.index("75")

# ---------------------------------------------------------------------------------------------------------------
# Buyers: SIREN prefixes follow the INSEE conventions (21 communes, 22 départements, 23 régions, 24 EPCI,
# 25 syndicats, 26 local public establishments such as hospitals and CCAS, 1x State services, 19 EPLE).


@dataclass(frozen=True)
class BuyerType:
    name: str
    share: float  # of the buyer population
    cap: int | None  # real-world count
    activity: float  # relative number of marchés per buyer
    concessions: float  # relative number of concessions per buyer
    families: tuple[float, float, float]  # travaux, fournitures, services
    prefixes: tuple[str, ...]
    located: bool  # the SIREN carries the département code


BUYER_TYPES = (
    BuyerType("commune", 0.46, None, 1.0, 1.0, (0.48, 0.20, 0.32), ("21",), True),
    BuyerType("département", 0.015, 101, 8.0, 1.5, (0.45, 0.15, 0.40), ("22",), True),
    BuyerType("région", 0.003, 18, 10.0, 1.0, (0.35, 0.20, 0.45), ("23",), False),
    BuyerType("EPCI", 0.09, None, 3.0, 3.0, (0.40, 0.15, 0.45), ("24",), True),
    BuyerType("syndicat", 0.08, None, 1.2, 2.0, (0.45, 0.20, 0.35), ("25",), True),
    BuyerType("établissement public local", 0.11, None, 2.5, 0.3, (0.20, 0.45, 0.35), ("26",), True),
    BuyerType("État", 0.06, None, 3.0, 0.1, (0.20, 0.30, 0.50), ("11", "12", "13", "17", "18"), False),
    BuyerType("EPLE", 0.08, None, 0.4, 0.0, (0.15, 0.50, 0.35), ("19",), True),
    BuyerType("autre", 0.10, None, 1.5, 0.5, (0.40, 0.20, 0.40), ("3", "4", "5", "7", "8"), False),
)
REGION_TYPE, STATE_TYPE = 2, 6
FAMILY_CDF_BY_BUYER_TYPE = np.cumsum([buyer_type.families for buyer_type in BUYER_TYPES], axis=1)
SITE_COUNT_WEIGHTS = (0.6, 0.3, 0.1)
MAX_BUYER_SHARE = 0.04
ID_STYLE_COUNT = 4
AWARDEE_FAMILY_WEIGHTS = (0.35, 0.25, 0.40)
LOCAL_AWARDEE_SHARE = np.array([0.60, 0.30, 0.45])
AWARDEE_FIRST_DIGITS = (0, 3, 4, 5, 7, 8, 9)  # 0: old companies whose SIREN loses its leading zero in spreadsheets
AWARDEE_FIRST_DIGIT_WEIGHTS = (0.015, 0.10, 0.15, 0.15, 0.10, 0.25, 0.235)
FOREIGN_AWARDEE_SHARE = 0.02  # of the pool
FOREIGN_AWARD_SHARE = 0.017  # of the first titulaires, on top of the foreign companies drawn nationally

# ---------------------------------------------------------------------------------------------------------------
# Vocabulary of the objets. Templates use the slots {lieu} {voie} {ext} {dest} {neuf} {annee} {secteur}.

NOMS = (
    "Jean Jaurès", "Jules Ferry", "Victor Hugo", "Louis Pasteur", "Jean Moulin", "Marie Curie", "Jacques Prévert",
    "Simone Veil", "Paul Langevin", "Albert Camus", "Les Tilleuls", "La Fontaine", "Les Marronniers", "Saint-Exupéry",
    "Condorcet", "Anatole France", "Émile Zola", "George Sand", "Pablo Picasso", "Louise Michel", "Les Cèdres",
    "Le Moulin", "Françoise Dolto", "Joliot-Curie",
)  # fmt: skip
NAMED_PLACES = (
    "de l'école élémentaire {}", "de l'école maternelle {}", "du groupe scolaire {}", "du collège {}", "du lycée {}",
    "du gymnase {}", "de la médiathèque {}", "de l'EHPAD {}", "de la crèche {}", "du complexe sportif {}",
)  # fmt: skip
PLACES = (
    "de la mairie", "de l'hôtel de ville", "des bâtiments communaux", "du centre technique municipal",
    "de la piscine intercommunale", "du centre hospitalier", "de la salle polyvalente", "du conservatoire de musique",
    "de la maison de santé", "des locaux administratifs", "de la caserne de gendarmerie", "du musée municipal",
    "de l'hôtel du département", "du siège de la communauté de communes", "de la maison des associations",
    "de l'église Saint-Martin", "du centre social", "de la salle des fêtes",
)  # fmt: skip
LIEUX = tuple(template.format(nom) for template in NAMED_PLACES for nom in NOMS) + PLACES * 8
VOIES = (
    "de la rue Victor Hugo", "de l'avenue de la République", "du chemin des Vignes", "de la route départementale 12",
    "du boulevard Gambetta", "de la place de la Mairie", "de la rue des Écoles", "du quartier de la Gare",
    "du centre-bourg", "de la zone d'activités des Portes", "de la rue du Général de Gaulle",
    "de l'allée des Tilleuls",
    "de la route de Paris", "du quai de la Loire", "de la rue Pasteur", "de la route départementale 934",
)  # fmt: skip
EXTERIEURS = (
    "du parc municipal", "des abords de la mairie", "du cimetière communal", "de la place de l'Église",
    "de l'entrée de ville", "du city-stade", "des cours d'écoles", "du jardin public", "des berges de la rivière",
    "du square Jean Moulin", "de la coulée verte", "des zones d'activités",
)  # fmt: skip
DESTINATIONS = (
    "pour la restauration scolaire", "pour la cuisine centrale",
    "pour les restaurants scolaires et l'accueil de loisirs",
    "pour l'EHPAD Les Tilleuls", "pour le centre hospitalier", "pour les crèches municipales",
    "pour la demi-pension du collège", "pour la résidence autonomie",
)  # fmt: skip
NEUFS = (
    "d'un groupe scolaire", "d'une maison de santé pluriprofessionnelle", "d'un gymnase", "d'une médiathèque",
    "d'un centre technique municipal", "de 24 logements locatifs sociaux", "d'une salle multisports",
    "d'un pôle petite enfance", "d'un centre d'incendie et de secours", "d'un restaurant scolaire",
)  # fmt: skip
SECTEURS = ("Nord", "Sud", "Est", "Ouest", "Centre", "1", "2", "3", "4", "A", "B")


@dataclass(frozen=True)
class CpvGroup:
    """Contracts that a buyer can put out as lots of one consultation."""

    family: int
    operations: tuple[str, ...]


(BUILDING, NETWORKS, FOOD, VEHICLES, OFFICE, ENERGY, HEALTH, SUPPLIES, UPKEEP, WASTE, TRANSPORT, STUDIES, DIGITAL,
 INSURANCE, OTHER_SERVICES) = range(15)  # fmt: skip
CPV_GROUPS = (
    CpvGroup(TRAVAUX, ("Réhabilitation {lieu}", "Restructuration et extension {lieu}", "Construction {neuf}",
                       "Rénovation énergétique {lieu}", "Réaménagement {lieu}")),
    CpvGroup(TRAVAUX, ("Requalification {voie}", "Aménagement {voie}", "Travaux de voirie et réseaux divers {voie}")),
    CpvGroup(FOURNITURES, ("Fourniture de denrées alimentaires {dest}",)),
    CpvGroup(FOURNITURES, ("Renouvellement du parc de véhicules {annee}",)),
    CpvGroup(FOURNITURES, ("Acquisition de fournitures et d'équipements pour les services",)),
    CpvGroup(FOURNITURES, ("Fourniture d'énergie pour les bâtiments publics",)),
    CpvGroup(FOURNITURES, ("Fourniture de produits de santé {dest}",)),
    CpvGroup(FOURNITURES, ("Fournitures diverses pour les services techniques",)),
    CpvGroup(SERVICES, ("Entretien et maintenance des bâtiments et équipements", "Entretien des équipements {annee}")),
    CpvGroup(SERVICES, ("Collecte et traitement des déchets {annee}",)),
    CpvGroup(SERVICES, ("Services de transport de personnes {annee}",)),
    CpvGroup(SERVICES, ("Missions d'ingénierie pour la réhabilitation {lieu}", "Études préalables {lieu}")),
    CpvGroup(SERVICES, ("Services numériques et de télécommunications",)),
    CpvGroup(SERVICES, ("Souscription des contrats d'assurance {annee}", "Marché de prestations d'assurances")),
    CpvGroup(SERVICES, ("Prestations de services {annee}",)),
)  # fmt: skip


@dataclass(frozen=True)
class CpvEntry:
    code: str
    group: int
    weight: float
    ccag: int
    origin: bool  # food, vehicles, health products, clothing: origineUE / origineFrance expected
    lot: str  # label of the lot when the contract is one lot of a consultation
    objets: tuple[str, ...]


CPV_CATALOGUE = (
    CpvEntry("45000000", BUILDING, 4, CCAG_TRAVAUX, False, "Travaux tous corps d'état",
             ("Travaux de mise en accessibilité {lieu}", "Travaux d'aménagement {lieu}",
              "Travaux d'entretien {lieu}")),
    CpvEntry("45210000", BUILDING, 5, CCAG_TRAVAUX, False, "Gros œuvre - maçonnerie",
             ("Travaux de gros œuvre {lieu}", "Construction {neuf}")),
    CpvEntry("45262700", BUILDING, 3, CCAG_TRAVAUX, False, "Démolition - désamiantage",
             ("Réhabilitation {lieu}", "Restructuration {lieu}")),
    CpvEntry("45261000", BUILDING, 3, CCAG_TRAVAUX, False, "Charpente - couverture",
             ("Réfection de la toiture {lieu}", "Travaux de couverture et d'étanchéité {lieu}")),
    CpvEntry("45421000", BUILDING, 4, CCAG_TRAVAUX, False, "Menuiseries extérieures",
             ("Remplacement des menuiseries extérieures {lieu}", "Travaux de menuiserie {lieu}")),
    CpvEntry("45410000", BUILDING, 2, CCAG_TRAVAUX, False, "Plâtrerie - faux plafonds",
             ("Travaux de plâtrerie et de faux plafonds {lieu}",)),
    CpvEntry("45442100", BUILDING, 2, CCAG_TRAVAUX, False, "Peinture - revêtements muraux",
             ("Travaux de peinture {lieu}",)),
    CpvEntry("45430000", BUILDING, 2, CCAG_TRAVAUX, False, "Revêtements de sols", ("Réfection des sols {lieu}",)),
    CpvEntry("45310000", BUILDING, 3, CCAG_TRAVAUX, False, "Électricité - courants forts et faibles",
             ("Mise en conformité des installations électriques {lieu}",)),
    CpvEntry("45331000", BUILDING, 3, CCAG_TRAVAUX, False, "Chauffage - ventilation - climatisation",
             ("Remplacement de la chaufferie {lieu}", "Installation d'une ventilation double flux {lieu}")),
    CpvEntry("45330000", BUILDING, 2, CCAG_TRAVAUX, False, "Plomberie - sanitaires",
             ("Travaux de plomberie et rénovation des sanitaires {lieu}",)),
    CpvEntry("45321000", BUILDING, 2, CCAG_TRAVAUX, False, "Isolation thermique",
             ("Isolation thermique par l'extérieur {lieu}", "Rénovation énergétique {lieu}")),
    CpvEntry("45443000", BUILDING, 1, CCAG_TRAVAUX, False, "Ravalement de façades",
             ("Ravalement des façades {lieu}",)),
    CpvEntry("45453000", BUILDING, 2, CCAG_TRAVAUX, False, "Second œuvre - finitions",
             ("Travaux de remise en état {lieu}",)),
    CpvEntry("45233120", NETWORKS, 4, CCAG_TRAVAUX, False, "Voirie",
             ("Travaux de voirie {voie}", "Réfection de la chaussée {voie}")),
    CpvEntry("45233140", NETWORKS, 4, CCAG_TRAVAUX, False, "Enrobés",
             ("Programme d'entretien de la voirie communale {annee}", "Travaux routiers - secteur {secteur}")),
    CpvEntry("45232400", NETWORKS, 2, CCAG_TRAVAUX, False, "Assainissement",
             ("Réhabilitation du réseau d'assainissement {voie}", "Création d'un réseau d'eaux pluviales {voie}")),
    CpvEntry("45231300", NETWORKS, 2, CCAG_TRAVAUX, False, "Adduction d'eau potable",
             ("Renouvellement de la conduite d'eau potable {voie}",)),
    CpvEntry("45316110", NETWORKS, 1, CCAG_TRAVAUX, False, "Éclairage public",
             ("Rénovation de l'éclairage public {voie}",)),
    CpvEntry("45111200", NETWORKS, 2, CCAG_TRAVAUX, False, "Terrassement - VRD",
             ("Travaux de terrassement et de VRD {lieu}",)),
    CpvEntry("45112700", NETWORKS, 2, CCAG_TRAVAUX, False, "Espaces verts - aménagements paysagers",
             ("Aménagement paysager {ext}",)),
    CpvEntry("15000000", FOOD, 3, CCAG_FCS, True, "Épicerie", ("Fourniture de denrées alimentaires {dest}",)),
    CpvEntry("15110000", FOOD, 1, CCAG_FCS, True, "Viandes", ("Fourniture de viandes fraîches et surgelées {dest}",)),
    CpvEntry("15500000", FOOD, 1, CCAG_FCS, True, "Produits laitiers", ("Fourniture de produits laitiers {dest}",)),
    CpvEntry("03221000", FOOD, 1, CCAG_FCS, True, "Fruits et légumes",
             ("Fourniture de fruits et légumes frais {dest}",)),
    CpvEntry("15810000", FOOD, 1, CCAG_FCS, True, "Pain et viennoiseries",
             ("Fourniture de pain et de viennoiseries {dest}",)),
    CpvEntry("34110000", VEHICLES, 2, CCAG_FCS, True, "Véhicules légers",
             ("Acquisition de véhicules légers", "Location longue durée de véhicules de service")),
    CpvEntry("34144900", VEHICLES, 1, CCAG_FCS, True, "Véhicules électriques",
             ("Acquisition de véhicules électriques {annee}",)),
    CpvEntry("34144000", VEHICLES, 1, CCAG_MI, True, "Véhicules utilitaires",
             ("Acquisition d'un camion benne", "Acquisition d'une balayeuse de voirie")),
    CpvEntry("30190000", OFFICE, 2, CCAG_FCS, False, "Fournitures de bureau",
             ("Fourniture de papeterie et de fournitures de bureau {annee}",)),
    CpvEntry("30213100", OFFICE, 2, CCAG_TIC, False, "Ordinateurs portables",
             ("Acquisition d'ordinateurs portables et de périphériques",)),
    CpvEntry("30120000", OFFICE, 1, CCAG_FCS, False, "Copieurs multifonctions",
             ("Location et maintenance de copieurs multifonctions",)),
    CpvEntry("39130000", OFFICE, 2, CCAG_FCS, False, "Mobilier de bureau",
             ("Fourniture de mobilier de bureau {lieu}",)),
    CpvEntry("39160000", OFFICE, 1, CCAG_FCS, False, "Mobilier scolaire", ("Fourniture de mobilier scolaire {lieu}",)),
    CpvEntry("48000000", OFFICE, 1, CCAG_TIC, False, "Logiciels",
             ("Acquisition d'un logiciel de gestion financière",
              "Acquisition d'un logiciel de gestion des ressources humaines")),
    CpvEntry("09310000", ENERGY, 2, CCAG_FCS, False, "Électricité",
             ("Fourniture et acheminement d'électricité {annee}",)),
    CpvEntry("09123000", ENERGY, 1, CCAG_FCS, False, "Gaz naturel", ("Fourniture et acheminement de gaz naturel",)),
    CpvEntry("09134100", ENERGY, 1, CCAG_FCS, False, "Gazole", ("Fourniture de carburants en vrac",)),
    CpvEntry("33600000", HEALTH, 2, CCAG_FCS, True, "Médicaments", ("Fourniture de médicaments {dest}",)),
    CpvEntry("33140000", HEALTH, 2, CCAG_FCS, True, "Dispositifs médicaux",
             ("Fourniture de dispositifs médicaux stériles",)),
    CpvEntry("18100000", SUPPLIES, 2, CCAG_FCS, True, "Vêtements de travail",
             ("Fourniture de vêtements de travail et d'équipements de protection individuelle",)),
    CpvEntry("22110000", SUPPLIES, 1, CCAG_FCS, False, "Livres",
             ("Fourniture de livres pour la médiathèque", "Fourniture de manuels scolaires")),
    CpvEntry("39830000", SUPPLIES, 2, CCAG_FCS, False, "Produits d'entretien",
             ("Fourniture de produits d'entretien et d'hygiène {annee}",)),
    CpvEntry("44110000", SUPPLIES, 1, CCAG_FCS, False, "Matériaux de construction",
             ("Fourniture de matériaux pour les services techniques",)),
    CpvEntry("37535200", SUPPLIES, 1, CCAG_FCS, False, "Aires de jeux",
             ("Fourniture et pose de jeux pour enfants {ext}",)),
    CpvEntry("31520000", SUPPLIES, 1, CCAG_FCS, False, "Luminaires", ("Fourniture de luminaires LED {lieu}",)),
    CpvEntry("90910000", UPKEEP, 4, CCAG_FCS, False, "Nettoyage des locaux",
             ("Nettoyage des locaux {lieu}", "Prestations de nettoyage des bâtiments communaux")),
    CpvEntry("90911300", UPKEEP, 1, CCAG_FCS, False, "Nettoyage des vitres", ("Nettoyage des vitres {lieu}",)),
    CpvEntry("50700000", UPKEEP, 3, CCAG_FCS, False, "Maintenance des installations thermiques",
             ("Maintenance des installations de chauffage {lieu}", "Exploitation des installations thermiques")),
    CpvEntry("50750000", UPKEEP, 1, CCAG_FCS, False, "Ascenseurs", ("Maintenance des ascenseurs et monte-charges",)),
    CpvEntry("50413200", UPKEEP, 1, CCAG_FCS, False, "Sécurité incendie",
             ("Vérification et maintenance des équipements de sécurité incendie",)),
    CpvEntry("50112000", UPKEEP, 1, CCAG_FCS, False, "Entretien des véhicules",
             ("Entretien et réparation des véhicules du parc",)),
    CpvEntry("77310000", UPKEEP, 3, CCAG_FCS, False, "Entretien des espaces verts",
             ("Entretien des espaces verts {ext}", "Fauchage et débroussaillage des accotements - secteur {secteur}")),
    CpvEntry("77211400", UPKEEP, 1, CCAG_FCS, False, "Élagage", ("Élagage et abattage d'arbres {annee}",)),
    CpvEntry("90922000", UPKEEP, 1, CCAG_FCS, False, "Dératisation - désinsectisation",
             ("Dératisation, désinsectisation et désinfection des bâtiments",)),
    CpvEntry("90511000", WASTE, 2, CCAG_FCS, False, "Collecte des ordures ménagères",
             ("Collecte des déchets ménagers et assimilés - secteur {secteur}",)),
    CpvEntry("90500000", WASTE, 2, CCAG_FCS, False, "Traitement des déchets",
             ("Enlèvement et traitement des déchets de la déchetterie", "Traitement des déchets verts")),
    CpvEntry("60000000", TRANSPORT, 1, CCAG_FCS, False, "Transports occasionnels",
             ("Transport des élèves vers les équipements sportifs",)),
    CpvEntry("60130000", TRANSPORT, 2, CCAG_FCS, False, "Circuits scolaires",
             ("Transport scolaire - circuits du secteur {secteur}",)),
    CpvEntry("71000000", STUDIES, 2, CCAG_MOE, False, "Maîtrise d'œuvre",
             ("Mission de maîtrise d'œuvre pour la réhabilitation {lieu}",)),
    CpvEntry("71221000", STUDIES, 2, CCAG_MOE, False, "Maîtrise d'œuvre",
             ("Mission de maîtrise d'œuvre pour la construction {neuf}",)),
    CpvEntry("71240000", STUDIES, 1, CCAG_PI, False, "Assistance à maîtrise d'ouvrage",
             ("Assistance à maîtrise d'ouvrage pour la rénovation énergétique {lieu}",)),
    CpvEntry("71631000", STUDIES, 1, CCAG_PI, False, "Contrôle technique", ("Mission de contrôle technique {lieu}",)),
    CpvEntry("71317210", STUDIES, 1, CCAG_PI, False, "Coordination SPS",
             ("Mission de coordination sécurité et protection de la santé {lieu}",)),
    CpvEntry("79000000", STUDIES, 1, CCAG_PI, False, "Études",
             ("Étude de programmation {lieu}", "Diagnostic territorial et étude de stratégie")),
    CpvEntry("79211000", STUDIES, 1, CCAG_PI, False, "Expertise comptable", ("Assistance comptable et fiscale",)),
    CpvEntry("79100000", STUDIES, 1, CCAG_PI, False, "Conseil juridique",
             ("Assistance juridique et représentation en justice",)),
    CpvEntry("80511000", STUDIES, 2, CCAG_PI, False, "Formation",
             ("Formation des agents à la sécurité au travail", "Formation des agents aux premiers secours",
              "Formation au management des équipes")),
    CpvEntry("72000000", DIGITAL, 2, CCAG_TIC, False, "Infogérance",
             ("Maintenance et assistance du système d'information",)),
    CpvEntry("72200000", DIGITAL, 1, CCAG_TIC, False, "Développement logiciel",
             ("Développement et maintenance du portail citoyen",)),
    CpvEntry("72260000", DIGITAL, 1, CCAG_TIC, False, "Maintenance logicielle",
             ("Maintenance des logiciels métiers {annee}",)),
    CpvEntry("64200000", DIGITAL, 1, CCAG_TIC, False, "Télécommunications",
             ("Services de télécommunications fixes et mobiles",)),
    CpvEntry("66510000", INSURANCE, 0.5, CCAG_FCS, False, "Dommages aux biens", ("Assurance dommages aux biens",)),
    CpvEntry("66510000", INSURANCE, 0.5, CCAG_FCS, False, "Responsabilité civile",
             ("Assurance responsabilité civile",)),
    CpvEntry("66510000", INSURANCE, 0.5, CCAG_FCS, False, "Flotte automobile", ("Assurance de la flotte automobile",)),
    CpvEntry("66510000", INSURANCE, 0.5, CCAG_FCS, False, "Protection juridique", ("Assurance protection juridique",)),
    CpvEntry("55520000", OTHER_SERVICES, 1, CCAG_FCS, False, "Traiteur",
             ("Prestations de traiteur pour les réceptions et manifestations",)),
    CpvEntry("55523100", OTHER_SERVICES, 2, CCAG_FCS, False, "Restauration scolaire",
             ("Confection et livraison de repas {dest}",)),
    CpvEntry("79341000", OTHER_SERVICES, 1, CCAG_FCS, False, "Communication",
             ("Conception et impression des supports de communication",)),
    CpvEntry("79810000", OTHER_SERVICES, 1, CCAG_FCS, False, "Impression",
             ("Impression du magazine d'information municipal",)),
    CpvEntry("79710000", OTHER_SERVICES, 1, CCAG_FCS, False, "Sécurité",
             ("Prestations de sécurité événementielle", "Surveillance et gardiennage {lieu}")),
    CpvEntry("85310000", OTHER_SERVICES, 1, CCAG_FCS, False, "Accompagnement social",
             ("Accompagnement socioprofessionnel des bénéficiaires du RSA",)),
)  # fmt: skip

# Check digits published with the CPV 2008 nomenclature, for the codes some producers write as "45000000-7".
CPV_CHECK_DIGITS = {
    "45000000": "7", "45210000": "2", "45233120": "6", "15000000": "8", "03221000": "6", "09310000": "5",
    "34110000": "1", "30213100": "6", "39130000": "2", "48000000": "8", "18100000": "0", "90910000": "9",
    "90911300": "9", "77310000": "6", "90511000": "2", "60000000": "8", "71000000": "8", "79000000": "4",
    "79211000": "6", "80511000": "9", "72000000": "5", "72200000": "7", "55520000": "1", "79710000": "4",
}  # fmt: skip


def _cpv_tables():
    # Entries sorted by group (hence by family) so that cumulative "family + share" and "group + share" tables
    # let one searchsorted pick an entry within a family or within a group for a whole batch.
    order = sorted(range(len(CPV_CATALOGUE)), key=lambda index: CPV_CATALOGUE[index].group)
    entries = tuple(CPV_CATALOGUE[index] for index in order)
    groups = np.array([entry.group for entry in entries])
    families = np.array([CPV_GROUPS[entry.group].family for entry in entries])
    weights = np.array([entry.weight for entry in entries], dtype=float)
    return entries, groups, families, _stacked_cdf(families, weights), _stacked_cdf(groups, weights)


def _stacked_cdf(keys: np.ndarray, weights: np.ndarray) -> np.ndarray:
    cdf = np.empty(len(keys))
    for key in np.unique(keys):
        members = keys == key
        cumulative = np.cumsum(weights[members])
        cdf[members] = key + cumulative / cumulative[-1]
        cdf[np.flatnonzero(members)[-1]] = key + 1.0
    return cdf


CPV_ENTRIES, CPV_GROUP, CPV_FAMILY, CPV_FAMILY_CDF, CPV_GROUP_CDF = _cpv_tables()
CPV_CODES = tuple(entry.code for entry in CPV_ENTRIES)
CPV_CCAG = np.array([entry.ccag for entry in CPV_ENTRIES])
CPV_ORIGIN = np.array([entry.origin for entry in CPV_ENTRIES])
CPV_WITH_CHECK_DIGIT = np.array([index for index, code in enumerate(CPV_CODES) if code in CPV_CHECK_DIGITS])
CPV_WITH_LEADING_ZERO = np.array([index for index, code in enumerate(CPV_CODES) if code.startswith("0")])

SERVICES_CONCEDES = (
    ("du service public de l'eau potable", ("Abonnement annuel", "Prix du mètre cube")),
    ("du service public de l'assainissement collectif", ("Part fixe annuelle", "Prix du mètre cube assaini")),
    ("du camping municipal", ("Emplacement tente (nuitée)", "Location de mobil-home (semaine)")),
    ("de la fourrière automobile", ("Enlèvement d'un véhicule léger", "Garde journalière")),
    ("des parcs de stationnement", ("Stationnement horaire", "Abonnement mensuel résident")),
    ("du service de restauration scolaire", ("Repas enfant", "Repas adulte")),
    ("du réseau de chaleur urbain", ("Abonnement R2 (€/kW)", "Énergie R1 (€/MWh)")),
    ("de la piscine intercommunale", ("Entrée adulte", "Entrée enfant")),
    ("du crématorium", ("Crémation adulte",)),
    ("du réseau de transports urbains", ("Ticket unitaire", "Abonnement mensuel")),
    ("du port de plaisance", ("Place à l'année (bateau de 8 m)",)),
    ("de l'établissement d'accueil du jeune enfant", ("Participation horaire moyenne",)),
    ("des marchés forains", ("Droit de place au mètre linéaire",)),
    ("du cinéma municipal", ("Place plein tarif", "Place tarif réduit")),
)
CONCESSION_OBJETS = (
    ("Délégation de service public pour l'exploitation {}",
     "Gestion et exploitation {} par délégation de service public"),
    ("Concession de service pour l'exploitation {}", "Contrat de concession de services pour la gestion {}"),
    ("Concession de service public pour la gestion {}",),
    ("Concession de travaux pour la réalisation et l'exploitation {}",
     "Concession de travaux pour la construction et l'exploitation d'une centrale photovoltaïque"),
)  # fmt: skip

# ---------------------------------------------------------------------------------------------------------------
# Deliberate defects. Each kind appears at least once when there are enough marchés; labels are shown to users.

DIRTY_KINDS = {
    "siret_espaces": ("SIRET avec espaces", 1.0),
    "siret_zero_perdu": ("SIRET ayant perdu son zéro initial", 1.0),
    "siret_luhn": ("SIRET à clé de Luhn fausse", 1.5),
    "cpv_cle": ("CPV avec clé de contrôle", 1.0),
    "cpv_7_chiffres": ("CPV à 7 chiffres", 1.0),
    "procedure_majuscules": ("procédure en majuscules", 1.0),
    "apostrophe_typographique": ("apostrophe typographique", 1.0),
    "procedure_ancienne": ("libellé de procédure ancien", 1.0),
    "procedure_inconnue": ("procédure inconnue", 0.5),
    "considerations_nc": ("NC dans les considérations", 1.5),
    "considerations_sans_objet": ("« Sans objet » dans les considérations", 1.0),
    "offres_nc": ("NC dans offresRecues", 1.0),
    "booleens_texte": ("booléens « oui » / « non »", 1.0),
    "type_identifiant_variante": ("typeIdentifiant non normalisé", 1.0),
    "date_impossible": ("date impossible", 0.7),
    "date_future": ("date future", 0.7),
    "date_notification_absente": ("dateNotification absente", 2.0),
    "publication_avant_notification": ("publication avant la notification", 0.7),
    "montant_nul": ("montant nul", 0.7),
    "montant_negatif": ("montant négatif", 0.5),
    "montant_999999999": ("montant 999 999 999", 0.5),
    "montant_12311111111": ("montant 12 311 111 111", 0.3),
    "montant_milliard": ("montant d'au moins un milliard", 0.5),
    "mojibake": ("caractères mal encodés (U+FFFD)", 2.0),
    "nombre_en_texte": ("nombre écrit en texte", 1.0),
    "acheteur_absent": ("acheteur absent", 0.3),
    "id_absent": ("identifiant absent", 0.3),
}
DIRTY_KIND_NAMES = tuple(DIRTY_KINDS)
SIRET_DIRTY_KINDS = frozenset({"siret_espaces", "siret_zero_perdu", "siret_luhn"})
CONCESSION_DIRTY_KINDS = (
    "siret_espaces",
    "siret_luhn",
    "procedure_majuscules",
    "mojibake",
    "nombre_en_texte",
    "date_impossible",
    "montant_nul",
    "considerations_nc",
)
LEGACY_PROCEDURES = (
    "Procédure négociée avec mise en concurrence préalable",
    "Procédure concurrentielle avec négociation",
    "Marché négocié sans publicité ni mise en concurrence préalable",
)
TYPOGRAPHIC_PROCEDURES = ("Appel d’offres ouvert", "Appel d’offres restreint")
SIRET_TYPE_VARIANTS = ("siret", "Siret", "SIRET ", "")
FOREIGN_TYPE_VARIANTS = {"TVA": "TVA_INTRACOMMUNAUTAIRE", "HORS-UE": "HORS_UE"}
ACCENTED = str.maketrans({letter: "\ufffd" for letter in "éèêëàâîïôöùûüçœÉÈÊÀÂÎÔÛÇŒ’"})


# ---------------------------------------------------------------------------------------------------------------
# Small vectorised helpers.


def _cumulative(weights) -> np.ndarray:
    cdf = np.cumsum(np.asarray(weights, dtype=float))
    cdf /= cdf[-1]
    cdf[-1] = 1.0
    return cdf


def _pick(uniforms: np.ndarray, cdf: np.ndarray) -> np.ndarray:
    return np.searchsorted(cdf, uniforms, side="right")


def _pick_by_regime(uniforms: np.ndarray, cdfs: np.ndarray, regime: np.ndarray) -> np.ndarray:
    """Categorical draw whose weights depend on a per-row regime; `cdfs` has one cumulative row per regime."""
    return (uniforms[:, None] >= cdfs[regime][:, :-1]).sum(axis=1)


def _regime_cdfs(weight_rows) -> np.ndarray:
    return np.array([_cumulative(weights) for weights in weight_rows])


def _index(uniforms: np.ndarray, size) -> np.ndarray:
    return np.minimum((uniforms * size).astype(np.int64), np.asarray(size) - 1)


DIRTY_KIND_CDF = _cumulative([weight for _, weight in DIRTY_KINDS.values()])
PROCEDURE_CDFS = _regime_cdfs(PROCEDURE_WEIGHTS)
TECHNIQUE_CDFS = _regime_cdfs(TECHNIQUE_WEIGHTS)
MODALITE_CDFS = _regime_cdfs(MODALITE_WEIGHTS)
FORME_PRIX_CDFS = _regime_cdfs(FORME_PRIX_WEIGHTS)
TYPES_PRIX_CDFS = _regime_cdfs(TYPES_PRIX_WEIGHTS)
NATURE_CDF = _cumulative(NATURE_WEIGHTS)
LIEU_TYPE_CDF = _cumulative(LIEU_TYPE_WEIGHTS)
TITULAIRE_COUNT_CDF = _cumulative(TITULAIRE_COUNT_WEIGHTS)
ADVANCE_RATE_CDF = _cumulative(ADVANCE_RATE_WEIGHTS)
FRAMEWORK_DURATION_CDF = _cumulative(FRAMEWORK_DURATION_WEIGHTS)
AMOUNT_ROUNDING_CDF = _cumulative((0.25, 0.45, 0.30))  # to the hundred, to the euro, to the cent
DEPT_CDF = _cumulative(DEPT_WEIGHTS)


def _with_luhn_digit(bodies: list[str]) -> list[str]:
    """Append the digit that makes each body (all of one length) pass the Luhn check."""
    if not bodies:
        return []
    width = len(bodies[0])
    digits = np.frombuffer("".join(bodies).encode("ascii"), dtype=np.uint8).reshape(-1, width).astype(np.int64) - 48
    # Counted from the right once the check digit is appended, every second digit is doubled.
    doubled = np.arange(width) % 2 == (width - 1) % 2
    twice = digits[:, doubled] * 2
    total = digits[:, ~doubled].sum(axis=1) + (twice - 9 * (twice > 9)).sum(axis=1)
    checks = ((10 - total % 10) % 10).tolist()
    return [body + str(check) for body, check in zip(bodies, checks, strict=True)]


def luhn_valid(number: str) -> bool:
    """True for a string of digits passing the Luhn check (SIREN, SIRET)."""
    if not number.isdigit():
        return False
    total = 0
    for position, character in enumerate(reversed(number)):
        digit = int(character) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def _unique_strings(draw: Callable[[int], list[str]], count: int) -> list[str]:
    """Draw `count` distinct strings, drawing again the rare collisions."""
    values = draw(count)
    while True:
        seen: set[str] = set()
        collisions = []
        for position, value in enumerate(values):
            if value in seen:
                collisions.append(position)
            seen.add(value)
        if not collisions:
            return values
        for position, value in zip(collisions, draw(len(collisions)), strict=True):
            values[position] = value


# ---------------------------------------------------------------------------------------------------------------
# Population of buyers and awardees, fixed for a seed and a size.


@dataclass(frozen=True)
class Buyers:
    sirets: list[list[str]]
    type_index: np.ndarray
    dept: np.ndarray
    site_count: np.ndarray
    activity_cdf: np.ndarray
    concession_cdf: np.ndarray
    id_style: list[int]
    first_number: list[int]


@dataclass(frozen=True)
class Awardees:
    ids: list[str]
    kinds: list[str]  # typeIdentifiant
    local_start: np.ndarray  # [family, département]
    local_count: np.ndarray
    family_start: np.ndarray
    family_count: np.ndarray
    family_order: np.ndarray  # popularity order within each family block
    leading_zero: np.ndarray  # awardees whose SIRET starts with 0
    foreign: np.ndarray  # awardees identified by a TVA number or a non-EU identifier


@dataclass(frozen=True)
class Population:
    buyers: Buyers
    awardees: Awardees


def build_population(rng: np.random.Generator, marches: int) -> Population:
    buyer_count = int(np.clip(marches // MARCHES_PER_BUYER, MIN_BUYERS, MAX_BUYERS))
    awardee_count = int(np.clip(marches // MARCHES_PER_AWARDEE, MIN_AWARDEES, MAX_AWARDEES))
    return Population(_build_buyers(rng, buyer_count), _build_awardees(rng, awardee_count))


def _buyer_types(rng: np.random.Generator, count: int) -> np.ndarray:
    shares = [buyer_type.share for buyer_type in BUYER_TYPES]
    types = _pick(rng.random(count), _cumulative(shares))
    types[: len(BUYER_TYPES)] = np.arange(len(BUYER_TYPES))  # every type exists, even in a tiny population
    for index, buyer_type in enumerate(BUYER_TYPES):
        members = np.flatnonzero(types == index)
        if buyer_type.cap is not None and len(members) > buyer_type.cap:
            types[members[buyer_type.cap :]] = 0  # surplus départements and régions become communes
    return types


def _buyer_departements(rng: np.random.Generator, types: np.ndarray) -> np.ndarray:
    dept = _pick(rng.random(len(types)), DEPT_CDF)
    # Central State services sit mostly in Paris.
    state = (types == STATE_TYPE) & (rng.random(len(types)) < 0.4)
    dept[state] = PARIS
    return dept


def _siren_body(buyer_type: BuyerType, dept_code: str, rng: np.random.Generator) -> str:
    prefix = buyer_type.prefixes[int(rng.integers(len(buyer_type.prefixes)))]
    if buyer_type.located:
        prefix += "20" if dept_code in ("2A", "2B") else dept_code
    elif buyer_type is BUYER_TYPES[REGION_TYPE]:
        prefix += DEPT_REGIONS[DEPT_CODES.index(dept_code)]
    return prefix + "".join(str(digit) for digit in rng.integers(0, 10, 8 - len(prefix)))


def _build_buyers(rng: np.random.Generator, count: int) -> Buyers:
    types = _buyer_types(rng, count)
    dept = _buyer_departements(rng, types)

    bodies = [_siren_body(BUYER_TYPES[types[index]], DEPT_CODES[dept[index]], rng) for index in range(count)]
    sirens = _with_luhn_digit(_unique_bodies(bodies, types, dept, rng))
    site_count = 1 + _pick(rng.random(count), _cumulative(SITE_COUNT_WEIGHTS))
    sirets = _buyer_sirets(rng, sirens, site_count)
    activity = np.array([buyer_type.activity for buyer_type in BUYER_TYPES])[types]
    concessions = np.array([buyer_type.concessions for buyer_type in BUYER_TYPES])[types]
    # A few big buyers publish a large share of the contracts; the clip keeps one buyer from filling a small file.
    weight = np.minimum(rng.lognormal(0.0, 1.1, count), 15.0)
    activity = _capped(activity * weight, MAX_BUYER_SHARE)
    return Buyers(
        sirets=sirets,
        type_index=types,
        dept=dept,
        site_count=site_count,
        activity_cdf=_cumulative(activity),
        concession_cdf=_cumulative(concessions * weight),
        id_style=rng.integers(0, ID_STYLE_COUNT, count).tolist(),
        first_number=rng.integers(0, 400, count).tolist(),
    )


def _capped(weights: np.ndarray, share: float) -> np.ndarray:
    """Weights where none exceeds about `share` of the total (it only bites in small populations)."""
    return np.minimum(weights, share * weights.sum())


def _unique_bodies(bodies: list[str], types: np.ndarray, dept: np.ndarray, rng: np.random.Generator) -> list[str]:
    seen: set[str] = set()
    for index, body in enumerate(bodies):
        while body in seen:
            body = _siren_body(BUYER_TYPES[types[index]], DEPT_CODES[dept[index]], rng)
        seen.add(body)
        bodies[index] = body
    return bodies


def _buyer_sirets(rng: np.random.Generator, sirens: list[str], site_count: np.ndarray) -> list[list[str]]:
    # Head offices have small NICs (00010, 00018…); secondary establishments come later in the numbering.
    head = 1 + (rng.random(len(sirens)) ** 2 * 40).astype(np.int64)
    bodies, owners = [], []
    for index, (siren, sites) in enumerate(zip(sirens, site_count.tolist(), strict=True)):
        number = int(head[index])
        for _ in range(sites):
            bodies.append(f"{siren}{number:04d}")
            owners.append(index)
            number += 1 + int(rng.integers(1, 300))
    sirets: list[list[str]] = [[] for _ in sirens]
    for owner, siret in zip(owners, _with_luhn_digit(bodies), strict=True):
        sirets[owner].append(siret)
    return sirets


def _build_awardees(rng: np.random.Generator, count: int) -> Awardees:
    family = _pick(rng.random(count), _cumulative(AWARDEE_FAMILY_WEIGHTS))
    dept = _pick(rng.random(count), DEPT_CDF)
    foreign = (rng.random(count) < FOREIGN_AWARDEE_SHARE) & (family != TRAVAUX)
    foreign[0] = False
    dept[foreign] = DEPT_COUNT  # never drawn as a local company
    first_digits = np.array(AWARDEE_FIRST_DIGITS)[_pick(rng.random(count), _cumulative(AWARDEE_FIRST_DIGIT_WEIGHTS))]
    first_digits[0] = 0  # at least one SIRET that can lose its leading zero

    def draw_sirens(number: int) -> list[str]:
        digits = first_digits[:number] if number == count else rng.choice(AWARDEE_FIRST_DIGITS[1:], number)
        bodies = digits * 10_000_000 + rng.integers(0, 10_000_000, number)
        return [f"{body:08d}" for body in bodies.tolist()]

    sirens = _with_luhn_digit(_unique_strings(draw_sirens, count))
    nic = 1 + (rng.random(count) ** 3 * 120).astype(np.int64)
    nic = np.where(rng.random(count) < 0.1, rng.integers(100, 1000, count), nic)
    sirets = _with_luhn_digit([f"{siren}{number:04d}" for siren, number in zip(sirens, nic.tolist(), strict=True)])
    ids, kinds = _awardee_identifiers(rng, sirets, foreign)
    order = np.lexsort((rng.random(count), dept, family))
    return _index_awardees(rng, [ids[i] for i in order], [kinds[i] for i in order], family[order], dept[order])


def _awardee_identifiers(rng: np.random.Generator, sirets: list[str], foreign: np.ndarray):
    ids, kinds = list(sirets), ["SIRET"] * len(sirets)
    for index in np.flatnonzero(foreign).tolist():
        kinds[index], ids[index] = _foreign_identifier(rng, sirets[index][:9])
    return ids, kinds


def _foreign_identifier(rng: np.random.Generator, siren: str) -> tuple[str, str]:
    digits = "".join(str(digit) for digit in rng.integers(0, 10, 11))
    choice = int(rng.integers(0, 8))
    if choice == 0:
        return "TVA", f"FR{digits[:2]}{siren}"
    if choice == 1:
        return "TVA", f"BE0{digits[:9]}"
    if choice == 2:
        return "TVA", f"DE{digits[:9]}"
    if choice == 3:
        return "TVA", f"IT{digits}"
    if choice == 4:
        return "TVA", f"ESB{digits[:8]}"
    if choice == 5:
        return "TVA", f"LU{digits[:8]}"
    if choice == 6:
        return "HORS-UE", f"CHE-{digits[:3]}.{digits[3:6]}.{digits[6:9]}"
    return "HORS-UE", f"GB{digits[:9]}"


def _index_awardees(rng, ids, kinds, family: np.ndarray, dept: np.ndarray) -> Awardees:
    columns = DEPT_COUNT + 1
    counts = np.bincount(family * columns + dept, minlength=3 * columns)
    starts = np.cumsum(counts) - counts
    family_count = counts.reshape(3, columns).sum(axis=1)
    family_start = starts.reshape(3, columns)[:, 0]
    family_order = np.concatenate(
        [
            start + rng.permutation(size)
            for start, size in zip(family_start.tolist(), family_count.tolist(), strict=True)
        ]
    )
    leading_zero = np.array([index for index, (kind, value) in enumerate(zip(kinds, ids, strict=True))
                             if kind == "SIRET" and value.startswith("0")])  # fmt: skip
    foreign = np.array([index for index, kind in enumerate(kinds) if kind != "SIRET"], dtype=np.int64)
    return Awardees(
        ids=ids,
        kinds=kinds,
        local_start=starts.reshape(3, columns),
        local_count=counts.reshape(3, columns),
        family_start=family_start,
        family_count=family_count,
        family_order=family_order,
        leading_zero=leading_zero,
        foreign=foreign,
    )


def _draw_awardees(rng: np.random.Generator, awardees: Awardees, family: np.ndarray, dept: np.ndarray) -> np.ndarray:
    """Awardee per row: a company of the buyer's département when possible, else a national one of the family."""
    size = len(family)
    pick = rng.random(size)
    local_count = awardees.local_count[family, dept]
    local = (rng.random(size) < LOCAL_AWARDEE_SHARE[family]) & (local_count > 0)
    # Squared uniforms make a few companies win far more often than the others.
    local_index = awardees.local_start[family, dept] + _index(pick**1.5, np.maximum(local_count, 1))
    national_position = awardees.family_start[family] + _index(pick**2, awardees.family_count[family])
    return np.where(local, local_index, awardees.family_order[national_position])


# ---------------------------------------------------------------------------------------------------------------
# Marchés.


def _lieu_code(kind: int, dept: int, uniform: float) -> str:
    code = DEPT_CODES[dept]
    if kind == DEPARTEMENT_CODE:
        return code
    if kind == REGION_CODE:
        return DEPT_REGIONS[dept]
    if kind == COUNTRY_CODE:
        return "FR"
    if kind == COMMUNE_CODE:
        return f"{code}{1 + int(uniform * 30):02d}" if len(code) == 3 else f"{code}{1 + int(uniform * 600):03d}"
    if len(code) == 3:
        return f"{code}{int(uniform * 10)}0"
    if code == "2A":
        return f"20{int(uniform * 20):02d}0"
    if code == "2B":
        return f"20{20 + int(uniform * 40)}0"
    return f"{code}{int(uniform * 100):02d}0"


def _amount_values(amounts: np.ndarray, framework: np.ndarray, mode: np.ndarray) -> list:
    """Amounts as written by producers: round ceilings for accords-cadres, else hundreds, euros or cents."""
    magnitude = 10.0 ** np.floor(np.log10(amounts) - 1)
    ceilings = np.round(amounts / magnitude) * magnitude
    hundreds = np.round(amounts, -2)
    euros = np.round(amounts)
    cents = np.round(amounts, 2)
    values = np.where(framework, ceilings, np.where(mode == 0, hundreds, np.where(mode == 1, euros, cents)))
    with_cents = (~framework & (mode == 2)).tolist()
    return [value if keep else int(value) for value, keep in zip(values.tolist(), with_cents, strict=True)]


class _MarcheRows:
    """One batch of marchés drawn at once; every attribute is a Python list indexed by row."""

    def __init__(self, rng: np.random.Generator, population: Population, size: int, position: np.ndarray, force: bool):
        self.size = size
        link = self._links(rng, size)
        # Lots of one consultation share the buyer, the dates and the place of their first lot (the chain head).
        head = np.maximum.accumulate(np.where(link == 0, np.arange(size), 0))
        dirty = self._dirty(rng, size, force)
        buyer, family, cpv = self._draw_subject(rng, population.buyers, head, link, dirty)
        notification = self._notification_days(rng, position)[head]
        publication = (notification + np.minimum(60, rng.exponential(10.0, size).astype(np.int64)))[head]

        self.link = link.tolist()
        self.starts_chain = ((link == 0) & np.append(link[1:] > 0, False)).tolist()
        self.dirty = dirty.tolist()
        self.dirty_uniform = rng.random(size).tolist()
        self.notification = notification.tolist()
        self.publication = publication.tolist()
        self._draw_terms(rng, family, cpv)
        self._draw_parties(rng, population.awardees, family, population.buyers.dept[buyer])
        self._draw_lieu(rng, population.buyers.dept[buyer], head)
        self._draw_considerations(rng, family)
        self._draw_modifications(rng, notification)
        self._draw_origin(rng, cpv)
        self._draw_objet_slots(rng)

    def _draw_subject(self, rng, buyers: Buyers, head: np.ndarray, link: np.ndarray, dirty: np.ndarray):
        """Buyer (and its establishment), family of purchase and CPV entry of each row."""
        size = len(head)
        buyer = _pick(rng.random(size), buyers.activity_cdf)[head]
        site = np.where(rng.random(size) < 0.7, 0, _index(rng.random(size), buyers.site_count[buyer]))[head]
        family_cdf = FAMILY_CDF_BY_BUYER_TYPE[buyers.type_index[buyer]]
        family = (rng.random(size)[:, None] >= family_cdf[:, :-1]).sum(axis=1)[head]
        cpv = self._cpv(rng, family, head, link, dirty)
        self.buyer = buyer.tolist()
        self.site = site.tolist()
        self.cpv = cpv.tolist()
        return buyer, CPV_FAMILY[cpv], cpv

    def _draw_terms(self, rng: np.random.Generator, family: np.ndarray, cpv: np.ndarray) -> None:
        """Amount, procedure and the contractual terms that depend on them."""
        size = len(family)
        framework = rng.random(size) < FRAMEWORK_SHARE[family]
        amount = AMOUNT_FLOOR + AMOUNT_MEDIAN_ABOVE_FLOOR[family] * np.exp(AMOUNT_SIGMA * rng.standard_normal(size))
        # Publication is compulsory from 40 000 €; a minority of buyers publish smaller contracts too.
        amount = np.where(rng.random(size) < 0.06, 25_000 + 15_000 * rng.random(size), amount)
        procedure = _pick_by_regime(rng.random(size), PROCEDURE_CDFS, (amount >= EU_THRESHOLDS[family]).astype(int))
        regime = np.where(framework, 0, np.where(family == TRAVAUX, 1, 2))
        self.amount = _amount_values(amount, framework, _pick(rng.random(size), AMOUNT_ROUNDING_CDF))
        self.procedure = procedure.tolist()
        self.nature = _pick(rng.random(size), NATURE_CDF).tolist()
        self.technique = _pick_by_regime(rng.random(size), TECHNIQUE_CDFS, framework.astype(int)).tolist()
        self.modalite = _pick_by_regime(rng.random(size), MODALITE_CDFS, regime).tolist()
        self.forme_prix = _pick_by_regime(rng.random(size), FORME_PRIX_CDFS, regime).tolist()
        self.types_prix = _pick_by_regime(rng.random(size), TYPES_PRIX_CDFS, (family != TRAVAUX).astype(int)).tolist()
        self.ccag = np.where(rng.random(size) < NO_CCAG_SHARE, NO_CCAG, CPV_CCAG[cpv]).tolist()
        self.offers = self._offers(rng, procedure).tolist()
        self.duration = self._durations(rng, family, framework).tolist()
        self.innovant = (rng.random(size) < 0.008).tolist()
        # Marchés subséquents name the accord-cadre they derive from.
        subsequent = ~framework & (family != TRAVAUX) & (rng.random(size) < 0.05)
        self.framework_number = np.where(subsequent, rng.integers(1, 2000, size), 0).tolist()
        self._draw_advance(rng, family)

    @staticmethod
    def _links(rng: np.random.Generator, size: int) -> np.ndarray:
        """0: a new consultation; 1: next lot of the previous row, own id; 2: next lot reusing the same id."""
        uniforms = rng.random(size)
        link = np.where(uniforms < SHARED_ID_LOT_SHARE, 2, np.where(uniforms < NEXT_LOT_SHARE, 1, 0))
        link[0] = 0
        return link

    @staticmethod
    def _dirty(rng: np.random.Generator, size: int, force: bool) -> np.ndarray:
        """0 for a clean row, else 1 + the index of the defect in DIRTY_KIND_NAMES."""
        uniforms, kinds = rng.random(size), _pick(rng.random(size), DIRTY_KIND_CDF)
        dirty = np.where(uniforms < DIRTY_SHARE, kinds + 1, 0)
        if force:
            rows = rng.choice(min(size, FORCED_DIRTY_WINDOW), size=len(DIRTY_KIND_NAMES), replace=False)
            dirty[rows] = np.arange(1, len(DIRTY_KIND_NAMES) + 1)
        return dirty

    @staticmethod
    def _cpv(rng, family: np.ndarray, head: np.ndarray, link: np.ndarray, dirty: np.ndarray) -> np.ndarray:
        size = len(family)
        cpv = np.searchsorted(CPV_FAMILY_CDF, family + rng.random(size), side="right")
        # Lots of one consultation belong to the same group of trades as its first lot.
        lot_cpv = np.searchsorted(CPV_GROUP_CDF, CPV_GROUP[cpv[head]] + rng.random(size), side="right")
        cpv = np.where(link > 0, lot_cpv, cpv)
        replacement = rng.random(size)
        with_check = dirty == 1 + DIRTY_KIND_NAMES.index("cpv_cle")
        cpv[with_check] = CPV_WITH_CHECK_DIGIT[_index(replacement[with_check], len(CPV_WITH_CHECK_DIGIT))]
        seven = dirty == 1 + DIRTY_KIND_NAMES.index("cpv_7_chiffres")
        cpv[seven] = CPV_WITH_LEADING_ZERO[_index(replacement[seven], len(CPV_WITH_LEADING_ZERO))]
        return cpv

    @staticmethod
    def _notification_days(rng: np.random.Generator, position: np.ndarray) -> np.ndarray:
        # The file runs roughly in time order, like the concatenation of daily files.
        offset = np.rint(position * NOTIFICATION_SPAN + rng.normal(0.0, 20.0, len(position)))
        day = FIRST_NOTIFICATION + np.clip(offset, 0, NOTIFICATION_SPAN).astype(np.int64)
        weekday = (day + EPOCH_WEEKDAY) % 7
        moved = rng.random(len(position)) < 0.85  # few notifications on week-ends
        day = np.where(moved & (weekday == 5), day - 1, np.where(moved & (weekday == 6), day + 1, day))
        return np.clip(day, FIRST_NOTIFICATION, FIRST_NOTIFICATION + NOTIFICATION_SPAN)

    @staticmethod
    def _offers(rng: np.random.Generator, procedure: np.ndarray) -> np.ndarray:
        size = len(procedure)
        offers = 1 + rng.exponential(2.2, size).astype(np.int64) + (procedure == OPEN_TENDER)
        offers = np.where(procedure == WITHOUT_COMPETITION, 1 + (rng.random(size) < 0.1), offers)
        return np.clip(offers, 1, 12)

    @staticmethod
    def _durations(rng: np.random.Generator, family: np.ndarray, framework: np.ndarray) -> np.ndarray:
        size = len(family)
        single = np.ceil(DURATION_MEDIAN[family] * np.exp(0.8 * rng.standard_normal(size)))
        ceiling = np.array(FRAMEWORK_DURATIONS)[_pick(rng.random(size), FRAMEWORK_DURATION_CDF)]
        return np.where(framework, ceiling, np.clip(single, 1, 60)).astype(np.int64)

    def _draw_advance(self, rng: np.random.Generator, family: np.ndarray) -> None:
        size = len(family)
        granted = rng.random(size) < np.where(family == TRAVAUX, 0.30, 0.12)
        rate_known = granted & (rng.random(size) < 0.8)
        rates = np.array(ADVANCE_RATES)[_pick(rng.random(size), ADVANCE_RATE_CDF)]
        self.advance = granted.tolist()
        self.advance_rate = [
            rate if known else None for rate, known in zip(rates.tolist(), rate_known.tolist(), strict=True)
        ]

    def _draw_parties(self, rng, awardees: Awardees, family: np.ndarray, dept: np.ndarray) -> None:
        size = len(family)
        self.titulaire_count = (1 + _pick(rng.random(size), TITULAIRE_COUNT_CDF)).tolist()
        titulaires = [_draw_awardees(rng, awardees, family, dept) for _ in range(3)]
        if len(awardees.foreign):
            abroad = rng.random(size) < FOREIGN_AWARD_SHARE
            titulaires[0] = np.where(
                abroad, awardees.foreign[_index(rng.random(size), len(awardees.foreign))], titulaires[0]
            )
        self.titulaires = [column.tolist() for column in titulaires]
        self.groupement = (1 + (rng.random(size) < 0.4)).tolist()
        declared = rng.random(size) < np.array([0.12, 0.02, 0.05])[family]
        self.declared = declared.tolist()
        with_actes = rng.random(size) < np.array([0.06, 0.005, 0.02])[family]
        self.acte_count = np.where(with_actes, 1 + (rng.random(size) < 0.25), 0).tolist()
        self.subcontractors = [
            _draw_awardees(rng, awardees, np.zeros(size, np.int64), dept).tolist() for _ in range(2)
        ]
        self.acte_uniforms = rng.random((size, 5)).tolist()

    def _draw_lieu(self, rng: np.random.Generator, dept: np.ndarray, head: np.ndarray) -> None:
        size = len(dept)
        elsewhere = rng.random(size) < 0.1
        place = np.where(elsewhere, _pick(rng.random(size), DEPT_CDF), dept)[head]
        self.lieu_type = _pick(rng.random(size), LIEU_TYPE_CDF)[head].tolist()
        self.lieu_dept = place.tolist()
        self.lieu_uniform = rng.random(size)[head].tolist()

    def _draw_considerations(self, rng: np.random.Generator, family: np.ndarray) -> None:
        self.social = self._considerations(rng, family, SOCIAL_SHARE, SOCIAL_FAMILY_FACTOR, SOCIAL_COMPONENT_SHARES)
        self.environmental = self._considerations(
            rng, family, ENVIRONMENTAL_SHARE, ENVIRONMENTAL_FAMILY_FACTOR, ENVIRONMENTAL_COMPONENT_SHARES
        )

    @staticmethod
    def _considerations(rng, family: np.ndarray, share: float, factor: np.ndarray, components) -> list[int]:
        """Option index per row: 0 for none, else the bit mask of the values present (at least one)."""
        size = len(family)
        # Normalised on the batch so that the share holds whatever the mix of families.
        probability = share * factor[family] / factor[family].mean()
        present = rng.random(size) < probability
        mask = np.zeros(size, np.int64)
        for bit, component_share in enumerate(components):
            mask |= (rng.random(size) < component_share).astype(np.int64) << bit
        mask = np.where(mask == 0, 1, mask)
        return np.where(present, mask, 0).tolist()

    def _draw_modifications(self, rng: np.random.Generator, notification: np.ndarray) -> None:
        size = len(notification)
        count = np.where(rng.random(size) < MODIFIED_SHARE, 1 + (rng.random(size) < 0.2), 0)
        first = notification + 20 + rng.exponential(120.0, size).astype(np.int64)
        second = first + 15 + rng.exponential(90.0, size).astype(np.int64)
        # No modification notified after the synthetic extraction date.
        count = np.where(second + 45 > EXTRACTION_DAY, np.minimum(count, 1), count)
        count = np.where(first + 45 > EXTRACTION_DAY, 0, count)
        self.modification_count = count.tolist()
        self.modification_days = np.stack([first, second], axis=1).tolist()
        self.modification_uniforms = rng.random((size, 8)).tolist()

    def _draw_origin(self, rng: np.random.Generator, cpv: np.ndarray) -> None:
        size = len(cpv)
        present = CPV_ORIGIN[cpv] & (rng.random(size) < 0.7)
        ue = np.round(0.5 + 0.5 * rng.random(size), 2)
        france = np.round(ue * (0.3 + 0.7 * rng.random(size)), 2)
        self.origin = present.tolist()
        self.origine_ue = ue.tolist()
        self.origine_france = france.tolist()

    def _draw_objet_slots(self, rng: np.random.Generator) -> None:
        size = self.size
        self.objet_uniform = rng.random(size).tolist()
        self.slots = np.stack(
            [
                _index(rng.random(size), len(LIEUX)),
                _index(rng.random(size), len(VOIES)),
                _index(rng.random(size), len(EXTERIEURS)),
                _index(rng.random(size), len(DESTINATIONS)),
                _index(rng.random(size), len(NEUFS)),
                _index(rng.random(size), len(SECTEURS)),
            ],
            axis=1,
        ).tolist()


def _fill(template: str, slots: list[int], year: str) -> str:
    lieu, voie, ext, dest, neuf, secteur = slots
    return template.format(
        lieu=LIEUX[lieu],
        voie=VOIES[voie],
        ext=EXTERIEURS[ext],
        dest=DESTINATIONS[dest],
        neuf=NEUFS[neuf],
        annee=year,
        secteur=SECTEURS[secteur],
    )


def _marche_id(style: int, year: str, number: int, lot: int) -> str:
    """Identifier of at most 16 characters in one of the styles producers use."""
    if style == 0:
        return f"{year}-{number:06d}-{max(lot, 1):02d}"
    if style == 1:
        return f"{year[2:]}-{number:07d}" + (f"-{lot}" if lot else "")
    if style == 2:
        return f"{year}{number:06d}" + (f"-{lot}" if lot else "")
    return f"{year[2:]}MP{number:05d}" + (f"_LOT{lot}" if lot else "")


@dataclass(frozen=True)
class _Chain:
    """The consultation whose lots are being written."""

    number: int
    style: int
    operation: str
    lot: int
    identifier: str  # of the last lot written


class MarcheFactory:
    """Builds fresh marchés row by row from vectorised batches, and re-publications of earlier ones."""

    def __init__(self, rng: np.random.Generator, population: Population, total: int, force_every_dirty_kind: bool):
        self._rng = rng
        self._population = population
        self._total = max(total, 1)
        self._numbers = list(population.buyers.first_number)
        self._force = force_every_dirty_kind
        self._rows: _MarcheRows | None = None
        self._row = 0
        self._chain: _Chain | None = None
        self._previous_awardees: list[int] = []

    def fresh(self, slot: int, remaining: int) -> tuple[dict, str | None, bool]:
        """The next fresh record, its defect if any, and whether it reuses the id of the previous lot."""
        if self._rows is None or self._row >= self._rows.size:
            size = max(1, min(BATCH_SIZE, remaining))
            position = (slot + np.arange(size)) / self._total
            self._rows = _MarcheRows(self._rng, self._population, size, position, self._force)
            self._force = False
            self._row = 0
        row = self._row
        self._row += 1
        record = self._build(self._rows, row)
        dirty = self._rows.dirty[row]
        kind = None
        if dirty:
            kind = DIRTY_KIND_NAMES[dirty - 1]
            MARCHE_DEFECTS[kind](record, self._rows.dirty_uniform[row], self._population)
        return record, kind, self._rows.link[row] == 2

    def _build(self, rows: _MarcheRows, row: int) -> dict:
        buyer = rows.buyer[row]
        notification = rows.notification[row]
        year = DAYS[notification][:4]
        cpv = rows.cpv[row]
        entry = CPV_ENTRIES[cpv]
        identifier, objet = self._identity(rows, row, buyer, year, entry)
        duration = rows.duration[row]
        record = {
            "id": identifier,
            "acheteur": {"id": self._population.buyers.sirets[buyer][rows.site[row]]},
            "nature": NATURES[rows.nature[row]],
            "objet": objet,
            "codeCPV": entry.code,
            "procedure": PROCEDURES[rows.procedure[row]],
            "lieuExecution": {
                "code": _lieu_code(rows.lieu_type[row], rows.lieu_dept[row], rows.lieu_uniform[row]),
                "typeCode": LIEU_TYPES[rows.lieu_type[row]],
            },
            "dureeMois": duration,
            "dateNotification": DAYS[notification],
            "datePublicationDonnees": DAYS[rows.publication[row]],
            "montant": rows.amount[row],
            "formePrix": FORMES_PRIX[rows.forme_prix[row]],
            "attributionAvance": rows.advance[row],
        }
        if rows.advance_rate[row] is not None:
            record["tauxAvance"] = rows.advance_rate[row]
        record["offresRecues"] = rows.offers[row]
        record["marcheInnovant"] = rows.innovant[row]
        record["ccag"] = CCAGS[rows.ccag[row]]
        record["sousTraitanceDeclaree"] = rows.declared[row] or rows.acte_count[row] > 0
        titulaires = self._titulaires(rows, row)
        record["typeGroupementOperateurs"] = GROUPEMENTS[rows.groupement[row] if len(titulaires) > 1 else 0]
        if rows.framework_number[row]:
            record["idAccordCadre"] = (
                f"AC{int(year) - 1 - rows.framework_number[row] % 2}-{rows.framework_number[row]:04d}"
            )
        record["titulaires"] = titulaires
        record["considerationsSociales"] = SOCIAL_MARCHE_OPTIONS[rows.social[row]]
        record["considerationsEnvironnementales"] = ENVIRONMENTAL_OPTIONS[rows.environmental[row]]
        record["modalitesExecution"] = MODALITE_OPTIONS[rows.modalite[row]]
        record["techniques"] = TECHNIQUE_OPTIONS[rows.technique[row]]
        record["typesPrix"] = TYPES_PRIX_OPTIONS[rows.types_prix[row]]
        if rows.origin[row]:
            record["origineUE"] = rows.origine_ue[row]
            record["origineFrance"] = rows.origine_france[row]
        if rows.acte_count[row]:
            record["actesSousTraitance"] = self._actes(rows, row, notification, duration)
        if rows.modification_count[row]:
            record["modifications"] = self._modifications(rows, row, duration)
        return record

    def _identity(self, rows: _MarcheRows, row: int, buyer: int, year: str, entry: CpvEntry) -> tuple[str, str]:
        """Identifier and objet; the lots of one consultation share the operation and a numbering."""
        link = rows.link[row]
        if link == 0:
            self._numbers[buyer] += 1
            number, style = self._numbers[buyer], self._population.buyers.id_style[buyer]
            if not rows.starts_chain[row]:
                self._chain = None
                template = entry.objets[int(rows.objet_uniform[row] * len(entry.objets))]
                return _marche_id(style, year, number, 0), _fill(template, rows.slots[row], year)
            operations = CPV_GROUPS[entry.group].operations
            operation = _fill(operations[int(rows.objet_uniform[row] * len(operations))], rows.slots[row], year)
            identifier = _marche_id(style, year, number, 1)
            self._chain = _Chain(number, style, operation, 1, identifier)
            return identifier, f"{operation} : Lot 1 : {entry.lot}"
        chain = self._chain
        lot = chain.lot + 1
        # Some buyers give every lot the id of the consultation: the lot then repeats the previous lot's id.
        identifier = chain.identifier if link == 2 else _marche_id(chain.style, year, chain.number, lot)
        self._chain = _Chain(chain.number, chain.style, chain.operation, lot, identifier)
        return identifier, f"{chain.operation} : Lot {lot} : {entry.lot}"

    def _titulaires(self, rows: _MarcheRows, row: int) -> list[dict]:
        awardees = self._population.awardees
        # Co-contractors are distinct companies, and a lot reusing the previous lot's id goes to someone else.
        excluded = self._previous_awardees if rows.link[row] == 2 else []
        chosen: list[int] = []
        for column in range(rows.titulaire_count[row]):
            awardee = rows.titulaires[column][row]
            while awardee in chosen or awardee in excluded:
                awardee = (awardee + 1) % len(awardees.ids)
            chosen.append(awardee)
        self._previous_awardees = chosen
        return [{"titulaire": {"typeIdentifiant": awardees.kinds[a], "id": awardees.ids[a]}} for a in chosen]

    def _actes(self, rows: _MarcheRows, row: int, notification: int, duration: int) -> list[dict]:
        awardees = self._population.awardees
        uniforms = rows.acte_uniforms[row]
        actes = []
        for number in range(1, rows.acte_count[row] + 1):
            signed = min(notification + int(uniforms[number] * 60), EXTRACTION_DAY - 30)
            subcontractor = rows.subcontractors[number - 1][row]
            acte = {
                "id": number,
                "sousTraitant": {"typeIdentifiant": awardees.kinds[subcontractor], "id": awardees.ids[subcontractor]},
                "dureeMois": max(1, duration - int(uniforms[2] * duration / 2)),
                "dateNotification": DAYS[signed],
                "datePublicationDonnees": DAYS[signed + int(uniforms[3] * 20)],
                "montant": max(1, int(float(rows.amount[row]) * (0.05 + 0.25 * uniforms[4]))),
                "variationPrix": VARIATIONS_PRIX[int(uniforms[0] * 3)],
            }
            actes.append({"acteSousTraitance": acte})
        return actes

    def _modifications(self, rows: _MarcheRows, row: int, duration: int) -> list[dict]:
        uniforms = rows.modification_uniforms[row]
        amount, modifications = float(rows.amount[row]), []
        for number in range(1, rows.modification_count[row] + 1):
            day = rows.modification_days[row][number - 1]
            offset = 4 * (number - 1)
            change = _modification_change(uniforms[offset : offset + 3], amount, duration)
            amount = change.get("montant", amount)
            duration = change.get("dureeMois", duration)
            modification = {
                "id": number,
                "dateNotificationModification": DAYS[day],
                "datePublicationDonneesModification": DAYS[day + int(uniforms[offset + 3] * 30)],
                **change,
            }
            modifications.append({"modification": modification})
        return modifications

    @staticmethod
    def republish(record: dict, uniforms: list[float]) -> None:
        """Append one modification, as a producer re-publishing the marché after an amendment."""
        modifications = list(record.get("modifications", []))
        amount, duration = float(record["montant"]), record["dureeMois"]
        last_day = DAY_NUMBER[record["dateNotification"]]
        for item in modifications:
            modification = item["modification"]
            last_day = DAY_NUMBER[modification["dateNotificationModification"]]
            amount = modification.get("montant", amount)
            duration = modification.get("dureeMois", duration)
        day = min(last_day + 10 + int(uniforms[0] * 120), max(last_day + 1, EXTRACTION_DAY - 40))
        publication = day + int(uniforms[1] * 30)
        modification = {
            "id": len(modifications) + 1,
            "dateNotificationModification": DAYS[day],
            "datePublicationDonneesModification": DAYS[publication],
            **_modification_change(uniforms[2:5], amount, duration),
        }
        record["modifications"] = [*modifications, {"modification": modification}]
        record["datePublicationDonnees"] = DAYS[max(publication, DAY_NUMBER[record["datePublicationDonnees"]])]


def _modification_change(uniforms, amount: float, duration: int) -> dict:
    """A modification carries only what changed: the new total amount, the new duration, or both."""
    change: dict = {}
    changes_amount = uniforms[0] < 0.7
    if changes_amount:
        change["montant"] = round(amount * (1.02 + 0.13 * uniforms[1]), 2)
    if not changes_amount or uniforms[2] < 0.35:
        change["dureeMois"] = duration + 1 + int(uniforms[2] * 12)
    return change


# ---------------------------------------------------------------------------------------------------------------
# Concessions: few of them, drawn by batch then assembled from per-row uniforms.


class ConcessionFactory:
    """Builds concessions; they are few, so each is assembled from uniforms drawn for its row in a batch."""

    def __init__(self, rng: np.random.Generator, population: Population, total: int):
        self._rng = rng
        self._population = population
        self._total = max(total, 1)
        self._numbers: dict[int, int] = {}
        self._uniforms: list[list[float]] = []
        self._buyers: list[int] = []
        self._awardees: list[list[int]] = []
        self._row = 0

    def fresh(self, slot: int, remaining: int) -> tuple[dict, str | None, bool]:
        if self._row >= len(self._uniforms):
            self._draw(max(1, min(BATCH_SIZE, remaining)))
        row = self._row
        self._row += 1
        draw = iter(self._uniforms[row]).__next__
        defective, kind_uniform, defect_uniform = draw(), draw(), draw()
        record = self._build(draw, self._buyers[row], self._awardees[row], (slot + 0.5) / self._total)
        kind = None
        if defective < CONCESSION_DIRTY_SHARE:
            kind = CONCESSION_DIRTY_KINDS[int(kind_uniform * len(CONCESSION_DIRTY_KINDS))]
            CONCESSION_DEFECTS[kind](record, defect_uniform, self._population)
        return record, kind, False

    def _draw(self, size: int) -> None:
        buyers, awardees = self._population.buyers, self._population.awardees
        self._buyers = _pick(self._rng.random(size), buyers.concession_cdf).tolist()
        family = np.where(self._rng.random(size) < 0.1, TRAVAUX, SERVICES)
        dept = buyers.dept[np.asarray(self._buyers)]
        self._awardees = np.stack([_draw_awardees(self._rng, awardees, family, dept) for _ in range(2)], 1).tolist()
        self._uniforms = self._rng.random((size, 40)).tolist()
        self._row = 0

    def _build(self, draw: Callable[[], float], buyer: int, awardees: list[int], position: float) -> dict:
        nature = bisect_right(CONCESSION_NATURE_CDF, draw())
        shift = (draw() - 0.5) * 40
        signature = FIRST_NOTIFICATION + int(np.clip(position * NOTIFICATION_SPAN + shift, 0, NOTIFICATION_SPAN))
        year = DAYS[signature][:4]
        number = self._numbers[buyer] = self._numbers.get(buyer, int(draw() * 20)) + 1
        service, tarifs = SERVICES_CONCEDES[int(draw() * len(SERVICES_CONCEDES))]
        objets = CONCESSION_OBJETS[nature]
        value = max(1, int(1_500_000 * np.exp(1.6 * _normal(draw(), draw()))))
        pool = self._population.awardees
        count = 2 if draw() < 0.05 and awardees[0] != awardees[1] else 1
        record = {
            "id": f"{year}-DSP{number:03d}" if draw() < 0.6 else f"C{year[2:]}{number:04d}",
            "autoriteConcedante": {"id": self._population.buyers.sirets[buyer][0]},
            "nature": CONCESSION_NATURES[nature],
            "objet": objets[int(draw() * len(objets))].format(service),
            "procedure": CONCESSION_PROCEDURES[bisect_right(CONCESSION_PROCEDURE_CDF, draw())],
            "dureeMois": CONCESSION_DURATIONS[bisect_right(CONCESSION_DURATION_CDF, draw())],
            "dateSignature": DAYS[signature],
            "datePublicationDonnees": DAYS[signature + int(min(60.0, -15.0 * np.log1p(-draw())))],
            "dateDebutExecution": DAYS[signature + int(draw() * 120)],
            "valeurGlobale": value,
            "montantSubventionPublique": 0 if draw() < 0.75 else int(value * (0.02 + 0.25 * draw())),
        }
        if draw() < 0.5:
            record["donneesExecution"] = _execution_data(draw, signature, value, tarifs)
        record["concessionnaires"] = [
            {"concessionnaire": {"typeIdentifiant": pool.kinds[a], "id": pool.ids[a]}} for a in awardees[:count]
        ]
        record["considerationsSociales"] = SOCIAL_CONCESSION_OPTIONS[
            _option(draw, SOCIAL_SHARE, SOCIAL_COMPONENT_SHARES)
        ]
        environmental = _option(draw, ENVIRONMENTAL_SHARE, ENVIRONMENTAL_COMPONENT_SHARES)
        record["considerationsEnvironnementales"] = ENVIRONMENTAL_OPTIONS[environmental]
        if draw() < 0.05 and signature + 200 < EXTRACTION_DAY:
            record["modifications"] = [{"modification": _concession_modification(1, signature, value, draw)}]
        return record

    @staticmethod
    def republish(record: dict, uniforms: list[float]) -> None:
        modifications = list(record.get("modifications", []))
        last = DAY_NUMBER[record["dateSignature"]]
        for item in modifications:
            last = DAY_NUMBER[item["modification"]["dateSignatureModification"]]
        draw = iter(uniforms).__next__
        modification = _concession_modification(len(modifications) + 1, last, record["valeurGlobale"], draw)
        record["modifications"] = [*modifications, {"modification": modification}]
        published = DAY_NUMBER[modification["datePublicationDonneesModification"]]
        record["datePublicationDonnees"] = DAYS[max(published, DAY_NUMBER[record["datePublicationDonnees"]])]


CONCESSION_NATURE_CDF = _cumulative(CONCESSION_NATURE_WEIGHTS).tolist()
CONCESSION_PROCEDURE_CDF = _cumulative(CONCESSION_PROCEDURE_WEIGHTS).tolist()
CONCESSION_DURATION_CDF = _cumulative(CONCESSION_DURATION_WEIGHTS).tolist()


def _normal(first: float, second: float) -> float:
    """Box-Muller: a standard normal from two uniforms already drawn for the row."""
    return float(np.sqrt(-2.0 * np.log1p(-first)) * np.cos(2.0 * np.pi * second))


def _option(draw: Callable[[], float], share: float, components: tuple[float, ...]) -> int:
    """Consideration option: 0 for none, else the bit mask of the values present (at least one)."""
    present = draw() < share
    mask = 0
    for bit, component_share in enumerate(components):
        mask |= (draw() < component_share) << bit
    return (mask or 1) if present else 0


def _execution_data(draw: Callable[[], float], signature: int, value: int, tarifs: tuple[str, ...]) -> list[dict]:
    published = signature + 365 + int(draw() * 60)
    if draw() < 0.4 or published > EXTRACTION_DAY:
        return []  # declared but not filled yet, as in the real files
    level = draw()
    annual = {
        "datePublicationDonneesExecution": DAYS[published],
        "depensesInvestissement": int(value * 0.05 * draw()),
        "tarifs": [{"tarif": {"intituleTarif": label, "tarif": round(1 + 20 * level / (1 + rank), 2)}}
                   for rank, label in enumerate(tarifs)],
    }  # fmt: skip
    return [{"donneesAnnuelles": annual}]


def _concession_modification(number: int, after: int, value: int, draw: Callable[[], float]) -> dict:
    day = min(after + 30 + int(draw() * 300), max(after + 1, EXTRACTION_DAY - 40))
    modification = {
        "id": number,
        "dateSignatureModification": DAYS[day],
        "datePublicationDonneesModification": DAYS[day + int(draw() * 30)],
    }
    if draw() < 0.6:
        modification["valeurGlobale"] = int(value * 1.1)
    else:
        modification["dureeMois"] = 12 * (1 + int(draw() * 3))
    return modification


# ---------------------------------------------------------------------------------------------------------------
# Defects. Each function degrades one assembled record in place; `u` is a uniform drawn for the row.


def _siret_holder(record: dict, u: float) -> dict:
    """The buyer half of the time, else the first awardee identified by a SIRET."""
    holders = [record["acheteur"]]
    holders += [item["titulaire"] for item in record["titulaires"] if item["titulaire"]["typeIdentifiant"] == "SIRET"]
    return holders[0] if u < 0.5 or len(holders) == 1 else holders[1]


def _spaced(siret: str) -> str:
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def _wrong_last_digit(number: str, u: float) -> str:
    return number[:-1] + str((int(number[-1]) + 1 + int(u * 8)) % 10)


def _siret_spaces(record: dict, u: float, population: Population) -> None:
    holder = _siret_holder(record, u)
    holder["id"] = _spaced(holder["id"])


def _siret_leading_zero(record: dict, u: float, population: Population) -> None:
    awardees = population.awardees
    awardee = int(awardees.leading_zero[int(u * len(awardees.leading_zero))])
    record["titulaires"][0] = {"titulaire": {"typeIdentifiant": "SIRET", "id": awardees.ids[awardee][1:]}}


def _siret_luhn(record: dict, u: float, population: Population) -> None:
    holder = _siret_holder(record, u)
    holder["id"] = _wrong_last_digit(holder["id"], u)


def _cpv_check_digit(record: dict, u: float, population: Population) -> None:
    record["codeCPV"] = f"{record['codeCPV']}-{CPV_CHECK_DIGITS[record['codeCPV']]}"


def _cpv_seven_digits(record: dict, u: float, population: Population) -> None:
    record["codeCPV"] = record["codeCPV"][1:]


def _procedure_upper(record: dict, u: float, population: Population) -> None:
    record["procedure"] = record["procedure"].upper()


def _typographic_apostrophe(record: dict, u: float, population: Population) -> None:
    record["procedure"] = TYPOGRAPHIC_PROCEDURES[int(u * 1.4) % 2]


def _legacy_procedure(record: dict, u: float, population: Population) -> None:
    record["procedure"] = LEGACY_PROCEDURES[int(u * len(LEGACY_PROCEDURES))]


def _unknown_procedure(record: dict, u: float, population: Population) -> None:
    record["procedure"] = "Procédure inventée"


def _considerations_value(record: dict, u: float, value: str) -> None:
    if u < 0.7:
        record["considerationsSociales"] = {"considerationSociale": [value]}
    if u >= 0.4:
        record["considerationsEnvironnementales"] = {"considerationEnvironnementale": [value]}


def _considerations_nc(record: dict, u: float, population: Population) -> None:
    _considerations_value(record, u, "NC")


def _considerations_sans_objet(record: dict, u: float, population: Population) -> None:
    _considerations_value(record, u, "Sans objet")


def _offers_nc(record: dict, u: float, population: Population) -> None:
    record["offresRecues"] = "NC"


def _booleans_as_text(record: dict, u: float, population: Population) -> None:
    for key in ("marcheInnovant", "attributionAvance", "sousTraitanceDeclaree"):
        record[key] = "oui" if record[key] else "non"


def _identifier_type_variant(record: dict, u: float, population: Population) -> None:
    titulaire = dict(record["titulaires"][0]["titulaire"])
    kind = titulaire["typeIdentifiant"]
    titulaire["typeIdentifiant"] = FOREIGN_TYPE_VARIANTS.get(kind) or SIRET_TYPE_VARIANTS[int(u * 4)]
    record["titulaires"][0] = {"titulaire": titulaire}


def _impossible_date(record: dict, u: float, population: Population) -> None:
    key = "dateNotification" if "dateNotification" in record else "dateSignature"
    day = record[key]
    record[key] = day[1] + day[0] + day[2:]  # two digits swapped while typing: 2024 becomes 0224


def _future_date(record: dict, u: float, population: Population) -> None:
    key = "dateNotification" if u < 0.5 else "datePublicationDonnees"
    record[key] = "2031" + record[key][4:]


def _missing_notification(record: dict, u: float, population: Population) -> None:
    del record["dateNotification"]


def _publication_before_notification(record: dict, u: float, population: Population) -> None:
    record["datePublicationDonnees"] = DAYS[DAY_NUMBER[record["dateNotification"]] - 5 - int(u * 60)]


def _amount_key(record: dict) -> str:
    return "montant" if "montant" in record else "valeurGlobale"


def _amount_zero(record: dict, u: float, population: Population) -> None:
    record[_amount_key(record)] = 0


def _amount_negative(record: dict, u: float, population: Population) -> None:
    record["montant"] = -record["montant"]


def _amount_nines(record: dict, u: float, population: Population) -> None:
    record["montant"] = 999999999


def _amount_sentinel(record: dict, u: float, population: Population) -> None:
    record["montant"] = 12311111111


def _amount_billion(record: dict, u: float, population: Population) -> None:
    record["montant"] = 99999999999.99 if u < 0.3 else 1_000_000_000 + int(u * 3_000_000_000)


def _mojibake(record: dict, u: float, population: Population) -> None:
    objet = record["objet"]
    damaged = objet.translate(ACCENTED)
    record["objet"] = damaged if damaged != objet else objet.replace("e", "\ufffd", 1)


def _number_as_text(record: dict, u: float, population: Population) -> None:
    key = _amount_key(record)
    record[key] = f"{float(record[key]):.2f}"
    if u < 0.5 and "offresRecues" in record:
        record["offresRecues"] = str(record["offresRecues"])


def _missing_buyer(record: dict, u: float, population: Population) -> None:
    del record["acheteur"]


def _missing_id(record: dict, u: float, population: Population) -> None:
    del record["id"]


MARCHE_DEFECTS: dict[str, Callable[[dict, float, Population], None]] = {
    "siret_espaces": _siret_spaces,
    "siret_zero_perdu": _siret_leading_zero,
    "siret_luhn": _siret_luhn,
    "cpv_cle": _cpv_check_digit,
    "cpv_7_chiffres": _cpv_seven_digits,
    "procedure_majuscules": _procedure_upper,
    "apostrophe_typographique": _typographic_apostrophe,
    "procedure_ancienne": _legacy_procedure,
    "procedure_inconnue": _unknown_procedure,
    "considerations_nc": _considerations_nc,
    "considerations_sans_objet": _considerations_sans_objet,
    "offres_nc": _offers_nc,
    "booleens_texte": _booleans_as_text,
    "type_identifiant_variante": _identifier_type_variant,
    "date_impossible": _impossible_date,
    "date_future": _future_date,
    "date_notification_absente": _missing_notification,
    "publication_avant_notification": _publication_before_notification,
    "montant_nul": _amount_zero,
    "montant_negatif": _amount_negative,
    "montant_999999999": _amount_nines,
    "montant_12311111111": _amount_sentinel,
    "montant_milliard": _amount_billion,
    "mojibake": _mojibake,
    "nombre_en_texte": _number_as_text,
    "acheteur_absent": _missing_buyer,
    "id_absent": _missing_id,
}


def _concession_siret_spaces(record: dict, u: float, population: Population) -> None:
    holder = record["autoriteConcedante"]
    holder["id"] = _spaced(holder["id"])


def _concession_siret_luhn(record: dict, u: float, population: Population) -> None:
    holder = record["autoriteConcedante"]
    holder["id"] = _wrong_last_digit(holder["id"], u)


CONCESSION_DEFECTS: dict[str, Callable[[dict, float, Population], None]] = {
    "siret_espaces": _concession_siret_spaces,
    "siret_luhn": _concession_siret_luhn,
    "procedure_majuscules": _procedure_upper,
    "mojibake": _mojibake,
    "nombre_en_texte": _number_as_text,
    "date_impossible": _impossible_date,
    "montant_nul": _amount_zero,
    "considerations_nc": _considerations_nc,
}

# ---------------------------------------------------------------------------------------------------------------
# Streams: fresh records interleaved with the repetitions real files contain.


@dataclass
class _Counts:
    written: int = 0
    distinct: int = 0
    republications: int = 0
    duplicates: int = 0
    overlaps: int = 0
    lots_sharing_id: int = 0
    dirty: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class ArrayCounts:
    """What was written in one array of the envelope (marchés or concessions), over all the files."""

    written: int
    distinct: int  # fresh records; every other one repeats an earlier record
    republications: int  # same key, later datePublicationDonnees and one more modification
    duplicates: int  # byte-identical repetitions inside the stream
    overlaps: int  # byte-identical repetitions of the end of the previous file
    lots_sharing_id: int  # lots reusing the id of the previous lot of the same buyer
    dirty: dict[str, int]  # defect kind -> records written with it

    @property
    def dirty_records(self) -> int:
        return sum(self.dirty.values())


class _Stream:
    """Fresh records from a factory, with exact duplicates and re-publications scheduled a little later."""

    def __init__(self, factory, rng: np.random.Generator, total: int, counts: _Counts):
        self._factory = factory
        self._rng = rng
        self._total = total
        self._delay = int(np.clip(total // 20, 5, MAX_REPEAT_DELAY))
        self._counts = counts
        self._pending: list[tuple[int, int, bool, object]] = []
        self._order = 0
        self._slot = 0
        self._uniforms: list[list[float]] = []

    def next(self) -> tuple[bytes, str | None]:
        slot = self._slot
        self._slot += 1
        if self._pending and self._pending[0][0] <= slot:
            _, _, republication, payload = heapq.heappop(self._pending)
            if republication:
                self._factory.republish(payload, self._draw())
                self._counts.republications += 1
                return orjson.dumps(payload), None
            self._counts.duplicates += 1
            return payload, None
        record, dirty, shares_id = self._factory.fresh(slot, self._total - slot)
        data = orjson.dumps(record)
        self._counts.distinct += 1
        self._counts.lots_sharing_id += shares_id
        if dirty is None:  # defective records are never repeated: their counts stay exact
            self._schedule(slot, record, data)
        return data, dirty

    def _schedule(self, slot: int, record: dict, data: bytes) -> None:
        u = self._draw()
        due = slot + 1 + int(u[1] * self._delay)
        if u[0] < DUPLICATE_RATE:
            entry = (due, self._order, False, data)
        elif u[0] < DUPLICATE_RATE + REPUBLICATION_RATE:
            entry = (due, self._order, True, record)
        else:
            return
        self._order += 1
        heapq.heappush(self._pending, entry)

    def _draw(self) -> list[float]:
        if not self._uniforms:
            self._uniforms = self._rng.random((4096, 6)).tolist()
            self._uniforms.reverse()
        return self._uniforms.pop()


class _Channel:
    """One array of the envelope across the files: its stream, its counts, and the tail kept for the next file."""

    def __init__(self, stream: _Stream, counts: _Counts):
        self.stream = stream
        self.counts = counts
        self._tail: deque[tuple[bytes, str | None]] = deque()

    def write(self, out, quota: int, carried: int, keep: int, tick: Callable[[], None]) -> None:
        repeated = list(self._tail)[len(self._tail) - carried :] if carried else []
        tail: deque[tuple[bytes, str | None]] = deque(maxlen=keep)
        separator = b"\n"
        for position in range(quota):
            if position < len(repeated):
                data, dirty = repeated[position]
                self.counts.overlaps += 1
            else:
                data, dirty = self.stream.next()
            out.write(separator)
            out.write(data)
            separator = b",\n"
            self.counts.written += 1
            if dirty is not None:
                self.counts.dirty[dirty] += 1
            if keep:
                tail.append((data, dirty))
            tick()
        if quota:
            out.write(b"\n")
        self._tail = tail


def _quotas(total: int, files: int) -> list[int]:
    return [total // files + (index < total % files) for index in range(files)]


def _overlaps(quotas: list[int]) -> list[int]:
    """Records of each file repeated from the end of the previous one (none for the first file)."""
    overlaps = [0]
    for previous, quota in zip(quotas, quotas[1:], strict=False):
        wanted = max(1, round(OVERLAP_SHARE * quota)) if quota >= 2 else 0
        overlaps.append(min(wanted, previous, quota))
    return overlaps


# ---------------------------------------------------------------------------------------------------------------
# Public API.


@dataclass(frozen=True)
class GenerationSummary:
    paths: tuple[Path, ...]
    bytes_written: int
    buyers: int
    awardees: int
    marches: ArrayCounts
    concessions: ArrayCounts

    @property
    def marches_written(self) -> int:
        return self.marches.written

    @property
    def concessions_written(self) -> int:
        return self.concessions.written

    @property
    def distinct_marches(self) -> int:
        return self.marches.distinct

    @property
    def republications(self) -> int:
        return self.marches.republications

    @property
    def duplicates(self) -> int:
        return self.marches.duplicates


def generate(out: Path, marches: int, seed: int, files: int = 1, progress: bool = False) -> GenerationSummary:
    """Write a synthetic DECP 2022 file (or `files` overlapping daily-like files) holding `marches` marchés in all."""
    _check_arguments(marches, seed, files)
    out = Path(out)
    paths = _target_paths(out, files)
    concessions = max(1, round(marches * CONCESSIONS_PER_MARCHE)) if marches else 0
    population_seed, marche_seed, concession_seed, marche_stream_seed, concession_stream_seed = np.random.SeedSequence(
        seed
    ).spawn(5)
    population = build_population(np.random.default_rng(population_seed), marches)
    marche_counts, concession_counts = _Counts(), _Counts()
    marche_factory = MarcheFactory(
        np.random.default_rng(marche_seed), population, marches, marches >= FORCE_EVERY_DIRTY_KIND_FROM
    )
    concession_factory = ConcessionFactory(np.random.default_rng(concession_seed), population, concessions)
    channels = (
        _Channel(
            _Stream(marche_factory, np.random.default_rng(marche_stream_seed), marches, marche_counts), marche_counts
        ),
        _Channel(
            _Stream(concession_factory, np.random.default_rng(concession_stream_seed), concessions, concession_counts),
            concession_counts,
        ),
    )
    sizes = _write_all(paths, channels, _quotas(marches, files), _quotas(concessions, files), progress)
    return GenerationSummary(
        paths=tuple(paths),
        bytes_written=sum(sizes),
        buyers=len(population.buyers.sirets),
        awardees=len(population.awardees.ids),
        marches=_frozen(marche_counts),
        concessions=_frozen(concession_counts),
    )


def _check_arguments(marches: int, seed: int, files: int) -> None:
    if marches < 0:
        raise SpaserError(f"--marches doit être positif ou nul (reçu : {marches}).")
    if seed < 0:
        raise SpaserError(f"--seed doit être positif ou nul (reçu : {seed}).")
    if files < 1 or (marches and files > marches):
        raise SpaserError(f"--files doit être compris entre 1 et le nombre de marchés (reçu : {files}).")


def _target_paths(out: Path, files: int) -> list[Path]:
    if files == 1:
        return [out]
    suffix = out.suffix or ".json"
    return [out.with_name(f"{out.stem}-{index}{suffix}") for index in range(1, files + 1)]


def _frozen(counts: _Counts) -> ArrayCounts:
    return ArrayCounts(
        written=counts.written,
        distinct=counts.distinct,
        republications=counts.republications,
        duplicates=counts.duplicates,
        overlaps=counts.overlaps,
        lots_sharing_id=counts.lots_sharing_id,
        dirty=dict(sorted(counts.dirty.items())),
    )


def _write_all(paths: list[Path], channels, marche_quotas: list[int], concession_quotas: list[int], progress: bool):
    """Write every file to a temporary name, then move them all in place: readers never see a partial file."""
    temporaries = [path.with_name(f".{path.name}.{os.getpid()}.tmp") for path in paths]
    try:
        paths[0].parent.mkdir(parents=True, exist_ok=True)
        with _ProgressBar(progress, sum(marche_quotas) + sum(concession_quotas)) as tick:
            sizes = _write_files(temporaries, channels, marche_quotas, concession_quotas, tick)
        for temporary, path in zip(temporaries, paths, strict=True):
            os.replace(temporary, path)
    except OSError as error:
        raise SpaserError(f"Impossible d'écrire {error.filename or paths[0]} : {error.strerror}") from error
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
    return sizes


def _write_files(temporaries: list[Path], channels, marche_quotas, concession_quotas, tick) -> list[int]:
    marche_overlaps, concession_overlaps = _overlaps(marche_quotas), _overlaps(concession_quotas)
    marche_channel, concession_channel = channels
    sizes = []
    for index, temporary in enumerate(temporaries):
        following = index + 1 < len(temporaries)
        with open(temporary, "wb", buffering=WRITE_BUFFER_BYTES) as out:
            out.write(b'{"marches":{"marche":[')
            keep = marche_overlaps[index + 1] if following else 0
            marche_channel.write(out, marche_quotas[index], marche_overlaps[index], keep, tick)
            out.write(b'],"contrat-concession":[')
            keep = concession_overlaps[index + 1] if following else 0
            concession_channel.write(out, concession_quotas[index], concession_overlaps[index], keep, tick)
            out.write(b"]}}\n")
            sizes.append(out.tell())
    return sizes


class _ProgressBar:
    """Context manager yielding a per-record tick; a no-op without progress."""

    def __init__(self, enabled: bool, total: int):
        self._enabled = enabled
        self._total = total
        self._progress = None
        self._task = None
        self._pending = 0

    def __enter__(self) -> Callable[[], None]:
        if not self._enabled:
            return _nothing
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn("Génération"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("génération", total=self._total)
        return self._tick

    def _tick(self) -> None:
        self._pending += 1
        if self._pending >= PROGRESS_STEP:
            self._progress.advance(self._task, self._pending)
            self._pending = 0

    def __exit__(self, *exc_info) -> None:
        if self._progress is not None:
            self._progress.stop()


def _nothing() -> None:
    return None


# ---------------------------------------------------------------------------------------------------------------
# Command line.


def run_generate(args) -> int:
    started = time.perf_counter()
    summary = generate(args.out, args.marches, args.seed, files=args.files, progress=not args.no_progress)
    for line in summary_lines(summary, time.perf_counter() - started):
        print(line)
    return 0


def _number(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def _count(value: int, singular: str, plural: str) -> str:
    return f"{_number(value)} {singular if value < 2 else plural}"


def _decimal(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def summary_lines(summary: GenerationSummary, seconds: float) -> list[str]:
    marches, concessions = summary.marches, summary.concessions
    where = (
        str(summary.paths[0]) if len(summary.paths) == 1 else f"{len(summary.paths)} fichiers ({summary.paths[0]} …)"
    )
    lines = [
        f"{_count(marches.written, 'marché écrit', 'marchés écrits')} dans {where} "
        f"({_decimal(summary.bytes_written / 1e6)} Mo)",
        f"  dont {_number(marches.distinct)} distincts, {_number(marches.republications)} republications après "
        f"modification, {_number(marches.duplicates)} doublons exacts, {_number(marches.overlaps)} repris du fichier "
        f"précédent, {_number(marches.lots_sharing_id)} lots partageant l'identifiant d'un autre lot",
        f"{_count(concessions.written, 'contrat de concession', 'contrats de concession')} "
        f"({_number(concessions.distinct)} distincts)",
        f"{_number(summary.buyers)} acheteurs, {_number(summary.awardees)} entreprises titulaires possibles",
    ]
    dirty = marches.dirty_records + concessions.dirty_records
    share = 100 * dirty / max(1, marches.written + concessions.written)
    lines.append(
        f"{_count(dirty, 'enregistrement volontairement défectueux', 'enregistrements volontairement défectueux')} "
        f"({_decimal(share)} %)" + (" :" if dirty else "")
    )
    kinds = Counter(marches.dirty) + Counter(concessions.dirty)
    for kind in DIRTY_KIND_NAMES:
        if kinds[kind]:
            lines.append(f"  {DIRTY_KINDS[kind][0]} : {_number(kinds[kind])}")
    lines.append(f"Durée : {_decimal(seconds)} s")
    return lines
