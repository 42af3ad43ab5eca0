import pytest

from spaser.analytics.contract_ids import known_contract_ids
from spaser.indicators.engine import stores
from tests.indicators.factories import A1, A2, B1, build_store


@pytest.fixture(scope="module")
def connection(tmp_path_factory):
    with stores(build_store(tmp_path_factory.mktemp("ids"), reference=False)) as (connection, _):
        yield connection


def test_ids_are_known_under_any_siret_of_the_buyer_only(connection):
    # Buyer A published M1, M2, M4, M5 under A1 and M3, M6 under A2; buyer B published M7.
    asked = ["M1", "M3", "M7", "X-404"]

    assert known_contract_ids(connection, [A1, A2], asked) == {"M1", "M3"}
    assert known_contract_ids(connection, [A1], asked) == {"M1"}
    assert known_contract_ids(connection, [B1], asked) == {"M7"}


def test_no_siret_or_no_id_knows_nothing(connection):
    assert known_contract_ids(connection, [], ["M1"]) == set()
    assert known_contract_ids(connection, [A1], []) == set()
