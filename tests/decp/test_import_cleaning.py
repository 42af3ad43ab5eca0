"""One small record per cleaning rule of docs/decp-model.md: canonical value and quality flags."""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from spaser.cli import main
from spaser.decp.importer import import_files
from tests.decp.factories import (
    AWARDEE,
    DROP,
    assert_accounting,
    flag_codes,
    flags_with,
    marche,
    modification,
    query,
    titulaires,
    write_2022,
    write_flat,
)


LA_POSTE_SIRET = "35600000000001"
LEADING_ZERO_SIRET = "05345956625465"


@dataclass(frozen=True)
class Case:
    name: str
    overrides: dict
    column: str
    expected: Any
    flags: frozenset[str] = frozenset()
    also_allowed: frozenset[str] = frozenset()
    flag_values: dict[str, Any] = field(default_factory=dict)


def case(name, overrides, column, expected, flags=(), also_allowed=(), **flag_values) -> Case:
    return Case(name, overrides, column, expected, frozenset(flags), frozenset(also_allowed), flag_values)


def awardee_ids(row: dict) -> list[tuple[str, str | None]]:
    return [(t["id"], t["typeIdentifiant"]) for t in row["titulaires"]]


# fmt: off
CASES = [
    # enumerations: variants reach the canonical label silently
    case("procedure-upper-typographic", {"procedure": "APPEL D’OFFRES OUVERT"}, "procedure", "Appel d'offres ouvert"),
    case("procedure-no-accents", {"procedure": "procedure adaptee"}, "procedure", "Procédure adaptée"),
    case(
        "procedure-legacy-concurrentielle",
        {"procedure": "Procédure concurrentielle avec négociation"},
        "procedure",
        "Procédure avec négociation",
    ),
    case(
        "procedure-legacy-mise-en-concurrence",
        {"procedure": "Procédure négociée avec mise en concurrence préalable"},
        "procedure",
        "Procédure avec négociation",
    ),
    case(
        "procedure-legacy-negocie",
        {"procedure": "Marché négocié sans publicité ni mise en concurrence préalable"},
        "procedure",
        "Marché passé sans publicité ni mise en concurrence préalable",
    ),
    case(
        "procedure-legacy-public-negocie",
        {"procedure": "Marché public négocié sans publicité ni mise en concurrence préalable"},
        "procedure",
        "Marché passé sans publicité ni mise en concurrence préalable",
    ),
    case("procedure-nc", {"procedure": "NC"}, "procedure", None),
    case("procedure-mq", {"procedure": "MQ"}, "procedure", None),
    case("procedure-empty", {"procedure": ""}, "procedure", None),
    case("nature-upper", {"nature": "MARCHE"}, "nature", "Marché"),
    case("ccag-sans-objet", {"ccag": "Sans objet"}, "ccag", "Pas de CCAG"),
    case("ccag-maitrise-oeuvre", {"ccag": "MAITRISE D'OEUVRE"}, "ccag", "Maitrise d'œuvre"),
    case("types-prix-upper", {"typesPrix": {"typePrix": ["DÉFINITIF FERME"]}}, "typesPrix", ["Définitif ferme"]),
    case(
        "modalite-singular-draft",
        {"modalitesExecution": {"modaliteExecution": ["Bon de commande"]}},
        "modalitesExecution",
        ["Bons de commande"],
    ),
    case(
        "technique-typographic-apostrophe",
        {"techniques": {"technique": ["Système d’acquisition dynamique"]}},
        "techniques",
        ["Système d'acquisition dynamique"],
    ),
    case(
        "type-identifiant-tva-intracommunautaire",
        {"titulaires": titulaires("BE0412345614", type_identifiant="TVA_INTRACOMMUNAUTAIRE")},
        "titulaires",
        [("BE0412345614", "TVA")],
    ),
    case("bool-oui", {"marcheInnovant": "oui"}, "marcheInnovant", True),
    case("bool-non", {"marcheInnovant": "non"}, "marcheInnovant", False),
    case("bool-one", {"attributionAvance": "1"}, "attributionAvance", True),
    case("bool-zero", {"sousTraitanceDeclaree": "0"}, "sousTraitanceDeclaree", False),
    case("bool-nc", {"marcheInnovant": "NC"}, "marcheInnovant", None),
    case(
        "social-maerche-reserve",
        {"considerationsSociales": {"considerationSociale": ["Maerché réservé"]}},
        "considerationsSociales",
        ["Marché réservé"],
    ),
    case(
        "social-upper",
        {"considerationsSociales": {"considerationSociale": ["CRITERE SOCIAL", "clause sociale"]}},
        "considerationsSociales",
        ["Clause sociale", "Critère social"],
    ),
    # enumerations: unknown values are flagged, canonical NULL
    case(
        "procedure-unknown",
        {"procedure": "Procédure de gré à gré"},
        "procedure",
        None,
        {"valeur_inconnue"},
        valeur_inconnue="Procédure de gré à gré",
    ),
    case("ccag-unknown", {"ccag": "CCAG maison"}, "ccag", None, {"valeur_inconnue"}, valeur_inconnue="CCAG maison"),
    case(
        "social-unknown-only",
        {"considerationsSociales": {"considerationSociale": ["Clause solidaire"]}},
        "considerationsSociales",
        None,
        {"valeur_inconnue"},
        valeur_inconnue="Clause solidaire",
    ),
    case(
        "social-unknown-among-known",
        {"considerationsSociales": {"considerationSociale": ["Clause sociale", "Clause solidaire"]}},
        "considerationsSociales",
        ["Clause sociale"],
        {"valeur_inconnue"},
        valeur_inconnue="Clause solidaire",
    ),
    # CPV
    case("cpv-valid-check-digit", {"codeCPV": "45214200-2"}, "codeCPV", "45214200"),
    case("cpv-wrong-check-digit-removed", {"codeCPV": "45214200-5"}, "codeCPV", "45214200", (), {"cpv_cle_invalide"}),
    case("cpv-seven-digits", {"codeCPV": "9132100"}, "codeCPV", "09132100", {"cpv_zero_restaure"}),
    case("cpv-unreadable", {"codeCPV": "travaux"}, "codeCPV", None, {"cpv_invalide"}),
    # SIRET of the buyer and of the awardees
    case("buyer-siret-spaces", {"acheteur": {"id": "213 105 554 00017"}}, "acheteur_id", "21310555400017",
         {"siret_corrige"}),
    case("buyer-siret-dots", {"acheteur": {"id": "213.105.554.00017"}}, "acheteur_id", "21310555400017",
         {"siret_corrige"}),
    case("buyer-siret-lost-zero", {"acheteur": {"id": LEADING_ZERO_SIRET[1:]}}, "acheteur_id", LEADING_ZERO_SIRET,
         {"siret_corrige"}),
    case("buyer-siret-13-digits-luhn-fails", {"acheteur": {"id": "1234567890123"}}, "acheteur_id", "1234567890123",
         {"siret_invalide"}),
    case("buyer-siret-luhn-fails", {"acheteur": {"id": "21310555400018"}}, "acheteur_id", "21310555400018",
         {"siret_invalide"}),
    case("awardee-siret-spaces", {"titulaires": titulaires("814 509 626 00036")}, "titulaires",
         [(AWARDEE, "SIRET")], {"siret_corrige"}),
    case("awardee-siret-lost-zero", {"titulaires": titulaires(LEADING_ZERO_SIRET[1:])}, "titulaires",
         [(LEADING_ZERO_SIRET, "SIRET")], {"siret_corrige"}),
    case("awardee-siret-13-digits-luhn-fails", {"titulaires": titulaires("1234567890123")}, "titulaires",
         [("1234567890123", "SIRET")], {"siret_invalide"}),
    case("awardee-siret-luhn-fails", {"titulaires": titulaires("81450962600037")}, "titulaires",
         [("81450962600037", "SIRET")], {"siret_invalide"}),
    case("awardee-la-poste", {"titulaires": titulaires(LA_POSTE_SIRET)}, "titulaires", [(LA_POSTE_SIRET, "SIRET")]),
    case("awardee-without-type", {"titulaires": [{"titulaire": {"id": AWARDEE}}]}, "titulaires",
         [(AWARDEE, "SIRET")]),
    case("awardee-foreign-not-checked", {"titulaires": titulaires("DE283917465", type_identifiant="TVA")},
         "titulaires", [("DE283917465", "TVA")]),
    # dates
    case("date-impossible", {"dateNotification": "0218-10-29"}, "dateNotification", None, {"date_impossible"},
         date_impossible="0218-10-29"),
    case("date-future", {"dateNotification": "2099-01-01", "datePublicationDonnees": "2099-01-15"},
         "dateNotification", date(2099, 1, 1), {"date_future"}),
    case("date-missing", {"dateNotification": DROP}, "dateNotification", None, {"date_manquante"}),
    case("date-time-zone", {"dateNotification": "2024-03-18+01:00"}, "dateNotification", date(2024, 3, 18)),
    case("date-publication-before-notification", {"datePublicationDonnees": "2024-03-01"}, "datePublicationDonnees",
         date(2024, 3, 1), {"publication_avant_notification"}),
    # amounts: kept unchanged, flagged
    case("amount-zero", {"montant": 0}, "montant", 0, {"montant_nul_ou_negatif"}),
    case("amount-negative", {"montant": -5}, "montant", -5, {"montant_nul_ou_negatif"}),
    case("amount-999999999", {"montant": 999999999}, "montant", 999999999, {"montant_sentinelle"}),
    case("amount-12311111111", {"montant": 12311111111}, "montant", 12311111111, {"montant_sentinelle"},
         {"montant_aberrant"}),
    case("amount-123456789", {"montant": 123456789}, "montant", 123456789, {"montant_sentinelle"}),
    case("amount-2e9", {"montant": 2e9}, "montant", 2e9, {"montant_aberrant"}, {"montant_sentinelle"}),
    case("amount-string", {"montant": "45000.50"}, "montant", 45000.5),
    case("amount-missing", {"montant": DROP}, "montant", None, {"montant_manquant"}),
    case("amount-unreadable", {"montant": "quarante mille"}, "montant", None, {"montant_illisible"}),
    # considerations: [] = none, NULL = unknown
    case(
        "social-explicit-none",
        {"considerationsSociales": {"considerationSociale": ["Pas de considération sociale"]}},
        "considerationsSociales",
        [],
    ),
    case(
        "environmental-explicit-none",
        {
            "considerationsEnvironnementales": {
                "considerationEnvironnementale": ["Pas de considération environnementale"],
            },
        },
        "considerationsEnvironnementales",
        [],
    ),
    case("social-sans-objet", {"considerationsSociales": {"considerationSociale": ["Sans objet"]}},
         "considerationsSociales", []),
    case("social-nc", {"considerationsSociales": {"considerationSociale": ["NC"]}}, "considerationsSociales", None),
    case("social-absent", {"considerationsSociales": DROP}, "considerationsSociales", None),
    # producer mojibake
    case("objet-replacement-character", {"objet": "Cr\ufffdation d'un r\ufffdseau de chaleur"}, "objet",
         "Cr\ufffdation d'un r\ufffdseau de chaleur", {"encodage_defectueux"}),
]
# fmt: on

