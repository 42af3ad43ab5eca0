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
# The buyer profiles' size brackets: the year's DECP amount of marchés (the obligation register's), in euros HT, upper
# bound excluded; the last one starts at the obligation threshold (docs/decisions.md "Buyer profile peers").
SIZE_BRACKETS = (
    (1_000_000, "moins de 1 M€"),
    (10_000_000, "de 1 à 10 M€"),
    (50_000_000, "de 10 à 50 M€"),
    (None, "50 M€ et plus"),
)
