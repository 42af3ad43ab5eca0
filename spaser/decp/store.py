"""The analytics store: one DuckDB file, rebuilt into a temporary copy and swapped in atomically.

Layout of a store folder:
- `decp.duckdb`: tables `versions` (every distinct version of every contract), `contracts` (the
  current version of each contract), `contract_awardees`, `contract_modifications`,
  `contract_subcontracts`, `import_runs` and `rejections`;
- `quarantine/run-NNNN.ndjson`: the records rejected by each import, with the reason.
Readers open `decp.duckdb` read-only; writers hold `.lock` and replace the file only when done.
"""

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from spaser.errors import SpaserError


DATABASE_NAME = "decp.duckdb"
MEMORY_LIMIT = "600MB"


def database_path(store: Path) -> Path:
    return store / DATABASE_NAME


def open_read_only(store: Path) -> duckdb.DuckDBPyConnection:
    path = database_path(store)
    if not path.exists():
        raise SpaserError(f"{store} : aucun entrepôt DECP ici (lancez d'abord « spaser decp import »).")
    return duckdb.connect(str(path), read_only=True)


@contextmanager
def rebuilding(store: Path) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """A connection on a working copy of the store and a scratch folder; the copy replaces the store on success.

    Killing the process at any point leaves the previous `decp.duckdb` as it was: the copy has another
    name and is only renamed over it, in one `os.replace`, once it is complete and closed.
    """
    store.mkdir(parents=True, exist_ok=True)
    with _exclusive_lock(store):
        work = store / ".work"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        target = database_path(store)
        copy = work / DATABASE_NAME
        if target.exists():
            shutil.copyfile(target, copy)
        connection = duckdb.connect(str(copy))
        try:
            connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            connection.execute(f"SET temp_directory = '{work / 'spill'}'")
            # Order matters only while staging (it gives record positions): see importer._stage_chunks.
            connection.execute("SET preserve_insertion_order = false")
            # The cleaning SQL has dozens of small constant IN lists: as joins they exhaust the memory.
            connection.execute("SET disabled_optimizers = 'in_clause'")
            create_schema(connection)
            yield connection, work
            connection.execute("CHECKPOINT")
        finally:
            connection.close()
        os.replace(copy, target)
        _sync_folder(store)
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def _exclusive_lock(store: Path) -> Iterator[None]:
    with open(store / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise SpaserError(f"{store} : un autre import est en cours sur cet entrepôt.") from error
        yield


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


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
