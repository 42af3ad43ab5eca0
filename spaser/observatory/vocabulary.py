"""The codes of the national series, read by its builder, its files' Table Schemas, the page and the API."""

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
COUNTED, VALUED = "nombre", "valeur"
MEASURES = {COUNTED: "en nombre de marchés", VALUED: "en valeur (montant initial HT)"}
SUBJECTS = {
    "social": "Marchés avec au moins une considération sociale",
    "environnement": "Marchés avec au moins une considération environnementale",
    "reserve": "Marchés réservés",
    "esus": "Marchés attribués à une entreprise agréée ESUS",
    "inclusif": "Marchés attribués à un employeur inclusif (SIAE, EA, ESAT, GEIQ)",
    "pme": "Marchés attribués à une PME",
}
