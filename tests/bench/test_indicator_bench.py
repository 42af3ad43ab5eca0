"""The indicators section of the benchmark: synthetic SIRENE, the naive computation against the engine, one buyer."""

import sys
from pathlib import Path

import duckdb
import pytest

from bench.indicators_naive import NAIVE, Mismatch, check, compute as naive_compute
from bench.indicators_one_buyer import measure
from bench.run import (
    BATCH_TARGET_S,
    ONE_BUYER_TARGET_MS,
    Measurement,
    indicator_targets,
    indicators_markdown,
    indicators_text,
    one_buyer_summary,
    parse_args,
    process_summary,
    query_in_child,
)
from spaser.analytics.classes import refresh_classes
from spaser.decp.importer import import_files
from spaser.decp.store import open_read_only
from spaser.demo.generator import generate
from spaser.demo.reference import build_reference
from spaser.errors import SpaserError
from spaser.indicators.catalogue import CATALOGUE
from spaser.indicators.engine import Filters, Scope, compute, export_parquet, stores


MARCHES = 400
ROWS = 3_000


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """A tiny DECP store with a synthetic SIRENE of ROWS rows, classified."""
    folder = tmp_path_factory.mktemp("indicator-bench")
    source = folder / "decp.json"
    generate(source, marches=MARCHES, seed=11)
    store = folder / "store"
    import_files([source], store)
    build_reference(store, rows=ROWS, seed=3)
    refresh_classes(store)
    return store