DRAFT_EMPTY_LIST_ID = "2023-DRAFT-EMPTY"


def _case_id(index: int) -> str:
    return f"2024-CASE-{index:03d}"


def _draft_record() -> dict:
    record = marche(id=DRAFT_EMPTY_LIST_ID, _type="Marché")
    record.update(
        titulaires=[{"typeIdentifiant": "SIRET", "id": AWARDEE}],
        techniques=["Sans objet"],
        modalitesExecution=["Sans objet"],
        typesPrix=["Définitif ferme"],
        considerationsSociales=[],
        considerationsEnvironnementales=[],
    )
    return record


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    """All cases in one import (one contract each, told apart by id), read by each test."""
    folder = tmp_path_factory.mktemp("cleaning")
    records = [marche(id=_case_id(index), **item.overrides) for index, item in enumerate(CASES)]
    files = [write_2022(folder / "cases.json", records), write_flat(folder / "draft.json", [_draft_record()])]
    store = folder / "store"
    report = import_files(files, store)
    return report, store


def contract_by_id(store: Path, contract_id: str) -> dict:
    rows = query(store, "SELECT * FROM contracts WHERE id = ?", [contract_id])
    assert len(rows) == 1, f"{len(rows)} contracts with id {contract_id}"
    return rows[0]


