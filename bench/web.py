"""The web section of the benchmark: a scheme's pages served by gunicorn under load, and during a store swap.

`python -m bench.web STORE --out RESULT.json [--clients 50] [--requests 20] [--runs 3]`, run by
`python -m bench.run --only web` (which builds or reuses STORE and its synthetic SIRENE first):

1. a throwaway app database `bench/out/web/app.sqlite3`, recreated at every run, and the platform's settings from
   the environment (`config.settings.base`, DEBUG off, `SPASER_STORE_DIR=STORE`, a random secret key, the loopback
   hosts, and `DJANGO_HTTPS=false` since gunicorn serves plain HTTP on the loopback: no redirect, cookies over
   HTTP): `manage.py migrate`, `manage.py load_demo --store STORE` (the demo organisations, logins and published
   schemes, from the busiest buyers of the store), `manage.py collectstatic`;
2. gunicorn started as `make demo` starts it (`gunicorn config.wsgi --workers 2 --threads 8 --access-logfile -`) on a
   free loopback port, stopped (SIGTERM, then SIGKILL) whatever happens;
3. the published fictitious scheme with the most objectives, its admin logged in (`/compte/connexion/`, CSRF token
   and credentials; the session cookie is given to every client of the private dashboard; the public pages are read
   without an account, as the public reads them). Pages (PAGES): the private dashboard, the list of published
   schemes, the scheme's public page, its public drill-downs (every DECP objective and year with contracts, the
   clients going round them) and its indicators in the API;
4. cold: the first request of each page (the dashboard computes the scheme's indicator snapshots on the store); a
   warm-up round (each client going once round the paths of the page, not measured, so that every worker has
   rendered each of them); one client alone, sequential requests; then, `runs` times, `clients` concurrent
   clients (threads, one keep-alive `httpx.Client` each), closed loop without think time, `requests` requests
   each, page after page;
5. the swap: `clients` clients going round the public pages for SWAP_BEFORE_S seconds, then the store's
   `decp.duckdb` is rebuilt and swapped in as `spaser decp import` does (a copy under the store's lock, renamed over
   the file: a new data version, every cache key changes), and the clients go on for SWAP_AFTER_S seconds. Latencies
   are split by when the request started: before the swap, during it (the copy), and in the window after it.

`python -m bench.web STORE --out RESULT.json --observatory [--clients 20]` (run by `python -m bench.run --only
observatory`, after the refresh it times) serves the observatory's public pages (OBSERVATORY_PAGES) the same way:
the first request of each, then under load with the page cache as production runs it (warm: every worker has
rendered the page once) and with every request a cache miss (uncached: a query string never sent before, as the
first request of each page after a refresh).

Every latency and status is kept; an error is a status other than 200 or an exception. The result (JSON) goes to
`--out`; progress goes to the standard error.
"""

import argparse
import json
import os
import secrets
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from itertools import count
from pathlib import Path

import duckdb
import httpx

from spaser.analytics.files import rebuilding_database
from spaser.decp.store import DATABASE_NAME
from spaser.observatory.store import database_path as observatory_path


ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "out" / "web"
GUNICORN = Path(sys.executable).with_name("gunicorn")
SETTINGS = "config.settings.base"
LOGIN_PATH = "/compte/connexion/"
WORKERS = 2  # as `make demo`
THREADS = 8
DEFAULT_CLIENTS = 50
DEFAULT_REQUESTS = 20
DEFAULT_RUNS = 3
SWAP_BEFORE_S = 10.0
SWAP_AFTER_S = 15.0
REQUEST_TIMEOUT_S = 120.0  # the cold request computes the snapshots on the store
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0
PAGES = ("dashboard", "public-list", "public", "public-drill-down", "api")
SWAP_PAGES = PAGES[1:]  # what the public reads
SWAP_WINDOWS = ("before", "during", "after")
EXPECTED = {  # a text each page must hold: a login page or an error page would not
    "dashboard": "Tableau de bord",
    "public-list": "SPASER publiés",
    "public": "SPASER publié",
    "public-drill-down": "Marchés notifiés en",
    "api": '"objectives"',
}


DEFAULT_OBSERVATORY_CLIENTS = 20  # the observatory's target: 20 concurrent clients


