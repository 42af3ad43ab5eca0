"""The reference store is replaced whole or not at all, and every import is recorded in `reference_loads`."""

import datetime
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from spaser.analytics.files import exclusive_lock
from spaser.errors import SpaserError
from spaser.reference.store import TABLES
from tests.reference.conftest import FIXTURES, load, rows, sha256


START_TIMEOUT = 30.0


def test_a_failing_import_leaves_the_previous_store_byte_identical(store):
    load(store, "StockUniteLegale_utf8.zip", "sirene-unites-legales")
    load(store, "liste_structures_2026-09-01.csv", "siae")
    before = sha256(store / "reference.duckdb")

    for name, kind in (
        ("StockUniteLegale_bad_siren.csv", "sirene-unites-legales"),
        ("liste_structures_siret_invalide.csv", "siae"),
        ("EA2_ITOU_sans_pied.txt", "ea"),
        ("esus_date_illisible.csv", "esus"),
    ):
        with pytest.raises(SpaserError):
            load(store, name, kind)

        assert sha256(store / "reference.duckdb") == before, name
        assert not (store / ".work-reference").exists()


def test_reference_loads_records_each_import(store):
    before = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    load(store, "StockUniteLegale_utf8.zip", "sirene-unites-legales")
    load(store, "liste_officielle_esat.csv", "finess-esat")

    loads = rows(store, "SELECT kind, file, version, rows, sha256, loaded_at FROM reference_loads ORDER BY loaded_at")

    assert [row[:5] for row in loads] == [
        (
            "sirene-unites-legales",
            "StockUniteLegale_utf8.zip",
            "2026-10",
            6,
            sha256(FIXTURES / "StockUniteLegale_utf8.zip"),
        ),
        (
            "finess-esat",
            "liste_officielle_esat.csv",
            # No date in the name or the content: the file's modification date.
            datetime.datetime.fromtimestamp((FIXTURES / "liste_officielle_esat.csv").stat().st_mtime, datetime.UTC)
            .date()
            .isoformat(),
            2,
            sha256(FIXTURES / "liste_officielle_esat.csv"),
        ),
    ]
    assert all(before <= row[5] <= datetime.datetime.now(datetime.UTC).replace(tzinfo=None) for row in loads)


def test_the_store_has_every_table_from_the_first_import(store):
    load(store, "esus_numero_siren.csv", "esus")

    tables = {row[0] for row in rows(store, "SELECT table_name FROM duckdb_tables()")}

    assert tables == set(TABLES)


def test_a_second_import_waits_for_nobody_and_says_so(store):
    load(store, "esus_numero_siren.csv", "esus")
    with exclusive_lock(store, ".lock-reference"), pytest.raises(SpaserError, match="un autre import est en cours"):
        load(store, "esus_numero_siren.csv", "esus")


def test_the_decp_lock_does_not_block_a_reference_import(store):
    store.mkdir(parents=True)
    with exclusive_lock(store, ".lock"):
        assert load(store, "esus_numero_siren.csv", "esus").rows == 3


def big_stock(path: Path, lines: int = 1_000_000) -> Path:
    header, first, *_ = (FIXTURES / "StockUniteLegale_bad_siren.csv").read_bytes().splitlines(keepends=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out, out.open("StockUniteLegale_utf8.csv", "w") as csv:
        csv.write(header)
        for _ in range(lines // 1000):
            csv.write(first * 1000)
    return path


def test_a_killed_import_leaves_the_previous_store_unchanged(store, tmp_path):
    load(store, "StockUniteLegale_utf8.zip", "sirene-unites-legales")
    before = sha256(store / "reference.duckdb")
    big = big_stock(tmp_path / "StockUniteLegale_utf8.zip")

    for delay in (0.0, 0.2, 0.5):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "spaser.cli",
                "reference",
                "import",
                str(big),
                "--kind",
                "sirene-unites-legales",
                "--store",
                str(store),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while not (store / ".work-reference").exists() and process.poll() is None:
            assert time.monotonic() < deadline, "no working copy after 30 s"
            time.sleep(0.005)
        time.sleep(delay)
        still_running = process.poll() is None
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        assert still_running, f"the import finished within {delay} s: the generated file is too small"

        assert sha256(store / "reference.duckdb") == before, f"store changed by an import killed after {delay} s"

    # The next import cleans the working copy left by the killed ones.
    load(store, "StockUniteLegale_utf8.zip", "sirene-unites-legales")
    assert not (store / ".work-reference").exists()
    assert rows(store, "SELECT count(*) FROM unites_legales") == [(6,)]
