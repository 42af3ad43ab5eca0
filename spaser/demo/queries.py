"""What the demonstration SPASER take from the synthetic DECP store (`load_demo`), read with SQL: the years of the
data, the most active buyer of a type, baselines, and the marchés carrying fictitious insertion hours.

The functions take an open store connection (and the reference handle for the baselines): `spaser.plans.demo`
opens the stores and turns what they return into organisations and schemes.
"""

import zlib
from dataclasses import dataclass

from spaser.indicators.engine import Filters, Scope, compute


MIN_CONTRACTS = 10  # marchés of a buyer in its scheme period
MIN_YEAR_SHARE = 0.05  # a year holding less than this share of the busiest year is stray data (bad dates)
HOURS_CONTRACTS_PER_YEAR = 6
HOURS_GROWTH = 0.15  # a year: the demo shows insertion hours on track (its targets: +10 % a year)


@dataclass(frozen=True)
class StoreBuyer:
    siren: str
    contracts: int
    sirets: tuple[str, ...]


@dataclass(frozen=True)
class ContractHours:
    """Insertion hours of one marché in one year, as a facilitator would declare them."""

    year: int
    contract_id: str
    done: int
    planned: int
    persons: int


def data_years(connection) -> list[int]:
    """The notification years of the synthetic marchés, without the stray years of defective records."""
    rows = connection.execute(
        "SELECT annee_notification, count(*) FROM contracts WHERE kind = 'marche' "
        "AND annee_notification IS NOT NULL GROUP BY 1 ORDER BY 1"
    ).fetchall()
    busiest = max((count for _, count in rows), default=0)
    return [year for year, count in rows if count >= MIN_YEAR_SHARE * busiest]


def pick_buyer(connection, prefix: str, years: list[int], excluded: list[str]) -> StoreBuyer | None:
    """The buyer of the type with the most marchés in the years (ties: smallest SIREN), with its SIRETs."""
    row = connection.execute(
        """
        SELECT acheteur_siren, count(*) AS contracts FROM contracts
        WHERE kind = 'marche' AND list_contains($years, annee_notification)
          AND regexp_full_match(acheteur_siren, '\\d{9}') AND starts_with(acheteur_siren, $prefix)
          AND NOT list_contains($excluded, acheteur_siren)
        GROUP BY 1 HAVING count(*) >= $minimum ORDER BY 2 DESC, 1 LIMIT 1
        """,
        {"years": years, "prefix": prefix, "excluded": excluded or [""], "minimum": MIN_CONTRACTS},
    ).fetchone()
    if row is None:
        return None
    sirets = connection.execute(
        "SELECT DISTINCT acheteur_id FROM contracts WHERE acheteur_siren = $siren "
        "AND regexp_full_match(acheteur_id, '\\d{14}') AND starts_with(acheteur_id, $siren) ORDER BY 1",
        {"siren": row[0]},
    ).fetchall()
    return StoreBuyer(row[0], row[1], tuple(siret for (siret,) in sirets))


def baselines(connection, refs, sirens: tuple[str, ...], year: int) -> dict[str, float]:
    """{code: value in display unit (0-100 for percentages)} of the buyers together for the year."""
    values = compute(connection, refs, Scope(sirens=sirens), Filters(years=(year,)), group="national")
    return {
        value.code: round(value.value * 100 if value.unit == "%" else value.value, 1)
        for value in values
        if value.value is not None
    }


def insertion_hours(connection, sirens: tuple[str, ...], years: list[int]) -> list[ContractHours]:
    """Hours of a few marchés a year with a social clause, their yearly total growing by HOURS_GROWTH."""
    figures = {
        (year, contract_id): _contract_hours(contract_id)
        for year, contract_id in _hours_rows(connection, sirens, years)
    }
    scales = _hours_scales(figures)
    return [
        ContractHours(
            year=year,
            contract_id=contract_id,
            done=round(done * scales[year]),
            planned=round(planned * scales[year]),
            persons=max(1, round(persons * scales[year])),
        )
        for (year, contract_id), (planned, done, persons) in figures.items()
    ]


def _hours_rows(connection, sirens: tuple[str, ...], years: list[int]) -> list[tuple[int, str]]:
    """(year, contract id) of a few marchés per year with a social clause, to carry insertion hours."""
    rows = connection.execute(
        """
        SELECT annee_notification, id FROM (
            SELECT annee_notification, id,
                   row_number() OVER (PARTITION BY annee_notification ORDER BY id) AS rank
            FROM (SELECT DISTINCT annee_notification, id FROM contracts
                  WHERE kind = 'marche' AND list_contains($sirens, acheteur_siren)
                    AND list_contains($years, annee_notification) AND length(id) BETWEEN 1 AND 64
                    AND list_contains(considerationsSociales, 'Clause sociale')))
        WHERE rank <= $per_year ORDER BY 1, 2
        """,
        {"sirens": list(sirens), "years": years, "per_year": HOURS_CONTRACTS_PER_YEAR},
    ).fetchall()
    return [(year, contract_id) for year, contract_id in rows]


def _contract_hours(contract_id: str) -> tuple[float, float, int]:
    """Deterministic planned hours, hours done and persons of a contract."""
    digest = zlib.crc32(contract_id.encode())
    planned = 350 + digest % 1500
    done = round(planned * (0.80 + (digest >> 12) % 35 / 100))
    return float(planned), float(done), max(1, round(done / 150))


def _hours_scales(figures: dict[tuple[int, str], tuple[float, float, int]]) -> dict[int, float]:
    """Per-year factors giving yearly totals that grow by HOURS_GROWTH from the first year's total."""
    totals: dict[int, float] = {}
    for (year, _), (_, done, _) in figures.items():
        totals[year] = totals.get(year, 0.0) + done
    if not totals:
        return {}
    first = min(totals)
    return {year: totals[first] * (1 + HOURS_GROWTH) ** (year - first) / total for year, total in totals.items()}


# The clause a demo engagement's tagged marchés carry, by the theme of its axis (spaser/plans/demo.py).
TAGGED_CLAUSES = {
    "social": ("considerationsSociales", "Clause sociale"),
    "environnemental": ("considerationsEnvironnementales", "Clause environnementale"),
}
TAGGED_PER_ENGAGEMENT = 3


def clause_contracts(connection, sirens: tuple[str, ...], year: int, theme: str) -> list[tuple[str, str, str]]:
    """(uid, id, buyer SIRET) of the year's largest marchés of the buyers with the theme's clause, among plausible
    amounts (the synthetic DECP carry aberrant ones on purpose, for the quality checks)."""
    column, clause = TAGGED_CLAUSES[theme]
    return connection.execute(
        f"""
        SELECT uid, id, acheteur_id FROM contracts
        WHERE kind = 'marche' AND list_contains($sirens, acheteur_siren) AND annee_notification = $year
          AND length(id) BETWEEN 1 AND 64 AND list_contains({column}, $clause) AND montant < $plausible
        ORDER BY montant DESC NULLS LAST, uid LIMIT $limit
        """,
        {
            "sirens": list(sirens),
            "year": year,
            "clause": clause,
            "limit": TAGGED_PER_ENGAGEMENT,
            "plausible": 10_000_000,
        },
    ).fetchall()
