"""`spaser demo balances`: a DGFiP-shaped file for the demo's local buyers that the balances loader accepts."""

import duckdb

from spaser.decp.store import open_read_only
from spaser.demo.balances import ACCOUNTS, LOCAL_TYPES, write_demo_balances
from spaser.observatory.balances import file_path, load_balances


def test_the_demo_balances_cover_local_buyers_and_load_without_their_staff_account(demo_store, tmp_path):
    out = tmp_path / "balances.csv"

    lines = write_demo_balances(demo_store, out)
    store = tmp_path / "store"
    store.mkdir()
    pairs = load_balances(out, store)

    assert lines == pairs * len(ACCOUNTS)
    written = duckdb.sql(f"SELECT DISTINCT siren FROM read_csv('{out}', delim = ';', all_varchar = true)").fetchall()
    with open_read_only(demo_store) as connection:
        types = dict(connection.execute("SELECT siren, type FROM buyers").fetchall())
    assert written and {types[siren] for (siren,) in written} <= set(LOCAL_TYPES)
    # The staff account (6411) is not counted: the loaded spend is the other accounts' sum, 100 % of the draw.
    loaded = duckdb.sql(f"SELECT sum(montant_depenses) FROM '{file_path(store)}'").fetchall()[0][0]
    staff = duckdb.sql(
        f"SELECT sum(replace(obnetdeb, ',', '.')::DOUBLE) FROM read_csv('{out}', delim = ';', all_varchar = true) "
        "WHERE compte = '6411'"
    ).fetchall()[0][0]
    assert round(loaded / staff, 2) == round(1 / 0.8, 2)
