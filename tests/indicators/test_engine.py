"""Every indicator against numbers computed by hand from a small DECP fixture and reference tables.

Buyer A (SIREN of A1 and A2) notified five marchés in 2024 and one in 2025, buyer B one marché in 2024;
A also signed a concession. By hand, for A in 2024 (m1…m5, m5 with a sentinel amount, m4 in 2019 form):
considerations known on m1, m2, m3, m5; usable amounts m1 100 000, m2 50 000, m3 200 000 (and m4 30 000).
"""

import csv
import io
import shutil
from pathlib import Path

import duckdb
import orjson
import pytest

from spaser.analytics.classes import buyer_places, refresh_classes
from spaser.cli import main
from spaser.formatting import FRENCH, INTERNATIONAL
from spaser.indicators.catalogue import BY_CODE, CATALOGUE
from spaser.indicators.engine import (
    CATALOGUE_VERSION,
    DRILL_COLUMNS,
    DRILL_STATUSES,
    LOW_COVERAGE,
    NO_REFERENCE,
    NOT_CONCERNED,
    Filters,
    Scope,
    compute,
    contract_rows,
    missing_reason,
    stores,
)
from spaser.tables import INDICATORS_CSV, INDICATORS_PARQUET
from tests.indicators.factories import A1, A2, B1, SIREN_A, SIREN_B, T1, T2, T3, build_store
from tests.table_schemas import csv_errors, parquet_errors


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("indicators"))


@pytest.fixture(scope="module")
def classified_store(store, tmp_path_factory) -> Path:
    """The same store, with the awardee and buyer classes stored per contract."""
    copy = tmp_path_factory.mktemp("classified") / "store"
    shutil.copytree(store, copy)
    refresh_classes(copy)
    return copy


BUYER_A = Scope(sirens=(SIREN_A,))
YEAR_2024 = Filters(years=(2024,))


def values(store: Path, scope: Scope = BUYER_A, filters: Filters = YEAR_2024, group: str = "buyer") -> dict:
    with stores(store) as (connection, refs):
        return {(v.buyer, v.code): v for v in compute(connection, refs, scope, filters, group)}


EXPECTED_A_2024 = {
    # code: (numerator, denominator, value, coverage)
    "S1": (3, 4, 3 / 4, 4 / 5),
    "S2": (300000, 350000, 300000 / 350000, 3 / 5),
    "S3_CLAUSE": (1, 4, 1 / 4, 4 / 5),
    "S3_CRITERE": (1, 4, 1 / 4, 4 / 5),
    "S3_RESERVE": (1, 4, 1 / 4, 4 / 5),
    "E1": (3, 4, 3 / 4, 4 / 5),
    "E2": (150000, 350000, 150000 / 350000, 3 / 5),
    "E3_CLAUSE": (2, 4, 2 / 4, 4 / 5),
    "E3_CRITERE": (2, 4, 2 / 4, 4 / 5),
    "E3_LES_DEUX": (1, 4, 1 / 4, 4 / 5),
    "R1": (4, 4, 1.0, 4 / 5),
    "R2": (1, None, 1, 4 / 5),
    "A1": (100000, 350000, 100000 / 350000, 3 / 5),
    "A2": (200000, 350000, 200000 / 350000, 3 / 5),
    "A3": (50000, 350000, 50000 / 350000, 3 / 5),
    "P1": (3, 4, 3 / 4, 4 / 5),
    "P2": (100000, 350000, 100000 / 350000, 3 / 5),
    "P2_REGION": (150000, 350000, 150000 / 350000, 3 / 5),
    "P3": (11, 4, 11 / 4, 4 / 5),
    "P3_OFFRE_UNIQUE": (1, 4, 1 / 4, 4 / 5),
    "P4": (1, 4, 1 / 4, 4 / 5),
    # m1 and m2 (works) publish an origin they are not asked for; of the concerned m3 (food), m4 (vehicles) and
    # m5 (medicines), only m3 publishes it.
    "P6": (0.5, 1, 0.5, 1 / 3),
    "P6_UE": (0.9, 1, 0.9, 1 / 3),
    "I1": (1, 4, 1 / 4, 4 / 5),
    "G5": (4, 5, 4 / 5, 1.0),
}


