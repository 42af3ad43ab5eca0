"""Compute the catalogue for a scope (one buyer, a list of SIRETs, every buyer, the nation, buyer types)."""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from spaser.analytics.classes import reference_relations
from spaser.formatting import measure, percent
from spaser.indicators.catalogue import CATALOGUE, Indicator
from spaser.indicators.facts import facts_sql
from spaser.indicators.readers import open_handle, reading
from spaser.tables import COUNTED, INDICATORS_PARQUET, NOT_COUNTED, UNKNOWN


GROUPS = {"buyer": "acheteur_siren", "national": "'France'", "buyer_type": "buyer_type"}
# A value computed on less than this share of the contracts it concerns says little: statuses ignore it.
MIN_COVERAGE = 0.5


def fingerprint(indicators: tuple[Indicator, ...]) -> str:
    """Changes whenever one of the definitions (SQL, labels) or the facts change: what a figure was computed with."""
    return hashlib.sha256(
        (repr(indicators) + facts_sql("<périmètre>", reference_relations(set()))).encode()
    ).hexdigest()[:12]


CATALOGUE_VERSION = fingerprint(CATALOGUE)
# Why a value is missing or weak, for people (the engine gives the code, pages and commands the text).
NO_CONTRACTS, NO_REFERENCE, NOT_CONCERNED = "no_contracts", "no_reference", "not_concerned"
NOT_INFORMED, LOW_COVERAGE = "not_informed", "low_coverage"
MISSING_REASONS = {
    NO_CONTRACTS: "pas de marché notifié cette année dans les DECP",
    NO_REFERENCE: "classification des titulaires non chargée (données de référence)",
    NOT_CONCERNED: "aucun marché de l'année n'est concerné par cet indicateur",
    NOT_INFORMED: "aucun marché de l'année ne renseigne la donnée",
    LOW_COVERAGE: "moins de la moitié des marchés renseignent la donnée (couverture {coverage})",
}

# The same reasons for the coverage of every year of the store together (the public catalogue page).
COVERAGE_REASONS = {
    NO_REFERENCE: MISSING_REASONS[NO_REFERENCE],
    NOT_CONCERNED: "aucun marché de l'entrepôt n'est concerné par cet indicateur",
    NOT_INFORMED: "aucun marché de l'entrepôt ne renseigne la donnée",
}


def missing_reason(code: str | None, coverage: float | None = None) -> str | None:
    """The French reason of a missing or weak value."""
    return None if code is None else MISSING_REASONS[code].format(coverage=percent(coverage))


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
    missing: str | None = None  # why the value is missing or weak: a key of MISSING_REASONS

    @property
    def text(self) -> str:
        """The value as people read it: « 28,6 % », « 2,8 offres », « 3 marchés »."""
        if self.value is None:
            return "données insuffisantes"
        return percent(self.value) if self.unit == "%" else measure(self.value, self.unit)


@contextmanager
def stores(store: Path):
    """The DECP store read-only, with the reference store attached as `ref` when it exists.

    Raises `StoreUnavailable` when the store is missing or unreadable (see `spaser.indicators.readers`)."""
    handle = open_handle(store)
    try:
        with reading(handle, store) as opened:
            yield opened
    finally:
        handle.close()


def has_stored_classes(connection) -> bool:
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


def aggregated_sql(
    connection, scope: Scope, filters: Filters, refs: dict[str, str], group: str, indicators=CATALOGUE
) -> tuple[str, dict]:
    """The query of the indicators' aggregates per group and year, and its parameters."""
    condition, params = _condition(scope, filters)
    facts = facts_sql(condition, refs, has_stored_classes(connection))
    sql = (
        f"{facts} SELECT {GROUPS[group]} AS buyer, year, COUNT(*) AS contracts, "
        f"{aggregates(indicators)} FROM facts GROUP BY 1, 2 ORDER BY 1, 2"
    )
    return sql, params


def compute(
    connection, refs, scope: Scope, filters: Filters, group: str = "buyer", indicators=CATALOGUE
) -> list[IndicatorValue]:
    """The indicators (every one of the catalogue by default) for each group and year of the scope."""
    sql, params = aggregated_sql(connection, scope, filters, refs, group, indicators)
    cursor = connection.execute(sql, params)
    names = [column[0] for column in cursor.description]
    loaded = {name for name, relation in refs.items() if relation.startswith("ref.")}
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return [value for row in rows for value in _values(row, loaded, indicators)]


def _values(row: dict, loaded: set[str], indicators: tuple[Indicator, ...]) -> list[IndicatorValue]:
    values = []
    for ind in indicators:
        value = _value(ind, row[f"{ind.code}__num"], row[f"{ind.code}__den"])
        coverage = _coverage(row[f"{ind.code}__known"], row[f"{ind.code}__base"])
        values.append(
            IndicatorValue(
                buyer=row["buyer"],
                year=row["year"],
                code=ind.code,
                label=ind.label,
                unit=ind.unit,
                numerator=float(row[f"{ind.code}__num"] or 0),
                denominator=None if ind.is_count else float(row[f"{ind.code}__den"] or 0),
                value=value,
                coverage=coverage,
                contracts=row["contracts"],
                missing=_missing(ind, value, coverage, loaded),
            )
        )
    return values


