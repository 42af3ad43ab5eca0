"""Deliberate defects reproducing the problems observed in the real data (shared/research/decp-format.md §5).

A small share of records is degraded after assembly: the importer and the quality report must survive them. Each
kind appears at least once when there are enough marchés; the labels are shown to users.
"""

from collections.abc import Callable

from spaser.demo.generator.population import Population
from spaser.demo.generator.sampling import cumulative
from spaser.demo.generator.schema import DAY_NUMBER, DAYS
from spaser.demo.generator.vocabulary import CPV_CHECK_DIGITS


DIRTY_SHARE = 0.015
CONCESSION_DIRTY_SHARE = 0.02
FORCE_EVERY_DIRTY_KIND_FROM = 1_000  # marchés
FORCED_DIRTY_WINDOW = 300  # first fresh rows, always written when every kind is forced

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
DIRTY_KIND_CDF = cumulative([weight for _, weight in DIRTY_KINDS.values()])


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