@pytest.mark.parametrize("code", list(EXPECTED_A_2024))
def test_every_indicator_matches_the_hand_count(code, store):
    value = values(store)[(SIREN_A, code)]

    numerator, denominator, expected, coverage = EXPECTED_A_2024[code]
    assert value.numerator == pytest.approx(numerator)
    assert value.denominator == (None if denominator is None else pytest.approx(denominator))
    assert value.value == pytest.approx(expected)
    assert value.coverage == pytest.approx(coverage)
    assert value.contracts == 5


def test_stored_classes_give_the_same_values_as_classes_computed_on_the_fly(store, classified_store):
    on_the_fly, stored = values(store), values(classified_store)

    assert (
        duckdb.connect(str(classified_store / "decp.duckdb"), read_only=True)
        .execute("SELECT count(*) FROM contract_classes")
        .fetchone()[0]
        == 8
    )
    assert {key: (v.numerator, v.denominator, v.coverage) for key, v in stored.items()} == {
        key: (v.numerator, v.denominator, v.coverage) for key, v in on_the_fly.items()
    }
    assert stored[(SIREN_A, "A3")].value == pytest.approx(50000 / 350000)


def test_buyers_and_awardees_are_classified_from_the_reference_data(classified_store):
    connection = duckdb.connect(str(classified_store / "decp.duckdb"), read_only=True)
    try:
        buyer = connection.execute(
            "SELECT type, departement, region FROM buyers WHERE siren = ?", [SIREN_A]
        ).fetchone()
        awardees = dict(
            (row[0], row[1:])
            for row in connection.execute(
                "SELECT id, known, categorie_entreprise, ess, esus, famille_inclusive, type_inclusif, departement "
                "FROM awardees"
            ).fetchall()
        )
    finally:
        connection.close()

    assert buyer == ("Commune", "69", "84")
    assert awardees[T1] == (True, "PME", True, False, None, None, "69")
    assert awardees[T2] == (True, "PME", False, False, "SIAE", "ACI", "01")
    assert awardees[T3][3] is True
    assert awardees["FR12345678901"] == (False, None, False, False, None, None, None)


def test_buyer_places_come_from_the_classified_buyers_named_where_the_reference_names_them(store, classified_store):
    with stores(classified_store) as (connection, _):
        places = buyer_places(connection, [SIREN_A, SIREN_B, "000000000"])
    with stores(store) as (connection, _):
        unclassified = buyer_places(connection, [SIREN_A])

    # The fixture's reference has neither commune names nor a régions table.
    assert places == {SIREN_A: ("69123", None, "84", None), SIREN_B: ("01053", None, "84", None)}
    assert unclassified == {}


def test_year_is_the_year_of_notification(store):
    later = values(store, filters=Filters(years=(2025,)))

    assert later[(SIREN_A, "S1")].numerator == 1 and later[(SIREN_A, "S1")].contracts == 1


def test_concessions_are_computed_apart(store):
    concessions = values(store, filters=Filters(kind="concession", years=(2024,)))

    assert (concessions[(SIREN_A, "S1")].numerator, concessions[(SIREN_A, "S3_RESERVE")].value) == (1, 1.0)
    assert concessions[(SIREN_A, "S1")].contracts == 1


def test_oecp_universe_keeps_contracts_of_at_least_90_000(store):
    universe = values(store, filters=Filters(years=(2024,), threshold=90000))

    assert (universe[(SIREN_A, "S1")].numerator, universe[(SIREN_A, "S1")].denominator) == (3, 3)


def test_cpv_division_filter(store):
    works = values(store, filters=Filters(years=(2024,), cpv_division="45"))

    assert (works[(SIREN_A, "S1")].numerator, works[(SIREN_A, "S1")].denominator) == (1, 2)


def test_mutualised_scheme_per_buyer_and_national_group(store):
    per_buyer = values(store, scope=Scope(sirets=(A2, B1)))
    national = values(store, scope=Scope(), group="national")

    assert per_buyer[(SIREN_A, "S1")].contracts == 1  # m3 only: the SIRET list, not the whole SIREN
    assert per_buyer[(SIREN_B, "E1")].value == 1.0
    assert (national[("France", "S1")].numerator, national[("France", "S1")].denominator) == (3, 5)


