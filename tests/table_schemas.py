"""Validates real outputs against their published Table Schema with frictionless, the reference validator."""

import json
from pathlib import Path

import duckdb
from frictionless import Dialect, Resource, Schema, formats

from spaser.formatting import FRENCH
from spaser.tables import Table


SCHEMAS = Path(__file__).parents[1] / "docs" / "schemas"
DUCKDB_TYPES = {"VARCHAR": "string", "BIGINT": "integer", "INTEGER": "integer", "DOUBLE": "number", "DATE": "date"}


def published_schema(table: Table, convention: str) -> Schema:
    name = f"{table.name}.json" if convention == table.conventions[0] else f"{table.name}-{convention}.json"
    return Schema.from_descriptor(json.loads((SCHEMAS / name).read_text(encoding="utf-8")))


def csv_errors(content: str, table: Table, convention: str = FRENCH) -> list[tuple]:
    """(row, field, error type) of every cell or header the published schema refuses in a CSV file."""
    delimiter = ";" if convention == FRENCH else ","
    resource = Resource(
        content.encode("utf-8"),
        format="csv",
        encoding="utf-8-sig",
        schema=published_schema(table, convention),
        dialect=Dialect(controls=[formats.CsvControl(delimiter=delimiter)]),
    )
    return [tuple(error) for error in resource.validate().flatten(["rowNumber", "fieldName", "type"])]


def parquet_errors(path: Path, table: Table) -> list[tuple]:
    """The Parquet file's columns and types against the schema's fields, then its rows through frictionless."""
    schema = published_schema(table, "parquet")
    columns = duckdb.sql(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
    found = [(name, DUCKDB_TYPES.get(kind, kind)) for name, kind, *_ in columns]
    # A year is an integer column in Parquet
    expected = [(field.name, "integer" if field.type == "year" else field.type) for field in schema.fields]
    if found != expected:
        return [("columns", found, expected)]
    rows = duckdb.sql(f"SELECT * FROM '{path}'").fetchall()
    resource = Resource(data=[[name for name, _ in found], *map(list, rows)], schema=schema)
    return [tuple(error) for error in resource.validate().flatten(["rowNumber", "fieldName", "type"])]
