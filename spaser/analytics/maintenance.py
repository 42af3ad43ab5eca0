"""Keeping a store: `spaser store check`, `spaser store backup` and `spaser store restore`.

A store folder holds `decp.duckdb`, `reference.duckdb` (optional), `quarantine/run-NNNN.ndjson` and the import
reports; everything else there (locks, work folders) belongs to a running import. A backup is a tar archive of
these files taken under both import locks, so that no import swaps a file in while it is read; a restore extracts
an archive into `<store>/.restore/`, checks it, then swaps each file in with `os.replace`, as an import does:
readers see the old store or the new one, never a half-written file.
"""

import json
import os
import shutil
import tarfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from spaser.analytics.classes import CLASSIFIED_TABLES
from spaser.analytics.files import exclusive_lock, sync_folder
from spaser.decp.store import DATABASE_NAME as DECP_DATABASE, database_path as decp_database_path
from spaser.errors import SpaserError
from spaser.formatting import count, moment, number
from spaser.reference.store import (
    DATABASE_NAME as REFERENCE_DATABASE,
    LOCK_NAME as REFERENCE_LOCK,
    TABLES as REFERENCE_TABLES,
    database_path as reference_database_path,
)


QUARANTINE = "quarantine"
DECP_RELATIONS = (
    "versions",
    "current_versions",
    "version_lots",
    "contracts",
    "contract_awardees",
    "contract_modifications",
    "contract_subcontracts",
    "import_runs",
    "rejections",
)
LOCKS = (".lock", REFERENCE_LOCK)  # the DECP import's (spaser.decp.store) and the reference import's
RESTORE_WORK = ".restore"


@dataclass
class CheckReport:
    store: Path
    lines: list[str] = field(default_factory=list)  # what was found, in French
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        verdict = (
            "Entrepôt en bon état."
            if self.ok
            else f"Entrepôt endommagé ou incomplet : {count(len(self.problems), 'problème')}."
        )
        found = [f"  {line}" for line in self.lines]
        problems = [f"  PROBLÈME : {problem}" for problem in self.problems]
        return "\n".join([f"Vérification de l'entrepôt {self.store}", *found, *problems, verdict])


def check(store: Path) -> CheckReport:
    """Open each database read-only, look for the expected tables and count them, read the quarantine files."""
    report = CheckReport(store)
    if not store.is_dir():
        report.problems.append(f"{store} : dossier introuvable.")
        return report
    _check_reference(store, report)
    _check_decp(store, report)
    _check_quarantine(store, report)
    return report


