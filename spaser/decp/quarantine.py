"""The quarantine of an import: its rejected records with their reason, one NDJSON file per run next to the store.

The file is written in the work folder, then moved next to the store just before the store's swap.
"""

import os
import re
from pathlib import Path

import duckdb
import orjson

from spaser.decp import store as stores


_QUARANTINE_FILE = re.compile(r"run-(\d+)\.ndjson(\.tmp)?")


def remove_dead_quarantines(store: Path, run_id: int) -> None:
    """Quarantine files of runs the store does not know: written by an import killed before its swap."""
    folder = stores.quarantine_path(store)
    for path in folder.iterdir() if folder.is_dir() else ():
        match = _QUARANTINE_FILE.fullmatch(path.name)
        if match and int(match.group(1)) >= run_id:
            path.unlink()


def write_quarantine(connection: duckdb.DuckDBPyConnection, work: Path, run_id: int) -> Path | None:
    """The rejected records with their reason, in the work folder (`publish_quarantine` moves them out)."""
    rows = connection.execute(
        """
        SELECT r.source_file, r.source_position, r.rejected_field, q.reason, to_json(r) AS record
        FROM (SELECT * EXCLUDE (run_id, content_hash, reason, impossible_value) FROM rejected_records) r
        JOIN rejected_records q ON q.read_seq = r.read_seq
        ORDER BY r.read_seq
        """
    ).fetchall()
    connection.execute(
        "INSERT INTO rejections SELECT $run, source_file, source_position, rejected_field, reason "
        "FROM rejected_records ORDER BY read_seq",
        {"run": run_id},
    )
    if not rows:
        return None
    path = work / f"run-{run_id:04d}.ndjson"
    with open(path, "wb") as out:
        for source_file, position, rejected_field, reason, record in rows:
            entry = {
                "fichier": source_file,
                "enregistrement": position,
                "champ": rejected_field,
                "motif": reason,
                "donnees": orjson.loads(record),
            }
            out.write(orjson.dumps(entry) + b"\n")
        out.flush()
        os.fsync(out.fileno())
    return path


def publish_quarantine(path: Path, store: Path) -> None:
    """Moved next to the store as the last step before its swap: a failure before leaves nothing behind, a kill
    between the two leaves a file of a run the store does not know, which the next import removes first."""
    folder = stores.quarantine_path(store)
    folder.mkdir(exist_ok=True)
    os.replace(path, folder / path.name)
