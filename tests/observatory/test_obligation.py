"""The obligation register counted by hand on a small store: one buyer per case of the status rule."""

from pathlib import Path

import duckdb
import orjson
import pytest
import sqlglot

from spaser.cli import main
from spaser.decp.importer import import_files
from spaser.observatory import balances, obligation
from spaser.observatory.obligation import register_sql
from spaser.observatory.refresh import refresh
from spaser.observatory.store import open_read_only
from spaser.reference.store import create_schema
from tests.indicators.factories import CONCESSION, marche, siret


FIXTURE = Path(__file__).parents[1] / "fixtures" / "balances-comptables.csv"
REGION, DEPARTEMENT, COMMUNE, AUTRE = siret("23000001"), siret("22000002"), siret("21000003"), siret("51000004")
HOPITAL = "260000054"  # only in the balances fixture
UNITS = [
    (REGION[:9], "RÉGION EXEMPLE", "7230"),
    (DEPARTEMENT[:9], "DÉPARTEMENT EXEMPLE", "7220"),
    (COMMUNE[:9], "COMMUNE EXEMPLE", "7210"),
    (AUTRE[:9], "SOCIÉTÉ EXEMPLE", "5710"),
    (HOPITAL, "HÔPITAL EXEMPLE", "7364"),
]
FRAMEWORK = {"techniques": {"technique": ["Accord-cadre"]}}
MARCHES = [
    marche(1, REGION, 30_000_000, None, None),
    marche(2, REGION, 25_000_000, None, None, **FRAMEWORK),  # 55 M€, 30 M€ without the framework agreement
    marche(3, DEPARTEMENT, 60_000_000, None, None),
    marche(4, DEPARTEMENT, 999999999, None, None),  # sentinel amount: counted as a contract, not summed
    marche(5, DEPARTEMENT, 20_000_000, None, None, nature="Marché de défense ou de sécurité"),  # book V: left out
    marche(6, DEPARTEMENT, 10_000_000, None, None, year=2025),
    marche(7, COMMUNE, 45_000_000, None, None),
    marche(8, AUTRE, 70_000_000, None, None),
]


def build_obligation_store(folder: Path, with_balances: bool = True) -> Path:
    store = folder / "store"
    source = folder / "decp.json"
    concession = {**CONCESSION, "autoriteConcedante": {"id": DEPARTEMENT}, "valeurGlobale": 100_000_000}
    source.write_bytes(orjson.dumps({"marches": {"marche": MARCHES, "contrat-concession": [concession]}}))
    import_files([source], store)
    reference = duckdb.connect(str(store / "reference.duckdb"))
    create_schema(reference)
    reference.executemany(
        "INSERT INTO unites_legales (siren, denomination, categorie_juridique) VALUES (?, ?, ?)", UNITS
    )
    reference.close()
    if with_balances:
        balances.load_balances(FIXTURE, store)
    refresh(store)
    return store