def test_every_case_is_one_new_contract(cleaned):
    report, _ = cleaned

    assert_accounting(report)
    assert (report.records_read, report.new, report.replaced, report.duplicate, report.rejected) == (
        len(CASES) + 1,
        len(CASES) + 1,
        0,
        0,
        0,
    )


def test_base_marche_is_clean(tmp_path):
    store = tmp_path / "store"
    import_files([write_2022(tmp_path / "base.json", [marche()])], store)

    (row,) = query(store, "SELECT * FROM contracts")

    assert row["flags"] == []
    assert (row["procedure"], row["codeCPV"], row["acheteur_id"], row["dateNotification"], row["montant"]) == (
        "Procédure adaptée",
        "45233140",
        "21310555400017",
        date(2024, 3, 18),
        125000.0,
    )
    assert (row["considerationsSociales"], row["considerationsEnvironnementales"]) == (["Clause sociale"], [])


@pytest.mark.parametrize(("index", "item"), [pytest.param(i, c, id=c.name) for i, c in enumerate(CASES)])
def test_cleaning_rule(index, item, cleaned):
    _, store = cleaned

    row = contract_by_id(store, _case_id(index))

    value = awardee_ids(row) if item.column == "titulaires" else row[item.column]
    assert value == item.expected
    assert item.flags <= flag_codes(row) <= item.flags | item.also_allowed, row["flags"]
    for code, raw in item.flag_values.items():
        assert raw in [flag["value"] for flag in flags_with(row, code)], row["flags"]


