"""Benchmark harness: `python -m bench.run` (`make bench`).

Each section of the benchmark is a function registered in SECTIONS: it measures, returns a JSON-able result, and
has a renderer for the terminal and one for its part of docs/benchmarks.md. Results go to bench/out/results.json;
the docs are rewritten only after a run at the default size (or with --write-docs), between the section's markers.

Every measured command runs in its own process, timed from spawn to exit; its peak RSS is its own `ru_maxrss`,
from `os.wait4` (Linux: KiB).

Sections: `decp-import` (the importer against a peer and a floor), `indicators` (the whole catalogue for every
buyer, one buyer's full set, and the naive computation in Python, on a store joined with a synthetic SIRENE) and
`web` (a scheme's private dashboard and public pages served by gunicorn on that store, under concurrent clients and
during a store swap: `bench/web.py`) and `observatory` (`spaser observatory refresh` on that store, then the
observatory's pages under concurrent clients, with and without the page cache). `--only NAME` runs one of them.
"""

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path

import duckdb

from bench import locate_envelope, publication as publication_bench, report as report_bench
from bench.floor import ColumnsUnavailable, typed_columns
from bench.indicators_one_buyer import TOP as TOP_BUYERS
from bench.web import (
    DEFAULT_CLIENTS as WEB_CLIENTS,
    DEFAULT_OBSERVATORY_CLIENTS as OBSERVATORY_CLIENTS,
    DEFAULT_REQUESTS as WEB_REQUESTS,
    OBSERVATORY_PAGES,
    WORK as WEB_WORK,
)
from spaser.decp.store import database_path
from spaser.indicators.catalogue import CATALOGUE
from spaser.observatory.store import database_path as observatory_database_path
from spaser.reference.store import database_path as reference_database_path


ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
LOGS = OUT / "logs"
RESULTS = OUT / "results.json"
DOCS = ROOT / "docs" / "benchmarks.md"
SPASER = Path(sys.executable).with_name("spaser")

DEFAULT_MARCHES = 1_500_000
DEFAULT_RUNS = 3
DEFAULT_SEED = 7
DEFAULT_RSS_MARCHES = 2_000_000
DEFAULT_SIRENE_ROWS = 30_000_000  # the size of the SIRENE stock
COPY_BLOCK = 16 << 20
MB = 1_000_000
MIB_IN_KIB = 1024

METHODS = ("ours", "peer", "floor")
SPEEDUP_TARGET = 3.0  # ours records/s over the peer's, at least
FLOOR_TARGET = 3.0  # ours median time over the floor's, at most
RSS_TARGET_MIB = 1024  # peak RSS of ours on the ~2 GB file, below

INDICATOR_METHODS = ("batch", "one-buyer", "naive")
BATCH_TARGET_S = 30.0  # the whole catalogue for every buyer and year, below
ONE_BUYER_TARGET_MS = 300.0  # one buyer's full set, median over the buyers, below
WEB_TARGET_MS = 300.0  # median latency of each page under WEB_CLIENTS concurrent clients, below (and no error)
WEB_P95_TARGET_MS = 1000.0  # and its 95th percentile, below; the same in the window after a store swap
REFRESH_TARGET_S = 60.0  # `spaser observatory refresh`, every table, median over the runs, below
REFERENCE_TABLES = ("unites_legales", "etablissements", "communes", "esus", "structures_inclusives")

DOCS_INTRO = """# Benchmarks

Measured by `make bench` (`python -m bench.run`, code in `bench/`). Each section between `<!-- bench:… -->`
markers is rewritten by the harness after a run at the default size; the rest of this file is kept as written.
Raw results of the last run: `bench/out/results.json` (not versioned).
"""


