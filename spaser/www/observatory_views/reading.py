"""Reading the materialised observatory for a page, a file or the API (never computing it per request)."""

import datetime
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import duckdb
from django.conf import settings
from django.http import HttpResponse

from spaser.analytics.files import parquet_bytes
from spaser.errors import SpaserError
from spaser.formatting import write_csv
from spaser.indicators.readers import StoreUnavailable
from spaser.observatory.store import database_path, open_read_only, sources
from spaser.www.unavailable import unavailable_file


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


def table_file(
    request, name: str, convention: str, export_sql: Callable[[datetime.date], str], header: tuple[str, ...]
) -> HttpResponse:
    """One materialised table as a file named `name` (CSV in `convention`, or Parquet), its rows given by
    `export_sql(decp_date)`; 503 with Retry-After while the observatory cannot be read."""
    try:
        with observatory() as connection:
            decp_date = sources(connection).decp_date
            if convention == "parquet":
                content, kind = parquet_bytes(connection, export_sql(decp_date)), PARQUET_TYPE
            else:
                text = io.StringIO()
                write_csv(text, header, connection.execute(export_sql(decp_date)).fetchall(), convention)
                content, kind = text.getvalue().encode("utf-8"), "text/csv; charset=utf-8"
    except StoreUnavailable as error:
        return unavailable_file(request, error)
    response = HttpResponse(content, content_type=kind)
    stem, extension = name.rsplit(".", 1)
    response["Content-Disposition"] = f'attachment; filename="observatoire-{stem}-{decp_date}.{extension}"'
    return response