def _relations(connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT table_name FROM information_schema.tables").fetchall()}


@contextmanager
def _reading(path: Path, report: CheckReport) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """The database opened read-only, or None; what cannot be opened or read is reported as a problem."""
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        report.problems.append(f"{path} : illisible ({error}).")
        yield None
        return
    try:
        yield connection
    except duckdb.Error as error:
        report.problems.append(f"{path} : lecture impossible ({error}).")
    finally:
        connection.close()


def _check_decp(store: Path, report: CheckReport) -> None:
    path = decp_database_path(store)
    if not path.exists():
        report.problems.append(f"{path} : absent (lancez « spaser decp import »).")
        return
    with _reading(path, report) as connection:
        if connection is None:
            return
        relations = _relations(connection)
        for name in DECP_RELATIONS + CLASSIFIED_TABLES:
            if name not in relations:
                if name in DECP_RELATIONS:
                    report.problems.append(f"{path} : la table ou vue « {name} » manque.")
                else:  # the classes need the reference data: indicators of the awardees stay empty without them
                    report.lines.append(f"{DECP_DATABASE} : {name} — absente (titulaires non classés)")
                continue
            rows = connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            report.lines.append(f"{DECP_DATABASE} : {name} — {count(rows, 'ligne')}")
        if "import_runs" in relations:
            runs = connection.execute("SELECT count(*), epoch(max(finished_at)) FROM import_runs").fetchone()
            if not runs[0]:
                report.problems.append(f"{path} : aucun import enregistré dans « import_runs ».")
            else:
                last = moment(datetime.fromtimestamp(runs[1], UTC))
                report.lines.append(f"{DECP_DATABASE} : {count(runs[0], 'import')}, le dernier terminé le {last}")


def _check_reference(store: Path, report: CheckReport) -> None:
    """The reference store is optional, and so is each of its tables (the indicators say what is missing)."""
    path = reference_database_path(store)
    if not path.exists():
        report.lines.append(f"{REFERENCE_DATABASE} : absent (facultatif ; « spaser reference download » le charge)")
        return
    with _reading(path, report) as connection:
        if connection is None:
            return
        relations = _relations(connection)
        for name in REFERENCE_TABLES:
            if name in relations:
                rows = connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                report.lines.append(f"{REFERENCE_DATABASE} : {name} — {count(rows, 'ligne')}")
        if "reference_loads" in relations:
            loads = connection.execute("SELECT kind, count(*) FROM reference_loads GROUP BY 1 ORDER BY 1")
            for kind, loaded in loads.fetchall():
                report.lines.append(f"{REFERENCE_DATABASE} : {kind} — {count(loaded, 'chargement')}")


def _check_quarantine(store: Path, report: CheckReport) -> None:
    folder = store / QUARANTINE
    files = sorted(folder.glob("*.ndjson")) if folder.is_dir() else []
    rejected = 0
    for path in files:
        records, problem = _read_quarantine(path)
        rejected += records
        if problem:
            report.problems.append(f"{path} : {problem}")
    report.lines.append(
        f"{QUARANTINE} : {count(len(files), 'fichier')} de rejets, {count(rejected, 'enregistrement')}"
    )


def _read_quarantine(path: Path) -> tuple[int, str | None]:
    """The records of a quarantine file (a JSON object a line) and why it cannot be read, or None."""
    records = 0
    try:
        with path.open("rb") as lines:
            for records, line in enumerate(lines, start=1):  # noqa: B007 - the count is the last position
                try:
                    json.loads(line)
                except ValueError as error:
                    return records - 1, f"ligne {records} illisible ({error})."
    except OSError as error:
        return records, f"illisible ({error})."
    return records, None


# ---------------------------------------------------------------------------------------------------------------
# Backup and restore


@contextmanager
def no_import_running(store: Path) -> Iterator[None]:
    """Both import locks held: no DECP or reference import can swap a file in meanwhile."""
    with ExitStack() as stack:
        for lock in LOCKS:
            stack.enter_context(exclusive_lock(store, lock))
        yield


def store_members(store: Path) -> list[Path]:
    """The files of a store worth keeping, relative to it: databases, quarantine, reports (not locks nor work)."""
    members = [Path(DECP_DATABASE)]
    if reference_database_path(store).exists():
        members.append(Path(REFERENCE_DATABASE))
    members += sorted(path.relative_to(store) for path in (store / QUARANTINE).glob("*.ndjson"))
    members += sorted(Path(path.name) for path in store.glob("*.json") if path.is_file())
    return members


def backup(store: Path, out: Path) -> list[Path]:
    """A tar archive of the store (gzip-compressed when `out` ends with .gz or .tgz), written then renamed."""
    if not decp_database_path(store).exists():
        raise SpaserError(f"{store} : aucun entrepôt DECP ici, rien à sauvegarder.")
    mode = "w:gz" if out.name.endswith((".gz", ".tgz")) else "w"
    temporary = out.with_name(out.name + ".tmp")
    with no_import_running(store):
        members = store_members(store)
        try:
            with tarfile.open(temporary, mode) as archive:
                for member in members:
                    archive.add(store / member, arcname=str(member))
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    os.replace(temporary, out)
    return members


def restore(archive: Path, store: Path) -> CheckReport:
    """The store replaced by the archive's, file by file, once the extracted copy passes `check`."""
    if not archive.is_file():
        raise SpaserError(f"{archive} : sauvegarde introuvable.")
    store.mkdir(parents=True, exist_ok=True)
    with no_import_running(store):
        work = store / RESTORE_WORK
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        try:
            _extract(archive, work)
            report = check(work)
            if not report.ok:
                raise SpaserError(
                    f"{archive} : la sauvegarde ne donne pas un entrepôt en bon état, rien n'a été remplacé.\n"
                    + report.text()
                )
            _swap_in(work, store)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    report.store = store
    return report


def _extract(archive: Path, work: Path) -> None:
    try:
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                name = Path(member.name)
                allowed = name in (Path(DECP_DATABASE), Path(REFERENCE_DATABASE)) or (
                    name.parent == Path(QUARANTINE) or (name.parent == Path(".") and name.suffix == ".json")
                )
                if not member.isfile() or not allowed:
                    raise SpaserError(
                        f"{archive} : « {member.name} » n'a pas sa place dans une sauvegarde d'entrepôt."
                    )
            tar.extractall(work, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise SpaserError(f"{archive} : archive illisible ({error}).") from error


def _swap_in(work: Path, store: Path) -> None:
    """Each restored file renamed over the store's; the store's files the backup did not have, removed."""
    restored = {path.relative_to(work) for path in work.rglob("*") if path.is_file()}
    (store / QUARANTINE).mkdir(exist_ok=True)
    # The reference first: the DECP file, swapped last, is what tells readers the data changed.
    for member in sorted(restored, key=lambda member: member == Path(DECP_DATABASE)):
        os.replace(work / member, store / member)
    for member in store_members(store):
        if member not in restored:
            (store / member).unlink()
    sync_folder(store / QUARANTINE)
    sync_folder(store)


# ---------------------------------------------------------------------------------------------------------------
# Commands


def run_check(args) -> int:
    report = check(args.store)
    print(report.text())
    return 0 if report.ok else 1


def run_backup(args) -> int:
    members = backup(args.store, args.out)
    size = number(args.out.stat().st_size / 1_000_000, 1)
    print(f"Sauvegarde de {args.store} dans {args.out} : {count(len(members), 'fichier')}, {size} Mo.")
    return 0


def run_restore(args) -> int:
    report = restore(args.file, args.store)
    print(f"Entrepôt {args.store} restauré depuis {args.file}.")
    print(report.text())
    return 0