class BenchError(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------------
# Measuring a process


@dataclass(frozen=True)
class Measurement:
    seconds: float
    max_rss_kib: int


def run_measured(command: list[str], log_stem: Path) -> tuple[Measurement, str]:
    """Run `command` to its end; its wall time, its own peak RSS and its standard output.

    `wait4` gives the rusage of this child alone, where RUSAGE_CHILDREN would give the largest of every child
    reaped so far. Output goes to files, not pipes, so that a chatty child cannot block.
    """
    log_stem.parent.mkdir(parents=True, exist_ok=True)
    # Every method starts with no write-back pending from the previous one (the peer writes 1.2 GB of NDJSON):
    # on this shared virtual disk, pending write-back otherwise slows whichever method comes next.
    os.sync()
    out_path, err_path = log_stem.with_name(log_stem.name + ".out"), log_stem.with_name(log_stem.name + ".err")
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        try:
            child = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        except OSError as error:
            raise BenchError(f"cannot start {shlex.join(command)}: {error}") from error
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # tells Popen the child is already reaped
    if child.returncode != 0:
        tail = err_path.read_text(errors="replace")[-2000:]
        raise BenchError(f"{shlex.join(command)} exited with {child.returncode}:\n{tail}")
    return Measurement(seconds, usage.ru_maxrss), out_path.read_text()


# ---------------------------------------------------------------------------------------------------------------
# Input files, cached in bench/out


def cached(path: Path, key: str, build: Callable[[Path], None]) -> bool:
    """Build `path` unless a marker says a complete build with the same key is there; True when reused.

    The marker is written last, so a build killed half-way is never reused.
    """
    marker = path.with_name(path.name + ".done")
    if path.exists() and marker.exists():
        done = json.loads(marker.read_text())
        if done == {"key": key, "bytes": path.stat().st_size}:
            return True
    marker.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    build(path)
    marker.write_text(json.dumps({"key": key, "bytes": path.stat().st_size}))
    return False


def national_file(marches: int, seed: int) -> Path:
    path = OUT / f"decp-{marches}-{seed}.json"

    def generate(target: Path) -> None:
        print(f"generating {target.relative_to(ROOT)} ({marches:,} marchés, seed {seed})", flush=True)
        command = [str(SPASER), "demo", "generate", "--marches", str(marches), "--seed", str(seed)]
        measurement, _ = run_measured([*command, "--out", str(target), "--no-progress"], LOGS / f"generate-{marches}")
        print(f"generated in {measurement.seconds:.1f} s", flush=True)

    if cached(path, f"spaser demo generate --marches {marches} --seed {seed}", generate):
        print(f"reusing {path.relative_to(ROOT)}", flush=True)
    return path


def marches_array_file(national: Path, marches: int, seed: int) -> Path:
    path = OUT / f"marches-array-{marches}-{seed}.json"
    source = national.stat()
    if cached(
        path, f"{national.name} {source.st_size} {source.st_mtime_ns}", lambda t: extract_marches_array(national, t)
    ):
        print(f"reusing {path.relative_to(ROOT)}", flush=True)
    return path


def extract_marches_array(national: Path, target: Path) -> int:
    """Copy the bytes of the marchés array, brackets included: a top-level JSON array. Returns its size."""
    envelope = locate_envelope(national)
    remaining = envelope.marches_end - envelope.marches_start
    with national.open("rb") as source, target.open("wb") as sink:
        source.seek(envelope.marches_start)
        while remaining:
            block = source.read(min(COPY_BLOCK, remaining))
            if not block:
                raise BenchError(f"{national}: ended before the end of the marchés array")
            sink.write(block)
            remaining -= len(block)
    return target.stat().st_size


# ---------------------------------------------------------------------------------------------------------------
# The three methods of the DECP import section


def remove_stale_stores() -> None:
    """Stores left by a killed run: a few GB each at full size."""
    for store in OUT.glob("store-*"):
        shutil.rmtree(store, ignore_errors=True)


def run_ours(national: Path, label: str) -> tuple[Measurement, int]:
    store = Path(tempfile.mkdtemp(prefix="store-", dir=OUT))
    report = OUT / "ours-report.json"
    report.unlink(missing_ok=True)  # a stale report would hide a run that wrote none
    command = [str(SPASER), "decp", "import", str(national), "--store", str(store), "--no-progress"]
    try:
        measurement, _ = run_measured([*command, "--report-json", str(report)], LOGS / f"ours-{label}")
    finally:
        shutil.rmtree(store, ignore_errors=True)  # outside the timing
    return measurement, json.loads(report.read_text())["records_read"]


def run_peer(national: Path, label: str) -> tuple[Measurement, dict]:
    ndjson = OUT / "peer.ndjson"
    try:
        measurement, stdout = run_measured(
            [sys.executable, "-m", "bench.peer", str(national), str(ndjson)], LOGS / f"peer-{label}"
        )
    finally:
        ndjson.unlink(missing_ok=True)
    return measurement, json.loads(stdout)


def run_floor(array: Path, label: str) -> tuple[Measurement, int]:
    measurement, stdout = run_measured([sys.executable, "-m", "bench.floor", str(array)], LOGS / f"floor-{label}")
    return measurement, json.loads(stdout)["records"]


def check_counts(marches: int, ours_read: int, peer: dict, floor_rows: int) -> None:
    """Every method must have read every record, or the times compare different work."""
    problems = []
    if peer["marches"] != marches:
        problems.append(f"peer wrote {peer['marches']:,} marchés, the file holds {marches:,}")
    if floor_rows != marches:
        problems.append(f"floor loaded {floor_rows:,} marchés, the file holds {marches:,}")
    if ours_read != peer["marches"] + peer["concessions"]:
        problems.append(
            f"ours read {ours_read:,} records, the arrays hold {peer['marches']:,} marchés "
            f"+ {peer['concessions']:,} concessions"
        )
    if problems:
        raise BenchError("record counts disagree: " + "; ".join(problems))


def measure_methods(national: Path, array: Path, marches: int, runs: int) -> tuple[dict, dict]:
    """Runs interleaved (ours, peer, floor, ours, …) so that a drift of the machine touches every method alike."""
    samples: dict[str, list[Measurement]] = {name: [] for name in METHODS}
    for run in range(1, runs + 1):
        label = str(run)
        print(f"run {run}/{runs}: ours", end="", flush=True)
        ours, ours_read = run_ours(national, label)
        print(f" {ours.seconds:.1f} s, peer", end="", flush=True)
        peer, peer_counts = run_peer(national, label)
        print(f" {peer.seconds:.1f} s, floor", end="", flush=True)
        floor, floor_rows = run_floor(array, label)
        print(f" {floor.seconds:.1f} s", flush=True)
        check_counts(marches, ours_read, peer_counts, floor_rows)
        for name, measurement in zip(METHODS, (ours, peer, floor), strict=True):
            samples[name].append(measurement)
    counts = {"ours": ours_read, "peer": peer_counts["records"], "floor": floor_rows, **peer_counts}
    return samples, counts


# ---------------------------------------------------------------------------------------------------------------
# Statistics and targets


def method_summary(runs: list[Measurement], records: int, input_bytes: int) -> dict:
    median = statistics.median(m.seconds for m in runs)
    return {
        "runs": [{"seconds": m.seconds, "max_rss_kib": m.max_rss_kib} for m in runs],
        "median_s": median,
        "min_s": min(m.seconds for m in runs),
        "max_s": max(m.seconds for m in runs),
        "records": records,
        "input_bytes": input_bytes,
        "records_per_s": records / median,
        "mb_per_s": input_bytes / MB / median,
        "peak_rss_mib": max(m.max_rss_kib for m in runs) / MIB_IN_KIB,
    }


def _target(name: str, goal: str, value: float | None, unit: str, passed: bool | None) -> dict:
    measured = "not measured" if value is None else f"{value:.2f}{unit}"
    status = "SKIPPED" if passed is None else "PASS" if passed else "FAIL"
    return {"name": name, "goal": goal, "value": value, "measured": measured, "status": status}


def targets(methods: dict, rss_check: dict | None) -> list[dict]:
    speedup = methods["ours"]["records_per_s"] / methods["peer"]["records_per_s"]
    floor_ratio = methods["ours"]["median_s"] / methods["floor"]["median_s"]
    rss = None if rss_check is None else rss_check["peak_rss_mib"]
    rss_name = (
        "peak RSS of ours on the ~2 GB file"
        if rss_check is None
        else (f"peak RSS of ours on {rss_check['marches']:,} marchés ({rss_check['file_bytes'] / MB:,.0f} MB)")
    )
    return [
        _target("throughput of ours / peer", f">= {SPEEDUP_TARGET:g}x", speedup, "x", speedup >= SPEEDUP_TARGET),
        _target("time of ours / floor", f"<= {FLOOR_TARGET:g}x", floor_ratio, "x", floor_ratio <= FLOOR_TARGET),
        _target(rss_name, f"< {RSS_TARGET_MIB} MiB", rss, " MiB", None if rss is None else rss < RSS_TARGET_MIB),
    ]


# ---------------------------------------------------------------------------------------------------------------
# The DECP import section


def decp_import(args: argparse.Namespace) -> dict:
    remove_stale_stores()
    try:
        typed_columns()  # fail before generating gigabytes if the floor cannot run
    except ColumnsUnavailable as error:
        raise BenchError(f"floor unavailable: {error}") from error
    national = national_file(args.marches, args.seed)
    array = marches_array_file(national, args.marches, args.seed)
    samples, counts = measure_methods(national, array, args.marches, args.runs)
    sizes = {"ours": national.stat().st_size, "peer": national.stat().st_size, "floor": array.stat().st_size}
    methods = {name: method_summary(samples[name], counts[name], sizes[name]) for name in METHODS}
    rss = None if args.skip_rss else rss_check(args.rss_marches, args.seed)
    return {
        "parameters": {"marches": args.marches, "seed": args.seed, "runs": args.runs},
        "files": {
            "national": {"path": str(national.relative_to(ROOT)), "bytes": national.stat().st_size},
            "marches_array": {"path": str(array.relative_to(ROOT)), "bytes": array.stat().st_size},
        },
        "counts": {"marches": counts["marches"], "concessions": counts["concessions"]},
        "ijson_backend": counts["ijson_backend"],
        "methods": methods,
        "rss_check": rss,
        "targets": targets(methods, rss),
    }


def rss_check(marches: int, seed: int) -> dict:
    national = national_file(marches, seed)
    print(f"RSS check: ours on {national.relative_to(ROOT)}", end="", flush=True)
    measurement, records = run_ours(national, "rss")
    print(f" {measurement.seconds:.1f} s, {measurement.max_rss_kib / MIB_IN_KIB:,.0f} MiB", flush=True)
    return {
        "marches": marches,
        "file": str(national.relative_to(ROOT)),
        "file_bytes": national.stat().st_size,
        "records": records,
        "seconds": measurement.seconds,
        "peak_rss_mib": measurement.max_rss_kib / MIB_IN_KIB,
    }


def _method_rows(result: dict) -> list[list[str]]:
    return [
        [
            name,
            f"{m['median_s']:.2f}",
            f"{m['min_s']:.2f}",
            f"{m['max_s']:.2f}",
            f"{m['records_per_s']:,.0f}",
            f"{m['mb_per_s']:.1f}",
            f"{m['peak_rss_mib']:,.0f}",
        ]
        for name, m in result["methods"].items()
    ]


METHOD_HEADERS = ["method", "median s", "min s", "max s", "records/s", "MB/s", "peak RSS MiB"]
TARGET_HEADERS = ["target", "goal", "measured", "result"]


def _target_rows(result: dict) -> list[list[str]]:
    return [[t["name"], t["goal"], t["measured"], t["status"]] for t in result["targets"]]


def decp_import_text(result: dict) -> str:
    files, counts, methods = result["files"], result["counts"], result["methods"]
    lines = [
        f"DECP import: {result['parameters']['marches']:,} marchés, seed {result['parameters']['seed']}, "
        f"{result['parameters']['runs']} run(s)",
        f"  input of ours and peer: {files['national']['path']} ({files['national']['bytes'] / MB:,.1f} MB)",
        f"  input of floor:         {files['marches_array']['path']} ({files['marches_array']['bytes'] / MB:,.1f} MB)",
        f"  records: ours read {methods['ours']['records']:,}, peer wrote {methods['peer']['records']:,} lines "
        f"({counts['marches']:,} marchés + {counts['concessions']:,} concessions), "
        f"floor loaded {methods['floor']['records']:,} rows",
        "",
        text_table(METHOD_HEADERS, _method_rows(result)),
        "",
        text_table(TARGET_HEADERS, _target_rows(result)),
    ]
    if result["rss_check"] is None:
        lines.append("  (RSS check skipped: --skip-rss)")
    return "\n".join(lines)


METHOD_DESCRIPTIONS = {
    "ours": "`spaser decp import` into a fresh store: read, normalise, deduplicate, write the DuckDB store",
    "peer": "the method of ColinMaudry/decp-processing: ijson (C backend) streaming, each record normalised in "
    "Python, one NDJSON line written with orjson (`bench/peer.py`)",
    "floor": "DuckDB `read_json` of the marchés array alone into the canonical typed columns "
    "(`spaser.decp.sql_staging.TYPED_COLUMNS`), in memory, nothing else (`bench/floor.py`)",
}


def decp_import_markdown(result: dict, run: dict) -> str:
    files, counts, machine, rss = result["files"], result["counts"], run["machine"], result["rss_check"]
    parameters = result["parameters"]
    lines = [
        "## DECP import",
        "",
        f"Measured {run['date']} with `{run['command']}`" + (f" at commit {run['commit']}." if run["commit"] else "."),
        "",
        f"Machine: {machine['cpu']}, {machine['cpus']} logical CPUs, {machine['ram_gib']:.1f} GiB RAM; "
        f"Python {machine['python']}, DuckDB {machine['duckdb']}, ijson {machine['ijson']} "
        f"({result['ijson_backend']} backend).",
        "",
        f"Input: `{files['national']['path']}` from `spaser demo generate --marches {parameters['marches']} "
        f"--seed {parameters['seed']}`, {files['national']['bytes'] / MB:,.1f} MB, {counts['marches']:,} marchés "
        f"and {counts['concessions']:,} concessions; the floor reads the marchés array alone, "
        f"{files['marches_array']['bytes'] / MB:,.1f} MB.",
        "",
        *(f"- **{name}**: {text}" for name, text in METHOD_DESCRIPTIONS.items()),
        "",
        f"Each method runs in its own process, {parameters['runs']} time(s), interleaved; time is wall time "
        "from spawn to exit; peak RSS is the process's own `ru_maxrss` (largest over the runs); MB are 10^6 bytes.",
        "",
        markdown_table(METHOD_HEADERS, _method_rows(result)),
        "",
    ]
    if rss is not None:
        lines += [
            f"RSS check: ours on `{rss['file']}` ({rss['file_bytes'] / MB:,.1f} MB, {rss['records']:,} records) "
            f"took {rss['seconds']:.1f} s with a peak RSS of {rss['peak_rss_mib']:,.0f} MiB.",
            "",
        ]
    lines.append(markdown_table(TARGET_HEADERS, _target_rows(result)))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# The indicators section


def indicators_store(national: Path, marches: int, seed: int) -> Path:
    """The national file imported once into `bench/out/indicators-store-N-S/`; the import's report marks it done
    (the store's database changes when its classes are refreshed, its report does not)."""
    store = OUT / f"indicators-store-{marches}-{seed}"
    source = national.stat()

    def build(report: Path) -> None:
        shutil.rmtree(store, ignore_errors=True)
        print(f"importing {national.relative_to(ROOT)} into {store.relative_to(ROOT)}", flush=True)
        command = [str(SPASER), "decp", "import", str(national), "--store", str(store), "--no-progress"]
        measurement, _ = run_measured([*command, "--report-json", str(report)], LOGS / "indicators-import")
        print(f"imported in {measurement.seconds:.1f} s", flush=True)

    report = store / "import-report.json"
    if cached(report, f"spaser decp import {national.name} {source.st_size} {source.st_mtime_ns}", build):
        print(f"reusing {store.relative_to(ROOT)}", flush=True)
    return store


# The harness reads no data itself: a child's `ru_maxrss` starts at the harness's own high-water mark (the child
# is forked, or vforked, from it before its exec), so a harness that once held a DuckDB result would inflate the
# peak RSS of every command measured after. Queries go through a child process.
COUNTS = (
    "import json, sys; from bench.run import first_values; "
    "print(json.dumps(first_values(sys.argv[1], json.loads(sys.argv[2]))))"
)


def first_values(database: str, queries: dict[str, str]) -> dict:
    """The first value of each query, on `database` opened read-only (in memory when empty); run by a child."""
    connection = duckdb.connect(database or ":memory:", read_only=bool(database))
    connection.execute("SET enable_progress_bar = false")  # a slow query would print it into the JSON on stdout
    try:
        return {name: connection.execute(sql).fetchone()[0] for name, sql in queries.items()}
    finally:
        connection.close()


def query_in_child(database: Path | None, queries: dict[str, str], label: str) -> dict:
    command = [sys.executable, "-c", COUNTS, "" if database is None else str(database), json.dumps(queries)]
    _, stdout = run_measured(command, LOGS / f"indicators-{label}")
    return json.loads(stdout)


BUILD_REFERENCE = (
    "import sys; from pathlib import Path; from spaser.demo.reference import build_reference; "
    "build_reference(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))"
)


def synthetic_reference(store: Path, rows: int, seed: int) -> dict:
    """`<store>/reference.duckdb` from spaser.demo.reference, built once, in a child; the sizes of its tables."""
    path = reference_database_path(store)
    built: dict = {}

    def build(target: Path) -> None:
        print(f"building a synthetic SIRENE of {rows:,} rows in {target.relative_to(ROOT)}", flush=True)
        command = [sys.executable, "-c", BUILD_REFERENCE, str(store), str(rows), str(seed)]
        measurement, _ = run_measured(command, LOGS / "indicators-sirene")
        built.update(seconds=measurement.seconds, peak_rss_mib=measurement.max_rss_kib / MIB_IN_KIB)
        print(f"built in {measurement.seconds:.1f} s", flush=True)

    if cached(path, f"spaser.demo.reference rows={rows} seed={seed}", build):
        print(f"reusing {path.relative_to(ROOT)}", flush=True)
    tables = query_in_child(
        path, {table: f"SELECT count(*) FROM {table}" for table in REFERENCE_TABLES}, "reference-sizes"
    )
    if tables["unites_legales"] != rows or tables["etablissements"] != rows:
        raise BenchError(f"{path}: {tables} where {rows:,} SIRENE rows were asked for")
    return {
        "rows": rows,
        "seed": seed,
        "bytes": path.stat().st_size,
        "tables": tables,
        "build": built or None,  # None when reused
    }


CLASSIFY = (
    "import sys; from pathlib import Path; from spaser.analytics.classes import refresh_classes; "
    "refresh_classes(Path(sys.argv[1]))"
)


def classify_store(store: Path) -> dict:
    """`refresh_classes`, as after a reference import, in its own process: every contract's classes stored."""
    print("classifying the contracts (refresh_classes)", end="", flush=True)
    measurement, _ = run_measured([sys.executable, "-c", CLASSIFY, str(store)], LOGS / "indicators-classify")
    print(f" {measurement.seconds:.1f} s", flush=True)
    return {"seconds": measurement.seconds, "peak_rss_mib": measurement.max_rss_kib / MIB_IN_KIB}


DATED = "(SELECT * FROM contracts WHERE kind = 'marche' AND annee_notification IS NOT NULL)"
STORE_QUERIES = {
    "contracts": "SELECT count(*) FROM contracts",
    "marches": f"SELECT count(*) FROM {DATED}",
    "buyers": f"SELECT count(DISTINCT acheteur_siren) FROM {DATED}",
    "groups": f"SELECT count(*) FROM (SELECT DISTINCT acheteur_siren, annee_notification FROM {DATED})",
    "years": f"SELECT count(DISTINCT annee_notification) FROM {DATED}",
    "classified": "SELECT count(*) FROM contract_classes",
}


def store_sizes(store: Path) -> dict:
    sizes = query_in_child(database_path(store), STORE_QUERIES, "store-sizes")
    if sizes["classified"] != sizes["contracts"]:
        raise BenchError(f"{store}: {sizes['classified']:,} contracts classified out of {sizes['contracts']:,}")
    return {**sizes, "catalogue": len(CATALOGUE), "store_bytes": (database_path(store)).stat().st_size}


def run_batch(store: Path, parquet: Path, expected_rows: int, label: str) -> Measurement:
    parquet.unlink(missing_ok=True)  # a stale file would hide a run that wrote none
    command = [str(SPASER), "indicators", "--store", str(store), "--all", "--out", str(parquet)]
    measurement, _ = run_measured(command, LOGS / f"indicators-batch-{label}")
    parquet_rows = f"SELECT count(*) FROM read_parquet('{parquet}')"
    rows = query_in_child(None, {"rows": parquet_rows}, f"batch-rows-{label}")["rows"]
    if rows != expected_rows or rows == 0:
        raise BenchError(f"{parquet} holds {rows:,} values, expected {expected_rows:,} (buyer-years × catalogue)")
    return measurement


def run_one_buyer(store: Path, label: str) -> tuple[Measurement, dict]:
    command = [sys.executable, "-m", "bench.indicators_one_buyer", str(store)]
    measurement, stdout = run_measured(command, LOGS / f"indicators-one-buyer-{label}")
    return measurement, json.loads(stdout)


def run_naive(store: Path, parquet: Path, sizes: dict, label: str) -> tuple[Measurement, dict]:
    command = [sys.executable, "-m", "bench.indicators_naive", str(store), "--check", str(parquet)]
    measurement, stdout = run_measured(command, LOGS / f"indicators-naive-{label}")
    result = json.loads(stdout)
    if (result["contracts"], result["groups"]) != (sizes["marches"], sizes["groups"]):
        raise BenchError(
            f"naive counted {result['contracts']:,} marchés in {result['groups']:,} buyer-years, the store holds "
            f"{sizes['marches']:,} in {sizes['groups']:,}"
        )
    return measurement, result


def measure_indicators(store: Path, sizes: dict, runs: int) -> tuple[dict[str, list[Measurement]], list, list]:
    """Runs interleaved (batch, one buyer, naive, batch, …); the naive check reads the batch's Parquet file."""
    samples: dict[str, list[Measurement]] = {name: [] for name in INDICATOR_METHODS}
    one_buyer, naive = [], []
    parquet = OUT / "indicators-all.parquet"
    expected_rows = sizes["groups"] * sizes["catalogue"]
    for run in range(1, runs + 1):
        label = str(run)
        print(f"run {run}/{runs}: batch", end="", flush=True)
        samples["batch"].append(run_batch(store, parquet, expected_rows, label))
        print(f" {samples['batch'][-1].seconds:.2f} s, one buyer", end="", flush=True)
        measurement, result = run_one_buyer(store, label)
        samples["one-buyer"].append(measurement)
        one_buyer.append(result)
        print(f" median {result['median_ms']:.0f} ms, naive", end="", flush=True)
        measurement, result = run_naive(store, parquet, sizes, label)
        samples["naive"].append(measurement)
        naive.append(result)
        print(f" {measurement.seconds:.1f} s ({result['checked']} values checked)", flush=True)
    return samples, one_buyer, naive


def process_summary(runs: list[Measurement]) -> dict:
    return {
        "runs": [{"seconds": m.seconds, "max_rss_kib": m.max_rss_kib} for m in runs],
        "median_s": statistics.median(m.seconds for m in runs),
        "min_s": min(m.seconds for m in runs),
        "max_s": max(m.seconds for m in runs),
        "peak_rss_mib": max(m.max_rss_kib for m in runs) / MIB_IN_KIB,
    }


def one_buyer_summary(results: list[dict]) -> dict:
    """Per run, the median and largest time over the buyers; across runs, the median of the medians."""
    return {
        "buyers": results[0]["buyers"],
        "largest_buyer_contracts": results[0]["largest_buyer_contracts"],
        "median_ms": statistics.median(r["median_ms"] for r in results),
        "max_ms": max(r["max_ms"] for r in results),
        "first_ms": statistics.median(r["first_ms"] for r in results),
        "top_median_ms": statistics.median(r["top"]["median_ms"] for r in results),
        "top_max_ms": max(r["top"]["max_ms"] for r in results),
        "random_median_ms": statistics.median(r["random"]["median_ms"] for r in results)
        if results[0]["random"]
        else None,
        "random_max_ms": max(r["random"]["max_ms"] for r in results) if results[0]["random"] else None,
        "runs": [{key: value for key, value in r.items() if key != "timings"} for r in results],
        "timings": results[-1]["timings"],
    }


def indicator_targets(methods: dict, one_buyer: dict) -> list[dict]:
    batch, buyer = methods["batch"]["median_s"], one_buyer["median_ms"]
    return [
        _target(
            "whole catalogue, every buyer and year (batch, process)",
            f"< {BATCH_TARGET_S:g} s",
            batch,
            " s",
            batch < BATCH_TARGET_S,
        ),
        _target(
            "one buyer's full set (median over buyers, in process)",
            f"< {ONE_BUYER_TARGET_MS:g} ms",
            buyer,
            " ms",
            buyer < ONE_BUYER_TARGET_MS,
        ),
    ]


def indicators(args: argparse.Namespace) -> dict:
    national = national_file(args.marches, args.seed)
    store = indicators_store(national, args.marches, args.seed)
    reference = synthetic_reference(store, args.sirene_rows, args.seed)
    classification = classify_store(store)
    sizes = store_sizes(store)
    samples, one_buyer_runs, naive_runs = measure_indicators(store, sizes, args.runs)
    methods = {name: process_summary(samples[name]) for name in INDICATOR_METHODS}
    methods["naive"]["compute_median_s"] = statistics.median(r["seconds"] for r in naive_runs)
    methods["naive"]["checked"] = naive_runs[-1]["checked"]
    one_buyer = one_buyer_summary(one_buyer_runs)
    return {
        "parameters": {"marches": args.marches, "seed": args.seed, "runs": args.runs, "sirene_rows": args.sirene_rows},
        "national": {"path": str(national.relative_to(ROOT)), "bytes": national.stat().st_size},
        "store": str(store.relative_to(ROOT)),
        "sizes": sizes,
        "reference": reference,
        "classification": classification,
        "methods": methods,
        "one_buyer": one_buyer,
        "naive_over_batch": methods["naive"]["median_s"] / methods["batch"]["median_s"],
        "targets": indicator_targets(methods, one_buyer),
    }


INDICATOR_HEADERS = ["method", "median s", "min s", "max s", "peak RSS MiB"]


def _indicator_rows(result: dict) -> list[list[str]]:
    return [
        [name, f"{m['median_s']:.2f}", f"{m['min_s']:.2f}", f"{m['max_s']:.2f}", f"{m['peak_rss_mib']:,.0f}"]
        for name, m in result["methods"].items()
    ]


def _one_buyer_line(result: dict) -> str:
    one = result["one_buyer"]
    line = (
        f"one buyer, in process: median {one['median_ms']:.1f} ms, max {one['max_ms']:.1f} ms over {one['buyers']} "
        f"buyers (first call {one['first_ms']:.1f} ms); {TOP_BUYERS} busiest (up to "
        f"{one['largest_buyer_contracts']:,} marchés): median {one['top_median_ms']:.1f} ms, max "
        f"{one['top_max_ms']:.1f} ms"
    )
    if one["random_median_ms"] is not None:
        line += f"; drawn at random: median {one['random_median_ms']:.1f} ms, max {one['random_max_ms']:.1f} ms"
    return line


def _reference_build(reference: dict) -> str:
    build = reference.get("build")
    if not build:
        return "built by an earlier run (cached)"
    return f"built by this run in {build['seconds']:.1f} s, peak RSS {build['peak_rss_mib']:,.0f} MiB"


def _sizes_line(result: dict) -> str:
    sizes, tables = result["sizes"], result["reference"]["tables"]
    return (
        f"{sizes['contracts']:,} contracts, of which {sizes['marches']:,} dated marchés of {sizes['buyers']:,} "
        f"buyers (SIREN) over {sizes['years']} years: {sizes['groups']:,} buyer-years × {sizes['catalogue']} "
        f"indicators; SIRENE: {tables['unites_legales']:,} unités légales and {tables['etablissements']:,} "
        f"établissements"
    )


def indicators_text(result: dict) -> str:
    parameters, methods = result["parameters"], result["methods"]
    classification = result["classification"]
    lines = [
        f"Indicators: store of {parameters['marches']:,} marchés (seed {parameters['seed']}), "
        f"{parameters['sirene_rows']:,}-row synthetic SIRENE, {parameters['runs']} run(s)",
        f"  {_sizes_line(result)}",
        f"  synthetic SIRENE {_reference_build(result['reference'])}",
        f"  classification after a reference import: {classification['seconds']:.1f} s, "
        f"peak RSS {classification['peak_rss_mib']:,.0f} MiB",
        f"  {_one_buyer_line(result)}",
        f"  naive / batch: {result['naive_over_batch']:.1f}x (naive computing alone: "
        f"{methods['naive']['compute_median_s']:.1f} s; {methods['naive']['checked']} values checked against the "
        "batch)",
        "",
        text_table(INDICATOR_HEADERS, _indicator_rows(result)),
        "",
        text_table(TARGET_HEADERS, _target_rows(result)),
    ]
    return "\n".join(lines)


def indicators_markdown(result: dict, run: dict) -> str:
    parameters, sizes, reference, machine = result["parameters"], result["sizes"], result["reference"], run["machine"]
    tables, methods, classification = reference["tables"], result["methods"], result["classification"]
    store = result["store"]
    lines = [
        "## Indicators",
        "",
        f"Measured {run['date']} with `{run['command']}`" + (f" at commit {run['commit']}." if run["commit"] else "."),
        "",
        f"Machine: {machine['cpu']}, {machine['cpus']} logical CPUs, {machine['ram_gib']:.1f} GiB RAM; "
        f"Python {machine['python']}, DuckDB {machine['duckdb']}.",
        "",
        f"Store: `{store}/`, `{result['national']['path']}` (`spaser demo generate --marches "
        f"{parameters['marches']} --seed {parameters['seed']}`) imported by `spaser decp import`: "
        f"{sizes['contracts']:,} contracts, of which {sizes['marches']:,} marchés with a notification date, of "
        f"{sizes['buyers']:,} buyers (SIREN) over {sizes['years']} years, {sizes['groups']:,} buyer-years; "
        f"{sizes['catalogue']} indicators in the catalogue.",
        "",
        f"Reference: a synthetic SIRENE in `{store}/reference.duckdb` (`spaser/demo/reference.py`, seed "
        f"{reference['seed']}, {reference['bytes'] / MB:,.0f} MB): {tables['unites_legales']:,} unités légales and "
        f"{tables['etablissements']:,} établissements, every SIREN and SIRET of the contracts among them, "
        f"{tables['communes']:,} communes, {tables['esus']:,} ESUS, {tables['structures_inclusives']:,} inclusive "
        f"employers; {_reference_build(reference)}.",
        "",
        f"Classification after a reference import (`refresh_classes`: the classes of every contract joined from "
        f"the reference and stored in the DECP store, its own process): {classification['seconds']:.1f} s, peak "
        f"RSS {classification['peak_rss_mib']:,.0f} MiB. The indicators then read these stored classes: the join "
        "with SIRENE is paid once per reference (or DECP) import, not by each indicator query.",
        "",
        f"- **batch**: `spaser indicators --store {store} --all --out ….parquet`: the whole catalogue for every "
        f"buyer and year, {sizes['groups'] * sizes['catalogue']:,} values written to Parquet",
        f"- **one-buyer**: `python -m bench.indicators_one_buyer {store}` (`bench/indicators_one_buyer.py`): the "
        f"stores opened once, then `compute` of one buyer's full set (whole catalogue, every year) for the "
        f"{TOP_BUYERS} buyers with the most marchés and {result['one_buyer']['buyers'] - TOP_BUYERS} drawn at "
        f"random, one after the other; its process time covers opening the stores and these "
        f"{result['one_buyer']['buyers']} computations, its target is the time of one",
        f"- **naive**: `python -m bench.indicators_naive {store} --check ….parquet` (`bench/indicators_naive.py`): "
        "the same "
        "indicators computed contract by contract in plain Python, from the contracts and their stored classes "
        f"read in batches; its values equal the batch's on {methods['naive']['checked']} values sampled from its "
        "Parquet file (checked at every run)",
        "",
        f"Each command runs in its own process, {parameters['runs']} time(s), interleaved; time is wall time from "
        "spawn to exit (opening the stores included); peak RSS is the process's own `ru_maxrss`.",
        "",
        markdown_table(INDICATOR_HEADERS, _indicator_rows(result)),
        "",
        f"The naive computation takes {result['naive_over_batch']:.1f}× the time of the batch "
        f"({methods['naive']['median_s']:.1f} s against {methods['batch']['median_s']:.1f} s, processes from spawn "
        f"to exit; reading and computing alone, in its process, {methods['naive']['compute_median_s']:.1f} s).",
        "",
        f"One buyer, timed in process (the target is the median over the buyers of this time; median over the "
        f"runs): {_one_buyer_line(result).removeprefix('one buyer, in process: ')}.",
        "",
        markdown_table(TARGET_HEADERS, _target_rows(result)),
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# The web section


WEB_PAGES = {
    "dashboard": "private dashboard",
    "public-list": "public list",
    "public": "public scheme page",
    "public-drill-down": "public drill-down",
    "api": "API indicators",
}
CLASSES_QUERIES = {
    "contracts": "SELECT count(*) FROM contracts",
    "tables": "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'contract_classes' AND database_name <> 'ref'",
}


def classify_unless_done(store: Path, reference: dict) -> dict | None:
    """`classify_store` unless every contract already has its classes from this reference (the indicators section
    classifies the same store); its measurement, None when the stored classes are reused."""
    counts = query_in_child(database_path(store), CLASSES_QUERIES, "web-classes")
    if counts["tables"] and not reference.get("build"):
        classified = "SELECT count(*) FROM contract_classes"
        if query_in_child(database_path(store), {"n": classified}, "web-classified")["n"] == counts["contracts"]:
            print(f"reusing the classes stored in {store.relative_to(ROOT)}", flush=True)
            return None
    return classify_store(store)


def served_store(args: argparse.Namespace) -> tuple[Path, dict | None, dict]:
    """The indicators section's store with its synthetic SIRENE, classified: the store, the classification's
    measurement (None when reused) and its sizes."""
    national = national_file(args.marches, args.seed)
    store = indicators_store(national, args.marches, args.seed)
    reference = synthetic_reference(store, args.sirene_rows, args.seed)
    classification = classify_unless_done(store, reference)
    return store, classification, store_sizes(store)


def web(args: argparse.Namespace) -> dict:
    store, classification, sizes = served_store(args)
    out = WEB_WORK / "result.json"
    out.unlink(missing_ok=True)  # a stale result would hide a run that wrote none
    command = [
        *(sys.executable, "-m", "bench.web", str(store), "--out", str(out)),
        *("--clients", str(args.web_clients), "--requests", str(args.web_requests), "--runs", str(args.runs)),
    ]
    # Not timed as a whole: the child times each request; its progress goes to the terminal.
    done = subprocess.run(command, cwd=ROOT, stdin=subprocess.DEVNULL)
    if done.returncode != 0 or not out.exists():
        raise BenchError(f"{shlex.join(command)} exited with {done.returncode} (logs in {WEB_WORK.relative_to(ROOT)})")
    result = json.loads(out.read_text())
    return {
        "parameters": {
            "marches": args.marches,
            "seed": args.seed,
            "sirene_rows": args.sirene_rows,
            **result.pop("parameters"),
        },
        "store": str(store.relative_to(ROOT)),
        "sizes": sizes,
        "classification": classification,
        **result,
        "targets": web_targets(result["load"], args.web_clients, result["swap"]),
    }


def web_targets(load: dict, clients: int, swap: dict | None = None) -> list[dict]:
    """Median, p95 and errors of each page under load, then of each public page in the window after the swap."""
    measured = [(f"{label}, {clients} concurrent clients", load[page]) for page, label in WEB_PAGES.items()]
    if swap is not None:
        after = swap["windows"]["after"]
        measured += [
            (f"{label}, {swap['after_s']:g} s after a store swap", after[page])
            for page, label in WEB_PAGES.items()
            if page in after
        ]
    rows = []
    for name, summary in measured:
        median, p95, errors = summary["median_ms"], summary["p95_ms"], summary["errors"]
        rows += [
            _target(f"{name}: median", f"< {WEB_TARGET_MS:g} ms", median, " ms", median < WEB_TARGET_MS),
            _target(f"{name}: p95", f"< {WEB_P95_TARGET_MS:g} ms", p95, " ms", p95 < WEB_P95_TARGET_MS),
        ]
        row = _target(f"{name}: errors", "0", errors, "", errors == 0)
        rows.append({**row, "measured": f"{errors} / {summary['requests']:,}"})
    return rows


WEB_HEADERS = [
    "page",
    "clients",
    "requests",
    "errors",
    "median ms",
    "p95 ms",
    "max ms",
    "req/s",
    "server CPU ms/req",
    "client CPU ms/req",
]


def _optional(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _web_rows(result: dict) -> list[list[str]]:
    clients, runs = result["parameters"]["clients"], result["parameters"]["runs"]
    rows = []
    for page, label in WEB_PAGES.items():
        for name, summary in (
            ("1 (sequential)", result["single"][page]),
            (f"{clients}, {runs} run(s)", result["load"][page]),
        ):
            rows.append(
                [
                    label,
                    name,
                    f"{summary['requests']:,}",
                    str(summary["errors"]),
                    f"{summary['median_ms']:.1f}",
                    f"{summary['p95_ms']:.1f}",
                    f"{summary['max_ms']:.1f}",
                    f"{summary['throughput_rps']:.1f}",
                    _optional(summary.get("server_cpu_ms")),
                    _optional(summary.get("client_cpu_ms")),
                ]
            )
    return rows


def _web_runs(result: dict) -> str:
    return "; ".join(
        f"{label}: " + ", ".join(f"{run['median_ms']:.0f}" for run in result["load"][page]["runs"]) + " ms"
        for page, label in WEB_PAGES.items()
    )


def _web_cold(result: dict) -> str:
    cold = result["cold"]
    return (
        f"private dashboard {cold['dashboard']['ms']:,.0f} ms (computes and stores the scheme's "
        f"{result['snapshots']:,} indicator snapshots), then "
        + ", ".join(f"{label} {cold[page]['ms']:,.0f} ms" for page, label in WEB_PAGES.items() if page != "dashboard")
    )


SWAP_HEADERS = ["page", "window", "requests", "errors", "median ms", "p95 ms", "max ms"]


def _swap_rows(swap: dict) -> list[list[str]]:
    rows = []
    for page, label in WEB_PAGES.items():
        for window, pages in swap["windows"].items():
            if page in pages:
                summary = pages[page]
                rows.append(
                    [
                        label,
                        window,
                        f"{summary['requests']:,}",
                        str(summary["errors"]),
                        f"{summary['median_ms']:.1f}",
                        f"{summary['p95_ms']:.1f}",
                        f"{summary['max_ms']:.1f}",
                    ]
                )
    return rows


def _swap_line(swap: dict) -> str:
    return (
        f"the store swapped after {swap['before_s']:g} s of load, in {swap['swap_seconds']:.1f} s; window after it "
        f"{swap['after_s']:g} s"
    )


def _web_warm_up(result: dict) -> str:
    return "; ".join(
        f"{label}: median {result['warm_up'][page]['median_ms']:.0f} ms, max {result['warm_up'][page]['max_ms']:.0f} "
        f"ms, {result['warm_up'][page]['errors']} error(s)"
        for page, label in WEB_PAGES.items()
    )


def _web_errors(result: dict) -> str:
    outcomes = {
        label: result["load"][page]["error_outcomes"] | result["single"][page]["error_outcomes"]
        for page, label in WEB_PAGES.items()
    }
    found = {label: kinds for label, kinds in outcomes.items() if kinds}
    if not found:
        return ""
    return "errors by outcome: " + "; ".join(
        f"{label}: " + ", ".join(f"{kind} × {count}" for kind, count in kinds.items())
        for label, kinds in found.items()
    )


def web_text(result: dict) -> str:
    parameters, scheme, setup = result["parameters"], result["scheme"], result["setup"]
    lines = [
        f"Web: store of {parameters['marches']:,} marchés (seed {parameters['seed']}), "
        f"{parameters['sirene_rows']:,}-row synthetic SIRENE; {result['server']['command']}",
        f"  scheme {scheme['slug']}: {scheme['objectives']} objectives, SIREN {', '.join(scheme['sirens'])}, "
        f"years {scheme['years'][0]}-{scheme['years'][-1]}",
        f"  setup: migrate {setup['migrate']:.1f} s, load_demo {setup['load_demo']:.1f} s, collectstatic "
        f"{setup['collectstatic']:.1f} s, server up in {setup['server_start']:.1f} s",
        f"  cold: {_web_cold(result)}",
        f"  warm-up round ({parameters['clients']} concurrent, not measured): {_web_warm_up(result)}",
        f"  medians of the runs under load: {_web_runs(result)}",
    ]
    errors = _web_errors(result)
    if errors:
        lines.append(f"  {errors}")
    lines += [
        "",
        text_table(WEB_HEADERS, _web_rows(result)),
        "",
        f"Store swap: {_swap_line(result['swap'])}",
        text_table(SWAP_HEADERS, _swap_rows(result["swap"])),
        "",
        text_table(TARGET_HEADERS, _target_rows(result)),
    ]
    return "\n".join(lines)


def web_markdown(result: dict, run: dict) -> str:
    parameters, scheme, setup, machine = result["parameters"], result["scheme"], result["setup"], run["machine"]
    sizes, versions = result["sizes"], result["versions"]
    clients, requests, runs = parameters["clients"], parameters["requests"], parameters["runs"]
    errors = _web_errors(result)
    lines = [
        "## Web",
        "",
        f"Measured {run['date']} with `{run['command']}`" + (f" at commit {run['commit']}." if run["commit"] else "."),
        "",
        f"Machine: {machine['cpu']}, {machine['cpus']} logical CPUs, {machine['ram_gib']:.1f} GiB RAM; "
        f"Python {machine['python']}, DuckDB {machine['duckdb']}, Django {versions['django']}, gunicorn "
        f"{versions['gunicorn']}, httpx {versions['httpx']}. The clients run on the same machine as the server and "
        "share its CPUs.",
        "",
        f"Store: `{result['store']}/` ({sizes['contracts']:,} contracts, {sizes['buyers']:,} buyers; the store of "
        f"the indicators section) with its {parameters['sirene_rows']:,}-row synthetic SIRENE, every contract "
        "classified. Application (`bench/web.py`): a throwaway SQLite database recreated at each run "
        f"(`{WEB_WORK.relative_to(ROOT)}/app.sqlite3`), `config.settings.base` with DEBUG off, `manage.py migrate` "
        f"({setup['migrate']:.1f} s), `manage.py load_demo --store {result['store']}` ({setup['load_demo']:.1f} s), "
        f"`manage.py collectstatic` ({setup['collectstatic']:.1f} s), then `{result['server']['command']}` (as "
        f"`make demo`, on a free loopback port; answering after {setup['server_start']:.1f} s).",
        "",
        f"Scheme: {scheme['title']} (`{scheme['slug']}`, {scheme['organisation']}, fictitious), the published "
        f"demo scheme with the most objectives: {scheme['objectives']} objectives, SIREN "
        f"{', '.join(scheme['sirens'])}, years {scheme['years'][0]} to {scheme['years'][-1]}. Pages: the private "
        f"dashboard `{scheme['dashboard']}`, as its admin logged in through `/compte/connexion/` (every client "
        f"carries that session); without an account, the list of published schemes `{scheme['public_list']}`, the "
        f"public page `{scheme['public']}`, its {len(scheme['drill_downs'])} public drill-downs (every DECP "
        f"objective and year with contracts, `{scheme['drill_downs'][0]}` and the others, each client going round "
        f"them) and its indicators in the API `{scheme['api']}`.",
        "",
        f"Cold, the first request of each page after the start: {_web_cold(result)}. No target.",
        "",
        f"Then a warm-up round per page, {clients} concurrent clients each going once round its paths, not "
        f"measured, so that every worker has rendered each of them ({_web_warm_up(result)}); one client alone "
        f"sending {requests} requests back to back; and "
        f"{runs} run(s) of {clients} concurrent clients (threads, one keep-alive `httpx.Client` each, closed loop "
        f"without think time, {requests} requests each), page after page. Latency is from "
        "sending the request to reading the whole body, at the client; an error is a status other than 200 or an "
        "exception; req/s is the requests over the wall time of the run; CPU per request is the user and system "
        "time of the gunicorn master and workers (server), of the load generator (client), over the run divided by "
        "its requests. Under load, the median, p95, req/s and CPU are the medians over the runs, the max the "
        f"largest, the requests and errors the sums (run medians: {_web_runs(result)}).",
        "",
        markdown_table(WEB_HEADERS, _web_rows(result)),
        "",
        *([errors[0].upper() + errors[1:] + ".", ""] if errors else []),
        f"Store swap: {clients} clients going round the public pages (the list, the scheme page, a drill-down, the "
        f"API), {_swap_line(result['swap'])}. The swap is `spaser decp import`'s: `decp.duckdb` copied under the "
        "store's lock and renamed over the file, so the data version and every cache key change. Requests are "
        "counted in the window in which they were sent: before the swap, during it, after it.",
        "",
        markdown_table(SWAP_HEADERS, _swap_rows(result["swap"])),
        "",
        markdown_table(TARGET_HEADERS, _target_rows(result)),
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# The observatory section


OBSERVATORY_WORK = OUT / "observatory"
OBSERVATORY_TABLES = {
    "obligation_register": "SELECT count(*) FROM obligation_register",
    "series": "SELECT count(*) FROM series",
}
MODES = {
    "warm": "page cache as in production (every worker has rendered the page once)",
    "uncached": "every request a page-cache miss, as the first request of each page after a refresh",
}


def observatory(args: argparse.Namespace) -> dict:
    store, classification, sizes = served_store(args)
    refreshes = []
    for run in range(1, args.runs + 1):
        print(f"spaser observatory refresh, run {run}/{args.runs}", end="", flush=True)
        command = [str(SPASER), "observatory", "refresh", "--store", str(store)]
        measurement, _ = run_measured(command, LOGS / f"observatory-refresh-{run}")
        refreshes.append(measurement)
        print(f" {measurement.seconds:.1f} s, peak RSS {measurement.max_rss_kib / MIB_IN_KIB:,.0f} MiB", flush=True)
    tables = query_in_child(observatory_database_path(store), OBSERVATORY_TABLES, "observatory-tables")
    out = OBSERVATORY_WORK / "result.json"
    out.unlink(missing_ok=True)  # a stale result would hide a run that wrote none
    command = [
        *(sys.executable, "-m", "bench.web", str(store), "--observatory", "--out", str(out)),
        *("--work", str(OBSERVATORY_WORK), "--clients", str(args.observatory_clients)),
        *("--requests", str(args.web_requests), "--runs", str(args.runs)),
    ]
    load_before = os.getloadavg()
    done = subprocess.run(command, cwd=ROOT, stdin=subprocess.DEVNULL)
    if done.returncode != 0 or not out.exists():
        raise BenchError(f"{shlex.join(command)} exited with {done.returncode} (logs in {OBSERVATORY_WORK})")
    result = json.loads(out.read_text())
    refresh = process_summary(refreshes)
    return {
        "parameters": {
            "marches": args.marches,
            "seed": args.seed,
            "sirene_rows": args.sirene_rows,
            **result.pop("parameters"),
        },
        "store": str(store.relative_to(ROOT)),
        "sizes": sizes,
        "classification": classification,
        "tables": tables,
        "load_average": {"before": list(load_before), "after": list(os.getloadavg())},
        "refresh": refresh,
        **result,
        "targets": observatory_targets(refresh, result, args.observatory_clients),
    }


def observatory_targets(refresh: dict, result: dict, clients: int) -> list[dict]:
    """The refresh's median; each page's median (the target: with the page cache), p95 and errors in both modes."""
    median_s = refresh["median_s"]
    rows = [
        _target(
            "observatory refresh, every table",
            f"< {REFRESH_TARGET_S:g} s",
            median_s,
            " s",
            median_s < REFRESH_TARGET_S,
        )
    ]
    for page in OBSERVATORY_PAGES:
        for mode in MODES:
            summary = result[mode][page.name]
            name = f"{page.label}, {clients} clients, {mode}"
            median, p95, errors = summary["median_ms"], summary["p95_ms"], summary["errors"]
            goal = f"< {WEB_TARGET_MS:g} ms" if mode == "warm" else "reported"
            rows += [
                _target(f"{name}: median", goal, median, " ms", median < WEB_TARGET_MS if mode == "warm" else None),
                _target(f"{name}: p95", "reported", p95, " ms", None),
            ]
            row = _target(f"{name}: errors", "0", errors, "", errors == 0)
            rows.append({**row, "measured": f"{errors} / {summary['requests']:,}"})
    return rows


OBSERVATORY_HEADERS = [
    "page",
    "mode",
    "requests",
    "errors",
    "median ms",
    "p95 ms",
    "max ms",
    "req/s",
    "server CPU ms/req",
]


def _observatory_rows(result: dict) -> list[list[str]]:
    rows = []
    for page in OBSERVATORY_PAGES:
        for mode in MODES:
            summary = result[mode][page.name]
            rows.append(
                [
                    page.label,
                    mode,
                    f"{summary['requests']:,}",
                    str(summary["errors"]),
                    f"{summary['median_ms']:.1f}",
                    f"{summary['p95_ms']:.1f}",
                    f"{summary['max_ms']:.1f}",
                    _optional(summary["throughput_rps"]),
                    _optional(summary.get("server_cpu_ms")),
                ]
            )
    return rows


def _refresh_line(refresh: dict) -> str:
    runs = ", ".join(f"{run['seconds']:.1f}" for run in refresh["runs"])
    return (
        f"median {refresh['median_s']:.1f} s over {len(refresh['runs'])} run(s) ({runs} s), peak RSS "
        f"{refresh['peak_rss_mib']:,.0f} MiB"
    )


def _first_requests(result: dict) -> str:
    return ", ".join(f"{page.label} {result['first'][page.name]['ms']:,.0f} ms" for page in OBSERVATORY_PAGES)


def _load_average(result: dict) -> str:
    def triple(values: list[float]) -> str:
        return " / ".join(f"{value:.2f}" for value in values)

    return f"{triple(result['load_average']['before'])} before, {triple(result['load_average']['after'])} after"


def observatory_text(result: dict) -> str:
    return "\n".join(
        [
            f"Observatory: {result['sizes']['contracts']:,} contracts; refresh {_refresh_line(result['refresh'])}",
            f"  tables: {', '.join(f'{name} {rows:,} rows' for name, rows in result['tables'].items())}",
            f"  first request of each page: {_first_requests(result)}",
            f"  load average (1/5/15 min) around the page runs: {_load_average(result)}",
            "",
            text_table(OBSERVATORY_HEADERS, _observatory_rows(result)),
            "",
            text_table(TARGET_HEADERS, _target_rows(result)),
        ]
    )


def observatory_markdown(result: dict, run: dict) -> str:
    parameters, sizes, setup, machine = result["parameters"], result["sizes"], result["setup"], run["machine"]
    clients, requests, runs = parameters["clients"], parameters["requests"], parameters["runs"]
    paths = ", ".join(f"{page.label} `{result['paths'][page.name]}`" for page in OBSERVATORY_PAGES)
    setup_s = setup["migrate"] + setup["load_demo"] + setup["collectstatic"]
    lines = [
        "## Observatory",
        "",
        f"Measured {run['date']} with `{run['command']}`" + (f" at commit {run['commit']}." if run["commit"] else "."),
        "",
        f"Machine: {machine['cpu']}, {machine['cpus']} logical CPUs, {machine['ram_gib']:.1f} GiB RAM; "
        f"Python {machine['python']}, DuckDB {machine['duckdb']}, Django {result['versions']['django']}, gunicorn "
        f"{result['versions']['gunicorn']}. Load average (1, 5, 15 min) around the page runs: "
        f"{_load_average(result)}; the clients share the server's CPUs.",
        "",
        f"Store: `{result['store']}/` ({sizes['contracts']:,} contracts, {sizes['buyers']:,} buyers; the store of "
        f"the indicators section) with its {parameters['sirene_rows']:,}-row synthetic SIRENE.",
        "",
        f"Refresh: `spaser observatory refresh --store {result['store']}` (every table of the observatory rebuilt "
        "into a new `observatory.duckdb`, swapped in), each run in its own process, wall time from spawn to exit, "
        f"peak RSS its own `ru_maxrss`: {_refresh_line(result['refresh'])}. Tables: "
        + ", ".join(f"`{name}` {rows:,} rows" for name, rows in result["tables"].items())
        + ".",
        "",
        f"Pages (`bench/web.py --observatory`, the web section's application and server: "
        f"`manage.py migrate`, `load_demo`, `collectstatic` in {setup_s:.1f} s, "
        f"then `{result['server']['command']}`, served after the refresh): {paths} (the buyer with the most "
        f"contracts in the register, SIREN {result['subject']['siren']}, and its busiest year "
        f"{result['subject']['year']}). First request of each page after the refresh: {_first_requests(result)}.",
        "",
        f"Then, page after page, {runs} run(s) of {clients} concurrent clients ({requests} requests each, closed "
        "loop) in two modes: "
        + "; ".join(f"**{mode}**: {text}" for mode, text in MODES.items())
        + " (a query parameter never sent before; the page ignores it). The 300 ms target applies to the warm "
        "mode, the page cache being part of how production serves these pages; the uncached figures say what "
        "a visitor meets right after a refresh. Median and p95 are medians over the runs.",
        "",
        markdown_table(OBSERVATORY_HEADERS, _observatory_rows(result)),
        "",
        markdown_table(TARGET_HEADERS, _target_rows(result)),
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------
# Sections, report, docs


@dataclass(frozen=True)
class Section:
    name: str  # key in results.json and in the docs markers
    measure: Callable[[argparse.Namespace], dict]
    text: Callable[[dict], str]
    markdown: Callable[[dict, dict], str]
    default_size: Callable[[argparse.Namespace], bool]  # the docs are rewritten after a run at this size


SECTIONS = (
    Section(
        "decp-import",
        decp_import,
        decp_import_text,
        decp_import_markdown,
        lambda args: args.marches == DEFAULT_MARCHES,
    ),
    Section(
        "indicators",
        indicators,
        indicators_text,
        indicators_markdown,
        lambda args: args.marches == DEFAULT_MARCHES and args.sirene_rows == DEFAULT_SIRENE_ROWS,
    ),
    Section(
        "web",
        web,
        web_text,
        web_markdown,
        lambda args: (
            args.marches == DEFAULT_MARCHES
            and args.sirene_rows == DEFAULT_SIRENE_ROWS
            and args.web_clients == WEB_CLIENTS
        ),
    ),
    Section(
        "observatory",
        observatory,
        observatory_text,
        observatory_markdown,
        lambda args: (
            args.marches == DEFAULT_MARCHES
            and args.sirene_rows == DEFAULT_SIRENE_ROWS
            and args.observatory_clients == OBSERVATORY_CLIENTS
        ),
    ),
    Section("publication", *publication_bench.PARTS, lambda args: args.marches == DEFAULT_MARCHES),
    Section("report", report_bench.measure, report_bench.text, report_bench.markdown, report_bench.default_size),
)


def text_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = [headers, ["-" * width for width in widths], *rows]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    )


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    align = ["---"] + ["---:"] * (len(headers) - 1)
    return "\n".join("| " + " | ".join(line) + " |" for line in (headers, align, *rows))


def replace_section(document: str, name: str, body: str) -> str:
    """`document` with the block between the markers of `name` replaced by `body`, or `body` appended."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = f"{start}\n{body.strip()}\n{end}"
    head, found, rest = document.partition(start)
    if found and end in rest:
        return head + block + rest.partition(end)[2]
    return document.rstrip("\n") + "\n\n" + block + "\n"


def write_docs_section(path: Path, name: str, body: str) -> None:
    document = path.read_text() if path.exists() else DOCS_INTRO
    path.write_text(replace_section(document, name, body))


def machine() -> dict:
    return {
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "ram_gib": _meminfo_kib("MemTotal") / (1 << 20),
        "python": platform.python_version(),
        "duckdb": metadata.version("duckdb"),
        "ijson": metadata.version("ijson"),
        "system": platform.platform(),
    }


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("model name", "Model"):
            return value.strip()
    return platform.processor() or "unknown CPU"


def _meminfo_kib(field: str) -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise BenchError(f"/proc/meminfo has no {field}")


def _commit() -> str | None:
    """HEAD, marked when the working tree differs; `--no-optional-locks` keeps git from rewriting the index."""
    git = ["git", "--no-optional-locks"]
    try:
        head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        status = subprocess.run([*git, "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True)
    except OSError:
        return None
    if head.returncode != 0:
        return None
    return head.stdout.strip() + (" with uncommitted changes" if status.stdout.strip() else "")


def previous_results() -> dict:
    try:
        return json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        return {}


def merged_results(previous: dict, latest: dict, only: str) -> dict:
    """After `--only NAME`: the other sections of the previous results kept, each with the run that measured it
    (`runs`; `run` is the latest)."""
    names = [section.name for section in SECTIONS]
    runs = previous.get("runs") or {name: previous["run"] for name in names if name in previous and "run" in previous}
    kept = {name: previous[name] for name in names if name in previous and name != only}
    return {
        "run": latest["run"],
        "runs": {**{name: runs[name] for name in kept if name in runs}, only: latest["run"]},
        **kept,
        only: latest[only],
    }


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description="Benchmarks of spaser.")
    parser.add_argument("--marches", type=int, default=DEFAULT_MARCHES, help="marchés in the synthetic file")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="runs of each method (median reported)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--rss-marches", type=int, default=DEFAULT_RSS_MARCHES, help="marchés in the RSS file")
    parser.add_argument("--skip-rss", action="store_true", help="skip the RSS check on the large file")
    parser.add_argument(
        "--sirene-rows", type=int, default=DEFAULT_SIRENE_ROWS, help="rows of the synthetic SIRENE (indicators)"
    )
    parser.add_argument("--web-clients", type=int, default=WEB_CLIENTS, help="concurrent clients of the web section")
    parser.add_argument(
        "--web-requests", type=int, default=WEB_REQUESTS, help="requests of each web client in each run"
    )
    parser.add_argument(
        "--observatory-clients",
        type=int,
        default=OBSERVATORY_CLIENTS,
        help="concurrent clients of the observatory section",
    )
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md whatever the size")
    parser.add_argument("--only", choices=[section.name for section in SECTIONS], help="run this section alone")
    args = parser.parse_args(argv)
    sizes = (args.marches, args.runs, args.rss_marches, args.sirene_rows, args.web_clients, args.web_requests)
    if min(*sizes, args.observatory_clients) < 1:
        parser.error(
            "--marches, --runs, --rss-marches, --sirene-rows, --web-clients, --web-requests and "
            "--observatory-clients must be at least 1"
        )
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    run = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": shlex.join(["python", "-m", "bench.run", *argv]),
        "commit": _commit(),
        "machine": machine(),
    }
    results: dict = {"run": run}
    sections = [section for section in SECTIONS if args.only in (None, section.name)]
    try:
        for section in sections:
            results[section.name] = section.measure(args)
    except BenchError as error:
        print(f"\nbench: {error}", file=sys.stderr)
        return 1
    if args.only:
        results = merged_results(previous_results(), results, args.only)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    written = []
    for section in sections:
        print("\n" + section.text(results[section.name]))
        if args.write_docs or section.default_size(args):
            write_docs_section(DOCS, section.name, section.markdown(results[section.name], run))
            written.append(section.name)
    print(f"\nresults: {RESULTS.relative_to(ROOT)}")
    docs = os.path.relpath(DOCS, ROOT)
    print(f"docs: {docs} updated ({', '.join(written)})" if written else "docs: not updated (not the default size)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
