"""The national series: by notification year and OECP buyer group, the shares of the catalogue's responsible-purchase
indicators, in two universes (the OECP census's thresholds, every contract) and with two denominators (unknown
excluded, as the catalogue; unknown included, as decp.info).

The figures come from the indicator engine (`spaser.indicators.engine.compute`, grouped by buyer type, portable
SQL); the groups add the types' numerators and denominators up.
"""

from dataclasses import dataclass, replace

import duckdb

from spaser.analytics.classes import reference_relations
from spaser.indicators.catalogue import BY_CODE, Indicator, _share
from spaser.indicators.engine import Filters, Scope, compute


TABLE = "series"
# OECP universe: contracts from 90 k€ HT until 2023; from 2024 the census is built from the DECP, from 40 k€ HT.
OECP_THRESHOLDS = ((2023, 90_000), (9999, 40_000))
UNIVERSES = {
    "oecp": "Marchés du recensement OECP (≥ 90 k€ HT jusqu'en 2023, ≥ 40 k€ HT dès 2024)",
    "tous": "Tous les marchés",
}
NATIONAL = "ensemble"
GROUPS = {
    NATIONAL: "Ensemble des acheteurs",
    "collectivites": "Collectivités territoriales et leurs établissements",
    "etat_hopitaux": "État et hôpitaux",
    "autres": "Autres organismes publics",
}
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
COUNTED, VALUED = "nombre", "valeur"
# Unknown included (decp.info): every contract, or the amount of every contract with a usable amount.
ALL_CONTRACTS = {COUNTED: "COUNT(*)", VALUED: "SUM(CASE WHEN amount_ok THEN montant ELSE 0 END)"}


@dataclass(frozen=True)
class Series:
    code: str
    label: str
    measure: str  # COUNTED or VALUED
    indicator: Indicator  # unknown excluded: the catalogue's definition

    @property
    def unknown_included(self) -> Indicator:
        return replace(
            self.indicator, code=f"{self.indicator.code}__TOUS", denominator_sql=ALL_CONTRACTS[self.measure]
        )


def _variant(code: str, label: str, condition: str, known: str, by_value: bool) -> Indicator:
    """A measure the catalogue defines in one unit only, with its share's definition in the other."""
    return _share(code, label, label, label, label, condition, known, evidence="''", by_value=by_value)


SERIES: tuple[Series, ...] = (
    Series("social", "Considération sociale", COUNTED, BY_CODE["S1"]),
    Series("social", "Considération sociale", VALUED, BY_CODE["S2"]),
    Series("environnement", "Considération environnementale", COUNTED, BY_CODE["E1"]),
    Series("environnement", "Considération environnementale", VALUED, BY_CODE["E2"]),
    Series("reserve", "Marché réservé", COUNTED, BY_CODE["S3_RESERVE"]),
    Series(
        "reserve",
        "Marché réservé",
        VALUED,
        _variant("S3_RESERVE_VALEUR", "Part en valeur des marchés réservés", "reserved", "social_known", True),
    ),
    Series(
        "esus",
        "Titulaire agréé ESUS",
        COUNTED,
        _variant("A2_NOMBRE", "Part des marchés attribués à une ESUS", "any_esus", "awardees_known", False),
    ),
    Series("esus", "Titulaire agréé ESUS", VALUED, BY_CODE["A2"]),
    Series(
        "inclusif",
        "Titulaire employeur inclusif (SIAE, EA, ESAT, GEIQ)",
        COUNTED,
        _variant(
            "A3_NOMBRE", "Part des marchés attribués à un employeur inclusif", "any_inclusive", "awardees_known", False
        ),
    ),
    Series("inclusif", "Titulaire employeur inclusif (SIAE, EA, ESAT, GEIQ)", VALUED, BY_CODE["A3"]),
    Series("pme", "Titulaire PME", COUNTED, BY_CODE["P1"]),
    Series(
        "pme",
        "Titulaire PME",
        VALUED,
        _variant("P1_VALEUR", "Part en valeur des marchés attribués à des PME", "any_pme", "category_known", True),
    ),
)
INDICATORS = tuple(ind for s in SERIES for ind in (s.indicator, s.unknown_included))

COLUMNS = (
    ("year", "INTEGER"),
    ("universe", "VARCHAR"),
    ("buyer_group", "VARCHAR"),
    ("series", "VARCHAR"),
    ("measure", "VARCHAR"),
    ("contracts", "BIGINT"),
    ("numerator", "DOUBLE"),
    ("known_denominator", "DOUBLE"),
    ("known_share", "DOUBLE"),
    ("all_denominator", "DOUBLE"),
    ("all_share", "DOUBLE"),
)


def build(connection: duckdb.DuckDBPyConnection) -> None:
    """The `series` table of the observatory being rebuilt, from the attached `decp` (and `ref`) databases."""
    home = connection.execute("SELECT current_database()").fetchone()[0]
    connection.execute("USE decp")
    try:
        rows = series_rows(connection, _reference_relations(connection))
    finally:
        connection.execute(f'USE "{home}"')
    connection.execute(f"CREATE TABLE {TABLE} ({', '.join(f'{name} {kind}' for name, kind in COLUMNS)})")
    if rows:
        connection.executemany(f"INSERT INTO {TABLE} VALUES ({', '.join('?' * len(COLUMNS))})", rows)


def _reference_relations(connection) -> dict[str, str]:
    tables = connection.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'ref'").fetchall()
    return reference_relations({name for (name,) in tables})


def universe_filters(connection) -> dict[str, tuple[Filters, ...]]:
    """The engine's filters of each universe: the OECP one takes each year's threshold."""
    query = "SELECT DISTINCT annee_notification FROM contracts WHERE kind = 'marche' AND annee_notification > 0"
    years = [year for (year,) in connection.execute(query).fetchall()]
    oecp, first = [], 0
    for last, threshold in OECP_THRESHOLDS:
        if chosen := tuple(sorted(year for year in years if first <= year <= last)):
            oecp.append(Filters(years=chosen, threshold=threshold))
        first = last + 1
    return {"oecp": tuple(oecp), "tous": (Filters(),)}


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
