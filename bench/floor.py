"""Floor of the DECP import benchmark: DuckDB reading the marchés array into the canonical typed columns.

No JSON import can do less work than parsing every record into typed columns, so this is the time ours is
compared with. An in-memory connection runs one `CREATE TABLE … AS SELECT * FROM read_json(…)` with the columns of
`spaser.decp.sql_staging.TYPED_COLUMNS`, then counts the rows.

Usage: `python -m bench.floor ARRAY.json`; prints `{"records": N}`.
"""

import sys
from pathlib import Path

import duckdb
import orjson


class ColumnsUnavailable(Exception):
    pass


def typed_columns() -> dict[str, str]:
    """The canonical JSON columns; the floor means nothing without them, so their absence is an error."""
    try:
        from spaser.decp.sql_staging import TYPED_COLUMNS
    except ImportError as error:
        raise ColumnsUnavailable(f"cannot import spaser.decp.sql_staging.TYPED_COLUMNS: {error}") from error
    return TYPED_COLUMNS


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def read_sql(path: Path, columns: dict[str, str]) -> str:
    spec = ", ".join(f"{_literal(name)}: {_literal(kind)}" for name, kind in columns.items())
    return f"CREATE TABLE t AS SELECT * FROM read_json({_literal(str(path))}, format = 'array', columns = {{{spec}}})"


def load(path: Path) -> int:
    connection = duckdb.connect()
    connection.execute(read_sql(path, typed_columns()))
    return connection.execute("SELECT count(*) FROM t").fetchone()[0]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m bench.floor ARRAY.json", file=sys.stderr)
        return 2
    try:
        records = load(Path(args[0]))
    except ColumnsUnavailable as error:
        print(f"floor: {error}", file=sys.stderr)
        return 3
    print(orjson.dumps({"records": records}).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
