"""Tabular DECP (decp.info Parquet/CSV, data.economie CSV): staged with SQL, one record per contract."""

from spaser.errors import SpaserError


def stage(connection, source, kind, base, normalise) -> int:
    raise SpaserError(f"{source.name} : format tabulaire pas encore pris en charge.")
