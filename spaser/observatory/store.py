"""`<store>/observatory.duckdb`: rebuilt whole from the DECP and reference stores, swapped in atomically.

Its `sources` table says which DECP and reference files it was computed from: a page compares it with the files
in place to tell a current observatory from one awaiting its refresh.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from spaser.analytics.files import open_published, rebuilding_database, sql_path
from spaser.decp import store as decp_store
from spaser.reference import store as reference_store


DATABASE_NAME = "observatory.duckdb"
WORK_NAME = ".work-observatory"
LOCK_NAME = ".lock-observatory"


def database_path(store: Path) -> Path:
    return store / DATABASE_NAME


def open_read_only(store: Path) -> duckdb.DuckDBPyConnection:
    return open_published(
        database_path(store), f"{store} : observatoire pas encore calculé (lancez « spaser observatory refresh »)."
    )


def source_versions(store: Path) -> dict[str, str | None]:
    """The version of each input file (its modification time and size), None when it is missing."""
    paths = {"decp": decp_store.database_path(store), "reference": reference_store.database_path(store)}
    return {name: _file_version(path) for name, path in paths.items()}


def _file_version(path: Path) -> str | None:
    if not path.exists():
        return None
    stat = path.stat()
    return f"{stat.st_mtime_ns}-{stat.st_size}"


@contextmanager
def rebuilding(store: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection on the new observatory, with the DECP store attached read-only as `decp` and the reference
    store as `ref` (when there is one); the new file replaces the old one when the block succeeds."""
    decp_path = decp_store.database_path(store)
    decp_store.open_read_only(store).close()  # the French message when there is no DECP store
    with rebuilding_database(store, DATABASE_NAME, WORK_NAME, LOCK_NAME) as (connection, _):
        for (table,) in connection.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall():
            connection.execute(f'DROP TABLE "{table}"')
        connection.execute(f"ATTACH '{sql_path(decp_path)}' AS decp (READ_ONLY)")
        reference_path = reference_store.database_path(store)
        if reference_path.exists():
            connection.execute(f"ATTACH '{sql_path(reference_path)}' AS ref (READ_ONLY)")
        yield connection
        for name in ("decp", "ref"):
            connection.execute(f"DETACH DATABASE IF EXISTS {name}")


@dataclass(frozen=True)
class Sources:
    """What every observatory page and file says of its data: « Données DECP du … », computed on …"""

    decp_date: date | None
    refreshed_at: datetime


def sources(connection: duckdb.DuckDBPyConnection) -> Sources:
    # Seconds since the epoch: a TIMESTAMP WITH TIME ZONE would need pytz to reach Python.
    version, refreshed = connection.execute("SELECT decp_version, epoch(refreshed_at) FROM sources").fetchone()
    return Sources(version_date(version), datetime.fromtimestamp(refreshed, UTC))


def version_date(version: str | None) -> date | None:
    """A version is « <modification time in ns>-<size> » (_file_version): the day its file was written."""
    return None if version is None else datetime.fromtimestamp(int(version.split("-")[0]) / 1e9, UTC).date()
