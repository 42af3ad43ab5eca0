"""The buyer profiles: for each buyer SIREN and notification year, the national series' shares (unknown excluded,
as the catalogue) over all its marchés, and where they stand among its peers: the buyers of the same type and size
bracket that year (rank, percentile, the peers' median).

The shares come from the indicator engine's aggregates grouped by buyer (one query for every buyer and year); the
comparison is portable SQL (window functions), run after the obligation register whose type and amount it reads.
"""

from datetime import date

from spaser.indicators.engine import Filters, Scope, aggregated_sql
from spaser.observatory import obligation
from spaser.observatory.series import SERIES, attached_reference_relations
from spaser.observatory.vocabulary import SIZE_BRACKETS
from spaser.tables import PROFILE_FIELDS


TABLE = "buyer_profiles"
PEER_GROUP = "year, series, measure, buyer_type, size_bracket"
# The files' columns but the data date, which comes from the observatory's `sources`.
COLUMNS = tuple(field.name for field in PROFILE_FIELDS if field.name != "decp_date")


def _bracket_sql(amount: str) -> str:
    cases = " ".join(f"WHEN {amount} < {bound} THEN '{label}'" for bound, label in SIZE_BRACKETS if bound)
    return f"CASE {cases} ELSE '{SIZE_BRACKETS[-1][1]}' END"


def profiles_sql(aggregates: str, register: str) -> str:
    """The profiles from the engine's per-buyer aggregates and the obligation register.

    Peers with no known denominator ("données insuffisantes") have no share: they are counted apart
    (`insufficient_peers`) and left out of the ranks, percentiles and medians. The rank is 1 for the highest share
    (ties share their rank); the percentile is the share of the peers, the buyer included, whose share is lower or
    equal (CUME_DIST); the median of an even number of peers is the average of the middle two.
    """
    values = " UNION ALL ".join(
        f"SELECT buyer AS siren, year, '{s.code}' AS series, '{s.measure}' AS measure, contracts, "
        f'CAST(coalesce("{s.indicator.code}__num", 0) AS DOUBLE) AS numerator, '
        f'CAST(coalesce("{s.indicator.code}__den", 0) AS DOUBLE) AS denominator FROM {aggregates}'
        for s in SERIES
    )
    return f"""
WITH buyer_values AS ({values}),
placed AS (
    SELECT v.siren, v.year, r.buyer_type,
           {_bracket_sql("coalesce(r.contracts_amount, 0)")} AS size_bracket,
           v.series, v.measure, v.contracts, v.numerator, v.denominator,
           CASE WHEN v.denominator > 0 THEN v.numerator / v.denominator END AS share,
           CASE WHEN v.denominator > 0 THEN 1 ELSE 0 END AS measured
    FROM buyer_values v JOIN {register} r ON r.siren = v.siren AND r.year = v.year
),
ranked AS (
    SELECT placed.*,
           COUNT(share) OVER (PARTITION BY {PEER_GROUP}) AS peers,
           COUNT(*) OVER (PARTITION BY {PEER_GROUP}) - COUNT(share) OVER (PARTITION BY {PEER_GROUP})
               AS insufficient_peers,
           RANK() OVER (PARTITION BY {PEER_GROUP}, measured ORDER BY share DESC) AS rank_among,
           CUME_DIST() OVER (PARTITION BY {PEER_GROUP}, measured ORDER BY share) AS cumulated,
           ROW_NUMBER() OVER (PARTITION BY {PEER_GROUP}, measured ORDER BY share, siren) AS row_order
    FROM placed
),
medians AS (
    SELECT {PEER_GROUP}, AVG(share) AS peer_median
    FROM ranked
    WHERE measured = 1 AND row_order IN (FLOOR((peers + 1) / 2.0), FLOOR((peers + 2) / 2.0))
    GROUP BY {PEER_GROUP}
)
SELECT k.siren, k.year, k.buyer_type, k.size_bracket, k.series, k.measure, k.contracts, k.numerator,
       k.denominator, k.share, k.peers, k.insufficient_peers,
       CASE WHEN k.measured = 1 THEN k.rank_among END AS rank,
       CASE WHEN k.measured = 1 THEN k.cumulated END AS percentile,
       m.peer_median
FROM ranked k
LEFT JOIN medians m ON m.year = k.year AND m.series = k.series AND m.measure = k.measure
    AND m.buyer_type = k.buyer_type AND m.size_bracket = k.size_bracket
"""


def build(connection) -> None:
    """Create `buyer_profiles` in the observatory being rebuilt, after the obligation register."""
    home = connection.execute("SELECT current_database()").fetchone()[0]
    connection.execute("USE decp")
    try:
        # Every buyer and year in one query; the join on the register drops the years in the future.
        indicators = tuple(s.indicator for s in SERIES)
        sql, params = aggregated_sql(
            connection, Scope(), Filters(), attached_reference_relations(connection), "buyer", indicators
        )
        connection.execute(f"CREATE TEMP TABLE buyer_aggregates AS {sql}", params)
    finally:
        connection.execute(f'USE "{home}"')
    connection.execute(
        f"CREATE TABLE {TABLE} AS {profiles_sql('buyer_aggregates', obligation.TABLE)} ORDER BY siren, year"
    )
    connection.execute("DROP TABLE buyer_aggregates")


def read(connection, siren: str) -> list[dict]:
    """The profile rows of one buyer, last year first, in the series' order."""
    order = {(s.code, s.measure): index for index, s in enumerate(SERIES)}
    found = connection.execute(f"SELECT {', '.join(COLUMNS)} FROM {TABLE} WHERE siren = ?", [siren]).fetchall()
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in found]
    return sorted(rows, key=lambda row: (-row["year"], order[(row["series"], row["measure"])]))


def export_sql(decp_date: date) -> str:
    """Every profile row for the national files (PROFILES_CSV, PROFILES_PARQUET), the data date last."""
    return (
        f"SELECT {', '.join(COLUMNS)}, DATE '{decp_date.isoformat()}' AS decp_date FROM {TABLE} "
        "ORDER BY siren, year, series, measure"
    )
