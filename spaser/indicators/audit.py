"""What a buyer hands to an auditor: how one indicator value of one year was computed, from which data.

For a scope (the SIRENs of a scheme), a year and an indicator: the definition and the SQL of the catalogue, the
counts behind the ratio (numerator, denominator, contracts counted, not counted and without the data), and the
data version (the DECP imports of the store, the reference files, the catalogue version).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson

from spaser.decp.store import database_path
from spaser.formatting import measure, number
from spaser.indicators.catalogue import Indicator
from spaser.indicators.engine import (
    CATALOGUE_VERSION,
    DRILL_COLUMNS,
    DRILL_STATUSES,
    Filters,
    IndicatorValue,
    Scope,
    aggregated_sql,
    compute,
    contract_rows,
    missing_reason,
)


@dataclass(frozen=True)
class ImportRun:
    run_id: int
    finished_at: datetime
    files: tuple[str, ...]
    records_read: int


@dataclass(frozen=True)
class ReferenceLoad:
    kind: str
    file: str
    version: str
    loaded_at: object
    rows: int


@dataclass(frozen=True)
class DataVersion:
    store_file: str  # modification time and size of decp.duckdb: what the platform's snapshots are keyed on
    imports: tuple[ImportRun, ...]
    references: tuple[ReferenceLoad, ...]
    catalogue: str = CATALOGUE_VERSION


@dataclass(frozen=True)
class Explanation:
    indicator: Indicator
    year: int
    sirens: tuple[str, ...]
    value: IndicatorValue | None  # None: no marché of the scope notified that year
    statuses: dict[str, int]  # compté, non compté, non renseigné
    sql: str
    parameters: dict
    data: DataVersion

    @property
    def numerator(self) -> str:
        return _figure(self.value.numerator, self.indicator.counts_in)

    @property
    def denominator(self) -> str:
        if self.value.denominator is None:
            return "aucun (un nombre de marchés)"
        return _figure(self.value.denominator, "euros" if self.indicator.counts_in == "euros" else "marchés")

    @property
    def reason(self) -> str | None:
        """Why the value is missing or weak, in French."""
        return missing_reason(self.value.missing, self.value.coverage)


def _figure(value: float, unit: str) -> str:
    return measure(value, unit) if unit else number(value, 2)


def explain(connection, refs, store: Path, sirens: tuple[str, ...], year: int, indicator: Indicator) -> Explanation:
    """The value of `indicator` for the SIRENs together in `year`, and everything that made it."""
    scope, filters = Scope(sirens=sirens), Filters(years=(year,))
    # The value comes from the very query shown to the auditor.
    values = compute(connection, refs, scope, filters, "national", (indicator,))
    sql, parameters = aggregated_sql(connection, scope, filters, refs, "national", (indicator,))
    status = DRILL_COLUMNS.index("status")
    rows = contract_rows(connection, refs, scope, filters, indicator)
    return Explanation(
        indicator=indicator,
        year=year,
        sirens=sirens,
        value=values[0] if values else None,
        statuses={label: sum(1 for row in rows if row[status] == label) for label in DRILL_STATUSES},
        sql=sql.strip(),
        parameters=parameters,
        data=data_version(connection, store),
    )


def data_version(connection, store: Path) -> DataVersion:
    stat = database_path(store).stat()
    # Epoch seconds: fetching a TIMESTAMPTZ would need pytz.
    runs = connection.execute("SELECT run_id, epoch(finished_at), report FROM import_runs ORDER BY run_id").fetchall()
    imports = tuple(_import_run(*run) for run in runs)
    return DataVersion(f"{stat.st_mtime_ns}-{stat.st_size}", imports, _reference_loads(connection))


def _import_run(run_id: int, finished_at: float, report: str) -> ImportRun:
    summary = orjson.loads(report)
    files = tuple(file["file"] for file in summary["files"])
    return ImportRun(run_id, datetime.fromtimestamp(finished_at, UTC), files, summary["records_read"])


def _reference_loads(connection) -> tuple[ReferenceLoad, ...]:
    attached = connection.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'ref' AND table_name = 'reference_loads'"
    ).fetchone()[0]
    if not attached:
        return ()
    return tuple(
        ReferenceLoad(*row)
        for row in connection.execute(
            "SELECT kind, file, version, loaded_at, rows FROM ref.reference_loads ORDER BY kind, loaded_at"
        ).fetchall()
    )