def test_buyer_types_come_from_the_categorie_juridique(store):
    by_type = values(store, scope=Scope(), group="buyer_type")

    assert by_type[("Commune", "S1")].contracts == 5
    assert by_type[("Département", "E1")].numerator == 1


def test_without_reference_data_classification_is_unknown_not_guessed(store, tmp_path):
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "decp.duckdb").write_bytes((store / "decp.duckdb").read_bytes())

    result = values(bare)

    assert (result[(SIREN_A, "A1")].value, result[(SIREN_A, "A1")].coverage) == (None, 0.0)
    assert result[(SIREN_A, "A1")].missing == NO_REFERENCE
    assert result[(SIREN_A, "S1")].value == 0.75


def test_each_value_says_why_it_is_missing_or_weak(store):
    result = values(store)

    # S1: 4 of 5 marchés informed; P6: 1 of the 3 concerned (33 %); A2 without the ESUS list: no reference.
    assert result[(SIREN_A, "S1")].missing is None
    assert result[(SIREN_A, "P6")].missing == LOW_COVERAGE
    assert missing_reason(LOW_COVERAGE, 1 / 3) == (
        "moins de la moitié des marchés renseignent la donnée (couverture 33,3\u00a0%)"
    )
    in_2025 = values(store, filters=Filters(years=(2025,)))
    # 2025: m6 only, a works marché: no product whose origin is expected; its social consideration is published.
    assert in_2025[(SIREN_A, "P6")].missing == NOT_CONCERNED
    assert in_2025[(SIREN_A, "S1")].missing is None


def test_cli_json_lists_buyer_year_code_values(store, capsys):
    code = main(["indicators", "--store", str(store), "--buyer", SIREN_A, "--year", "2024", "--format", "json"])

    rows = orjson.loads(capsys.readouterr().out)
    assert code == 0
    e1 = next(row for row in rows if row["code"] == "E1")
    assert {k: e1[k] for k in ("buyer", "year", "numerator", "denominator", "value", "coverage")} == {
        "buyer": SIREN_A,
        "year": 2024,
        "numerator": 3,
        "denominator": 4,
        "value": 0.75,
        "coverage": 0.8,
    }


def test_cli_all_writes_every_buyer_and_year_to_parquet(store, tmp_path):
    out = tmp_path / "all.parquet"

    code = main(["indicators", "--store", str(store), "--all", "--out", str(out)])

    rows = duckdb.sql(f"SELECT buyer, year, code, value FROM '{out}' WHERE code = 'S1' ORDER BY 1, 2").fetchall()
    assert code == 0
    assert rows == [(SIREN_A, 2024, "S1", 0.75), (SIREN_A, 2025, "S1", 1.0), (SIREN_B, 2024, "S1", 0.0)]
    assert parquet_errors(out, INDICATORS_PARQUET) == []


def test_cli_table_is_french(store, capsys):
    main(["indicators", "--store", str(store), "--buyer", SIREN_A, "--year", "2024"])

    out = capsys.readouterr().out
    # S1 3/4, coverage 4/5; P3 11/4 = 2.75 offers, half-up at one decimal; R2 one reserved marché; S2 numerator.
    shown = ("Indicateurs SPASER", "Couverture", "75,0\u00a0%", "80,0\u00a0%", "2,8\u00a0offres", "1\u00a0marché")
    assert all(text in out for text in (*shown, "300\u202f000"))
    assert "nombre" not in out.replace("Nombre", "")


def cli_csv(store, capsys, *options: str) -> tuple[str, dict]:
    main(["indicators", "--store", str(store), "--buyer", SIREN_A, "--year", "2024", "--format", "csv", *options])
    text = capsys.readouterr().out
    delimiter = "," if "internationale" in options else ";"
    rows = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter)
    return text, {row["code"]: row for row in rows}