@pytest.fixture(scope="module")
def engine_parquet(store, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("engine") / "all.parquet"
    with stores(store) as (connection, refs):
        export_parquet(connection, refs, Filters(), out)
    return out


@pytest.fixture(scope="module")
def naive(store):
    connection = open_read_only(store)
    try:
        return naive_compute(connection)
    finally:
        connection.close()


def _reference(store: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(store / "reference.duckdb"), read_only=True)
    connection.execute(f"ATTACH '{store / 'decp.duckdb'}' AS decp (READ_ONLY)")
    return connection


def test_synthetic_sirene_holds_every_identifier_of_the_contracts(store):
    connection = _reference(store)
    try:
        missing = connection.execute(
            """
            WITH ids AS (
                SELECT unnest(titulaires).id AS siret FROM decp.contracts UNION SELECT acheteur_id FROM decp.contracts
            ), sirets AS (SELECT DISTINCT siret FROM ids WHERE regexp_full_match(siret, '[0-9]{14}'))
            SELECT (SELECT count(*) FROM sirets WHERE siret NOT IN (SELECT siret FROM etablissements)),
                (SELECT count(*) FROM sirets WHERE substr(siret, 1, 9) NOT IN (SELECT siren FROM unites_legales)),
                (SELECT count(*) FROM sirets)
            """
        ).fetchone()
        awardee_sirens = connection.execute(
            "SELECT count(DISTINCT substr(t.id, 1, 9)) FROM (SELECT unnest(titulaires) AS t FROM decp.contracts) "
            "WHERE t.typeIdentifiant = 'SIRET' AND substr(t.id, 1, 9) NOT IN (SELECT siren FROM unites_legales)"
        ).fetchone()[0]
    finally:
        connection.close()
    assert missing[:2] == (0, 0)
    assert missing[2] > 100
    assert awardee_sirens == 0


CONSISTENCY = {
    "unites_legales rows, distinct SIRENs": "SELECT count(*), count(DISTINCT siren) FROM unites_legales",
    "etablissements rows, distinct SIRETs": "SELECT count(*), count(DISTINCT siret) FROM etablissements",
    "orphan establishments": "SELECT count(*) FROM etablissements "
    "WHERE siren NOT IN (SELECT siren FROM unites_legales)",
    "unknown communes": "SELECT count(*) FROM etablissements "
    "WHERE code_commune NOT IN (SELECT code_insee FROM communes)",
    "communes, départements, régions": "SELECT count(*) // 1000, count(DISTINCT departement), "
    "count(DISTINCT region) FROM communes",
    "communes not classed 7210": "SELECT count(*) FROM unites_legales WHERE substr(siren, 1, 2) = '21' "
    "AND categorie_juridique <> '7210'",
    "ESUS outside SIRENE, ESUS": "SELECT count(*) FILTER (WHERE siren NOT IN (SELECT siren FROM unites_legales)), "
    "count(*) > 0 FROM esus",
    "inclusive outside SIRENE, inclusive": "SELECT count(*) FILTER (WHERE siret NOT IN "
    "(SELECT siret FROM etablissements)), count(*) > 0 FROM structures_inclusives",
}


def test_synthetic_sirene_has_the_requested_rows_and_consistent_tables(store):
    connection = _reference(store)
    try:
        found = {name: connection.execute(sql).fetchone() for name, sql in CONSISTENCY.items()}
    finally:
        connection.close()
    assert found == {
        "unites_legales rows, distinct SIRENs": (ROWS, ROWS),
        "etablissements rows, distinct SIRETs": (ROWS, ROWS),
        "orphan establishments": (0,),
        "unknown communes": (0,),
        "communes, départements, régions": (34, 101, 18),
        "communes not classed 7210": (0,),
        "ESUS outside SIRENE, ESUS": (0, True),
        "inclusive outside SIRENE, inclusive": (0, True),
    }


def test_synthetic_sirene_is_reproducible_and_refuses_too_few_rows(store, tmp_path):
    again = tmp_path / "again.duckdb"
    build_reference(store, rows=ROWS, seed=3, target=again)
    query = "SELECT * FROM {}.unites_legales EXCEPT SELECT * FROM {}.unites_legales"
    connection = duckdb.connect()
    try:
        connection.execute(f"ATTACH '{again}' AS a (READ_ONLY)")
        connection.execute(f"ATTACH '{store / 'reference.duckdb'}' AS b (READ_ONLY)")
        assert connection.execute(query.format("a", "b")).fetchall() == []
        assert connection.execute(query.format("b", "a")).fetchall() == []
    finally:
        connection.close()
    with pytest.raises(SpaserError, match="ne peuvent contenir"):
        build_reference(store, rows=10, seed=3, target=tmp_path / "small.duckdb")
    assert not (tmp_path / "small.duckdb").exists()


def test_classification_finds_every_class_in_the_synthetic_reference(store):
    connection = open_read_only(store)
    try:
        row = connection.execute(
            "SELECT bool_or(awardees_known), bool_or(any_ess), bool_or(any_esus), bool_or(any_inclusive), "
            "bool_or(any_pme), bool_or(any_local_departement), count(DISTINCT buyer_type) FROM contract_classes"
        ).fetchone()
    finally:
        connection.close()
    assert row[:6] == (True,) * 6
    assert row[6] > 2


def test_naive_definitions_cover_the_catalogue():
    assert list(NAIVE) == [indicator.code for indicator in CATALOGUE]


def test_naive_computation_equals_the_engine_on_every_value(naive, engine_parquet):
    checked = check(naive, engine_parquet, sample=0)
    assert checked == len(naive) * len(CATALOGUE) > 0


def test_naive_computation_equals_the_engine_for_one_buyer(store, naive):
    (buyer, year), group = max(naive.items(), key=lambda item: item[1].contracts)
    with stores(store) as (connection, refs):
        values = compute(connection, refs, Scope(sirens=(buyer,)), Filters(years=(year,)))
    assert {value.code for value in values} == set(NAIVE)
    for value in values:
        numerator, denominator, known, base = group.sums[value.code]
        assert value.numerator == pytest.approx(numerator)
        assert value.denominator == (None if NAIVE[value.code].denominator is None else pytest.approx(denominator))
        assert value.coverage == (pytest.approx(known / base) if base else None)
        assert value.contracts == group.contracts


def test_naive_check_fails_loudly_on_a_difference(naive, engine_parquet, tmp_path):
    altered = tmp_path / "altered.parquet"
    duckdb.execute(
        f"COPY (SELECT * REPLACE (CASE WHEN code = 'S1' THEN numerator + 1 ELSE numerator END AS numerator) "
        f"FROM '{engine_parquet}') TO '{altered}' (FORMAT parquet)"
    )
    with pytest.raises(Mismatch, match="S1 of"):
        check(naive, altered, sample=0)
    missing = tmp_path / "missing.parquet"
    first = min(naive)
    duckdb.execute(
        f"COPY (SELECT * FROM '{engine_parquet}' WHERE (buyer, year) <> ('{first[0]}', {first[1]})) "
        f"TO '{missing}' (FORMAT parquet)"
    )
    with pytest.raises(Mismatch, match="pairs differ"):
        check(naive, missing)


def test_naive_script_checks_a_sample_of_the_batch(store, engine_parquet, capsys):
    from bench.indicators_naive import main

    assert main([str(store), "--check", str(engine_parquet)]) == 0
    assert '"checked": 50' in capsys.readouterr().out


def test_one_buyer_times_the_busiest_and_random_buyers(store):
    result = measure(store, top=3, others=2)
    assert result["buyers"] == 5
    assert [timing["kind"] for timing in result["timings"]] == ["top"] * 3 + ["random"] * 2
    contracts = [timing["contracts"] for timing in result["timings"]]
    assert contracts[:3] == sorted(contracts[:3], reverse=True) and contracts[0] >= max(contracts[3:])
    assert 0 < result["median_ms"] <= result["max_ms"]


def test_harness_queries_run_in_a_child(store, tmp_path, monkeypatch):
    monkeypatch.setattr("bench.run.LOGS", tmp_path)
    counts = query_in_child(store / "decp.duckdb", {"contracts": "SELECT count(*) FROM contracts"}, "test")
    assert counts["contracts"] > MARCHES // 2


def test_harness_only_flag_and_sirene_rows():
    assert parse_args(["--only", "indicators", "--sirene-rows", "1000"]).only == "indicators"
    assert parse_args([]).only is None and parse_args([]).sirene_rows == 30_000_000
    with pytest.raises(SystemExit):
        parse_args(["--only", "nothing"])


def _one_buyer_run(median: float) -> dict:
    timing = {"siren": "213100000", "contracts": 9, "kind": "top", "ms": median}
    summary = {"median_ms": median, "max_ms": median * 2}
    return {
        "buyers": 2,
        "median_ms": median,
        "max_ms": median * 2,
        "first_ms": median * 2,
        "top": summary,
        "random": summary,
        "largest_buyer_contracts": 9,
        "timings": [timing],
    }


def test_indicator_report_targets_and_rendering():
    one_buyer = one_buyer_summary([_one_buyer_run(100.0), _one_buyer_run(400.0), _one_buyer_run(200.0)])
    assert (one_buyer["median_ms"], one_buyer["max_ms"]) == (200.0, 800.0)
    methods = {
        "batch": process_summary([Measurement(12.0, 1024), Measurement(10.0, 2048)]),
        "one-buyer": process_summary([Measurement(3.0, 1024)]),
        "naive": {**process_summary([Measurement(99.0, 1024)]), "compute_median_s": 95.0, "checked": 50},
    }
    batch, buyer = indicator_targets(methods, one_buyer)
    assert (batch["value"], batch["status"]) == (11.0, "PASS") and BATCH_TARGET_S == 30
    assert (buyer["value"], buyer["status"]) == (200.0, "PASS") and ONE_BUYER_TARGET_MS == 300
    result = {
        "parameters": {"marches": 10, "seed": 7, "runs": 2, "sirene_rows": 100},
        "national": {"path": "bench/out/decp-10-7.json", "bytes": 1000},
        "store": "bench/out/indicators-store-10-7",
        "sizes": {"contracts": 11, "marches": 10, "buyers": 2, "groups": 3, "years": 2, "catalogue": 25},
        "reference": {
            "seed": 7,
            "bytes": 10**6,
            "tables": {
                "unites_legales": 100,
                "etablissements": 100,
                "communes": 5,
                "esus": 1,
                "structures_inclusives": 1,
            },
        },
        "classification": {"seconds": 1.5, "peak_rss_mib": 300.0},
        "methods": methods,
        "one_buyer": one_buyer,
        "naive_over_batch": 9.0,
        "targets": [batch, buyer],
    }
    run = {"date": "2026-01-01", "command": "python -m bench.run", "commit": None, "machine": _machine()}
    markdown = indicators_markdown(result, run)
    assert markdown.startswith("## Indicators\n")
    assert "Classification after a reference import" in markdown and "9.0×" in markdown
    assert "| one buyer's full set (median over buyers, in process) | < 300 ms | 200.00 ms | PASS |" in markdown
    assert "naive / batch: 9.0x" in indicators_text(result)


def _machine() -> dict:
    return {"cpu": "CPU", "cpus": 2, "ram_gib": 8.0, "python": sys.version.split()[0], "duckdb": "x", "ijson": "y"}
