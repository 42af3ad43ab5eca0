import hashlib
from pathlib import Path

import duckdb
import pytest

from spaser.reference.importer import LoadReport, import_reference


FIXTURES = Path(__file__).parent.parent / "fixtures" / "reference"
COG = FIXTURES / "decoupage-administratif-6.0.0"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store"


def load(store: Path, name: str | Path, kind: str, **options) -> LoadReport:
    path = name if isinstance(name, Path) else FIXTURES / name
    return import_reference(path, kind, store, **options)


def rows(store: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(store / "reference.duckdb"), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