@pytest.fixture
def register(tmp_path) -> dict[tuple[str, int], dict]:
    with open_read_only(build_obligation_store(tmp_path)) as connection:
        cursor = connection.execute("SELECT * FROM obligation_register")
        names = [column[0] for column in cursor.description]
        return {(row[0], row[1]): dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def test_a_region_over_the_threshold_only_through_a_framework_agreement_is_uncertain(register):
    row = register[REGION[:9], 2024]
    assert (row["contracts_amount"], row["framework_amount"]) == (55_000_000, 25_000_000)
    assert (row["contracts"], row["framework_contracts"]) == (2, 1)
    assert (row["status"], row["buyer_type"], row["name"]) == ("incertain", "Région", "RÉGION EXEMPLE")


def test_sentinel_amounts_defence_contracts_and_concessions_stay_out_of_the_sum(register):
    row = register[DEPARTEMENT[:9], 2024]
    assert (row["contracts_amount"], row["contracts"], row["excluded_amounts"]) == (60_000_000, 2, 1)
    assert row["status"] == "obligé probable"
    assert row["spend_amount"] == 1_000_000
    assert register[DEPARTEMENT[:9], 2025]["status"] == "non obligé"


def test_between_40_and_50_million_or_of_an_uncertain_type_the_status_is_uncertain(register):
    assert register[COMMUNE[:9], 2024]["status"] == "incertain"
    other = register[AUTRE[:9], 2024]
    assert (other["status"], other["uncertain_type"], other["reason"]) == (
        "incertain",
        True,
        "type d'acheteur incertain",
    )


def test_a_year_without_any_marche_says_no_decp_data_never_not_obliged(register):
    assert register[COMMUNE[:9], 2025]["status"] == "aucune donnée DECP"
    hospital = register[HOPITAL, 2024]
    assert (hospital["contracts"], hospital["contracts_amount"]) == (0, None)
    # 50 M€ (6011) + 12 000 000,50 - 500,50 (6228) + 18 M€ (2313); 6037, 2041 and 6411 are not counted.
    assert hospital["spend_amount"] == 79_999_500
    assert (hospital["status"], hospital["buyer_type"]) == ("incertain", "Hôpital")
    assert register[HOPITAL, 2025]["status"] == "aucune donnée DECP"


def test_the_register_sql_transpiles_to_spark():
    spark = sqlglot.transpile(
        register_sql("contracts", "unites_legales", "spend"),
        read="duckdb",
        write="spark",
        unsupported_level=sqlglot.ErrorLevel.RAISE,
    )[0]

    assert "EXPLODE(flags)" in spark and "ARRAY_CONTAINS(techniques, 'Accord-cadre')" in spark


def test_a_balances_file_with_errors_is_refused_line_by_line_and_the_previous_file_kept(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    balances.load_balances(FIXTURE, store)
    before = balances.file_path(store).read_bytes()
    bad = tmp_path / "balances.csv"
    bad.write_text(
        "exer;siren;compte;obnetdeb;obnetcre\n2024;12345;6011;10;0\n2024;260000054;6011;dix;0\n2024;260000054;6011;1;0\n",
        encoding="utf-8",
    )

    with pytest.raises(balances.BalancesError) as error:
        balances.load_balances(bad, store)

    assert str(error.value).splitlines() == [
        "balances.csv, ligne 2 : champ « siren » : « 12345 » n'est pas un SIREN (9 chiffres)",
        "balances.csv, ligne 3 : champ « obnetdeb » : « dix » n'est pas un montant",
    ]
    assert balances.file_path(store).read_bytes() == before


def test_a_balances_file_without_the_amount_columns_is_refused(tmp_path):
    bad = tmp_path / "balances.csv"
    bad.write_text("exer,siren,compte\n2024,260000054,6011\n", encoding="utf-8")

    with pytest.raises(balances.BalancesError, match="colonne\\(s\\) manquante\\(s\\) : obnetdeb, obnetcre"):
        balances.load_balances(bad, tmp_path)


def test_the_balances_command_imports_the_file_and_refuses_a_bad_one_in_french(tmp_path, capsys):
    store = tmp_path / "store"
    store.mkdir()
    bad = tmp_path / "balances.csv"
    bad.write_text("exer;siren;compte;obnetdeb;obnetcre\n20x4;260000054;6011;1;0\n", encoding="utf-8")

    assert main(["observatory", "balances", str(FIXTURE), "--store", str(store)]) == 0
    assert "2 acheteurs × exercices" in capsys.readouterr().out
    assert main(["observatory", "balances", str(bad), "--store", str(store)]) != 0
    assert "balances.csv, ligne 2 : champ « exer » : « 20x4 » n'est pas une année\nRien n'a été importé." in (
        capsys.readouterr().err
    )


def test_a_page_of_rows_and_the_status_counts_agree_with_every_row_filtered(tmp_path):
    with open_read_only(build_obligation_store(tmp_path)) as connection:
        every = obligation.rows(connection, 2024)
        first = obligation.rows(connection, 2024, limit=2)
        counts = obligation.status_counts(connection, 2024)
        probable = obligation.status_counts(connection, 2024, status="obligé probable")

    assert first == every[:2] and len(every) > 2
    assert counts == {status: sum(row["status"] == status for row in every) for status in obligation.STATUSES}
    assert sum(probable.values()) == probable["obligé probable"] == counts["obligé probable"] > 0
