"""The national series: by notification year and OECP buyer group, the shares of the catalogue's responsible-purchase
indicators, in two universes (the OECP census's thresholds, every contract) and with two denominators (unknown
excluded, as the catalogue; unknown included, as decp.info).

The figures are the catalogue's numerators and denominators (`spaser.indicators.catalogue`) over its `facts`,
summed per year, universe and group in one portable query (`series_sql`), which Spark runs too (docs/architecture.md).
"""

from dataclasses import dataclass
from datetime import date

import duckdb

from spaser.analytics.classes import reference_relations
from spaser.indicators.catalogue import Indicator
from spaser.indicators.engine import has_stored_classes
from spaser.indicators.facts import facts_sql
from spaser.indicators.legal import LEGAL_MEASURES
from spaser.observatory.vocabulary import COUNTED, EVERY_CONTRACT, NATIONAL, OECP, VALUED
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
    code: str  # a key of spaser.indicators.legal.CATEGORIES
    measure: str  # COUNTED or VALUED
    indicator: Indicator  # unknown excluded: the catalogue's definition

    @property
    def column(self) -> str:
        return f"{self.code}_{self.measure}"


SERIES: tuple[Series, ...] = tuple(Series(m.category, m.measure, m.indicator) for m in LEGAL_MEASURES)

# The files' columns but the data date, which comes from the observatory's `sources`.
COLUMNS = tuple((f.name, f.duckdb_type) for f in SERIES_PARQUET.fields if f.name != "decp_date")


def build(connection: duckdb.DuckDBPyConnection) -> None:
    """The `series` table of the observatory being rebuilt, from the attached `decp` (and `ref`) databases."""
    home = connection.execute("SELECT current_database()").fetchone()[0]
    connection.execute(f"CREATE TABLE {TABLE} ({', '.join(f'{name} {kind}' for name, kind in COLUMNS)})")
    connection.execute("USE decp")
    try:
        query = series_sql(attached_reference_relations(connection), has_stored_classes(connection))
        connection.execute(f'INSERT INTO "{home}".{TABLE} SELECT * FROM ({query})')
    finally:
        connection.execute(f'USE "{home}"')


def attached_reference_relations(connection) -> dict[str, str]:
    tables = connection.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'ref'").fetchall()
    return reference_relations({name for (name,) in tables})


def series_sql(refs: dict[str, str], stored_classes: bool) -> str:
    """The rows of COLUMNS for every year, universe, group (and the whole country) and series, in one portable
    query over `contracts` and `contract_classes` (or the reference relations `refs` when the classes are not
    stored): DuckDB runs it for the observatory, Spark over the Parquet export (spaser.observatory.portable).

    Years after the current one are dates of notification in the future, errors of the data (flagged
    `date_future` by the import). The OECP universe takes each year's threshold."""
    marches = "kind = 'marche' AND annee_notification BETWEEN 1 AND EXTRACT(YEAR FROM current_date)"
    threshold = " ".join(f"WHEN year <= {last} THEN {amount}" for last, amount in OECP_THRESHOLDS)
    group = " ".join(
        f"WHEN '{kind.replace(chr(39), chr(39) * 2)}' THEN '{name}'" for kind, name in GROUP_OF_TYPE.items()
    )
    sums = ", ".join(
        f"{s.indicator.numerator_sql} AS {s.column}_num, {s.indicator.denominator_sql} AS {s.column}_known, "
        f"{ALL_CONTRACTS[s.measure]} AS {s.column}_all"
        for s in SERIES
    )
    picked = {
        part: " ".join(f"WHEN {index} THEN {s.column}_{part}" for index, s in enumerate(SERIES))
        for part in ("num", "known", "all")
    }
    series_list = ", ".join(f"({index}, '{s.code}', '{s.measure}')" for index, s in enumerate(SERIES))
    # Each contract counts in both universes (the OECP one above its year's threshold) and in both its group and
    # the whole country: cross joins rather than unions, so that engines which inline CTEs read the facts once.
    return f"""{facts_sql(marches, refs, stored_classes)},
sums AS (
    SELECT year, u.universe,
           CASE WHEN g.national THEN '{NATIONAL}' ELSE CASE buyer_type {group} END END AS buyer_group,
           COUNT(*) AS contracts, {sums}
    FROM facts
    CROSS JOIN (VALUES ('{EVERY_CONTRACT}'), ('{OECP}')) AS u(universe)
    CROSS JOIN (VALUES (true), (false)) AS g(national)
    WHERE u.universe = '{EVERY_CONTRACT}' OR montant >= CASE {threshold} END
    GROUP BY 1, 2, 3
),
picked AS (
    SELECT year, universe, buyer_group, s.series, s.measure, contracts,
           CAST(CASE s.position {picked["num"]} END AS DOUBLE) AS numerator,
           CAST(CASE s.position {picked["known"]} END AS DOUBLE) AS known,
           CAST(CASE s.position {picked["all"]} END AS DOUBLE) AS everything
    FROM sums CROSS JOIN (VALUES {series_list}) AS s(position, series, measure)
)
SELECT CAST(year AS BIGINT) AS year, universe, buyer_group, series, measure, contracts,
       coalesce(numerator, 0) AS numerator, coalesce(known, 0) AS known_denominator,
       numerator / NULLIF(known, 0) AS known_share, coalesce(everything, 0) AS all_denominator,
       numerator / NULLIF(everything, 0) AS all_share
FROM picked"""


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