@dataclass(frozen=True)
class ObservatoryPage:
    name: str
    label: str
    path: str  # `{siren}` and `{year}`: the register's buyer with the most contracts, and its busiest year
    expect: str  # a text the page must hold


# One line a page: the observatory section measures each of them.
OBSERVATORY_PAGES = (
    ObservatoryPage("home", "observatory home", "/observatoire/", "Observatoire des SPASER"),
    ObservatoryPage("directory", "directory", "/observatoire/annuaire/", "Annuaire des SPASER"),
    ObservatoryPage("series", "national series", "/observatoire/indicateurs/", "Données DECP du"),
    ObservatoryPage("obligation", "obligation register", "/observatoire/obligation/", "Registre des acheteurs"),
    ObservatoryPage(
        "obligation-year", "register, one year", "/observatoire/obligation/?annee={year}", "Registre des acheteurs"
    ),
    ObservatoryPage("profile", "buyer profile", "/observatoire/acheteurs/{siren}/", "Données DECP du"),
)
BUSIEST_BUYER = """
SELECT siren, year FROM obligation_register WHERE contracts > 0 ORDER BY contracts DESC, siren, year LIMIT 1
"""
# Every uncached request gets its own query string: the page cache keys pages by their full path.
UNCACHED = count()


class WebBenchError(Exception):
    pass


