"""The biennial legal publication of the busiest buyer: `python -m bench.publication STORE`, or the `publication`
section of `make bench` (on the indicators section's store: the national file imported, with its synthetic SIRENE).

Times what preparing a draft reads from the store (`spaser.indicators.publication`: every legal category in count
and value for two years, and the data version) for the buyer with the most marchés, over its last two years with
marchés; the first call apart (it reads the store cold). Target (issue 15.5): below 2 s.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from bench.indicators_one_buyer import choose_buyers
from spaser.indicators.engine import Scope, stores
from spaser.indicators.publication import data_version, legal_figures


TARGET_S = 2.0
RUNS = 3
YEARS_SQL = (
    "SELECT DISTINCT annee_notification FROM contracts WHERE kind = 'marche' AND acheteur_siren = ? "
    "AND annee_notification BETWEEN 1 AND year(current_date) ORDER BY 1 DESC LIMIT 2"
)


def measure(store: Path, runs: int = RUNS) -> dict:
    with stores(store) as (connection, refs):
        [(siren, contracts, _)] = choose_buyers(connection, top=1, others=0)
        years = tuple(sorted(year for (year,) in connection.execute(YEARS_SQL, [siren]).fetchall()))
        seconds = []
        for _ in range(runs + 1):
            start = time.perf_counter()
            figures = legal_figures(connection, refs, Scope(sirens=(siren,)), years)
            data_version(connection, store)
            seconds.append(time.perf_counter() - start)
    first, *warm = seconds
    median = statistics.median(warm)
    return {
        "siren": siren,
        "contracts": contracts,
        "years": list(years),
        "figures": len(figures),
        "first_s": first,
        "median_s": median,
        "max_s": max(warm),
        "target_s": TARGET_S,
        "met": max(first, median) < TARGET_S,
    }


def section(args: argparse.Namespace) -> dict:
    """The `make bench` section: the indicators section's store (imported, referenced and classified once)."""
    from bench.run import classify_store, indicators_store, national_file, synthetic_reference  # noqa: PLC0415

    store = indicators_store(national_file(args.marches, args.seed), args.marches, args.seed)
    synthetic_reference(store, args.sirene_rows, args.seed)
    classify_store(store)
    return {"parameters": {"marches": args.marches, "seed": args.seed}, **measure(store, args.runs)}


def text(result: dict) -> str:
    return (
        f"Biennial publication of the busiest buyer ({result['contracts']:,} marchés, {result['years']}): first "
        f"{result['first_s']:.2f} s, then median {result['median_s']:.2f} s, max {result['max_s']:.2f} s "
        f"(target < {result['target_s']:.0f} s: {'met' if result['met'] else 'MISSED'})"
    )


def markdown(result: dict, run: dict) -> str:
    machine = run["machine"]
    return "\n".join(
        [
            "## Biennial publication",
            "",
            f"Measured {run['date']} with `{run['command']}`"
            + (f" at commit {run['commit']}." if run["commit"] else "."),
            "",
            f"Machine: {machine['cpu']}, {machine['cpus']} logical CPUs, {machine['ram_gib']:.1f} GiB RAM; Python "
            f"{machine['python']}, DuckDB {machine['duckdb']}. Store: the indicators section's "
            f"({result['parameters']['marches']:,} marchés, synthetic SIRENE, classified). Measured in process: the "
            "legal figures of the busiest buyer for its last two years plus the data version "
            "(`spaser.indicators.publication`), the first run then the median of the next ones.",
            "",
            text(result),
        ]
    )


# What bench/run.py registers as its `publication` section: measure, text, markdown.
PARTS = (section, text, markdown)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.store, args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
