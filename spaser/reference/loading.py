"""What every loader shares: the rows of a file in file order, their checks, and the swap of the published rows.

A loader fills `_incoming_<table>` (same columns as `<table>`) from a relation that keeps the file order, so that
the n-th row of `_incoming_<table>` is the n-th record of the file: errors then name its line. Once checked, the
rows replace the whole table, or only the rows of one source (`structures_inclusives`).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np

from spaser.errors import SpaserError
from spaser.reference.sources import (
    Probe,
    csv_error,
    csv_relation,
    parquet_relation,
    quoted,
    unique_names,
    xlsx_rows,
)
from spaser.reference.sql import string
from spaser.reference.store import column_definitions, column_names


IDENTIFIERS = {
    "siren": ("ref_siren_ok", "SIREN", "9 chiffres dont une clé de contrôle"),
    "siret": ("ref_siret_ok", "SIRET", "14 chiffres dont une clé de contrôle"),
}


@dataclass
class Context:
    connection: duckdb.DuckDBPyConnection
    source: Probe
    work: Path
    skip_invalid: bool = False

    @property
    def name(self) -> str:
        return self.source.name

    def fail(self, where: str, column: str | None, problem: str) -> SpaserError:
        column_part = f", colonne « {column} »" if column else ""
        return SpaserError(f"{self.name} : {where}{column_part} : {problem}.")


@dataclass
class Loaded:
    """What a loader did: rows now in its main table, the version found in the content, rows left out and why."""

    rows: int
    version: str | None = None
    table: str | None = None  # when not the kind's first table
    skipped: dict[str, tuple[int, str]] = field(default_factory=dict)  # reason → (count, first position)

    def add_skipped(self, reason: str, count: int, first: str) -> None:
        if count:
            previous, first_seen = self.skipped.get(reason, (0, first))
            self.skipped[reason] = (previous + count, first_seen)


@dataclass
class Table:
    """A relation over the records of a file, in file order; `position(rowid)` names a record for the user."""

    sql: str
    position: Callable[[int], str]
    header: list[str]
    file: str

    def column(self, *aliases: str, required: bool = True) -> str:
        """`CAST("<header name>" AS VARCHAR)` for the first alias found in the header, else NULL (if optional)."""
        name = self.header_of(*aliases)
        if name is None:
            if required:
                raise SpaserError(f"{self.file} : ligne 1 (en-tête), colonne « {aliases[0]} » introuvable.")
            return "NULL::VARCHAR"
        return f"CAST({quoted(name)} AS VARCHAR)"

    def header_of(self, *aliases: str) -> str | None:
        return Probe(Path(), "csv", header=self.header).column(*aliases)


@contextmanager
def header_table(ctx: Context) -> Iterator[Table]:
    """The records of a CSV (plain, gzip, zipped), Parquet or xlsx file whose first line (or row) is a header."""
    source = ctx.source
    if source.form == "parquet":
        yield Table(parquet_relation(source), lambda rowid: f"enregistrement n° {rowid + 1}", source.header, ctx.name)
    elif source.form == "xlsx":
        yield sheet_table(ctx)
    else:
        require_utf8(ctx)
        with csv_relation(source, ctx.work) as relation:
            yield Table(relation, lambda rowid: f"ligne {rowid + 2}", unique_names(source.header), ctx.name)


def require_utf8(ctx: Context) -> None:
    if ctx.source.encoding != "utf-8":
        raise ctx.fail(
            f"ligne {ctx.source.bad_byte_line}",
            None,
            "caractères qui ne sont pas de l'UTF-8 (fichier enregistré en Windows-1252 ou Latin-1 ?) ; "
            "réenregistrez-le en UTF-8",
        )


def sheet_table(ctx: Context) -> Table:
    """The rows under the first non-empty row (the header) of the first sheet of an xlsx file."""
    rows = iter(xlsx_rows(ctx.source.path))
    header = next((cells for _number, cells in rows if any(cell is not None for cell in cells)), [])
    names = [cell or f"col{index + 1}" for index, cell in enumerate(header)]
    records = [(number, cells) for number, cells in rows if any(cell is not None for cell in cells)]
    columns = {
        name: [cells[index] if index < len(cells) else None for _n, cells in records]
        for index, name in enumerate(names)
    }
    lines = [number for number, _cells in records]
    relation = register_rows(ctx.connection, "sheet_rows", columns)
    return Table(relation, lambda rowid: f"ligne {lines[rowid]}", names, ctx.name)


def register_rows(connection: duckdb.DuckDBPyConnection, name: str, columns: dict[str, list]) -> str:
    """A relation over rows parsed in Python (small files only), every column VARCHAR, in list order."""
    arrays = {f"c{index}": np.array(values, dtype=object) for index, values in enumerate(columns.values())}
    if not arrays:
        arrays = {"c0": np.array([], dtype=object)}
    connection.register(f"{name}_arrays", arrays)
    casts = ", ".join(
        f"CAST(c{index} AS VARCHAR) AS {quoted(column)}" for index, column in enumerate(columns or {"c0": []})
    )
    connection.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {casts} FROM {name}_arrays")
    connection.unregister(f"{name}_arrays")
    return name


class Incoming:
    """The new rows of `table`, checked in `_incoming_<table>` before they replace the published ones."""

    def __init__(self, ctx: Context, table: str, position: Callable[[int], str]):
        self.ctx, self.table, self.position = ctx, table, position
        self.name = f"_incoming_{table}"
        ctx.connection.execute(f"DROP TABLE IF EXISTS {self.name}")
        ctx.connection.execute(f"CREATE TABLE {self.name} ({column_definitions(table)})")

    def fill(self, select: str) -> None:
        """Insert the rows of `select` (one per record, in file order, the table's columns in order)."""
        try:
            self.ctx.connection.execute(f"INSERT INTO {self.name} {select}")
        except duckdb.Error as error:
            raise read_error(self.ctx, error) from error

    def first(self, condition: str, value: str) -> tuple[int, object] | None:
        """rowid and `value` of the first row (in file order) where `condition` holds."""
        return self.ctx.connection.execute(
            f"SELECT rowid, {value} FROM {self.name} WHERE {condition} ORDER BY rowid LIMIT 1"
        ).fetchone()

    def check_identifier(self, column: str, identifier: str, header: str, loaded: Loaded) -> None:
        """Stop at the first invalid SIREN/SIRET of `column` (or drop them all with --skip-invalid)."""
        macro, label, expected = IDENTIFIERS[identifier]
        self.reject(
            f"{column} IS NOT NULL AND NOT {macro}({column})",
            column,
            header,
            loaded,
            lambda value: f"{label} « {value} » invalide ({expected} attendus)",
            skip_reason=f"{label} invalide",
        )

    def reject(
        self,
        condition: str,
        value: str,
        header: str | None,
        loaded: Loaded,
        problem: Callable[[object], str],
        skip_reason: str | None = None,
    ) -> None:
        """Rows where `condition` holds are an error naming the first one, or are dropped when allowed."""
        found = self.first(condition, value)
        if found is None:
            return
        if skip_reason and self.ctx.skip_invalid:
            self.drop(condition, skip_reason, loaded)
            return
        hint = " (ou relancez avec --skip-invalid pour ignorer ces lignes)" if skip_reason else ""
        raise self.ctx.fail(self.position(found[0]), header, problem(found[1]) + hint)

    def drop(self, condition: str, reason: str, loaded: Loaded) -> None:
        """Leave out the rows where `condition` holds, counted under `reason` in the summary."""
        found = self.first(condition, "NULL")
        if found is None:
            return
        count = self.ctx.connection.execute(f"SELECT count(*) FROM {self.name} WHERE {condition}").fetchone()[0]
        self.ctx.connection.execute(f"DELETE FROM {self.name} WHERE {condition}")
        loaded.add_skipped(reason, count, self.position(found[0]))

    def keep_first(self, key: str, reason: str, loaded: Loaded) -> None:
        """Drop the rows whose `key` repeats an earlier row's."""
        self.drop(
            f"rowid IN (SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY {key} ORDER BY rowid) AS n "
            f"FROM {self.name}) WHERE n > 1)",
            reason,
            loaded,
        )

    def count(self) -> int:
        return self.ctx.connection.execute(f"SELECT count(*) FROM {self.name}").fetchone()[0]

    def replace_all(self) -> int:
        """The new rows become the whole table (a rename: no second copy of millions of rows)."""
        rows = self.count()
        self.ctx.connection.execute(f"DROP TABLE {self.table}")
        self.ctx.connection.execute(f"ALTER TABLE {self.name} RENAME TO {self.table}")
        return rows

    def replace_source(self, source: str) -> int:
        """The new rows replace the rows of the table whose `source` column is `source`."""
        rows = self.count()
        columns = ", ".join(column_names(self.table))
        self.ctx.connection.execute(f"DELETE FROM {self.table} WHERE source = {string(source)}")
        self.ctx.connection.execute(f"INSERT INTO {self.table} SELECT {columns} FROM {self.name} ORDER BY rowid")
        self.ctx.connection.execute(f"DROP TABLE {self.name}")
        return rows


def fill_rows(incoming: Incoming, rows: list[tuple]) -> None:
    """Fill `incoming` with rows built in Python (small files), in list order; values are cast by the table."""
    names = column_names(incoming.table)
    columns = {
        name: [None if row[index] is None else str(row[index]) for row in rows] for index, name in enumerate(names)
    }
    relation = register_rows(incoming.ctx.connection, "python_rows", columns)
    incoming.fill(f"SELECT {', '.join(quoted(name) for name in names)} FROM {relation}")
    incoming.ctx.connection.execute(f"DROP TABLE {relation}")


def fetch_records(ctx: Context, table: Table, columns: dict[str, tuple[str, ...]]) -> list[dict]:
    """Small files only: each record as a dict of the wanted columns (by their aliases), in file order."""
    selected = ", ".join(
        f"{table.column(*aliases, required=False)} AS {quoted(key)}" for key, aliases in columns.items()
    )
    try:
        rows = ctx.connection.execute(f"SELECT {selected} FROM {table.sql}").fetchall()
    except duckdb.Error as error:
        raise read_error(ctx, error) from error
    return [dict(zip(columns, row, strict=True)) for row in rows]


def read_error(ctx: Context, error: duckdb.Error) -> SpaserError:
    """DuckDB's error while reading the file, in French: CSV errors name their line."""
    if ctx.source.form == "csv" and "CSV Error" in str(error):
        return csv_error(ctx.source, error)
    return SpaserError(f"{ctx.name} : lecture impossible ({str(error).strip().splitlines()[0]}).")