def log(message: str, end: str = "\n") -> None:
    print(message, end=end, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------------
# Statistics (pure)


@dataclass(frozen=True)
class Sample:
    seconds: float
    status: int | None  # None when the request raised
    error: str | None = None  # the exception's class name
    start: float = 0.0  # perf_counter when the request was sent
    page: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def outcome(self) -> str:
        return str(self.status) if self.status is not None else self.error or "exception"


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` quantile (0 to 1) by linear interpolation between the closest ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction {fraction} outside [0, 1]")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarise(samples: list[Sample], seconds: float) -> dict:
    """Latencies of every request (errors included: a slow error is slow), errors by outcome, throughput."""
    if not samples:
        raise ValueError("no requests to summarise")
    latencies = [sample.seconds * 1000 for sample in samples]
    errors = Counter(sample.outcome for sample in samples if not sample.ok)
    return {
        "requests": len(samples),
        "errors": sum(errors.values()),
        "error_outcomes": dict(sorted(errors.items())),
        "seconds": seconds,
        "throughput_rps": len(samples) / seconds if seconds > 0 else None,
        "median_ms": statistics.median(latencies),
        "p95_ms": percentile(latencies, 0.95),
        "min_ms": min(latencies),
        "max_ms": max(latencies),
    }


def combine_runs(runs: list[dict]) -> dict:
    """Over the runs: the median of the medians, of the p95 and of the throughputs; the largest max; all errors."""
    if not runs:
        raise ValueError("no runs to combine")
    throughputs = [run["throughput_rps"] for run in runs if run["throughput_rps"] is not None]
    outcomes: Counter = Counter()
    for run in runs:
        outcomes.update(run["error_outcomes"])
    return {
        "runs": runs,
        "requests": sum(run["requests"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
        "error_outcomes": dict(sorted(outcomes.items())),
        "median_ms": statistics.median(run["median_ms"] for run in runs),
        "p95_ms": statistics.median(run["p95_ms"] for run in runs),
        "max_ms": max(run["max_ms"] for run in runs),
        "throughput_rps": statistics.median(throughputs) if throughputs else None,
        **{key: _median_of(runs, key) for key in ("server_cpu_ms", "client_cpu_ms")},
    }


def _median_of(runs: list[dict], key: str) -> float | None:
    values = [run[key] for run in runs if run.get(key) is not None]
    return statistics.median(values) if values else None


# ---------------------------------------------------------------------------------------------------------------
# The application: database, demo data, static files, gunicorn


def app_environment(work: Path, store: Path) -> dict[str, str]:
    """The environment of every `manage.py` call and of gunicorn: the throwaway database, the store, DEBUG off,
    the production settings with what they require, over plain HTTP."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": f"sqlite:///{(work / 'app.sqlite3').resolve()}",
        "SPASER_STORE_DIR": str(store.resolve()),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_HTTPS": "false",
        "PYTHONUNBUFFERED": "1",
    }


def fresh_database(work: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        (work / f"app.sqlite3{suffix}").unlink(missing_ok=True)


def manage(env: dict, args: list[str], work: Path, label: str) -> tuple[float, str]:
    """`manage.py ARGS` to its end; its wall time and standard output (both streams also kept in WORK)."""
    command = [sys.executable, "manage.py", *args]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    (work / f"{label}.out").write_text(done.stdout)
    (work / f"{label}.err").write_text(done.stderr)
    if done.returncode != 0:
        raise WebBenchError(f"{shlex.join(command)} exited with {done.returncode}:\n{done.stderr[-2000:]}")
    return seconds, done.stdout


SCHEME_QUERY = """
import json
from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from spaser.indicators.readers import SHARED_STORES
from spaser.organisations.models import Membership, Role
from spaser.plans.demo import DEMO_PASSWORD
from spaser.plans.models import Scheme
from spaser.plans.steering import scheme_objectives, scheme_sirens, scheme_years
scheme = (
    Scheme.objects.published().filter(organisation__fictitious=True)
    .annotate(objectives=Count("axes__engagements__objectives", distinct=True))
    .order_by("-objectives", "pk").first()
)
admin = (
    Membership.objects.filter(organisation=scheme.organisation, role=Role.ADMIN)
    .select_related("user").order_by("user__email").first()
) if scheme else None
with SHARED_STORES.reading(settings.SPASER_STORE_DIR) as (connection, _):
    stored = {row[0] for row in connection.execute("SELECT DISTINCT annee_notification FROM contracts").fetchall()}
drill_downs = [
    reverse("public:contracts", args=[scheme.slug, pk, year])
    for pk in scheme_objectives(scheme).filter(manual_indicator=None).order_by("pk").values_list("pk", flat=True)
    for year in scheme_years(scheme) if year in stored
] if scheme else []
print(json.dumps(None if scheme is None or admin is None or not drill_downs else {
    "pk": scheme.pk, "slug": scheme.slug, "title": scheme.title, "organisation": scheme.organisation.name,
    "objectives": scheme.objectives, "sirens": list(scheme_sirens(scheme)), "years": list(scheme_years(scheme)),
    "dashboard": f"/espace/spaser/{scheme.pk}/pilotage/", "public": scheme.public_url(),
    "public_list": reverse("public:schemes"), "drill_downs": drill_downs,
    "api": reverse("api:indicators", args=[scheme.slug]), "admin": admin.user.email, "password": DEMO_PASSWORD,
}))
"""

SNAPSHOT_QUERY = """
from spaser.plans.models import IndicatorSnapshot
print(IndicatorSnapshot.objects.count())
"""


def prepare(env: dict, store: Path, work: Path) -> dict:
    """Migrate a fresh database, load the demo from the store, collect the static files; the time of each."""
    fresh_database(work)
    timings = {}
    steps = {
        "migrate": ["migrate", "--noinput", "-v0"],
        "load_demo": ["load_demo", "--store", str(store)],
        "collectstatic": ["collectstatic", "--noinput", "-v0"],
    }
    for label, args in steps.items():
        log(f"  manage.py {shlex.join(args)}", end="")
        timings[label], _ = manage(env, args, work, label)
        log(f" {timings[label]:.1f} s")
    return timings


def chosen_scheme(env: dict, work: Path) -> dict:
    _, stdout = manage(env, ["shell", "-c", SCHEME_QUERY], work, "scheme")
    scheme = json.loads(stdout.strip().splitlines()[-1])
    if scheme is None:
        raise WebBenchError("load_demo left no published fictitious scheme with an admin and a DECP objective")
    return scheme


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_command(port: int) -> list[str]:
    """`make demo`'s gunicorn command, on another port."""
    return [
        str(GUNICORN),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--threads",
        str(THREADS),
        "--access-logfile",
        "-",
    ]


class Server:
    """gunicorn in its own process group, stopped on leaving the block (SIGTERM to the master, then SIGKILL)."""

    def __init__(self, env: dict, work: Path):
        self.env, self.work = env, work
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.command = server_command(self.port)
        self.process: subprocess.Popen | None = None
        self.start_seconds: float | None = None

    def __enter__(self) -> "Server":
        out = (self.work / "gunicorn.out").open("wb")
        err = (self.work / "gunicorn.err").open("wb")
        start = time.perf_counter()
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
            start_new_session=True,
        )  # fmt: skip
        out.close()
        err.close()
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.perf_counter() - start
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = (self.work / "gunicorn.err").read_text(errors="replace")[-2000:]
                raise WebBenchError(f"gunicorn exited with {self.process.returncode}:\n{tail}")
            try:
                if httpx.get(self.base_url + "/", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise WebBenchError(f"gunicorn did not answer on {self.base_url} within {START_TIMEOUT_S:g} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # the master stops its workers gracefully
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # the group this run started, workers included
            self.process.wait()

    def __exit__(self, *exc) -> None:
        self.stop()


# ---------------------------------------------------------------------------------------------------------------
# Clients


def login(base_url: str, email: str, password: str) -> dict[str, str]:
    """The cookies of a session logged in through the login form (CSRF token from the form's GET)."""
    with httpx.Client(base_url=base_url, timeout=REQUEST_TIMEOUT_S) as client:
        form = client.get(LOGIN_PATH)
        token = client.cookies.get("csrftoken")
        if form.status_code != 200 or not token:
            raise WebBenchError(f"GET {LOGIN_PATH}: status {form.status_code}, CSRF cookie {token!r}")
        answer = client.post(
            LOGIN_PATH,
            data={"csrfmiddlewaretoken": token, "username": email, "password": password},
            headers={"Referer": base_url + LOGIN_PATH},
        )
        session = client.cookies.get("sessionid")
        if answer.status_code != 302 or not session:
            raise WebBenchError(f"POST {LOGIN_PATH} as {email}: status {answer.status_code}, no session cookie")
        return {"sessionid": session, "csrftoken": client.cookies.get("csrftoken")}


def timed_get(client: httpx.Client, path: str, page: str = "") -> tuple[Sample, httpx.Response | None]:
    start = time.perf_counter()
    try:
        response = client.get(path)
    except Exception as error:  # an error of the run, counted
        return Sample(time.perf_counter() - start, None, type(error).__name__, start, page), None
    return Sample(time.perf_counter() - start, response.status_code, None, start, page), response


def client_for(base_url: str, cookies: dict[str, str] | None) -> httpx.Client:
    return httpx.Client(base_url=base_url, cookies=cookies, timeout=REQUEST_TIMEOUT_S, follow_redirects=False)


def cold(base_url: str, path: str, cookies: dict | None, expect: str) -> dict:
    """The first request of a page; it must answer 200 with the page (a login redirect would be a 302)."""
    with client_for(base_url, cookies) as client:
        sample, response = timed_get(client, path)
    if not sample.ok or expect not in response.text:
        raise WebBenchError(f"first GET {path}: {sample.outcome}, page {'found' if response else 'missing'}")
    return {"ms": sample.seconds * 1000, "status": sample.status, "bytes": len(response.content)}


def nth_path(paths: list[str], client: int, request: int) -> str:
    """Clients go round the paths of a page, each from its own starting point."""
    return paths[(client + request) % len(paths)]


def uncached(path: str) -> str:
    """`path` with a query parameter never sent before: a miss of the page cache, which the page ignores."""
    return f"{path}{'&' if '?' in path else '?'}sans-cache={next(UNCACHED)}"


def load(
    base_url: str, paths: list[str], cookies: dict | None, clients: int, requests: int, cached: bool = True
) -> tuple[list[Sample], float]:
    """`clients` threads, one keep-alive client each, `requests` GETs each back to back; released together; with
    `cached` false, every request misses the page cache.

    Returns every sample and the wall time from the release to the last answer."""

    def work(index: int, client: httpx.Client, samples: list[Sample], _stop: threading.Event) -> None:
        for request in range(requests):
            path = nth_path(paths, index, request)
            samples.append(timed_get(client, path if cached else uncached(path))[0])

    samples, seconds = run_clients(base_url, cookies, clients, work, lambda: None)
    return samples, seconds


def run_clients(
    base_url: str,
    cookies: dict | None,
    clients: int,
    work: Callable[[int, httpx.Client, list[Sample], threading.Event], None],
    conduct: Callable[[], None],
) -> tuple[list[Sample], float]:
    """`clients` threads released together, each running `work` with its own keep-alive client; `conduct` runs in
    this thread meanwhile, then the event tells the clients to stop. Every sample and the wall time."""
    barrier = threading.Barrier(clients + 1)
    stop = threading.Event()
    per_client: list[list[Sample]] = [[] for _ in range(clients)]
    failures: list[BaseException] = []

    def thread_main(index: int) -> None:
        try:
            with client_for(base_url, cookies) as client:
                barrier.wait()
                work(index, client, per_client[index], stop)
        except BaseException as error:  # noqa: BLE001 - reported after the join
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=thread_main, args=(index,), daemon=True) for index in range(clients)]
    for thread in threads:
        thread.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError as error:
        raise WebBenchError(f"a client could not start: {failures}") from error
    start = time.perf_counter()
    try:
        conduct()
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    seconds = time.perf_counter() - start
    if failures:
        raise WebBenchError(f"a client failed: {failures[0]!r}")
    return [sample for samples in per_client for sample in samples], seconds


@dataclass(frozen=True)
class Swap:
    start: float  # perf_counter when the swap began
    end: float  # when the new store was in place
    after_s: float  # the window measured after it


def mixed_load_with_swap(
    base_url: str, paths: dict[str, list[str]], clients: int, before_s: float, after_s: float, swap: Callable[[], None]
) -> tuple[list[Sample], Swap]:
    """`clients` clients going round the pages (each page then its paths) until `after_s` seconds after `swap`,
    which runs `before_s` seconds after they start."""
    pages = list(paths)
    times: dict[str, float] = {}

    def work(index: int, client: httpx.Client, samples: list[Sample], stop: threading.Event) -> None:
        request = 0
        while not stop.is_set():
            page = pages[(index + request) % len(pages)]
            samples.append(timed_get(client, nth_path(paths[page], index, request // len(pages)), page)[0])
            request += 1

    def conduct() -> None:
        time.sleep(before_s)
        times["start"] = time.perf_counter()
        swap()
        times["end"] = time.perf_counter()
        time.sleep(after_s)

    samples, _ = run_clients(base_url, None, clients, work, conduct)
    return samples, Swap(times["start"], times["end"], after_s)


def swap_windows(samples: list[Sample], swap: Swap) -> dict[str, dict[str, dict]]:
    """{window: {page: summary}} of the requests sent before the swap, during it, and in the window after it;
    a page without a request in a window is left out of it."""
    first = min((sample.start for sample in samples), default=swap.start)
    bounds = {
        "before": (first, swap.start),
        "during": (swap.start, swap.end),
        "after": (swap.end, swap.end + swap.after_s),
    }
    windows: dict[str, dict[str, dict]] = {}
    for window, (low, high) in bounds.items():
        pages: dict[str, list[Sample]] = {}
        for sample in samples:
            if low <= sample.start < high:
                pages.setdefault(sample.page, []).append(sample)
        windows[window] = {page: summarise(found, high - low) for page, found in pages.items()}
    return windows


def swap_store(store: Path) -> None:
    """A new `decp.duckdb` swapped in as `spaser decp import` swaps it: copied under the lock, renamed over."""
    with rebuilding_database(store, DATABASE_NAME, ".work"):
        pass


def process_cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process, all its threads (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime: fields 14 and 15


def server_cpu_seconds(master: int) -> float | None:
    """CPU time of the gunicorn master and its workers so far; None where /proc cannot tell."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return sum(process_cpu_seconds(pid) for pid in [master, *map(int, children)])
    except (OSError, ValueError, IndexError):
        return None


def client_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def measured(label: str, run: Callable[[], tuple[list[Sample], float]], server: "Server") -> dict:
    """A run summarised, with the CPU the server and this load generator spent on it, per request."""
    log(f"  {label}", end="")
    server_before, client_before = server_cpu_seconds(server.process.pid), client_cpu_seconds()
    summary = summarise(*run())
    server_after, client_after = server_cpu_seconds(server.process.pid), client_cpu_seconds()
    per_request = 1000 / summary["requests"]
    summary["client_cpu_ms"] = (client_after - client_before) * per_request
    summary["server_cpu_ms"] = (
        None if server_before is None or server_after is None else (server_after - server_before) * per_request
    )
    server_cpu = "" if summary["server_cpu_ms"] is None else f", server CPU {summary['server_cpu_ms']:.1f} ms/req"
    log(
        f": median {summary['median_ms']:.1f} ms, p95 {summary['p95_ms']:.1f} ms, max {summary['max_ms']:.1f} ms, "
        f"{summary['throughput_rps']:.1f} req/s, {summary['errors']} error(s) / {summary['requests']}{server_cpu}, "
        f"client CPU {summary['client_cpu_ms']:.1f} ms/req"
    )
    return summary


# ---------------------------------------------------------------------------------------------------------------
# The whole measurement


def measure(store: Path, work: Path, clients: int, requests: int, runs: int) -> dict:
    env = app_environment(work, store)
    log(f"web: app database {work / 'app.sqlite3'}, store {store}")
    setup = prepare(env, store, work)
    scheme = chosen_scheme(env, work)
    log(f"  scheme {scheme['slug']} ({scheme['objectives']} objectives, SIREN {', '.join(scheme['sirens'])})")
    paths = {
        "dashboard": [scheme["dashboard"]],
        "public-list": [scheme["public_list"]],
        "public": [scheme["public"]],
        "public-drill-down": scheme["drill_downs"],
        "api": [scheme["api"]],
    }
    with Server(env, work) as server:
        log(f"  {shlex.join(server.command)} up in {server.start_seconds:.1f} s")
        setup["server_start"] = server.start_seconds
        command = shlex.join(["gunicorn", *server.command[1:]])
        base = server.base_url
        session = login(base, scheme["admin"], scheme.pop("password"))
        cookies = {page: session if page == "dashboard" else None for page in PAGES}
        first = {}
        for page in PAGES:
            log(f"  cold {page} {paths[page][0]}", end="")
            first[page] = cold(base, paths[page][0], cookies[page], EXPECTED[page])
            log(f" {first[page]['ms']:.0f} ms, {first[page]['bytes']:,} bytes")
        # Each client goes round every path of the page: each worker then has them all cached.
        warm_up = {
            page: summarise(*load(base, paths[page], cookies[page], clients, len(paths[page]))) for page in PAGES
        }
        single = {
            page: measured(
                f"single client, {page}",
                lambda page=page: load(base, paths[page], cookies[page], 1, requests),
                server,
            )
            for page in PAGES
        }
        under_load: dict[str, list[dict]] = {page: [] for page in PAGES}
        for run in range(1, runs + 1):
            for page in PAGES:
                under_load[page].append(
                    measured(
                        f"run {run}/{runs}, {clients} clients, {page}",
                        lambda page=page: load(base, paths[page], cookies[page], clients, requests),
                        server,
                    )
                )
        swap = measured_swap(base, {page: paths[page] for page in SWAP_PAGES}, clients, store)
    _, snapshots = manage(env, ["shell", "-c", SNAPSHOT_QUERY], work, "snapshots")
    return {
        "parameters": {"clients": clients, "requests": requests, "runs": runs, "workers": WORKERS, "threads": THREADS},
        "server": {"command": command},
        "versions": {name: metadata.version(name) for name in ("django", "gunicorn", "httpx")},
        "setup": setup,
        "scheme": scheme,
        "snapshots": int(snapshots.strip().splitlines()[-1]),
        "cold": first,
        "warm_up": warm_up,
        "single": single,
        "load": {page: combine_runs(under_load[page]) for page in PAGES},
        "swap": swap,
    }


def measured_swap(base: str, paths: dict[str, list[str]], clients: int, store: Path) -> dict:
    log(f"  swap: {clients} clients on {', '.join(paths)}; the store swapped after {SWAP_BEFORE_S:g} s", end="")
    samples, swap = mixed_load_with_swap(base, paths, clients, SWAP_BEFORE_S, SWAP_AFTER_S, lambda: swap_store(store))
    windows = swap_windows(samples, swap)
    log(f", in {swap.end - swap.start:.1f} s")
    for window, pages in windows.items():
        for page, summary in pages.items():
            log(
                f"    {window} {page}: median {summary['median_ms']:.1f} ms, p95 {summary['p95_ms']:.1f} ms, "
                f"max {summary['max_ms']:.1f} ms, {summary['errors']} error(s) / {summary['requests']}"
            )
    return {
        "before_s": SWAP_BEFORE_S,
        "after_s": SWAP_AFTER_S,
        "swap_seconds": swap.end - swap.start,
        "windows": windows,
    }


# ---------------------------------------------------------------------------------------------------------------
# The observatory


def observatory_paths(subject: dict) -> dict[str, str]:
    """{page: path} of OBSERVATORY_PAGES for the buyer and year of `subject`."""
    return {page.name: page.path.format(**subject) for page in OBSERVATORY_PAGES}


def busiest_buyer(store: Path) -> dict:
    connection = duckdb.connect(str(observatory_path(store)), read_only=True)
    try:
        found = connection.execute(BUSIEST_BUYER).fetchone()
    finally:
        connection.close()
    if found is None:
        raise WebBenchError(f"{observatory_path(store)}: no buyer with a contract in the obligation register")
    return {"siren": found[0], "year": found[1]}


def measure_observatory(store: Path, work: Path, clients: int, requests: int, runs: int) -> dict:
    """The observatory's pages: first request, then `runs` runs under load with the page cache (warm) and without
    it (uncached), page after page."""
    env = app_environment(work, store)
    log(f"observatory: app database {work / 'app.sqlite3'}, store {store}")
    setup = prepare(env, store, work)
    subject = busiest_buyer(store)
    paths = observatory_paths(subject)
    with Server(env, work) as server:
        log(f"  {shlex.join(server.command)} up in {server.start_seconds:.1f} s")
        setup["server_start"] = server.start_seconds
        base = server.base_url
        first = {}
        for page in OBSERVATORY_PAGES:
            log(f"  first request {paths[page.name]}", end="")
            first[page.name] = cold(base, paths[page.name], None, page.expect)
            log(f" {first[page.name]['ms']:.0f} ms, {first[page.name]['bytes']:,} bytes")
        # Every client once: each worker has the page in its cache before the warm runs.
        warm_up = {name: summarise(*load(base, [path], None, clients, 1)) for name, path in paths.items()}
        modes: dict[str, dict[str, list[dict]]] = {"warm": {}, "uncached": {}}
        for run in range(1, runs + 1):
            for mode, runs_of_mode in modes.items():
                for name, path in paths.items():
                    runs_of_mode.setdefault(name, []).append(
                        measured(
                            f"run {run}/{runs}, {clients} clients, {mode}, {name}",
                            lambda path=path, mode=mode: load(base, [path], None, clients, requests, mode == "warm"),
                            server,
                        )
                    )
        command = shlex.join(["gunicorn", *server.command[1:]])
    return {
        "parameters": {"clients": clients, "requests": requests, "runs": runs, "workers": WORKERS, "threads": THREADS},
        "server": {"command": command},
        "versions": {name: metadata.version(name) for name in ("django", "gunicorn", "httpx")},
        "setup": setup,
        "subject": subject,
        "paths": paths,
        "first": first,
        "warm_up": warm_up,
        **{mode: {name: combine_runs(found) for name, found in pages.items()} for mode, pages in modes.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="DECP store (with its reference.duckdb)")
    parser.add_argument("--out", type=Path, required=True, help="where the result (JSON) goes")
    parser.add_argument("--work", type=Path, default=WORK, help="app database and logs (recreated)")
    parser.add_argument("--clients", type=int, default=DEFAULT_CLIENTS)
    parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS, help="per client and run")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    parser.add_argument("--observatory", action="store_true", help="the observatory's pages (refreshed before)")
    args = parser.parse_args(argv)
    if min(args.clients, args.requests, args.runs) < 1:
        parser.error("--clients, --requests and --runs must be at least 1")
    try:
        chosen = measure_observatory if args.observatory else measure
        result = chosen(args.store, args.work, args.clients, args.requests, args.runs)
    except WebBenchError as error:
        log(f"\nbench.web: {error}")
        return 1
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
