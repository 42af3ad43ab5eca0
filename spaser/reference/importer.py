"""Import one reference file into `<store>/reference.duckdb`: all or nothing, recorded in `reference_loads`."""

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from spaser.errors import SpaserError
from spaser.reference import versions
from spaser.reference.kinds import KINDS, layout_for
from spaser.reference.loading import Context
from spaser.reference.sources import probe
from spaser.reference.sql import install_macros
from spaser.reference.store import rebuilding


@dataclass
class LoadReport:
    kind: str
    file: str
    table: str
    rows: int
    version: str
    sha256: str
    skipped: dict[str, tuple[int, str]] = field(default_factory=dict)


def import_reference(path: Path, kind: str, store: Path, *, skip_invalid: bool = False) -> LoadReport:
    """Load `path` as `kind`; on any error the previous reference store is left as it was."""
    spec = KINDS.get(kind)
    if spec is None:
        raise SpaserError(f"type de fichier « {kind} » inconnu (types : {', '.join(KINDS)}).")
    path = Path(path)
    source = probe(path)
    layout = layout_for(spec, source)
    digest = _sha256(path)
    with rebuilding(Path(store)) as (connection, work):
        install_macros(connection)
        loaded = layout.load(Context(connection, source, work, skip_invalid))
        version = versions.from_name(path.name) or loaded.version or versions.from_mtime(path)
        connection.execute(
            "INSERT INTO reference_loads VALUES (?, ?, ?, ?, ?, ?)",
            [kind, path.name, version, datetime.now(UTC).replace(tzinfo=None), loaded.rows, digest],
        )
    table = loaded.table or spec.tables[0]
    return LoadReport(kind, path.name, table, loaded.rows, version, digest, loaded.skipped)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
