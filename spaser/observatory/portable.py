"""The national series and the obligation register beyond one machine: the relations of the store they read,
exported to Parquet, and their SQL in Spark's dialect, transpiled from the very queries the refresh runs on DuckDB.

A national operator runs them on a Spark cluster (docs/architecture.md): `spaser observatory export` writes the
files, `run_on_spark` registers them as views and runs the queries written beside them.
"""

from pathlib import Path

import sqlglot

from spaser.analytics.classes import CLASSIFIED_COLUMNS, classes_sql, reference_relations
from spaser.analytics.files import sql_path
from spaser.indicators.engine import has_stored_classes, stores
from spaser.observatory import obligation, series


# The relations the queries read, each exported as `<name>.parquet`.
RELATIONS = ("contracts", "contract_classes", "unites_legales", "spend")
TABLES = (series.TABLE, obligation.TABLE)


def queries() -> dict[str, str]:
    """{table: its DuckDB query over RELATIONS}: the refresh's generators, given the exported relations."""
    return {
        series.TABLE: series.series_sql(reference_relations(set()), stored_classes=True),
        obligation.TABLE: obligation.register_sql("contracts", "unites_legales", "spend"),
    }


def spark_queries() -> dict[str, str]:
    """The same queries in Spark SQL; sqlglot refuses rather than guesses what it cannot translate."""
    return {
        table: sqlglot.transpile(query, read="duckdb", write="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)[0]
        for table, query in queries().items()
    }


def export(store: Path, out: Path) -> dict[str, int]:
    """Write RELATIONS to `<out>/<name>.parquet` and each Spark query to `<out>/<table>.sql`; rows per relation.

    The SIRENE legal units are narrowed to the buyers (the register reads nothing else); the classes of the
    contracts are the stored ones, or computed here from the reference store when they are not stored."""
    out.mkdir(parents=True, exist_ok=True)
    with stores(store) as (connection, refs):
        classes = (
            "SELECT * FROM contract_classes"
            if has_stored_classes(connection)
            else classes_sql(f"SELECT {CLASSIFIED_COLUMNS} FROM contracts", refs)
        )
        spend = obligation.spend_sql(store)
        relations = {
            "contracts": "SELECT * FROM contracts",
            "contract_classes": classes,
            "unites_legales": f"SELECT siren, denomination, categorie_juridique FROM {refs['unites_legales']} "
            f"WHERE siren IN (SELECT acheteur_siren FROM contracts UNION SELECT siren FROM ({spend}))",
            "spend": spend,
        }
        counts = {}
        for name, query in relations.items():
            connection.execute(f"COPY ({query}) TO '{sql_path(out / f'{name}.parquet')}' (FORMAT parquet)")
            counts[name] = connection.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]
    for table, query in spark_queries().items():
        (out / f"{table}.sql").write_text(query + "\n", encoding="utf-8")
    return counts


def run_on_spark(spark, folder: str) -> dict:
    """{table: Spark DataFrame} of the queries `export` wrote to `folder` (a path or URL the cluster reads), over
    the relations written beside them; `spark` is a `pyspark.sql.SparkSession`."""
    for name in RELATIONS:
        spark.read.parquet(f"{folder}/{name}.parquet").createOrReplaceTempView(name)
    return {table: spark.sql(spark.read.text(f"{folder}/{table}.sql", wholetext=True).first()[0]) for table in TABLES}
