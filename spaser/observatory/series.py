"""The national series: by notification year and OECP buyer group, the shares of the catalogue's responsible-purchase
indicators, in two universes (the OECP census's thresholds, every contract) and with two denominators (unknown
excluded, as the catalogue; unknown included, as decp.info).

The figures come from the indicator engine (`spaser.indicators.engine.compute`, grouped by buyer type, portable
SQL); the groups add the types' numerators and denominators up.
"""

from dataclasses import dataclass, replace
from datetime import date

import duckdb

from spaser.analytics.classes import reference_relations
from spaser.indicators.catalogue import BY_CODE, Indicator, share
from spaser.indicators.engine import Filters, Scope, compute
from spaser.observatory.vocabulary import COUNTED, EVERY_CONTRACT, NATIONAL, OECP, SUBJECTS, VALUED
from spaser.tables import SERIES_PARQUET


TABLE = "series"
# OECP universe: contracts from 90 k€ HT until 2023; from 2024 the census is built from the DECP, from 40 k€ HT.
OECP_THRESHOLDS = ((2023, 90_000), (9999, 40_000))
# spaser.analytics.buyer_types.BUYER_TYPES → OECP group (docs/decisions.md).
GROUP_OF_TYPE = {
    "Région": "collectivites",
    "Département": "collectivites",
    "Commune": "collectivites",
    "Métropole": "collectivites",
    "Autre EPCI": "collectivites",
    "Syndicat": "collectivites",
    "Établissement public local": "collectivites",
    "Hôpital": "etat_hopitaux",
    "Service de l'État": "etat_hopitaux",
    "Autre": "autres",
}
# Unknown included (decp.info): every contract, or the amount of every contract with a usable amount.
ALL_CONTRACTS = {COUNTED: "COUNT(*)", VALUED: "SUM(CASE WHEN amount_ok THEN montant ELSE 0 END)"}


@dataclass(frozen=True)
class Series:
    code: str  # a key of SUBJECTS
    measure: str  # COUNTED or VALUED
    indicator: Indicator  # unknown excluded: the catalogue's definition

    @property
    def unknown_included(self) -> Indicator:
        return replace(
            self.indicator, code=f"{self.indicator.code}__TOUS", denominator_sql=ALL_CONTRACTS[self.measure]
        )


def _variant(code: str, subject: str, condition: str, known: str, by_value: bool) -> Indicator:
    """A share the catalogue defines in one measure only (count or value), in the other with the same condition."""
    label = SUBJECTS[subject]
    return share(code, label, label, label, label, condition, known, evidence="''", by_value=by_value)


SERIES: tuple[Series, ...] = (
    Series("social", COUNTED, BY_CODE["S1"]),
    Series("social", VALUED, BY_CODE["S2"]),
    Series("environnement", COUNTED, BY_CODE["E1"]),
    Series("environnement", VALUED, BY_CODE["E2"]),
    Series("reserve", COUNTED, BY_CODE["S3_RESERVE"]),
    Series("reserve", VALUED, _variant("S3_RESERVE_VALEUR", "reserve", "reserved", "social_known", True)),
    Series("esus", COUNTED, _variant("A2_NOMBRE", "esus", "any_esus", "awardees_known", False)),
    Series("esus", VALUED, BY_CODE["A2"]),
    Series("inclusif", COUNTED, _variant("A3_NOMBRE", "inclusif", "any_inclusive", "awardees_known", False)),
    Series("inclusif", VALUED, BY_CODE["A3"]),
    Series("pme", COUNTED, BY_CODE["P1"]),
    Series("pme", VALUED, _variant("P1_VALEUR", "pme", "any_pme", "category_known", True)),
)
INDICATORS = tuple(ind for s in SERIES for ind in (s.indicator, s.unknown_included))

DUCKDB_TYPES = {"integer": "BIGINT", "number": "DOUBLE", "string": "VARCHAR"}
# The files' columns but the data date, which comes from the observatory's `sources`.
COLUMNS = tuple((f.name, DUCKDB_TYPES[f.type]) for f in SERIES_PARQUET.fields if f.name != "decp_date")


