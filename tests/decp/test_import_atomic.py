"""A killed import leaves the previous store exactly as it was, and the next import cleans up after it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from spaser.decp import importer
from spaser.decp.importer import import_files
from tests.decp.factories import (
    FIXTURES,
    assert_accounting,
    contract_count,
    database,
    marche,
    modification,
    sha256,
)


RECORDS = 150_000
KILL_DELAYS = (0.0, 0.3, 1.0, 2.0)
START_TIMEOUT = 30.0


def write_big_file(path: Path) -> Path:
    template = marche(modifications=[modification(1, montant=131000.0)])
    records = [{**template, "id": f"GEN-{index:07d}", "montant": 1000.0 + index} for index in range(RECORDS)]
    path.write_bytes(orjson.dumps({"marches": {"marche": records}}))
    return path


def start_import(source: Path, store: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "spaser.cli", "decp", "import", str(source), "--store", str(store), "--no-progress"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for_work_folder(process: subprocess.Popen, store: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not (store / ".work").exists():
        if process.poll() is not None:
            raise AssertionError(f"import ended before starting its work: {process.stderr.read().decode()}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("no .work folder after 30 s")
        time.sleep(0.005)


def kill_after(process: subprocess.Popen, delay: float) -> None:
    time.sleep(delay)
    still_running = process.poll() is None
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()
    assert still_running, f"the import finished within {delay} s: the generated file is too small for this test"
    assert process.returncode == -signal.SIGKILL


def test_killed_import_leaves_the_store_unchanged(tmp_path, seeded_store):
    big = write_big_file(tmp_path / "big.json")
    before = sha256(database(seeded_store))

    for delay in KILL_DELAYS:
        process = start_import(big, seeded_store)
        wait_for_work_folder(process, seeded_store)
        kill_after(process, delay)

        assert sha256(database(seeded_store)) == before, f"store changed by an import killed after {delay} s"
        assert not (seeded_store / "decp.duckdb.wal").exists()
        assert contract_count(seeded_store) == 4
        assert sha256(database(seeded_store)) == before
    big.unlink()

    report = import_files([FIXTURES / "format2019.json"], seeded_store)

    assert_accounting(report)
    assert (report.records_read, report.new) == (4, 4)
    assert (report.store_marches, report.store_concessions) == (6, 2)
    assert contract_count(seeded_store) == 8
    assert not (seeded_store / ".work").exists()


KILL_AFTER_QUARANTINE = """
import os, signal, sys
from pathlib import Path
from spaser.decp import importer
publish = importer.publish_quarantine

def publish_then_die(path, store):
    publish(path, store)
    os.kill(os.getpid(), signal.SIGKILL)

importer.publish_quarantine = publish_then_die
importer.import_files([Path(sys.argv[1])], Path(sys.argv[2]))
"""
REJECTING = FIXTURES / "hostile" / "montant_nan.json"


def quarantine_files(store: Path) -> list[str]:
    folder = store / "quarantine"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_failure_after_the_quarantine_write_leaves_no_trace(seeded_store, monkeypatch):
    before = sha256(database(seeded_store))

    def crash(connection, report):
        raise RuntimeError("crash after the quarantine was written")

    monkeypatch.setattr(importer, "_record_run", crash)
    with pytest.raises(RuntimeError):
        import_files([REJECTING], seeded_store)

    assert sha256(database(seeded_store)) == before
    assert quarantine_files(seeded_store) == []
    assert not (seeded_store / ".work").exists()


def test_kill_after_the_quarantine_is_published_is_undone_by_the_next_run(seeded_store):
    before = sha256(database(seeded_store))

    killed = subprocess.run(
        [sys.executable, "-c", KILL_AFTER_QUARANTINE, str(REJECTING), str(seeded_store)], capture_output=True
    )

    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert sha256(database(seeded_store)) == before
    assert quarantine_files(seeded_store) == ["run-0002.ndjson"]  # the dead run's, unknown to the store

    clean = import_files([FIXTURES / "format2019.json"], seeded_store)

    assert (clean.run_id, clean.rejected, clean.quarantine) == (2, 0, None)
    assert quarantine_files(seeded_store) == []
    assert not (seeded_store / ".work").exists()

    rejecting = import_files([REJECTING], seeded_store)

    assert (rejecting.run_id, rejecting.rejected) == (3, 1)
    assert quarantine_files(seeded_store) == ["run-0003.ndjson"]
    (entry,) = [orjson.loads(line) for line in Path(rejecting.quarantine).read_bytes().splitlines()]
    assert (entry["fichier"], entry["champ"]) == ("montant_nan.json", "montant")