def _missing(indicator: Indicator, value: float | None, coverage: float | None, loaded: set[str]) -> str | None:
    if not set(indicator.reference) <= loaded and not coverage:
        return NO_REFERENCE
    if coverage is None:  # no marché the data concerns (P6: no product whose origin is expected)
        return NOT_CONCERNED
    if value is None or not coverage:
        return NOT_INFORMED
    return LOW_COVERAGE if coverage < MIN_COVERAGE else None


def _coverage(known, base) -> float | None:
    return (known or 0) / base if base else None


def _value(indicator: Indicator, numerator, denominator) -> float | None:
    if indicator.is_count:
        return float(numerator or 0)
    return float(numerator) / float(denominator) if denominator else None


@dataclass(frozen=True)
class Coverage:
    """The share of the contracts an indicator is measured on where its input is known (`known` of `base`)."""

    known: int
    base: int
    missing: str | None = None  # a key of COVERAGE_REASONS when the share says nothing

    @property
    def share(self) -> float | None:
        return _coverage(self.known, self.base)

    @property
    def reason(self) -> str | None:
        return None if self.missing is None else COVERAGE_REASONS[self.missing]


@dataclass(frozen=True)
class StoreCoverage:
    """The coverage of every indicator over all the marchés of the store, every year together."""

    contracts: int
    first_year: int | None
    last_year: int | None
    by_code: dict[str, Coverage]


def store_coverage(connection, refs) -> StoreCoverage:
    """How far the store's marchés let each indicator be computed: the national data coverage."""
    sql, params = aggregated_sql(connection, Scope(), Filters(), refs, "national")
    cursor = connection.execute(sql, params)
    names = [column[0] for column in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    loaded = {name for name, relation in refs.items() if relation.startswith("ref.")}
    by_code = {}
    for ind in CATALOGUE:
        known = sum(int(row[f"{ind.code}__known"] or 0) for row in rows)
        base = sum(int(row[f"{ind.code}__base"] or 0) for row in rows)
        by_code[ind.code] = Coverage(known, base, _coverage_missing(ind, known, base, loaded))
    years = [row["year"] for row in rows]
    return StoreCoverage(
        contracts=sum(row["contracts"] for row in rows),
        first_year=min(years, default=None),
        last_year=max(years, default=None),
        by_code=by_code,
    )


def _coverage_missing(indicator: Indicator, known: int, base: int, loaded: set[str]) -> str | None:
    if not set(indicator.reference) <= loaded and not known:
        return NO_REFERENCE
    if not base:
        return NOT_CONCERNED
    return None if known else NOT_INFORMED


def export_parquet(connection, refs, filters: Filters, out: Path, group: str = "buyer") -> int:
    """Everything for every group and year, long format, written by DuckDB (no Python loop over buyers)."""
    sql, params = aggregated_sql(connection, Scope(), filters, refs, group)
    connection.execute(f"CREATE OR REPLACE TEMP TABLE aggregated AS {sql}", params)
    rows = " UNION ALL ".join(_long_select(ind) for ind in CATALOGUE)
    temporary = out.with_name(out.name + ".tmp")
    connection.execute(f"COPY ({rows}) TO '{temporary}' (FORMAT parquet)")
    temporary.replace(out)
    return connection.execute("SELECT count(*) FROM aggregated").fetchone()[0] * len(CATALOGUE)


def _long_select(ind: Indicator) -> str:
    """One indicator's rows, with the columns INDICATORS_PARQUET declares, in its order."""
    num, den = f'"{ind.code}__num"', f'"{ind.code}__den"'
    known, base = f'"{ind.code}__known"', f'"{ind.code}__base"'
    label = ind.label.replace("'", "''")
    expressions = {
        "buyer": "buyer",
        "year": "year",
        "code": f"'{ind.code}'",
        "label": f"'{label}'",
        "unit": f"'{ind.unit}'",
        "numerator": f"CAST({num} AS DOUBLE)",
        "denominator": "NULL::DOUBLE" if ind.is_count else f"CAST({den} AS DOUBLE)",
        "value": f"CAST({num} AS DOUBLE)" if ind.is_count else f"CAST({num} AS DOUBLE) / NULLIF({den}, 0)",
        "coverage": f"CAST({known} AS DOUBLE) / NULLIF({base}, 0)",
        "contracts": "contracts",
    }
    columns = ", ".join(f"{expressions[name]} AS {name}" for name in INDICATORS_PARQUET.names)
    return f"SELECT {columns} FROM aggregated"


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
    facts = facts_sql(condition, refs, has_stored_classes(connection))
    sql = (
        f"{facts} SELECT c.id, c.acheteur_id, c.objet, c.dateNotification, c.montant, c.procedure, c.nature, "
        f"CASE WHEN {indicator.counted} THEN '{COUNTED}' WHEN {indicator.universe} THEN '{NOT_COUNTED}' "
        f"ELSE '{UNKNOWN}' END AS status, {indicator.evidence} AS reason "
        "FROM facts JOIN contracts c USING (uid) ORDER BY status, c.dateNotification, c.id"
    )
    return connection.execute(sql, params).fetchall()
