"""The report section of the benchmark: its target and its rendering (the measure itself needs the bench store)."""

from bench import report


RESULT = {
    "parameters": {"marches": 1_500_000, "seed": 7},
    "scheme": {
        "title": "SPASER de la Région",
        "slug": "region",
        "objectives": 10,
        "sirens": ["200053767"],
        "year": 2026,
    },
    "url": "/spaser/region/rapport/2026.pdf",
    "pages": 9,
    "bytes": 180_000,
    "cold_s": 7.5,
    "cold_cpu_s": 6.0,
    "warm_s": [3.1, 2.9, 5.2],
    "warm_cpu_s": [2.0, 2.1, 2.2],
    "warm_median_s": 3.1,
    "cached_s": 0.012,
}


def test_the_target_is_the_median_of_the_warm_runs():
    assert [t["status"] for t in report.targets(RESULT)] == ["PASS"]
    assert [t["status"] for t in report.targets({**RESULT, "warm_median_s": 5.0})] == ["FAIL"]


def test_text_and_markdown_name_the_runs_and_the_target():
    result = {**RESULT, "targets": report.targets(RESULT)}
    run = {"date": "2026-12-06T23:50:00+00:00", "machine": {"cpus": 2}}

    assert "warm runs: 3.10, 2.90, 5.20 s (median 3.10 s); CPU 2.00, 2.10, 2.20 s" in report.text(result)
    markdown = report.markdown(result, run)
    assert "| PDF report of a scheme with 10 objectives (snapshots computed) | < 5 s | 3.10 s | PASS |" in markdown
    assert "9 pages (180 kB)" in markdown
