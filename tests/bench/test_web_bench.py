"""The web section of the benchmark: statistics, the load generator's bookkeeping, targets, rendering."""

import os
import re
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from bench.run import (
    SECTIONS,
    WEB_TARGET_MS,
    merged_results,
    parse_args,
    web_markdown,
    web_targets,
    web_text,
)
from bench.web import (
    DEFAULT_CLIENTS,
    PAGES,
    Sample,
    Swap,
    app_environment,
    combine_runs,
    free_port,
    load,
    mixed_load_with_swap,
    nth_path,
    percentile,
    process_cpu_seconds,
    server_command,
    server_cpu_seconds,
    summarise,
    swap_store,
    swap_windows,
)


ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------------------------------------------------------
# Statistics


def test_percentile_interpolates_between_ranks():
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile([10.0, 20.0, 30.0, 40.0], 0.5) == 25.0
    assert percentile([10.0, 20.0, 30.0, 40.0], 0.95) == pytest.approx(38.5)
    assert percentile([10.0, 20.0, 30.0, 40.0], 0.0) == 10.0
    assert percentile([10.0, 20.0, 30.0, 40.0], 1.0) == 40.0
    assert percentile([7.0], 0.95) == 7.0


def test_percentile_refuses_nothing_and_bad_fractions():
    with pytest.raises(ValueError):
        percentile([], 0.5)
    with pytest.raises(ValueError):
        percentile([1.0], 95)


def test_p95_of_a_hundred_values():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.95) == pytest.approx(95.05)
    assert percentile(values, 0.5) == pytest.approx(50.5)


def test_summary_counts_every_non_200_and_exception_as_an_error():
    samples = [
        Sample(0.010, 200),
        Sample(0.020, 200),
        Sample(0.030, 500),
        Sample(0.040, 302),
        Sample(0.050, None, "ReadTimeout"),
    ]
    summary = summarise(samples, seconds=0.5)
    assert summary["requests"] == 5
    assert summary["errors"] == 3
    assert summary["error_outcomes"] == {"302": 1, "500": 1, "ReadTimeout": 1}
    assert summary["median_ms"] == pytest.approx(30.0)
    assert summary["min_ms"] == pytest.approx(10.0)
    assert summary["max_ms"] == pytest.approx(50.0)
    assert summary["p95_ms"] == pytest.approx(48.0)
    assert summary["throughput_rps"] == pytest.approx(10.0)


def test_summary_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        summarise([], 1.0)


def run_summary(median: float, p95: float, maximum: float, rps: float, errors: int = 0, requests: int = 1000):
    return {
        "requests": requests,
        "errors": errors,
        "error_outcomes": {"500": errors} if errors else {},
        "seconds": requests / rps,
        "throughput_rps": rps,
        "median_ms": median,
        "p95_ms": p95,
        "min_ms": 1.0,
        "max_ms": maximum,
    }


def test_runs_combine_as_medians_of_medians():
    runs = [run_summary(100, 200, 400, 50), run_summary(300, 500, 900, 30, errors=2), run_summary(120, 250, 300, 45)]
    combined = combine_runs(runs)
    assert combined["median_ms"] == 120
    assert combined["p95_ms"] == 250
    assert combined["throughput_rps"] == 45
    assert combined["max_ms"] == 900
    assert combined["requests"] == 3000
    assert combined["errors"] == 2
    assert combined["error_outcomes"] == {"500": 2}
    assert combined["runs"] == runs


def test_cpu_per_request_combines_over_the_runs_that_measured_it():
    runs = [
        {**run_summary(100, 200, 400, 50), "server_cpu_ms": 12.0, "client_cpu_ms": 3.0},
        {**run_summary(110, 200, 400, 50), "server_cpu_ms": None, "client_cpu_ms": 5.0},
        {**run_summary(120, 200, 400, 50), "server_cpu_ms": 14.0, "client_cpu_ms": 4.0},
    ]
    combined = combine_runs(runs)
    assert combined["server_cpu_ms"] == 13.0
    assert combined["client_cpu_ms"] == 4.0
    assert combine_runs([run_summary(1, 1, 1, 1)])["server_cpu_ms"] is None


def test_cpu_time_of_a_process_tree():
    assert process_cpu_seconds(os.getpid()) >= 0
    assert server_cpu_seconds(os.getpid()) >= process_cpu_seconds(os.getpid())
    assert server_cpu_seconds(2**22 + 12345) is None  # no such process


