"""`spaser store check`, `backup` and `restore` on the hand-counted store (tests/indicators/factories.py)."""

import hashlib
import io
import shutil
import tarfile

import duckdb
import pytest

from spaser.analytics.files import exclusive_lock
from spaser.analytics.maintenance import store_members
from spaser.cli import main


@pytest.fixture
def store(_store_template, tmp_path):
    copy = tmp_path / "store"
    shutil.copytree(_store_template, copy)
    (copy / "quarantine").mkdir(exist_ok=True)
    (copy / "quarantine" / "run-0001.ndjson").write_text('{"fichier": "decp.json", "enregistrement": 9}\n')
    return copy


def digests(store) -> dict[str, str]:
    return {str(member): hashlib.sha256((store / member).read_bytes()).hexdigest() for member in store_members(store)}


def test_a_sound_store_passes_the_check(store, capsys):
    assert main(["store", "check", "--store", str(store)]) == 0

    report = capsys.readouterr().out.replace("\u00a0", " ")
    assert "decp.duckdb : contracts — 8 lignes" in report
    assert "decp.duckdb : import_runs — 1 ligne" in report
    assert "reference.duckdb : unites_legales — 5 lignes" in report
    assert "decp.duckdb : 1 import, le dernier terminé le " in report
    assert "quarantine : 1 fichier de rejets, 1 enregistrement" in report
    assert "PROBLÈME" not in report and report.rstrip().endswith("Entrepôt en bon état.")


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda store: (store / "decp.duckdb").write_bytes(b"garbage" * 1000), "decp.duckdb : illisible"),
        (lambda store: (store / "decp.duckdb").unlink(), "decp.duckdb : absent"),
        (
            lambda store: (store / "quarantine" / "run-0001.ndjson").write_text('{"a": 1}\n{oops\n'),
            "ligne 2 illisible",
        ),
        (lambda store: (store / "reference.duckdb").write_bytes(b"garbage"), "reference.duckdb : illisible"),
    ],
    ids=["garbage", "missing", "quarantine", "reference"],
)
def test_a_broken_store_fails_the_check_and_says_where(store, capsys, damage, problem):
    damage(store)

    assert main(["store", "check", "--store", str(store)]) == 1

    report = capsys.readouterr().out.replace("\u00a0", " ")
    assert problem in report
    assert "Entrepôt endommagé ou incomplet : 1 problème" in report


def test_a_missing_table_fails_the_check(store, capsys):
    with duckdb.connect(str(store / "decp.duckdb")) as connection:
        connection.execute("DROP TABLE rejections")

    assert main(["store", "check", "--store", str(store)]) == 1
    assert "la table ou vue « rejections » manque" in capsys.readouterr().out


def test_backup_then_restore_gives_back_the_same_store(store, tmp_path, capsys):
    before = digests(store)
    archive = tmp_path / "store.tar.gz"

    assert main(["store", "backup", "--store", str(store), "--out", str(archive)]) == 0
    shutil.rmtree(store)
    store.mkdir()
    assert main(["store", "restore", str(archive), "--store", str(store)]) == 0

    assert set(before) >= {"decp.duckdb", "reference.duckdb", "quarantine/run-0001.ndjson"}
    assert digests(store) == before
    assert "Entrepôt en bon état." in capsys.readouterr().out


def test_restore_replaces_the_files_and_drops_those_the_backup_lacks(store, tmp_path):
    archive = tmp_path / "store.tar"
    assert main(["store", "backup", "--store", str(store), "--out", str(archive)]) == 0
    (store / "quarantine" / "run-0002.ndjson").write_text("{}\n")
    with duckdb.connect(str(store / "decp.duckdb")) as connection:
        connection.execute("DELETE FROM rejections")

    assert main(["store", "restore", str(archive), "--store", str(store)]) == 0

    assert not (store / "quarantine" / "run-0002.ndjson").exists()
    with duckdb.connect(str(store / "decp.duckdb"), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM import_runs").fetchone()[0] == 1


def test_a_broken_backup_replaces_nothing(store, tmp_path, capsys):
    before = digests(store)
    archive = tmp_path / "broken.tar"
    with tarfile.open(archive, "w") as tar:
        data = b"garbage" * 100
        member = tarfile.TarInfo("decp.duckdb")
        member.size = len(data)
        tar.addfile(member, io.BytesIO(data))

    assert main(["store", "restore", str(archive), "--store", str(store)]) == 2

    assert "la sauvegarde ne donne pas un entrepôt en bon état, rien n'a été remplacé" in capsys.readouterr().err
    assert digests(store) == before
    assert not (store / ".restore").exists()


def test_an_archive_reaching_outside_the_store_is_refused(store, tmp_path, capsys):
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        member = tarfile.TarInfo("../outside.json")
        member.size = 2
        tar.addfile(member, io.BytesIO(b"{}"))

    assert main(["store", "restore", str(archive), "--store", str(store)]) == 2

    assert "« ../outside.json » n'a pas sa place dans une sauvegarde d'entrepôt" in capsys.readouterr().err
    assert not (tmp_path / "outside.json").exists()


def test_no_backup_of_a_store_being_imported(store, tmp_path, capsys):
    with exclusive_lock(store):
        assert main(["store", "backup", "--store", str(store), "--out", str(tmp_path / "b.tar")]) == 2

    assert "un autre import est en cours" in capsys.readouterr().err
    assert not (tmp_path / "b.tar").exists()
