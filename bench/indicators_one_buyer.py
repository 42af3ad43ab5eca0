"""One buyer's indicators: `python -m bench.indicators_one_buyer STORE`.

Opens the stores once, as a long-lived process would (a web worker), then times `compute` of the whole catalogue,
every year, for each of the 20 buyers (SIREN) with the most marchés and 20 others drawn at random (fixed seed),
one after the other, in this process. Prints one JSON object: the median and the largest time over the buyers in
ms, the first call apart (it reads the store cold), and each buyer's time.
"""

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

from spaser.indicators.engine import Filters, Scope, compute, stores


TOP = 20
RANDOM = 20
SEED = 7

BUYERS_SQL = (
    "SELECT acheteur_siren, count(*) AS contracts FROM contracts "
    "WHERE kind = 'marche' AND annee_notification IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1"
)


def choose_buyers(connection, top: int = TOP, others: int = RANDOM, seed: int = SEED) -> list[tuple[str, int, str]]:
    """(SIREN, marchés, "top" or "random") of the `top` busiest buyers and `others` drawn among the rest."""
    ranked = connection.execute(BUYERS_SQL).fetchall()
    rest = ranked[top:]
    drawn = random.Random(seed).sample(rest, min(others, len(rest)))
    return [(siren, count, "top") for siren, count in ranked[:top]] + [(s, c, "random") for s, c in drawn]


def _summary(times: list[float]) -> dict:
    return {"median_ms": statistics.median(times), "max_ms": max(times)} if times else {}


def measure(store: Path, top: int = TOP, others: int = RANDOM, seed: int = SEED) -> dict:
    with stores(store) as (connection, refs):
        buyers = choose_buyers(connection, top, others, seed)
        timings = []
        for siren, contracts, kind in buyers:
            start = time.perf_counter()
            values = compute(connection, refs, Scope(sirens=(siren,)), Filters())
            milliseconds = (time.perf_counter() - start) * 1000
            if not values:
                raise SystemExit(f"no indicator computed for buyer {siren} ({contracts} marchés)")
            timings.append({"siren": siren, "contracts": contracts, "kind": kind, "ms": milliseconds})
    if not timings:
        raise SystemExit(f"{store}: no buyer with a dated marché")
    every = [timing["ms"] for timing in timings]
    return {
        "buyers": len(timings),
        **_summary(every),
        "first_ms": every[0],
        "top": _summary([timing["ms"] for timing in timings if timing["kind"] == "top"]),
        "random": _summary([timing["ms"] for timing in timings if timing["kind"] == "random"]),
        "largest_buyer_contracts": timings[0]["contracts"],
        "timings": timings,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.indicators_one_buyer", description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="a classified DECP store")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.store)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
