import shutil
from pathlib import Path

import pytest
from django.db import connection

from spaser.cli import main
from spaser.decp.importer import import_files
from spaser.demo.generator import generate
from tests.indicators.factories import build_store


def pytest_collection_modifyitems(items):
    """Every test may use the application database, as in les-emplois (transactional tests opt in)."""
    for item in items:
        if not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db)


@pytest.fixture(scope="session", autouse=True)
def _no_database_session_left(django_db_setup, django_db_blocker):
    """On PostgreSQL, end the sessions a finished thread left open (seen once per full run, source not found yet:
    see the closing note of 2026-12-06), so that the test database can be dropped."""
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(scope="session")
def _store_template(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("platform"))


@pytest.fixture
def decp_store(_store_template, tmp_path, settings) -> Path:
    """A private copy of the hand-counted DECP store (tests/indicators/factories.py), used by the platform."""
    store = tmp_path / "store"
    shutil.copytree(_store_template, store)
    settings.SPASER_STORE_DIR = store
    return store


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Path:
    """A small demo store built as `make demo` builds it: synthetic DECP imported, then its synthetic reference."""
    folder = tmp_path_factory.mktemp("demo")
    generate(folder / "decp-demo.json", marches=3000, seed=2024)
    import_files([folder / "decp-demo.json"], folder / "store")
    assert main(["demo", "reference", "--store", str(folder / "store")]) == 0
    return folder / "store"
