"""`spaser observatory refresh`: a new file from the stores, recording their versions; a failed build keeps the old."""

import duckdb
import pytest

from spaser.cli import main
from spaser.errors import SpaserError
from spaser.observatory.refresh import refresh
from spaser.observatory.store import database_path, open_read_only, source_versions


def count_buyers(connection) -> None:
    connection.execute("CREATE TABLE buyers_seen AS SELECT count(DISTINCT acheteur_id) AS n FROM decp.contracts")


def test_the_observatory_is_built_from_the_attached_stores_and_records_their_versions(decp_store):
    versions = refresh(decp_store, (count_buyers,))

    with open_read_only(decp_store) as connection:
        expected = duckdb.connect(str(decp_store / "decp.duckdb"), read_only=True)
        assert (
            connection.execute("SELECT n FROM buyers_seen").fetchone()
            == expected.execute("SELECT count(DISTINCT acheteur_id) FROM contracts").fetchone()
        )
        expected.close()
        recorded = connection.execute("SELECT decp_version, reference_version FROM sources").fetchone()
    assert recorded == (versions["decp"], versions["reference"]) == tuple(source_versions(decp_store).values())
    assert versions["decp"] is not None


def test_a_refresh_replaces_every_table_and_a_failed_one_keeps_the_previous_file(decp_store):
    refresh(decp_store, (count_buyers,))
    refresh(decp_store, ())
    with open_read_only(decp_store) as connection:
        assert connection.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'buyers_seen'"
        ).fetchone() == (0,)
    before = database_path(decp_store).read_bytes()

    def broken(connection) -> None:
        connection.execute("CREATE TABLE half AS SELECT 1")
        raise RuntimeError("panne")

    with pytest.raises(RuntimeError):
        refresh(decp_store, (broken,))
    assert database_path(decp_store).read_bytes() == before


def test_without_a_decp_store_the_command_says_what_to_do_first(tmp_path, capsys):
    with pytest.raises(SpaserError, match="aucun entrepôt DECP ici"):
        refresh(tmp_path)
    assert main(["observatory", "refresh", "--store", str(tmp_path)]) != 0
    assert "spaser decp import" in capsys.readouterr().err
    assert not database_path(tmp_path).exists()
