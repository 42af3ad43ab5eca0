"""The national series, counted by hand on the fixture store (tests/indicators/factories.py).

Both buyers are collectivités (A a commune, B a département). 2024 marchés: M1 100 000 € (clause sociale, env.,
T1 PME), M2 50 000 € (no social, env., T2 PME SIAE), M3 200 000 € (réservé, no env., T3 ESUS), M4 30 000 € (no
considerations published, a foreign awardee), M5 999 999 999 € (a sentinel amount: counted, never valued; critère
social, env., T1 and T2), M7 60 000 € (no social, env., T3). 2025: M6 80 000 € (clause sociale, T1).
"""

import datetime

import orjson
import pytest
import sqlglot

from spaser.analytics.classes import reference_relations
from spaser.decp.importer import import_files
from spaser.observatory.refresh import refresh
from spaser.observatory.series import SERIES, TABLE, series_sql
from spaser.observatory.store import open_read_only
from tests.indicators.factories import A1, MARCHES, NONE_E, NONE_S, marche


def rows(store, **where) -> dict[tuple[str, str], tuple]:
    condition = " AND ".join(f"{name} = ?" for name in where)
    with open_read_only(store) as connection:
        found = connection.execute(
            "SELECT series, measure, contracts, numerator, known_denominator, known_share, all_denominator, all_share "
            f"FROM {TABLE} WHERE {condition}",
            list(where.values()),
        ).fetchall()
    return {(series, measure): tuple(rest) for series, measure, *rest in found}


@pytest.fixture
def series_store(decp_store):
    refresh(decp_store)
    return decp_store


def test_all_contracts_2024_with_both_denominators(series_store):
    found = rows(series_store, year=2024, universe="tous", buyer_group="collectivites")

    # 6 marchés; 5 publish their considerations (not M4); 3 social (M1, M3, M5).
    assert found[("social", "nombre")] == (6, 3, 5, 3 / 5, 6, 3 / 6)
    # In value: amounts of M1 + M3 over the known and usable ones (M1, M2, M3, M7), then over every usable one (+ M4).
    assert found[("social", "valeur")] == (6, 300_000, 410_000, 300_000 / 410_000, 440_000, 300_000 / 440_000)
    assert found[("environnement", "nombre")] == (6, 4, 5, 4 / 5, 6, 4 / 6)
    assert found[("reserve", "nombre")] == (6, 1, 5, 1 / 5, 6, 1 / 6)
    # The awardees of M4 are not in SIRENE: unknown. ESUS T3 holds M3 and M7; the SIAE T2 holds M2 (and M5).
    assert found[("esus", "nombre")] == (6, 2, 5, 2 / 5, 6, 2 / 6)
    assert found[("inclusif", "valeur")] == (6, 50_000, 410_000, 50_000 / 410_000, 440_000, 50_000 / 440_000)
    assert found[("pme", "nombre")] == (6, 3, 5, 3 / 5, 6, 3 / 6)
    assert rows(series_store, year=2024, universe="tous", buyer_group="ensemble") == found


def test_the_oecp_universe_takes_each_years_threshold(series_store):
    # From 2024 the threshold is 40 k€: M4 (30 000 €) leaves, and with it the only unknown considerations.
    found = rows(series_store, year=2024, universe="oecp", buyer_group="collectivites")
    assert found[("social", "nombre")] == (5, 3, 5, 3 / 5, 5, 3 / 5)
    assert found[("social", "valeur")] == (5, 300_000, 410_000, 300_000 / 410_000, 410_000, 300_000 / 410_000)
    assert found[("environnement", "nombre")] == (5, 4, 5, 4 / 5, 5, 4 / 5)
    # 2025: M6 alone (80 000 € ≥ 40 k€), with a clause sociale.
    assert rows(series_store, year=2025, universe="oecp", buyer_group="ensemble")[("social", "nombre")] == (
        1, 1, 1, 1.0, 1, 1.0
    )  # fmt: skip


def test_groups_without_contracts_have_no_rows(series_store):
    assert rows(series_store, buyer_group="etat_hopitaux") == {}
    assert rows(series_store, buyer_group="autres") == {}


def test_the_series_sql_transpiles_to_spark():
    query = series_sql(reference_relations(set()), stored_classes=False)

    spark = sqlglot.transpile(query, read="duckdb", write="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)[0]

    assert "ARRAY_CONTAINS" in spark
    assert spark.count("SUM(CASE WHEN") >= 2 * len(SERIES)


def test_years_after_the_current_one_are_left_out(tmp_path):
    future = datetime.date.today().year + 1
    source = tmp_path / "decp.json"
    marches = [*MARCHES, marche(8, A1, 50_000, NONE_S, NONE_E, year=future)]
    source.write_bytes(orjson.dumps({"marches": {"marche": marches}}))
    import_files([source], tmp_path / "store")

    refresh(tmp_path / "store")

    with open_read_only(tmp_path / "store") as connection:
        assert connection.execute(f"SELECT DISTINCT year FROM {TABLE} ORDER BY 1").fetchall() == [(2024,), (2025,)]
