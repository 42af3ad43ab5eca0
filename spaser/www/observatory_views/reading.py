"""Reading the materialised observatory for a page, a file or the API (never computing it per request)."""

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
from django.conf import settings

from spaser.errors import SpaserError
from spaser.indicators.readers import StoreUnavailable
from spaser.observatory.store import database_path, open_read_only


PARQUET_TYPE = "application/vnd.apache.parquet"


def observatory_version(**_) -> str | None:
    """Changes whenever a refresh swaps a new observatory in (and with it its `sources` row): the pages' cache key."""
    try:
        stat = database_path(settings.SPASER_STORE_DIR).stat()
    except FileNotFoundError:
        return None
    return f"{stat.st_ino}-{stat.st_mtime_ns}-{stat.st_size}"


@contextmanager
def observatory() -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection on the observatory; StoreUnavailable when it is not computed or cannot be read."""
    try:
        connection = open_read_only(settings.SPASER_STORE_DIR)
    except (SpaserError, duckdb.Error) as error:
        raise StoreUnavailable(str(error)) from error
    try:
        yield connection
    except duckdb.Error as error:
        raise StoreUnavailable(f"Observatoire illisible ({error}).") from error
    finally:
        connection.close()