# ---------------------------------------------------------------------------------------------------------------
# The load generator against a local server (no timing asserted)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server calls
        status = 200 if self.path.startswith("/ok") else 500
        body = b"page"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_load_sends_every_request_of_every_client(server):
    samples, seconds = load(server, ["/ok"], {"sessionid": "x"}, clients=4, requests=5)
    assert len(samples) == 20
    assert all(sample.ok for sample in samples)
    assert seconds > 0
    assert summarise(samples, seconds)["errors"] == 0


def test_load_counts_errors(server):
    samples, seconds = load(server, ["/missing"], None, clients=2, requests=3)
    assert summarise(samples, seconds)["error_outcomes"] == {"500": 6}


def test_load_counts_refused_connections_as_errors():
    samples, _ = load(f"http://127.0.0.1:{free_port()}", ["/"], None, clients=2, requests=2)
    assert len(samples) == 4
    assert all(sample.status is None and sample.error for sample in samples)


def test_clients_go_round_the_paths_of_a_page_from_their_own_start():
    paths = ["/a", "/b", "/c"]
    assert [nth_path(paths, 0, request) for request in range(4)] == ["/a", "/b", "/c", "/a"]
    assert [nth_path(paths, 2, request) for request in range(2)] == ["/c", "/a"]


def test_the_swap_runs_once_while_the_clients_go_round_every_page(server):
    swaps = []
    paths = {"list": ["/ok/list"], "drill": ["/ok/1", "/ok/2"], "broken": ["/broken"]}

    samples, swap = mixed_load_with_swap(server, paths, 3, 0.2, 0.2, lambda: swaps.append(1))

    assert swaps == [1]
    assert swap.start <= swap.end
    assert {sample.page for sample in samples} == set(paths)
    assert all(sample.ok == (sample.page != "broken") for sample in samples)
    windows = swap_windows(samples, swap)
    assert sum(summary["requests"] for pages in windows.values() for summary in pages.values()) <= len(samples)
    assert windows["after"]["broken"]["errors"] == windows["after"]["broken"]["requests"] > 0


def test_swap_windows_split_requests_by_when_they_were_sent():
    samples = [
        Sample(0.1, 200, start=0.0, page="a"),
        Sample(0.5, 200, start=9.0, page="a"),
        Sample(2.0, 200, start=10.5, page="a"),
        Sample(0.3, 500, start=11.5, page="b"),
        Sample(0.2, 200, start=26.0, page="a"),  # after the window: not counted
    ]
    windows = swap_windows(samples, Swap(start=10.0, end=11.0, after_s=15.0))

    assert {window: {page: s["requests"] for page, s in pages.items()} for window, pages in windows.items()} == {
        "before": {"a": 2},
        "during": {"a": 1},
        "after": {"b": 1},
    }
    assert windows["after"]["b"]["errors"] == 1
    assert windows["during"]["a"]["median_ms"] == pytest.approx(2000.0)


