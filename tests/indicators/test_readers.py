"""Read-only handles on a store: a swapped store is read at once, a missing or damaged one is unavailable."""

import os
import shutil

import duckdb
import pytest

from spaser.indicators.engine import stores
from spaser.indicators.readers import SharedStores, StoreUnavailable


@pytest.fixture
def store(_store_template, tmp_path):
    return shutil.copytree(_store_template, tmp_path / "store")


def contracts(reader) -> int:
    connection, _ = reader
    return connection.execute("SELECT count(*) FROM contracts").fetchone()[0]


def swapped_in_with_one_contract_less(store) -> None:
    """A new decp.duckdb renamed over the old one, as an import does."""
    copy = store / "new.duckdb"
    shutil.copyfile(store / "decp.duckdb", copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute("DELETE FROM current_versions WHERE uid = (SELECT min(uid) FROM current_versions)")
    os.replace(copy, store / "decp.duckdb")


def test_a_swapped_store_is_read_at_once_while_a_reader_of_the_old_one_goes_on(store):
    shared = SharedStores()
    with shared.reading(store) as old:
        before = contracts(old)
        swapped_in_with_one_contract_less(store)
        with shared.reading(store) as new:
            assert contracts(new) == before - 1
        assert contracts(old) == before  # the old file stays readable until its reader is done
    with stores(store) as fresh:
        assert contracts(fresh) == before - 1


def test_the_handle_is_shared_until_the_store_changes(store):
    shared = SharedStores()
    first = shared.handle(store)
    assert shared.handle(store) is first
    swapped_in_with_one_contract_less(store)
    assert shared.handle(store) is not first


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda store: (store / "decp.duckdb").unlink(), "aucun entrepôt DECP ici"),
        (lambda store: (store / "decp.duckdb").write_bytes(b"garbage" * 1000), "entrepôt illisible"),
        (lambda store: (store / "reference.duckdb").write_bytes(b"garbage" * 1000), "entrepôt illisible"),
    ],
    ids=["missing", "damaged", "damaged reference"],
)
def test_a_missing_or_damaged_store_is_unavailable(store, damage, message):
    damage(store)
    with pytest.raises(StoreUnavailable, match=message):
        SharedStores().handle(store)
    with pytest.raises(StoreUnavailable, match=message), stores(store):
        pass


def test_a_store_without_contracts_is_unavailable(tmp_path):
    tmp_path.joinpath("store").mkdir()
    duckdb.connect(str(tmp_path / "store" / "decp.duckdb")).close()
    with pytest.raises(StoreUnavailable, match="la table « contracts » manque"):
        SharedStores().handle(tmp_path / "store")
