"""The analytics store: one DuckDB file, rebuilt into a temporary copy and swapped in atomically.

Layout of a store folder:
- `decp.duckdb`: tables `versions` (every distinct version of every contract), `contracts` (the
  current version of each contract), `contract_awardees`, `contract_modifications`,
  `contract_subcontracts`, `import_runs` and `rejections`;
- `quarantine/run-NNNN.ndjson`: the records rejected by each import, with the reason.
Readers open `decp.duckdb` read-only; writers hold `.lock` and replace the file only when done.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from spaser.analytics.files import open_published, rebuilding_database


DATABASE_NAME = "decp.duckdb"
QUARANTINE_NAME = "quarantine"
WORK_NAME = ".work"
MEMORY_LIMIT = "600MB"


def database_path(store: Path) -> Path:
    return store / DATABASE_NAME


def quarantine_path(store: Path) -> Path:
    """The folder of the records each import rejected, `run-NNNN.ndjson`."""
    return store / QUARANTINE_NAME


def open_read_only(store: Path) -> duckdb.DuckDBPyConnection:
    return open_published(
        database_path(store), f"{store} : aucun entrepôt DECP ici (lancez d'abord « spaser decp import »)."
    )


@contextmanager
def rebuilding(store: Path) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """A connection on a working copy of the store and a scratch folder; the copy replaces the store on success.

    Killing the process at any point leaves the previous `decp.duckdb` as it was (see
    `spaser.analytics.files.rebuilding_database`).
    """
    with rebuilding_database(store, DATABASE_NAME, WORK_NAME) as (connection, work):
        connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        # Order matters only while staging (it gives record positions): see importer._stage_chunks.
        connection.execute("SET preserve_insertion_order = false")
        # The cleaning SQL has dozens of small constant IN lists: as joins they exhaust the memory.
        connection.execute("SET disabled_optimizers = 'in_clause'")
        create_schema(connection)
        yield connection, work


def create_schema(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(
        """
        CREATE TABLE IF NOT EXISTS import_runs (
            run_id INTEGER PRIMARY KEY, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ, report JSON)
        """
    )
    connection.execute(
        """
        CREATE TABLE IF NOT EXISTS rejections (
            run_id INTEGER, source_file VARCHAR, source_position BIGINT, field VARCHAR, reason VARCHAR)
        """
    )


def next_run_id(connection: duckdb.DuckDBPyConnection) -> int:
    return connection.execute("SELECT coalesce(max(run_id), 0) + 1 FROM import_runs").fetchone()[0]