def test_the_store_is_swapped_as_an_import_swaps_it(_store_template, tmp_path):
    store = shutil.copytree(_store_template, tmp_path / "store")
    before = (store / "decp.duckdb").stat()
    content = (store / "decp.duckdb").read_bytes()

    swap_store(store)

    after = (store / "decp.duckdb").stat()
    assert after.st_ino != before.st_ino  # a new file renamed over: a new data version for the platform
    with duckdb.connect(str(store / "decp.duckdb"), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM contracts").fetchone()[0] == 8
    assert len(content) > 0 and not (store / ".work").exists()


# ---------------------------------------------------------------------------------------------------------------
# Setup


def test_the_server_is_started_as_make_demo_starts_it():
    makefile = (ROOT / "Makefile").read_text()
    demo = re.search(r"gunicorn config\.wsgi --bind 127\.0\.0\.1:8000 \\\s*\n\s*(.*)", makefile)
    assert demo is not None
    command = server_command(8123)
    assert command[1:] == ["config.wsgi", "--bind", "127.0.0.1:8123", *demo.group(1).split()]


def test_app_environment_points_at_a_throwaway_database_and_the_store(tmp_path):
    env = app_environment(tmp_path / "web", tmp_path / "store")
    assert env["DATABASE_URL"] == f"sqlite:///{tmp_path / 'web' / 'app.sqlite3'}"
    assert env["DATABASE_URL"].startswith("sqlite:////")  # absolute path
    assert env["SPASER_STORE_DIR"] == str(tmp_path / "store")
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.base"
    assert env["DJANGO_DEBUG"] == "false"
    assert env["DJANGO_SECRET_KEY"]
    assert env["DJANGO_HTTPS"] == "false"  # gunicorn serves plain HTTP on the loopback


# ---------------------------------------------------------------------------------------------------------------
# Targets and rendering


def all_pages(summary: dict) -> dict:
    return {page: summary for page in PAGES}


def swap_result(after: dict | None = None) -> dict:
    quiet = {page: run_summary(120, 400, 500, 100, requests=300) for page in PAGES[1:]}
    return {
        "before_s": 10.0,
        "after_s": 15.0,
        "swap_seconds": 1.9,
        "windows": {"before": quiet, "during": quiet, "after": after or quiet},
    }


def test_targets_need_a_median_under_300_ms_a_p95_under_1_s_and_no_error():
    load_result = all_pages(combine_runs([run_summary(WEB_TARGET_MS - 1, 400, 900, 60)]))
    load_result["public"] = combine_runs([run_summary(WEB_TARGET_MS, 1000, 1200, 70, errors=1)])
    after = {page: run_summary(100, 200, 300, 90, requests=300) for page in PAGES[1:]}
    after["public-drill-down"] = run_summary(200, 2100, 3000, 40, requests=300)

    statuses = {t["name"]: t["status"] for t in web_targets(load_result, 50, swap_result(after))}

    assert statuses["private dashboard, 50 concurrent clients: median"] == "PASS"
    assert statuses["private dashboard, 50 concurrent clients: p95"] == "PASS"
    assert statuses["private dashboard, 50 concurrent clients: errors"] == "PASS"
    assert statuses["public scheme page, 50 concurrent clients: median"] == "FAIL"
    assert statuses["public scheme page, 50 concurrent clients: p95"] == "FAIL"
    assert statuses["public scheme page, 50 concurrent clients: errors"] == "FAIL"
    assert statuses["public drill-down, 15 s after a store swap: p95"] == "FAIL"
    assert statuses["public drill-down, 15 s after a store swap: median"] == "PASS"
    assert statuses["API indicators, 15 s after a store swap: errors"] == "PASS"
    assert "private dashboard, 15 s after a store swap: median" not in statuses  # the public pages only
    assert len(statuses) == 3 * (len(PAGES) + len(PAGES) - 1)
    errors = [
        t for t in web_targets(load_result, 50) if t["name"] == "public scheme page, 50 concurrent clients: errors"
    ]
    assert errors[0]["measured"] == "1 / 1,000"


def web_result(errors: int = 0) -> dict:
    load_result = all_pages(combine_runs([run_summary(110, 260, 380, 140), run_summary(118.5, 270, 390, 135)]))
    load_result["public"] = combine_runs(
        [run_summary(90, 200, 250, 150, errors=errors), run_summary(95, 210, 260, 148)]
    )
    swap = swap_result()
    return {
        "parameters": {
            "marches": 1_500_000,
            "seed": 7,
            "sirene_rows": 30_000_000,
            "clients": 50,
            "requests": 20,
            "runs": 2,
            "workers": 2,
            "threads": 8,
        },
        "store": "bench/out/indicators-store-1500000-7",
        "sizes": {"contracts": 1_485_000, "buyers": 16_000},
        "classification": None,
        "server": {"command": "gunicorn config.wsgi --bind 127.0.0.1:41234 --workers 2 --threads 8"},
        "versions": {"django": "5.2", "gunicorn": "27.0.1", "httpx": "0.28.1"},
        "setup": {"migrate": 1.0, "load_demo": 12.5, "collectstatic": 4.0, "server_start": 1.2},
        "scheme": {
            "pk": 1,
            "slug": "region-exemple-2019-2023",
            "title": "SPASER 2019-2023 de la Région Exemple",
            "organisation": "Région Exemple",
            "objectives": 8,
            "sirens": ["237536735"],
            "years": [2018, 2019, 2020, 2021, 2022, 2023],
            "dashboard": "/espace/spaser/1/pilotage/",
            "public_list": "/spaser/",
            "public": "/spaser/region-exemple-2019-2023/",
            "drill_downs": ["/spaser/region-exemple-2019-2023/objectifs/1/2023/"],
            "api": "/api/spaser/region-exemple-2019-2023/indicateurs/",
            "admin": "admin@region-exemple.example",
        },
        "snapshots": 250,
        "cold": all_pages({"ms": 210.0, "status": 200, "bytes": 36000})
        | {"dashboard": {"ms": 1234.5, "status": 200, "bytes": 35000}},
        "warm_up": all_pages(run_summary(140, 190, 210, 95)),
        "single": all_pages(run_summary(7.3, 21.5, 31.2, 100)) | {"dashboard": run_summary(9.2, 10.5, 10.7, 106)},
        "load": load_result,
        "swap": swap,
        "targets": web_targets(load_result, 50, swap),
    }


RUN = {
    "date": "2026-11-22T05:00:00+00:00",
    "command": "python -m bench.run --only web",
    "commit": "abc1234",
    "machine": {"cpu": "AMD EPYC", "cpus": 2, "ram_gib": 23.5, "python": "3.11.7", "duckdb": "2.0.0"},
}


def test_text_report_shows_cold_load_single_client_and_swap_figures():
    text = web_text(web_result())
    assert "cold: private dashboard 1,234 ms" in text
    assert "250 indicator snapshots" in text
    assert "public drill-down 210 ms" in text
    assert "1 (sequential)" in text
    assert "50, 2 run(s)" in text
    assert "114.2" in text  # median of the dashboard's two run medians
    assert "private dashboard: 110, 118 ms" in text
    assert "Store swap: the store swapped after 10 s of load, in 1.9 s; window after it 15 s" in text
    assert "errors by outcome" not in text
    assert "FAIL" not in text and text.count("PASS") == 3 * (2 * len(PAGES) - 1)


def test_text_report_lists_error_outcomes():
    text = web_text(web_result(errors=3))
    assert "errors by outcome: public scheme page: 500 × 3" in text
    assert "FAIL" in text


def test_markdown_section():
    markdown = web_markdown(web_result(), RUN)
    assert markdown.startswith("## Web\n")
    assert "`python -m bench.run --only web` at commit abc1234." in markdown
    assert (
        "| page | clients | requests | errors | median ms | p95 ms | max ms | req/s | server CPU ms/req "
        "| client CPU ms/req |" in markdown
    )
    assert "| private dashboard | 50, 2 run(s) | 2,000 | 0 | 114.2 | 265.0 | 390.0 | 137.5 | n/a | n/a |" in markdown
    assert "| public scheme page | 1 (sequential) | 1,000 | 0 | 7.3 | 21.5 | 31.2 | 100.0 | n/a | n/a |" in markdown
    assert "| page | window | requests | errors | median ms | p95 ms | max ms |" in markdown
    assert "| public drill-down | after | 300 | 0 | 120.0 | 400.0 | 500.0 |" in markdown
    assert "| private dashboard, 50 concurrent clients: median | < 300 ms | 114.25 ms | PASS |" in markdown
    assert "| API indicators, 15 s after a store swap: p95 | < 1000 ms | 400.00 ms | PASS |" in markdown
    assert "`/spaser/region-exemple-2019-2023/`" in markdown
    assert "`/api/spaser/region-exemple-2019-2023/indicateurs/`" in markdown
    assert "admin" in markdown


# ---------------------------------------------------------------------------------------------------------------
# The harness


def test_web_is_a_section_written_at_the_default_size():
    section = next(section for section in SECTIONS if section.name == "web")
    assert section.default_size(parse_args([]))
    assert not section.default_size(parse_args(["--marches", "1000"]))
    assert not section.default_size(parse_args(["--web-clients", "5"]))
    args = parse_args(["--only", "web"])
    assert (args.web_clients, args.web_requests) == (DEFAULT_CLIENTS, 20) == (50, 20)
    with pytest.raises(SystemExit):
        parse_args(["--web-clients", "0"])


def test_results_of_only_one_section_keep_the_others():
    previous = {"run": {"date": "old"}, "decp-import": {"a": 1}, "web": {"old": True}}
    latest = {"run": {"date": "new"}, "web": {"new": True}}
    merged = merged_results(previous, latest, "web")
    assert merged["run"] == {"date": "new"}
    assert merged["decp-import"] == {"a": 1}
    assert merged["web"] == {"new": True}
    assert merged["runs"] == {"decp-import": {"date": "old"}, "web": {"date": "new"}}
    again = merged_results(merged, {"run": {"date": "newer"}, "indicators": {"b": 2}}, "indicators")
    assert again["runs"] == {"decp-import": {"date": "old"}, "web": {"date": "new"}, "indicators": {"date": "newer"}}
    assert set(again) == {"run", "runs", "decp-import", "web", "indicators"}