def test_cli_csv_is_french_by_default_rounded_as_the_table(store, capsys):
    text, rows = cli_csv(store, capsys)

    assert text.startswith("\ufeffbuyer;year;code;label;unit;numerator;denominator;value;coverage;contracts")
    # S2 = 300 000 / 350 000 = 0.857142…: 85,7 % in the table, 0,857 here; P3 11/4 = 2,75 → 2,8; R2 1 marché.
    assert [rows["S2"][k] for k in ("numerator", "denominator", "value", "coverage")] == [
        "300000",
        "350000",
        "0,857",
        "0,600",
    ]
    assert (rows["P3"]["value"], rows["P6"]["numerator"], rows["R2"]["value"], rows["R2"]["denominator"]) == (
        "2,8",
        "0,5",
        "1",
        "",
    )
    # Why a value is weak: P6 is published on 1 of the 3 marchés whose products' origin the DECP expect.
    assert rows["P6"]["missing"] == "moins de la moitié des marchés renseignent la donnée (couverture 33,3\u00a0%)"
    assert rows["S1"]["missing"] == ""
    assert csv_errors(text, INDICATORS_CSV, FRENCH) == []


def test_cli_csv_in_the_international_convention(store, capsys):
    text, rows = cli_csv(store, capsys, "--convention", "internationale")

    assert text.startswith("buyer,year,code,label,unit,")
    assert (rows["S2"]["value"], rows["P3"]["value"], rows["P6"]["numerator"], rows["S1"]["year"]) == (
        "0.857",
        "2.8",
        "0.5",
        "2024",
    )
    assert csv_errors(text, INDICATORS_CSV, INTERNATIONAL) == []


def test_cli_csv_of_a_mutualised_scheme_stays_valid_with_its_together_rows(store, capsys):
    main(["indicators", "--store", str(store), "--sirets", f"{A1},{A2}", "--year", "2024", "--format", "csv"])

    text = capsys.readouterr().out
    assert ";ensemble;" in text.replace("\n", ";")
    assert csv_errors(text, INDICATORS_CSV, FRENCH) == []


def test_cli_without_scope_explains_in_french(store, capsys):
    assert main(["indicators", "--store", str(store)]) == 2
    assert "Précisez le périmètre" in capsys.readouterr().err


def test_cli_options_are_in_english_threshold_and_by_type(store, capsys):
    argv = ["indicators", "--store", str(store), "--year", "2024", "--format", "json"]

    assert main([*argv, "--national", "--threshold", "90000"]) == 0
    national = {row["code"]: row for row in orjson.loads(capsys.readouterr().out)}
    assert main([*argv, "--by-type"]) == 0
    by_type = orjson.loads(capsys.readouterr().out)

    assert (national["S1"]["numerator"], national["S1"]["denominator"]) == (3, 3)  # as Filters(threshold=90000)
    assert {row["buyer"] for row in by_type} == {"Commune", "Département"}
    with pytest.raises(SystemExit):
        main([*argv, "--national", "--seuil", "90000"])


def test_cli_mutualised_scheme_gives_each_buyer_and_the_whole(store, capsys):
    main(["indicators", "--store", str(store), "--sirets", f"{A2},{B1}", "--year", "2024", "--format", "json"])

    s1 = {row["buyer"]: row for row in orjson.loads(capsys.readouterr().out) if row["code"] == "S1"}
    assert set(s1) == {SIREN_A, SIREN_B, "ensemble"}
    assert (s1["ensemble"]["numerator"], s1["ensemble"]["denominator"]) == (1, 2)


def test_a_reference_import_reclassifies_the_contracts(store, tmp_path, capsys):
    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    (copy / "reference.duckdb").unlink()
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "StockUniteLegale_utf8.zip"

    code = main(["reference", "import", str(fixture), "--kind", "sirene-unites-legales", "--store", str(copy)])

    connection = duckdb.connect(str(copy / "decp.duckdb"), read_only=True)
    try:
        classified = connection.execute("SELECT count(*) FROM contract_classes").fetchone()[0]
    finally:
        connection.close()
    assert code == 0 and classified == 8
    assert "Classement des acheteurs et des titulaires des contrats mis à jour." in capsys.readouterr().out


def test_nature_and_procedure_filters(store):
    same_nature = values(store, filters=Filters(years=(2024,), nature="Marché"))
    other_procedure = values(store, filters=Filters(years=(2024,), procedure="Appel d'offres ouvert"))

    assert same_nature[(SIREN_A, "S1")].numerator == 3
    assert other_procedure == {}


def reasons(store: Path, code: str) -> dict[str, tuple[str, str]]:
    with stores(store) as (connection, refs):
        rows = contract_rows(connection, refs, BUYER_A, YEAR_2024, BY_CODE[code])
    status, reason = DRILL_COLUMNS.index("status"), DRILL_COLUMNS.index("reason")
    return {row[0]: (row[status], row[reason]) for row in rows}


