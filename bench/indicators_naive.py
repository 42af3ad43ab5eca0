"""The naive alternative to the indicator engine: `python -m bench.indicators_naive STORE [--check PARQUET]`.

Every indicator of the catalogue for every buyer (SIREN) and year, computed contract by contract in plain Python:
the contracts are read with their stored classes (`contracts LEFT JOIN contract_classes`, fetched in batches), each
one turned into the facts of `spaser.indicators.facts` by Python conditions, then added to counters per buyer,
year and indicator. The conditions mirror `facts_sql` and the catalogue one by one, SQL's NULLs as Python's None.

With `--check`, 50 (buyer, year, indicator) rows sampled from the Parquet file of `spaser indicators --all` must
equal what this computed (numerator, denominator, coverage, contracts), and both must hold the same (buyer, year)
pairs: a difference stops with an error. Prints one JSON object: time of the computation, contracts, groups.
"""

import argparse
import json
import math
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from spaser.analytics.classes import CLASS_COLUMNS
from spaser.decp.store import open_read_only
from spaser.indicators.catalogue import CATALOGUE
from spaser.indicators.facts import ENVIRONMENTAL, ORIGIN_CPV_DIVISIONS, SOCIAL


BATCH = 50_000
SAMPLE = 50
SAMPLE_SEED = 42
KIND = "marche"  # the engine's default universe: Filters()

CONTRACT_COLUMNS = (
    "c.kind",
    "c.acheteur_siren",
    "c.annee_notification",
    "c.montant",
    "list_transform(c.flags, lambda f: f.code)",
    "c.considerationsSociales",
    "c.considerationsEnvironnementales",
    "c.marcheInnovant",
    "c.offresRecues",
    "c.attributionAvance",
    "c.origineFrance",
    "c.origineUE",
    "c.codeCPV",
)
QUERY = (
    f"SELECT {', '.join(CONTRACT_COLUMNS)}, {', '.join(f'cl.{column}' for column in CLASS_COLUMNS)} "
    "FROM contracts c LEFT JOIN contract_classes cl USING (uid)"
)


class Mismatch(Exception):
    pass


def facts(row: tuple) -> dict | None:
    """The facts of one contract (None outside the universe), as `facts_sql` defines them."""
    contract, classes = row[: len(CONTRACT_COLUMNS)], row[len(CONTRACT_COLUMNS) :]
    kind, buyer, year, amount, flag_codes, social, environmental, innovative, offers, advance, france, eu, cpv = (
        contract
    )
    if kind != KIND or year is None:
        return None
    fact = {
        "buyer": buyer,
        "year": year,
        "montant": amount,
        "amount_ok": amount is not None
        and amount > 0
        and flag_codes is not None
        and not any(code.startswith("montant_") for code in flag_codes),
        "social_known": social is not None,
        "has_social": social is not None and any(value in social for value in SOCIAL),
        "social_clause": social is not None and "Clause sociale" in social,
        "social_criterion": social is not None and "Critère social" in social,
        "reserved": social is not None and any(value in social for value in SOCIAL[2:]),
        "env_known": environmental is not None,
        "has_env": environmental is not None and any(value in environmental for value in ENVIRONMENTAL),
        "env_clause": environmental is not None and "Clause environnementale" in environmental,
        "env_criterion": environmental is not None and "Critère environnemental" in environmental,
        "innovative": innovative,
        "offers": offers if offers is not None and offers >= 1 else None,
        "advance": advance,
        "origin_france": france if france is not None and 0 <= france <= 1 else None,
        "origin_eu": eu if eu is not None and 0 <= eu <= 1 else None,
        "origin_concerned": cpv is not None and cpv[:2] in ORIGIN_CPV_DIVISIONS,
    }
    for column, value in zip(CLASS_COLUMNS, classes, strict=True):
        fact[column] = bool(value)
    return fact


