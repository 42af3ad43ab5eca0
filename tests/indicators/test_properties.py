"""Invariants of the indicator engine on random sets of contracts (hypothesis)."""

import duckdb
from hypothesis import HealthCheck, given, settings, strategies as st

from spaser.analytics.classes import reference_relations
from spaser.indicators.catalogue import BY_CODE, CATALOGUE
from spaser.indicators.engine import Filters, Scope, compute


COLUMNS = (
    "uid VARCHAR, kind VARCHAR, acheteur_id VARCHAR, acheteur_siren VARCHAR, annee_notification INTEGER, "
    "montant DOUBLE, flags STRUCT(code VARCHAR, field VARCHAR, value VARCHAR)[], "
    "titulaires STRUCT(id VARCHAR, typeIdentifiant VARCHAR)[], considerationsSociales VARCHAR[], "
    "considerationsEnvironnementales VARCHAR[], marcheInnovant BOOLEAN, offresRecues BIGINT, "
    "attributionAvance BOOLEAN, origineFrance DOUBLE, origineUE DOUBLE, nature VARCHAR, codeCPV VARCHAR, "
    "procedure VARCHAR"
)
SOCIAL = st.one_of(st.none(), st.lists(st.sampled_from(["Clause sociale", "Critère social", "Marché réservé"])))
ENVIRONMENTAL = st.one_of(st.none(), st.lists(st.sampled_from(["Clause environnementale", "Critère environnemental"])))
CONTRACT = st.fixed_dictionaries(
    {
        "buyer": st.sampled_from(["210000001", "220000001", "230000001"]),
        "year": st.sampled_from([2024, 2025]),
        "amount": st.one_of(st.none(), st.floats(min_value=-10, max_value=5e6, allow_nan=False)),
        "suspect": st.booleans(),
        "social": SOCIAL,
        "environmental": ENVIRONMENTAL,
        "innovative": st.one_of(st.none(), st.booleans()),
        "offers": st.one_of(st.none(), st.integers(min_value=0, max_value=20)),
        "advance": st.one_of(st.none(), st.booleans()),
        "origin": st.one_of(st.none(), st.floats(min_value=0, max_value=1)),
        "cpv": st.sampled_from(["45000000", "15110000"]),  # works, or food whose origin is asked for
    }
)
NO_CONSIDERATION = {
    "amount": 1000.0,
    "suspect": False,
    "social": [],
    "environmental": [],
    "innovative": None,
    "offers": None,
    "advance": None,
    "origin": None,
    "cpv": "45000000",
}


def connection_with(contracts: list[dict]) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE contracts ({COLUMNS})")
    rows = [
        (
            f"u{index}",
            "marche",
            c["buyer"] + "00011",
            c["buyer"],
            c["year"],
            c["amount"],
            [{"code": "montant_sentinelle", "field": "montant", "value": None}] if c["suspect"] else [],
            [],
            c["social"],
            c["environmental"],
            c["innovative"],
            c["offers"],
            c["advance"],
            c["origin"],
            c["origin"],
            "Marché",
            c["cpv"],
            "Procédure adaptée",
        )
        for index, c in enumerate(contracts)
    ]
    if rows:
        connection.executemany(f"INSERT INTO contracts VALUES ({', '.join('?' * 18)})", rows)
    return connection


def computed(contracts: list[dict], group: str = "buyer") -> dict:
    connection = connection_with(contracts)
    try:
        values = compute(connection, reference_relations(set()), Scope(), Filters(), group)
    finally:
        connection.close()
    return {(v.buyer, v.year, v.code): v for v in values}


SHARES = [indicator.code for indicator in CATALOGUE if indicator.unit == "%"]
RELAXED = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@RELAXED
@given(st.lists(CONTRACT, max_size=25))
def test_shares_are_between_0_and_1_and_numerators_within_denominators(contracts):
    for (_, _, code), value in computed(contracts, group="national").items():
        if code in SHARES and value.value is not None:
            assert 0 <= value.value <= 1
            assert value.numerator <= value.denominator + 1e-6
        assert value.coverage is None or 0 <= value.coverage <= 1


@RELAXED
@given(st.lists(CONTRACT, min_size=1, max_size=25))
def test_a_contract_without_consideration_never_raises_a_share(contracts):
    before = computed(contracts, group="national")
    after = computed(
        [*contracts, {"buyer": "210000001", "year": contracts[0]["year"], **NO_CONSIDERATION}], "national"
    )

    for code in ("S1", "E1", "R1", "S2", "E2"):
        key = ("France", contracts[0]["year"], code)
        if before.get(key) and before[key].value is not None:
            assert after[key].value <= before[key].value + 1e-9


@RELAXED
@given(st.lists(CONTRACT, max_size=25))
def test_buyers_add_up_to_the_national_figure(contracts):
    national = computed(contracts, group="national")
    per_buyer = computed(contracts, group="buyer")

    for (_, year, code), value in national.items():
        if BY_CODE[code].is_count:
            continue
        parts = [v for (_, y, c), v in per_buyer.items() if y == year and c == code]
        assert sum(p.numerator for p in parts) == value.numerator or abs(
            sum(p.numerator for p in parts) - value.numerator
        ) <= 1e-6 * max(1.0, abs(value.numerator))
        assert abs(sum(p.denominator for p in parts) - value.denominator) <= 1e-6 * max(1.0, value.denominator)
