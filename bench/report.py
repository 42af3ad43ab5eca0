"""The report section of the benchmark: the PDF steering report of a scheme with 10 objectives, on the bench store.

`python -m bench.report STORE --out RESULT.json [--runs 3]`, run by `python -m bench.run --only report` (which builds
or reuses STORE as the indicators section does):

1. a throwaway app database `bench/out/report/app.sqlite3`, recreated at every run, the production settings
   (`config.settings.base`, DEBUG off, `SPASER_STORE_DIR=STORE`, plain HTTP), `migrate`, `collectstatic` and
   `load_demo`: the demo organisations and schemes, from the busiest buyers of the store (read only: nothing is
   written to STORE);
2. the published fictitious scheme with the most objectives, topped up to OBJECTIVES objectives with catalogue
   indicators it does not use yet, each with a baseline and a final target;
3. its public PDF report of the last year of its period, through Django's test client (the whole view: report
   data, template, WeasyPrint): cold (the scheme's indicator snapshots computed on the store first, as the first
   dashboard after a store swap), then `runs` times with the snapshots in place and the PDF cache emptied (the
   report's own work: the target), then once from the cache. Each PDF is read back with pypdf (pages, the title).
"""

import argparse
import io
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "out" / "report"
OBJECTIVES = 10
TARGET_S = 5.0
DEFAULT_RUNS = 3


def measure(args: argparse.Namespace) -> dict:
    """The section's entry in bench/run.py: the child process on the indicators section's store."""
    import subprocess  # noqa: PLC0415 (bench.run imports this module: its helpers are read at call time)

    from bench.run import BenchError, classify_unless_done, indicators_store, national_file, synthetic_reference  # noqa: PLC0415

    national = national_file(args.marches, args.seed)
    store = indicators_store(national, args.marches, args.seed)
    classify_unless_done(store, synthetic_reference(store, args.sirene_rows, args.seed))
    out = WORK / "result.json"
    out.unlink(missing_ok=True)  # a stale result would hide a run that wrote none
    command = [sys.executable, "-m", "bench.report", str(store), "--out", str(out), "--runs", str(args.runs)]
    done = subprocess.run(command, cwd=ROOT, stdin=subprocess.DEVNULL)
    if done.returncode != 0 or not out.exists():
        raise BenchError(f"{' '.join(command)} exited with {done.returncode}")
    result = json.loads(out.read_text())
    return {"parameters": {"marches": args.marches, "seed": args.seed}, **result, "targets": targets(result)}


def targets(result: dict) -> list[dict]:
    warm = result["warm_median_s"]
    return [
        {
            "name": f"PDF report of a scheme with {result['scheme']['objectives']} objectives (snapshots computed)",
            "goal": f"< {TARGET_S:g} s",
            "value": warm,
            "measured": f"{warm:.2f} s",
            "status": "PASS" if warm < TARGET_S else "FAIL",
        }
    ]


def text(result: dict) -> str:
    scheme = result["scheme"]
    lines = [
        f"PDF steering report: {scheme['title']} ({scheme['objectives']} objectives, {result['pages']} pages, "
        f"{result['bytes'] / 1000:,.0f} kB)",
        f"  cold (snapshots computed first): {result['cold_s']:.2f} s ({result['cold_cpu_s']:.2f} s CPU)",
        f"  warm runs: {', '.join(f'{s:.2f}' for s in result['warm_s'])} s (median {result['warm_median_s']:.2f} s); "
        f"CPU {', '.join(f'{s:.2f}' for s in result['warm_cpu_s'])} s",
        f"  from the cache: {result['cached_s'] * 1000:.0f} ms",
    ]
    lines += [f"  {t['name']}: {t['measured']} ({t['goal']}) {t['status']}" for t in result["targets"]]
    return "\n".join(lines)


def markdown(result: dict, run: dict) -> str:
    scheme = result["scheme"]
    rows = "\n".join(f"| {t['name']} | {t['goal']} | {t['measured']} | {t['status']} |" for t in result["targets"])
    return "\n".join(
        [
            "## PDF steering report",
            "",
            f"Measured on {run['date']} ({run['machine']['cpus']} CPUs), `python -m bench.run --only report` "
            "(`bench/report.py`): the public PDF report of the last year of the published demo scheme with the most "
            f"objectives, topped up to {scheme['objectives']} objectives ({scheme['title']}, SIREN "
            f"{', '.join(scheme['sirens'])}), on the indicators section's store of "
            f"{result['parameters']['marches']:,} marchés, through the whole view. The PDF has {result['pages']} "
            f"pages ({result['bytes'] / 1000:,.0f} kB).",
            "",
            f"Cold (the scheme's indicator snapshots computed on the store first): {result['cold_s']:.2f} s "
            f"({result['cold_cpu_s']:.2f} s CPU). With the snapshots in place and the PDF cache emptied, "
            f"{len(result['warm_s'])} runs: {', '.join(f'{s:.2f}' for s in result['warm_s'])} s (CPU time of the "
            f"process: {', '.join(f'{s:.2f}' for s in result['warm_cpu_s'])} s; the difference is time spent "
            f"waiting for a CPU). From the PDF cache: {result['cached_s'] * 1000:.0f} ms.",
            "",
            "| Target | Goal | Measured | Status |",
            "| --- | --- | ---: | --- |",
            rows,
        ]
    )