EXPECTED_REASONS = {  # buyer A, 2024, by hand from tests/indicators/factories.py and its reference tables
    "A1": {
        "M1": ("compté", "titulaire de l'ESS"),
        "M2": ("non compté", "aucun titulaire de l'ESS"),
        "M3": ("non compté", "aucun titulaire de l'ESS"),
        "M4": ("non renseigné", "titulaires absents du répertoire SIRENE (ou données de référence non chargées)"),
        "M5": ("non renseigné", "montant absent ou signalé comme suspect"),
    },
    "P3": {
        "M1": ("compté", "3 offres reçues"),
        "M2": ("compté", "1 offre reçue"),
        "M3": ("compté", "2 offres reçues"),
        "M4": ("non renseigné", "nombre d'offres non renseigné"),
        "M5": ("compté", "5 offres reçues"),
    },
    "P6": {
        "M1": ("non renseigné", "produits non concernés par l'origine (code CPV)"),
        "M2": ("non renseigné", "produits non concernés par l'origine (code CPV)"),
        "M3": ("compté", "origineFrance publié : 0,5 (part de 0 à 1)"),
        "M4": ("non renseigné", "origineFrance non renseigné"),
        "M5": ("non renseigné", "origineFrance non renseigné"),
    },
    "R1": {
        "M1": ("compté", "Clause sociale ; Clause environnementale, Critère environnemental"),
        "M2": ("compté", "aucune considération sociale ; Critère environnemental"),
        "M3": ("compté", "Marché réservé ; aucune considération environnementale"),
        "M4": (
            "non renseigné",
            "considérations sociales non renseignées ; considérations environnementales non renseignées",
        ),
        "M5": ("compté", "Critère social ; Clause environnementale"),
    },
}


@pytest.mark.parametrize("code", list(EXPECTED_REASONS))
def test_the_drill_down_says_why_each_contract_counts(code, classified_store):
    assert reasons(classified_store, code) == EXPECTED_REASONS[code]


@pytest.mark.parametrize("code", [indicator.code for indicator in CATALOGUE])
def test_every_indicator_gives_a_reason_for_every_contract(code, classified_store):
    found = reasons(classified_store, code)

    assert sorted(found) == ["M1", "M2", "M3", "M4", "M5"]
    assert all(reason and status in DRILL_STATUSES for status, reason in found.values())


def test_cli_explains_one_value_for_an_auditor(store, capsys):
    code = main(["indicators", "--store", str(store), "--buyer", SIREN_A, "--year", "2024", "--explain", "A1"])

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[0] == "A1 — Part en valeur des achats auprès de l'économie sociale et solidaire"
    # By hand (module docstring): ESS awardee T1 on m1 (100 000); usable amounts of m1, m2, m3 (350 000).
    assert (
        "Numérateur : montant des marchés dont au moins un titulaire relève de l'ESS = 100\u202f000\u00a0€." in lines
    )
    assert (
        "Dénominateur : montant des marchés dont les titulaires sont identifiés dans SIRENE = 350\u202f000\u00a0€."
        in lines
    )
    assert "Valeur : 28,6\u00a0%." in lines
    assert "Couverture : 60,0\u00a0% (5\u00a0marchés notifiés dans l'année)." in lines
    assert "Marchés de l'année : compté 1 ; non compté 2 ; non renseigné 2." in lines
    assert f"- catalogue des indicateurs : version {CATALOGUE_VERSION}" in lines
    assert any(
        line.startswith("- import n° 1 du ") and "decp.json (8\u00a0enregistrements lus)" in line for line in lines
    )
    assert "FROM facts GROUP BY 1, 2" in lines[-1]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--year", "2024", "--explain", "XX"], "Indicateur inconnu : « XX »"),
        (["--explain", "A1"], "--explain demande le périmètre --buyer SIREN (répétable) et une seule --year"),
    ],
)
def test_cli_explain_needs_a_known_code_and_one_year(arguments, message, store, capsys):
    code = main(["indicators", "--store", str(store), "--buyer", SIREN_A, *arguments])

    assert code != 0
    assert message in capsys.readouterr().err