def build(connection: duckdb.DuckDBPyConnection) -> None:
    """The `series` table of the observatory being rebuilt, from the attached `decp` (and `ref`) databases."""
    home = connection.execute("SELECT current_database()").fetchone()[0]
    connection.execute("USE decp")
    try:
        rows = series_rows(connection, attached_reference_relations(connection))
    finally:
        connection.execute(f'USE "{home}"')
    connection.execute(f"CREATE TABLE {TABLE} ({', '.join(f'{name} {kind}' for name, kind in COLUMNS)})")
    if rows:
        connection.executemany(f"INSERT INTO {TABLE} VALUES ({', '.join('?' * len(COLUMNS))})", rows)


def attached_reference_relations(connection) -> dict[str, str]:
    tables = connection.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'ref'").fetchall()
    return reference_relations({name for (name,) in tables})


def universe_filters(connection) -> dict[str, tuple[Filters, ...]]:
    """The engine's filters of each universe: the OECP one takes each year's threshold. Years after the current
    one are dates of notification in the future, errors of the data (flagged `date_future` by the import)."""
    query = (
        "SELECT DISTINCT annee_notification FROM contracts WHERE kind = 'marche' "
        "AND annee_notification BETWEEN 1 AND year(current_date)"
    )
    years = sorted(year for (year,) in connection.execute(query).fetchall())
    oecp, first = [], 0
    for last, threshold in OECP_THRESHOLDS:
        if chosen := tuple(year for year in years if first <= year <= last):
            oecp.append(Filters(years=chosen, threshold=threshold))
        first = last + 1
    return {OECP: tuple(oecp), EVERY_CONTRACT: (Filters(years=tuple(years)),) if years else ()}


def series_rows(connection, refs: dict[str, str]) -> list[tuple]:
    """Rows of COLUMNS, for every year, universe, group (and the whole country) and series."""
    rows = []
    for universe, filters in universe_filters(connection).items():
        sums: dict[tuple, list[float]] = {}
        for chosen in filters:
            for value in compute(connection, refs, Scope(), chosen, "buyer_type", INDICATORS):
                for group in (NATIONAL, GROUP_OF_TYPE[value.buyer]):
                    total = sums.setdefault((value.year, group, value.code), [0, 0.0, 0.0])
                    total[0] += value.contracts
                    total[1] += value.numerator
                    total[2] += value.denominator or 0.0
        for year, group in sorted({(year, group) for year, group, _ in sums}):
            for s in SERIES:
                contracts, numerator, known = sums[(year, group, s.indicator.code)]
                everything = sums[(year, group, s.unknown_included.code)][2]
                shares = (known, _share_of(numerator, known), everything, _share_of(numerator, everything))
                rows.append((year, universe, group, s.code, s.measure, contracts, numerator, *shares))
    return rows


def _share_of(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def read(connection, universe: str, group: str) -> list[dict]:
    """The materialised series of one universe and group, ordered by series, measure and year."""
    names = [name for name, _ in COLUMNS]
    order = {(s.code, s.measure): index for index, s in enumerate(SERIES)}
    found = connection.execute(
        f"SELECT {', '.join(names)} FROM {TABLE} WHERE universe = ? AND buyer_group = ? ORDER BY year",
        [universe, group],
    ).fetchall()
    rows = [dict(zip(names, row, strict=True)) for row in found]
    return sorted(rows, key=lambda row: order[(row["series"], row["measure"])])


def export_sql(decp_date: date) -> str:
    """The rows of the files (SERIES_CSV, SERIES_PARQUET), in their columns' order, the data date last."""
    names = ", ".join(name for name, _ in COLUMNS)
    return (
        f"SELECT {names}, DATE '{decp_date.isoformat()}' AS decp_date FROM {TABLE} "
        "ORDER BY year, universe, buyer_group, series, measure"
    )


def export_rows(connection, decp_date: date) -> list[tuple]:
    return connection.execute(export_sql(decp_date)).fetchall()
