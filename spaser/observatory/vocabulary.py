"""The codes of the national series, read by its builder, its files' Table Schemas, the page and the API."""

from spaser.indicators.legal import CATEGORIES, COUNTED, MEASURES, VALUED  # noqa: F401 (re-exported)


OECP, EVERY_CONTRACT = "oecp", "tous"
UNIVERSES = {
    OECP: "Marchés du recensement OECP (≥ 90 k€ HT jusqu'en 2023, ≥ 40 k€ HT dès 2024)",
    EVERY_CONTRACT: "Tous les marchés",
}
NATIONAL = "ensemble"
GROUPS = {
    NATIONAL: "Ensemble des acheteurs",
    "collectivites": "Collectivités territoriales et leurs établissements",
    "etat_hopitaux": "État et hôpitaux",
    "autres": "Autres organismes publics",
}
# The legal categories and their two measures are the indicators' (spaser.indicators.legal).
SUBJECTS = CATEGORIES
