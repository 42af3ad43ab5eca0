import shutil
from pathlib import Path

import pytest

from spaser.decp.importer import import_files
from tests.decp.factories import FIXTURES


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory) -> Path:
    template = tmp_path_factory.mktemp("seeded") / "store"
    import_files([FIXTURES / "format2022.json"], template)
    return template


@pytest.fixture
def seeded_store(_seeded_template: Path, tmp_path: Path) -> Path:
    """A private store that already holds the 4 contracts of format2022.json."""
    target = tmp_path / "seeded-store"
    shutil.copytree(_seeded_template, target)
    return target