def default_size(args: argparse.Namespace) -> bool:
    from bench.run import DEFAULT_MARCHES  # noqa: PLC0415

    return args.marches == DEFAULT_MARCHES


# ---------------------------------------------------------------------------------------------------------------
# The child process


def setup(store: Path) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        (WORK / f"app.sqlite3{suffix}").unlink(missing_ok=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": f"sqlite:///{(WORK / 'app.sqlite3').resolve()}",
            "SPASER_STORE_DIR": str(store.resolve()),
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_HTTPS": "false",
        }
    )
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    from spaser.plans.demo import load_demo  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the hashed names the production pages link
    load_demo(store)


def ten_objectives():
    """The published fictitious scheme with the most objectives, topped up to OBJECTIVES."""
    from django.db.models import Count  # noqa: PLC0415

    from spaser.indicators.catalogue import CATALOGUE  # noqa: PLC0415
    from spaser.plans.models import Engagement, Objective, Scheme, Target  # noqa: PLC0415
    from spaser.plans.steering import scheme_objectives  # noqa: PLC0415

    scheme = (
        Scheme.objects.published()
        .filter(organisation__fictitious=True)
        .annotate(objectives=Count("axes__engagements__objectives", distinct=True))
        .order_by("-objectives", "pk")
        .first()
    )
    used = set(scheme_objectives(scheme).values_list("indicator_code", flat=True))
    engagements = list(Engagement.objects.filter(axis__scheme=scheme))
    spare = [indicator for indicator in CATALOGUE if indicator.code not in used]
    for index in range(OBJECTIVES - scheme_objectives(scheme).count()):
        indicator = spare[index]
        objective = Objective.objects.create(
            engagement=engagements[index % len(engagements)],
            title=f"Suivre {indicator.label[0].lower()}{indicator.label[1:]}",
            indicator_code=indicator.code,
            baseline_year=scheme.start_year,
            baseline_value=10 if indicator.unit == "%" else 5,
            deadline_year=scheme.end_year,
        )
        Target.objects.create(objective=objective, year=scheme.end_year, value=40 if indicator.unit == "%" else 20)
    scheme.touch()
    return scheme


def timed_pdf(client, url: str) -> tuple[float, float, bytes]:
    """Wall time, CPU time of this process (every thread: the view, DuckDB, WeasyPrint) and the PDF. On a shared
    machine the two differ by the time the process waited for a CPU."""
    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    if response.status_code != 200 or response["Content-Type"] != "application/pdf":
        raise SystemExit(f"{url}: {response.status_code} {response.content[:500]!r}")
    return seconds, cpu_seconds, response.content


def run(store: Path, runs: int) -> dict:
    setup(store)
    import pypdf  # noqa: PLC0415
    from django.core.cache import cache  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    from spaser.plans.steering import scheme_objectives, scheme_sirens  # noqa: PLC0415

    scheme = ten_objectives()
    url = reverse("public:report_pdf", args=[scheme.slug, scheme.end_year])
    client = Client()
    cache.clear()
    cold, cold_cpu, _ = timed_pdf(client, url)
    warm, warm_cpu = [], []
    for number in range(1, runs + 1):
        cache.clear()
        seconds, cpu_seconds, document = timed_pdf(client, url)
        print(f"report: warm run {number}/{runs}: {seconds:.2f} s ({cpu_seconds:.2f} s CPU)", file=sys.stderr)
        warm.append(seconds)
        warm_cpu.append(cpu_seconds)
    cached, _, _ = timed_pdf(client, url)
    reader = pypdf.PdfReader(io.BytesIO(document))
    if scheme.title not in reader.metadata.title:
        raise SystemExit(f"the PDF's title is {reader.metadata.title!r}")
    return {
        "scheme": {
            "title": scheme.title,
            "slug": scheme.slug,
            "objectives": scheme_objectives(scheme).count(),
            "sirens": list(scheme_sirens(scheme)),
            "year": scheme.end_year,
        },
        "url": url,
        "pages": len(reader.pages),
        "bytes": len(document),
        "cold_s": cold,
        "cold_cpu_s": cold_cpu,
        "warm_s": warm,
        "warm_cpu_s": warm_cpu,
        "warm_median_s": statistics.median(warm),
        "cached_s": cached,
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    args = parser.parse_args()
    args.out.write_text(json.dumps(run(args.store, args.runs), indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
