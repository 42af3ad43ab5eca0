"""The observatory section of the benchmark: its pages, uncached requests, targets and rendering (no timing)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.run import (
    MODES,
    REFRESH_TARGET_S,
    SECTIONS,
    WEB_TARGET_MS,
    observatory_markdown,
    observatory_targets,
    observatory_text,
    parse_args,
)
from bench.web import OBSERVATORY_PAGES, combine_runs, load, observatory_paths, uncached
from tests.bench.test_web_bench import RUN, run_summary


SUBJECT = {"siren": "237536735", "year": 2023}


def test_each_page_has_its_path_for_the_busiest_buyer_and_year():
    paths = observatory_paths(SUBJECT)

    assert list(paths) == [page.name for page in OBSERVATORY_PAGES]
    assert paths["obligation-year"] == "/observatoire/obligation/?annee=2023"
    assert paths["profile"] == "/observatoire/acheteurs/237536735/"
    assert all(path.startswith("/observatoire/") and "{" not in path for path in paths.values())


def test_an_uncached_path_is_never_sent_twice_and_keeps_the_page_query():
    first, second = uncached("/observatoire/"), uncached("/observatoire/")
    filtered = uncached("/observatoire/obligation/?annee=2023")

    assert first != second and first.startswith("/observatoire/?sans-cache=")
    assert filtered.startswith("/observatoire/obligation/?annee=2023&sans-cache=")


class Recorder(BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "4")
        self.end_headers()
        self.wfile.write(b"page")

    def log_message(self, *args):
        pass


@pytest.fixture
def recording_server():
    Recorder.paths = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_cached_load_repeats_the_path_and_uncached_load_never_does(recording_server):
    load(recording_server, ["/observatoire/"], None, clients=3, requests=4)
    assert Recorder.paths == ["/observatoire/"] * 12

    Recorder.paths.clear()
    samples, _ = load(recording_server, ["/observatoire/"], None, clients=3, requests=4, cached=False)
    assert len(samples) == 12 and all(sample.ok for sample in samples)
    assert len(set(Recorder.paths)) == 12


def observatory_result(warm_median: float = 40.0, uncached_median: float = 900.0, errors: int = 0) -> dict:
    pages = {page.name: combine_runs([run_summary(warm_median, 80, 120, 300)]) for page in OBSERVATORY_PAGES}
    misses = {page.name: combine_runs([run_summary(uncached_median, 1500, 2000, 20)]) for page in OBSERVATORY_PAGES}
    misses["directory"] = combine_runs([run_summary(uncached_median, 1500, 2000, 20, errors=errors)])
    refresh = {
        "runs": [{"seconds": 9.5, "max_rss_kib": 1_048_576}, {"seconds": 10.5, "max_rss_kib": 1_100_000}],
        "median_s": 10.0,
        "min_s": 9.5,
        "max_s": 10.5,
        "peak_rss_mib": 1074.2,
    }
    result = {
        "parameters": {
            "marches": 1_500_000,
            "seed": 7,
            "sirene_rows": 30_000_000,
            "clients": 20,
            "requests": 20,
            "runs": 1,
            "workers": 2,
            "threads": 8,
        },
        "store": "bench/out/indicators-store-1500000-7",
        "sizes": {"contracts": 1_515_000, "buyers": 16_000},
        "tables": {"obligation_register": 49_532, "series": 192},
        "load_average": {"before": [6.5, 4.25, 3.0], "after": [8.0, 6.0, 4.0]},
        "refresh": refresh,
        "server": {"command": "gunicorn config.wsgi --bind 127.0.0.1:41234 --workers 2 --threads 8"},
        "versions": {"django": "5.2", "gunicorn": "23.0.0", "httpx": "0.28.1"},
        "setup": {"migrate": 1.0, "load_demo": 5.0, "collectstatic": 2.0, "server_start": 0.8},
        "subject": SUBJECT,
        "paths": observatory_paths(SUBJECT),
        "first": {page.name: {"ms": 250.0, "status": 200, "bytes": 30000} for page in OBSERVATORY_PAGES},
        "warm": pages,
        "uncached": misses,
    }
    return result | {"targets": observatory_targets(refresh, result, 20)}


def test_the_page_target_applies_with_the_page_cache_and_uncached_figures_are_reported():
    statuses = {t["name"]: t["status"] for t in observatory_result(errors=2)["targets"]}

    assert statuses["observatory refresh, every table"] == "PASS"
    assert statuses["directory, 20 clients, warm: median"] == "PASS"
    assert statuses["directory, 20 clients, uncached: median"] == "SKIPPED"  # reported, no target
    assert statuses["directory, 20 clients, uncached: errors"] == "FAIL"
    assert statuses["national series, 20 clients, uncached: errors"] == "PASS"
    assert len(statuses) == 1 + len(OBSERVATORY_PAGES) * len(MODES) * 3


def test_a_slow_refresh_or_a_slow_warm_page_fails():
    result = observatory_result(warm_median=WEB_TARGET_MS)
    slow = {**result["refresh"], "median_s": REFRESH_TARGET_S}

    statuses = {t["name"]: t["status"] for t in observatory_targets(slow, result, 20)}

    assert statuses["observatory refresh, every table"] == "FAIL"
    assert statuses["observatory home, 20 clients, warm: median"] == "FAIL"


def test_the_reports_give_the_refresh_the_pages_in_both_modes_and_the_load():
    result = observatory_result()

    text = observatory_text(result)
    markdown = observatory_markdown(result, RUN | {"command": "python -m bench.run --only observatory"})

    assert "median 10.0 s over 2 run(s) (9.5, 10.5 s), peak RSS 1,074 MiB" in text
    assert markdown.startswith("## Observatory\n")
    assert "`python -m bench.run --only observatory` at commit abc1234." in markdown
    assert "6.50 / 4.25 / 3.00 before, 8.00 / 6.00 / 4.00 after" in markdown
    assert "| register, one year | warm | 1,000 | 0 | 40.0 | 80.0 | 120.0 | 300.0 | n/a |" in markdown
    assert "| register, one year | uncached | 1,000 | 0 | 900.0 | 1500.0 | 2000.0 | 20.0 | n/a |" in markdown
    assert "| observatory refresh, every table | < 60 s | 10.00 s | PASS |" in markdown
    assert "`/observatoire/acheteurs/237536735/`" in markdown


def test_observatory_is_a_section_written_at_the_default_size_with_20_clients():
    section = next(section for section in SECTIONS if section.name == "observatory")

    assert parse_args(["--only", "observatory"]).observatory_clients == 20
    assert section.default_size(parse_args([]))
    assert not section.default_size(parse_args(["--observatory-clients", "4"]))
    with pytest.raises(SystemExit):
        parse_args(["--observatory-clients", "0"])
