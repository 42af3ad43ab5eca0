"""Database files rebuilt atomically: written as a copy under a lock, then renamed over the original in one step.

Readers open the published file read-only and never see a half-written database: a writer works on
`<folder>/<work_name>/<name>` and only an `os.replace` of the complete, closed copy publishes it.
"""

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from spaser.errors import SpaserError


@contextmanager
def rebuilding_database(
    folder: Path, name: str, work_name: str, lock_name: str = ".lock"
) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """A connection on a working copy of `<folder>/<name>` and a scratch folder; the copy replaces it on success.

    Killing the process at any point leaves the previous file as it was: the copy has another name and is only
    renamed over it, in one `os.replace`, once it is complete and closed. An exception drops the copy.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(folder, lock_name):
        work = folder / work_name
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        target = folder / name
        copy = work / name
        if target.exists():
            shutil.copyfile(target, copy)
        try:
            connection = duckdb.connect(str(copy))
            try:
                connection.execute(f"SET temp_directory = '{sql_path(work / 'spill')}'")
                yield connection, work
                connection.execute("CHECKPOINT")
            finally:
                connection.close()
        except BaseException:
            # The copy can weigh gigabytes: do not keep it until the next run.
            shutil.rmtree(work, ignore_errors=True)
            raise
        os.replace(copy, target)
        sync_folder(folder)
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def exclusive_lock(folder: Path, lock_name: str = ".lock") -> Iterator[None]:
    with open(folder / lock_name, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise SpaserError(f"{folder} : un autre import est en cours sur cet entrepôt.") from error
        yield


def sync_folder(folder: Path) -> None:
    """Make a rename inside `folder` durable (the directory entry is flushed, not only the file)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def open_published(path: Path, missing: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection on a published database; `missing` is the French message when there is none."""
    if not path.exists():
        raise SpaserError(missing)
    return duckdb.connect(str(path), read_only=True)


def sql_path(path: Path) -> str:
    """`path` quoted for a DuckDB string literal."""
    return str(path).replace("'", "''")


def parquet_bytes(connection: duckdb.DuckDBPyConnection, select_sql: str) -> bytes:
    """The rows of `select_sql` as the content of a Parquet file (DuckDB's COPY writes files, not streams)."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "table.parquet"
        connection.execute(f"COPY ({select_sql}) TO '{sql_path(target)}' (FORMAT parquet)")
        return target.read_bytes()


def rows_parquet_bytes(columns: list[tuple[str, str]], rows: list[list]) -> bytes:
    """`rows` as the content of a Parquet file of `columns` ((name, DuckDB type)), through an in-memory DuckDB."""
    connection = duckdb.connect()
    try:
        declared = ", ".join(f'"{name}" {kind}' for name, kind in columns)
        connection.execute(f"CREATE TABLE rows ({declared})")
        if rows:
            connection.executemany(f"INSERT INTO rows VALUES ({', '.join('?' * len(columns))})", rows)
        return parquet_bytes(connection, "SELECT * FROM rows")
    finally:
        connection.close()