@dataclass(frozen=True)
class Naive:
    """What one contract adds to an indicator's numerator, denominator (None: a count), known contracts and the
    contracts its coverage is a share of."""

    numerator: Callable[[dict], float]
    denominator: Callable[[dict], float] | None
    known: Callable[[dict], int]
    base: Callable[[dict], int] = lambda f: 1


def share(condition: Callable[[dict], bool], known: Callable[[dict], bool], by_value: bool = False) -> Naive:
    if by_value:
        return Naive(
            numerator=lambda f: f["montant"] if known(f) and condition(f) and f["amount_ok"] else 0,
            denominator=lambda f: f["montant"] if known(f) and f["amount_ok"] else 0,
            known=lambda f: 1 if known(f) and f["amount_ok"] else 0,
        )
    return Naive(
        numerator=lambda f: 1 if known(f) and condition(f) else 0,
        denominator=lambda f: 1 if known(f) else 0,
        known=lambda f: 1 if known(f) else 0,
    )


def _average(value: str, concerned: Callable[[dict], bool] = lambda f: True) -> Naive:
    return Naive(
        numerator=lambda f: f[value] if concerned(f) and f[value] is not None else 0,
        denominator=lambda f: 1 if concerned(f) and f[value] is not None else 0,
        known=lambda f: 1 if concerned(f) and f[value] is not None else 0,
        base=lambda f: 1 if concerned(f) else 0,
    )


def _fact(name: str) -> Callable[[dict], bool]:
    return lambda f: f[name]


def _informed(name: str) -> Callable[[dict], bool]:
    return lambda f: f[name] is not None


NAIVE: dict[str, Naive] = {
    "E1": share(_fact("has_env"), _fact("env_known")),
    "E2": share(_fact("has_env"), _fact("env_known"), by_value=True),
    "E3_CLAUSE": share(_fact("env_clause"), _fact("env_known")),
    "E3_CRITERE": share(_fact("env_criterion"), _fact("env_known")),
    "E3_LES_DEUX": share(lambda f: f["env_clause"] and f["env_criterion"], _fact("env_known")),
    "S1": share(_fact("has_social"), _fact("social_known")),
    "S2": share(_fact("has_social"), _fact("social_known"), by_value=True),
    "S3_CLAUSE": share(_fact("social_clause"), _fact("social_known")),
    "S3_CRITERE": share(_fact("social_criterion"), _fact("social_known")),
    "S3_RESERVE": share(_fact("reserved"), _fact("social_known")),
    "R1": share(
        lambda f: f["has_social"] or f["has_env"],
        lambda f: (f["social_known"] and f["env_known"]) or f["has_social"] or f["has_env"],
    ),
    "R2": Naive(
        numerator=lambda f: 1 if f["social_known"] and f["reserved"] else 0,
        denominator=None,
        known=lambda f: 1 if f["social_known"] else 0,
    ),
    "A1": share(_fact("any_ess"), _fact("awardees_known"), by_value=True),
    "A2": share(_fact("any_esus"), _fact("awardees_known"), by_value=True),
    "A3": share(_fact("any_inclusive"), _fact("awardees_known"), by_value=True),
    "P1": share(_fact("any_pme"), _fact("category_known")),
    "P2": share(_fact("any_local_departement"), _fact("location_known"), by_value=True),
    "P2_REGION": share(_fact("any_local_region"), _fact("location_known"), by_value=True),
    "P3": _average("offers"),
    "P3_OFFRE_UNIQUE": share(lambda f: f["offers"] == 1, _informed("offers")),
    "P4": share(_fact("advance"), _informed("advance")),
    "P6": _average("origin_france", _fact("origin_concerned")),
    "P6_UE": _average("origin_eu", _fact("origin_concerned")),
    "I1": share(_fact("innovative"), _informed("innovative")),
    "G5": Naive(
        numerator=lambda f: 1 if f["social_known"] and f["env_known"] else 0,
        denominator=lambda f: 1,
        known=lambda f: 1,
    ),
}


@dataclass
class Group:
    """Counters of one (buyer, year): per indicator code, [numerator, denominator, known, base]."""

    contracts: int = 0
    sums: dict[str, list[float]] = field(default_factory=lambda: {code: [0, 0, 0, 0] for code in NAIVE})


