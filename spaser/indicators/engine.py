"""Compute the catalogue for a scope (one buyer, a list of SIRETs, every buyer, the nation, buyer types)."""

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from spaser.analytics.classes import attach_reference
from spaser.decp.store import open_read_only
from spaser.indicators.catalogue import CATALOGUE, Indicator
from spaser.indicators.facts import facts_sql


GROUPS = {"buyer": "acheteur_siren", "national": "'France'", "buyer_type": "buyer_type"}


@dataclass(frozen=True)
class Filters:
    """The counting universe: concessions are never mixed with marchés; thresholds give the OECP series."""

    kind: str = "marche"
    years: tuple[int, ...] = ()
    threshold: float | None = None
    nature: str | None = None
    cpv_division: str | None = None
    procedure: str | None = None


@dataclass(frozen=True)
class Scope:
    sirens: tuple[str, ...] = ()
    sirets: tuple[str, ...] = ()

    @property
    def everyone(self) -> bool:
        return not self.sirens and not self.sirets


@dataclass(frozen=True)
class IndicatorValue:
    buyer: str
    year: int | None
    code: str
    label: str
    unit: str
    numerator: float
    denominator: float | None
    value: float | None
    coverage: float | None
    contracts: int


@contextmanager
def stores(store: Path):
    """The DECP store read-only, with the reference store attached as `ref` when it exists."""
    connection = open_read_only(store)
    try:
        yield connection, attach_reference(connection, store)
    finally:
        connection.close()


def _has_stored_classes(connection) -> bool:
    query = "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'contract_classes' AND database_name <> 'ref'"
    return connection.execute(query).fetchone()[0] > 0


def _condition(scope: Scope, filters: Filters) -> tuple[str, dict]:
    clauses = ["kind = $kind", "annee_notification IS NOT NULL"]
    params: dict = {"kind": filters.kind}
    optional = {
        "years": ("list_contains($years, annee_notification)", list(filters.years)),
        "sirens": ("list_contains($sirens, acheteur_siren)", list(scope.sirens)),
        "sirets": ("list_contains($sirets, acheteur_id)", list(scope.sirets)),
        "threshold": ("montant >= $threshold", filters.threshold),
        "nature": ("nature = $nature", filters.nature),
        "cpv_division": ("substr(codeCPV, 1, 2) = $cpv_division", filters.cpv_division),
        "procedure": ("procedure = $procedure", filters.procedure),
    }
    for name, (clause, value) in optional.items():
        if value:
            clauses.append(clause)
            params[name] = value
    return " AND ".join(clauses), params


def aggregates(indicators: tuple[Indicator, ...] = CATALOGUE) -> str:
    return ", ".join(
        f'{ind.numerator_sql} AS "{ind.code}__num", {ind.denominator_sql} AS "{ind.code}__den", '
        f'{ind.known_sql} AS "{ind.code}__known", {ind.base_sql} AS "{ind.code}__base"'
        for ind in indicators
    )


def _aggregated_sql(connection, scope: Scope, filters: Filters, refs: dict[str, str], group: str):
    condition, params = _condition(scope, filters)
    facts = facts_sql(condition, refs, _has_stored_classes(connection))
    sql = (
        f"{facts} SELECT {GROUPS[group]} AS buyer, year, COUNT(*) AS contracts, "
        f"{aggregates()} FROM facts GROUP BY 1, 2 ORDER BY 1, 2"
    )
    return sql, params


def compute(connection, refs, scope: Scope, filters: Filters, group: str = "buyer") -> list[IndicatorValue]:
    """Every indicator of the catalogue for each group and year of the scope."""
    sql, params = _aggregated_sql(connection, scope, filters, refs, group)
    cursor = connection.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [value for row in cursor.fetchall() for value in _values(dict(zip(names, row, strict=True)))]


def _values(row: dict) -> list[IndicatorValue]:
    return [
        IndicatorValue(
            buyer=row["buyer"],
            year=row["year"],
            code=ind.code,
            label=ind.label,
            unit=ind.unit,
            numerator=float(row[f"{ind.code}__num"] or 0),
            denominator=None if ind.is_count else float(row[f"{ind.code}__den"] or 0),
            value=_value(ind, row[f"{ind.code}__num"], row[f"{ind.code}__den"]),
            coverage=_coverage(row[f"{ind.code}__known"], row[f"{ind.code}__base"]),
            contracts=row["contracts"],
        )
        for ind in CATALOGUE
    ]


def _coverage(known, base) -> float | None:
    return (known or 0) / base if base else None


def _value(indicator: Indicator, numerator, denominator) -> float | None:
    if indicator.is_count:
        return float(numerator or 0)
    return float(numerator) / float(denominator) if denominator else None


def export_parquet(connection, refs, filters: Filters, out: Path, group: str = "buyer") -> int:
    """Everything for every group and year, long format, written by DuckDB (no Python loop over buyers)."""
    sql, params = _aggregated_sql(connection, Scope(), filters, refs, group)
    connection.execute(f"CREATE OR REPLACE TEMP TABLE aggregated AS {sql}", params)
    rows = " UNION ALL ".join(_long_select(ind) for ind in CATALOGUE)
    temporary = out.with_name(out.name + ".tmp")
    connection.execute(f"COPY ({rows}) TO '{temporary}' (FORMAT parquet)")
    temporary.replace(out)
    return connection.execute("SELECT count(*) FROM aggregated").fetchone()[0] * len(CATALOGUE)


def _long_select(ind: Indicator) -> str:
    num, den = f'"{ind.code}__num"', f'"{ind.code}__den"'
    known, base = f'"{ind.code}__known"', f'"{ind.code}__base"'
    value = f"CAST({num} AS DOUBLE)" if ind.is_count else f"CAST({num} AS DOUBLE) / NULLIF({den}, 0)"
    denominator = "NULL::DOUBLE" if ind.is_count else f"CAST({den} AS DOUBLE)"
    label = ind.label.replace("'", "''")
    return (
        f"SELECT buyer, year, '{ind.code}' AS code, '{label}' AS label, '{ind.unit}' AS unit, "
        f"CAST({num} AS DOUBLE) AS numerator, {denominator} AS denominator, {value} AS value, "
        f"CAST({known} AS DOUBLE) / NULLIF({base}, 0) AS coverage, contracts FROM aggregated"
    )


COUNTED, NOT_COUNTED, UNKNOWN = "compté", "non compté", "non renseigné"
DRILL_STATUSES = (COUNTED, NOT_COUNTED, UNKNOWN)
DRILL_COLUMNS = (
    "id",
    "acheteur_id",
    "objet",
    "dateNotification",
    "montant",
    "procedure",
    "nature",
    "status",
    "reason",
)


def contract_rows(connection, refs, scope: Scope, filters: Filters, indicator: Indicator) -> list[tuple]:
    """The contracts behind one indicator value: counted, measured but not counted, or without the data, with
    what decided it (the considerations published, the class of the awardees…)."""
    condition, params = _condition(scope, filters)
    facts = facts_sql(condition, refs, _has_stored_classes(connection))
    sql = (
        f"{facts} SELECT c.id, c.acheteur_id, c.objet, c.dateNotification, c.montant, c.procedure, c.nature, "
        f"CASE WHEN {indicator.counted} THEN '{COUNTED}' WHEN {indicator.universe} THEN '{NOT_COUNTED}' "
        f"ELSE '{UNKNOWN}' END AS status, {indicator.evidence} AS reason "
        "FROM facts JOIN contracts c USING (uid) ORDER BY status, c.dateNotification, c.id"
    )
    return connection.execute(sql, params).fetchall()
