"""Read-only access to a published store: `decp.duckdb`, with `reference.duckdb` attached as `ref` when present.

A handle is an in-memory DuckDB instance where the DECP file is attached as `decp` (each cursor's default
catalogue). Attached, not opened with `duckdb.connect(path)`: DuckDB keeps one instance per path in a process, so
while any connection of a busy server stays open, a new `connect` after a store swap would still read the file the
swap replaced.
"""

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from spaser.analytics.classes import attach_reference
from spaser.analytics.files import sql_path
from spaser.decp.store import database_path
from spaser.errors import SpaserError
from spaser.reference.store import database_path as reference_database_path


# Raised by a damaged file while it is read (a valid header over garbage pages), not by a mistaken query.
DAMAGED_FILE_ERRORS = (duckdb.IOException, duckdb.SerializationException, duckdb.InternalException)


class StoreUnavailable(SpaserError):
    """The store is missing or cannot be read: pages say the data are unavailable instead of failing."""


@dataclass
class Handle:
    connection: duckdb.DuckDBPyConnection
    refs: dict[str, str]

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own on the shared instance (one per thread), reading the DECP store by default."""
        cursor = self.connection.cursor()
        cursor.execute("USE decp")
        return cursor

    def close(self) -> None:
        self.connection.close()


def open_handle(store: Path) -> Handle:
    path = database_path(store)
    if not path.exists():
        raise StoreUnavailable(f"{store} : aucun entrepôt DECP ici (lancez d'abord « spaser decp import »).")
    connection = duckdb.connect(":memory:")
    try:
        connection.execute(f"ATTACH '{sql_path(path)}' AS decp (READ_ONLY)")
        connection.execute("USE decp")
        tables = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_catalog = 'decp' AND table_name = 'contracts'"
        ).fetchone()[0]
        if not tables:
            raise StoreUnavailable(f"{path} : la table « contracts » manque (relancez « spaser decp import »).")
        refs = attach_reference(connection, store)
    except duckdb.Error as error:
        connection.close()
        raise StoreUnavailable(f"{path} : entrepôt illisible ({error}).") from error
    except StoreUnavailable:
        connection.close()
        raise
    return Handle(connection, refs)


def store_identity(store: Path) -> tuple | None:
    """Changes whenever `decp.duckdb` or `reference.duckdb` is replaced; None without a DECP store."""
    identity = []
    for path in (database_path(store), reference_database_path(store)):
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            if not identity:
                return None
            identity.append(None)
        else:
            identity.append((stat.st_ino, stat.st_mtime_ns, stat.st_size))
    return tuple(identity)


@contextmanager
def reading(handle: Handle, store: Path) -> Iterator[tuple[duckdb.DuckDBPyConnection, dict[str, str]]]:
    """A cursor of `handle` and the reference relations; a damaged page met while reading makes the store
    unavailable, as a damaged header does."""
    cursor = handle.cursor()
    try:
        yield cursor, handle.refs
    except DAMAGED_FILE_ERRORS as error:
        raise StoreUnavailable(f"{database_path(store)} : entrepôt illisible ({error}).") from error
    finally:
        cursor.close()


class SharedStores:
    """One handle per version of each store, shared by the threads of a long-running process (a web worker).

    Opening and attaching the files costs more than most queries of a page. A swapped store has another identity:
    the next reader opens the new files, and the old handle goes when its last cursor does."""

    KEPT = 4  # stores of a process (one in production; tests use many)

    def __init__(self):
        self._lock = threading.Lock()
        self._handles: dict[Path, tuple[tuple, Handle]] = {}

    def handle(self, store: Path) -> Handle:
        identity = store_identity(store)
        with self._lock:
            known = self._handles.get(store)
            if known is not None and known[0] == identity:
                return known[1]
            self._handles.pop(store, None)
            handle = open_handle(store)  # raises StoreUnavailable without a readable store
            # One thread a query: a web worker runs several requests at once, and a background refresh after a
            # swap must leave the other cores to the requests.
            handle.connection.execute("SET threads = 1")
            self._handles[store] = (identity, handle)
            while len(self._handles) > self.KEPT:
                self._handles.pop(next(iter(self._handles)))
            return handle

    @contextmanager
    def reading(self, store: Path) -> Iterator[tuple[duckdb.DuckDBPyConnection, dict[str, str]]]:
        with reading(self.handle(store), store) as opened:
            yield opened


# The process's handles: the web workers read every page's data through it.
SHARED_STORES = SharedStores()