def compute(connection) -> dict[tuple[str, int], Group]:
    """Every indicator for every buyer and year of the store, one contract at a time."""
    missing = {indicator.code for indicator in CATALOGUE} ^ NAIVE.keys()
    if missing:
        raise Mismatch(f"the naive definitions and the catalogue differ on {sorted(missing)}")
    groups: dict[tuple[str, int], Group] = defaultdict(Group)
    cursor = connection.execute(QUERY)
    while rows := cursor.fetchmany(BATCH):
        for row in rows:
            fact = facts(row)
            if fact is None:
                continue
            group = groups[fact["buyer"], fact["year"]]
            group.contracts += 1
            for code, naive in NAIVE.items():
                sums = group.sums[code]
                sums[0] += naive.numerator(fact)
                if naive.denominator is not None:
                    sums[1] += naive.denominator(fact)
                sums[2] += naive.known(fact)
                sums[3] += naive.base(fact)
    return dict(groups)


def expected(groups: dict[tuple[str, int], Group], buyer: str, year: int, code: str) -> dict:
    group = groups.get((buyer, year))
    if group is None:
        raise Mismatch(f"({buyer}, {year}) is in the engine's output, not in the naive computation")
    numerator, denominator, known, base = group.sums[code]
    return {
        "numerator": numerator,
        "denominator": None if NAIVE[code].denominator is None else denominator,
        "coverage": known / base if base else None,
        "contracts": group.contracts,
    }


def _same(left, right) -> bool:
    if left is None or right is None:
        return left is None and right is None
    return math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-6)


def check(groups: dict[tuple[str, int], Group], parquet: Path, sample: int = SAMPLE) -> int:
    """Compare with the engine's Parquet output: the (buyer, year) pairs, then `sample` rows (every row when
    `sample` is 0). Returns the rows compared; raises Mismatch on the first difference."""
    source = duckdb.connect()
    try:
        pairs = set(
            source.execute("SELECT DISTINCT buyer, year FROM read_parquet($p)", {"p": str(parquet)}).fetchall()
        )
        if pairs != groups.keys():
            extra, lacking = sorted(pairs - groups.keys())[:5], sorted(groups.keys() - pairs)[:5]
            raise Mismatch(f"(buyer, year) pairs differ: engine only {extra}, naive only {lacking}")
        chosen = f" USING SAMPLE reservoir({sample} ROWS) REPEATABLE ({SAMPLE_SEED})" if sample else ""
        rows = source.execute(
            "SELECT buyer, year, code, numerator, denominator, coverage, contracts "
            f"FROM (SELECT * FROM read_parquet($p){chosen}) ORDER BY buyer, year, code",
            {"p": str(parquet)},
        ).fetchall()
    finally:
        source.close()
    for buyer, year, code, numerator, denominator, coverage, contracts in rows:
        engine = {"numerator": numerator, "denominator": denominator, "coverage": coverage, "contracts": contracts}
        naive = expected(groups, buyer, year, code)
        differing = [name for name, value in engine.items() if not _same(value, naive[name])]
        if differing:
            raise Mismatch(f"{code} of {buyer} in {year}: engine {engine}, naive {naive}")
    if not rows:
        raise Mismatch(f"{parquet} holds no indicator value")
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.indicators_naive", description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="a classified DECP store")
    parser.add_argument("--check", type=Path, help="Parquet file of `spaser indicators --all` to compare with")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    connection = open_read_only(args.store)
    try:
        groups = compute(connection)
    finally:
        connection.close()
    seconds = time.perf_counter() - start
    checked = 0
    if args.check:
        try:
            checked = check(groups, args.check)
        except Mismatch as error:
            print(f"naive and engine differ: {error}", file=sys.stderr)
            return 1
    contracts = sum(group.contracts for group in groups.values())
    print(json.dumps({"seconds": seconds, "contracts": contracts, "groups": len(groups), "checked": checked}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
