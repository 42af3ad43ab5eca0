"""The national series and the obligation register run on Apache Spark (a local session) over the store's Parquet
export, and give the rows of the observatory DuckDB materialised: the same queries, beyond one machine.

Two hand-counted stores: the indicators' (its contract classes stored, as after `spaser reference import`) and the
obligation register's (classes computed by the export, balances imported).
"""

import logging
import math
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from spaser.analytics.classes import refresh_classes
from spaser.analytics.files import sql_path
from spaser.cli import main
from spaser.observatory import obligation, portable, series
from spaser.observatory.refresh import refresh
from spaser.observatory.store import open_read_only
from tests.indicators.factories import build_store
from tests.observatory.test_obligation import build_obligation_store


# py4j leaves its gateway's sockets to the garbage collector, which warns when it closes them.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"
)
# The primary key of each table: its first columns.
KEYS = {series.TABLE: 5, obligation.TABLE: 2}


def _series_store(folder: Path) -> Path:
    store = build_store(folder)
    refresh_classes(store)
    refresh(store)
    return store


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None:
        message = "No Java runtime: Spark cannot start (install Debian's default-jre-headless, as .ci/run does)."
        if os.environ.get("SPASER_REQUIRE_JAVA") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("spaser-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        # A few rows: compiling whole stages and optimising the JIT's code would cost more than they save.
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    # py4j says at exit that it closes its connections, after pytest closed the stream it would write to.
    logging.getLogger("py4j").setLevel(logging.WARNING)


@pytest.fixture(scope="module", params=[_series_store, build_obligation_store], ids=["series", "obligation"])
def exported(request, tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp(request.param.__name__)
    store = request.param(folder)
    assert main(["observatory", "export", "--store", str(store), "--out", str(folder / "export")]) == 0
    return store, folder / "export"


def _materialised(store: Path, table: str) -> tuple[list[str], list[tuple]]:
    with open_read_only(store) as connection:
        cursor = connection.execute(f"SELECT * FROM {table}")
        return [column[0] for column in cursor.description], cursor.fetchall()


def _on_duckdb(folder: Path, table: str) -> list[tuple]:
    connection = duckdb.connect()
    for name in portable.RELATIONS:
        connection.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{sql_path(folder / name)}.parquet')")
    return connection.execute(portable.queries()[table]).fetchall()


def _same_rows(found: list[tuple], expected: list[tuple], table: str) -> None:
    """Row by row in key order; sums of amounts may differ in the last bits (another order of addition)."""
    assert len(found) == len(expected)
    key = KEYS[table]
    for got, want in zip(
        sorted(found, key=lambda row: row[:key]), sorted(expected, key=lambda row: row[:key]), strict=True
    ):
        assert all(_same(a, b) for a, b in zip(got, want, strict=True)), (tuple(got), want)


def _same(found, expected) -> bool:
    if isinstance(expected, float) and isinstance(found, float):
        return math.isclose(found, expected, rel_tol=1e-12)
    return found == expected and type(found) is type(expected)


def test_the_export_writes_every_relation_and_the_spark_queries(exported):
    _, folder = exported

    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [f"{name}.parquet" for name in portable.RELATIONS] + [f"{table}.sql" for table in portable.TABLES]
    )
    assert "ARRAY_CONTAINS" in (folder / f"{series.TABLE}.sql").read_text(encoding="utf-8")
    assert "EXPLODE(flags)" in (folder / f"{obligation.TABLE}.sql").read_text(encoding="utf-8")


@pytest.mark.parametrize("table", portable.TABLES)
def test_spark_and_duckdb_give_the_observatorys_rows(spark, exported, table):
    store, folder = exported
    names, expected = _materialised(store, table)
    assert expected  # both stores have rows in both tables

    frame = portable.run_on_spark(spark, str(folder))[table]

    assert frame.columns == names
    _same_rows(frame.collect(), expected, table)
    _same_rows(_on_duckdb(folder, table), expected, table)