def test_empty_list_of_the_draft_means_no_consideration(cleaned):
    _, store = cleaned

    row = contract_by_id(store, DRAFT_EMPTY_LIST_ID)

    assert (row["considerationsSociales"], row["considerationsEnvironnementales"]) == ([], [])
    assert flag_codes(row) == set()


def test_modifications_are_cleaned_item_by_item_in_their_order(tmp_path):
    store = tmp_path / "store"
    changes = [
        modification(3, montant="14 700,00", dateNotificationModification="05/11/2024"),
        modification(
            1, titulaires=titulaires(LEADING_ZERO_SIRET[1:], AWARDEE), dateNotificationModification="1989-01-02"
        ),
        modification(2, dureeMois="18.0", datePublicationDonneesModification="2024-10-01T00:00:00+02:00"),
    ]
    import_files([write_2022(tmp_path / "modified.json", [marche(modifications=changes)])], store)

    rows = query(store, "SELECT * FROM contract_modifications ORDER BY ALL")
    (row,) = query(store, "SELECT modifications FROM contracts")

    assert [m["id"] for m in row["modifications"]] == [3, 1, 2]
    assert [m["dateNotificationModification"] for m in row["modifications"]] == [
        date(2024, 11, 5),
        None,
        date(2024, 9, 9),
    ]
    assert [m["datePublicationDonneesModification"] for m in row["modifications"]][2] == date(2024, 10, 1)
    assert ([m["montant"] for m in row["modifications"]], row["modifications"][2]["dureeMois"]) == (
        [14700.0, None, None],
        18,
    )
    assert [[t["id"] for t in m["titulaires"]] for m in row["modifications"]] == [
        [],
        [LEADING_ZERO_SIRET, AWARDEE],
        [],
    ]
    assert len(rows) == 3


QUALITY_RECORDS = [
    marche(id="Q-1", montant=0),
    marche(id="Q-2", montant=-12.5),
    marche(id="Q-3", codeCPV="9132100"),
    marche(id="Q-4", objet="R\ufffdfection de la toiture"),
    marche(id="Q-5"),
    marche(id="Q-6", considerationsSociales=DROP),
    marche(id=DROP),
]
EXPECTED_FLAGS = {"montant_nul_ou_negatif": 2, "cpv_zero_restaure": 1, "encodage_defectueux": 1}


def test_quality_json_counts_contracts_and_flags(tmp_path, capsys):
    store = tmp_path / "store"
    import_files([write_2022(tmp_path / "quality.json", QUALITY_RECORDS)], store)
    capsys.readouterr()

    code = main(["decp", "quality", "--store", str(store), "--format", "json"])

    out = capsys.readouterr().out
    assert code == 0
    summary = json.loads(out)
    assert summary["contracts"] == {
        "marche": {"total": 6, "social_unknown": 1, "environmental_unknown": 0},
        "concession": {"total": 0, "social_unknown": 0, "environmental_unknown": 0},
    }
    assert {code: count for code, count in summary["flags"].items() if count} == EXPECTED_FLAGS
    assert (summary["rejected"], summary["imports"]) == (1, 1)
