"""The buyer profiles counted by hand on a small store of communes and one département.

2024, communes under 1 M€ of marchés: C1 2 marchés, 1 with a social consideration (1/2); C2 4 marchés, 1 social
(1/4); C3 1 marché, social (1/1); C4 1 marché publishing no considerations (données insuffisantes); C5 2 marchés,
none social (0/2). BIG a commune with 2 M€ (1 to 10 M€), DEP a département: each alone in its peer group.
ONLY_CONCESSION has no marché at all.
"""

from pathlib import Path

import duckdb
import orjson
import pytest
import sqlglot

from spaser.decp.importer import import_files
from spaser.observatory.profiles import TABLE, profiles_sql, read
from spaser.observatory.refresh import refresh
from spaser.observatory.series import SERIES
from spaser.observatory.store import open_read_only
from spaser.reference.store import create_schema
from tests.indicators.factories import CONCESSION, NONE_E, NONE_S, marche, siret


C1, C2, C3, C4, C5 = (siret(f"2100000{n}") for n in range(1, 6))
BIG, DEP, ONLY_CONCESSION = siret("21000009"), siret("22000001"), siret("21000008")
SOCIAL = ["Clause sociale"]


def _marches() -> list[dict]:
    plan = [
        (C1, [SOCIAL, NONE_S]),
        (C2, [SOCIAL, NONE_S, NONE_S, NONE_S]),
        (C3, [SOCIAL]),
        (C4, [None]),
        (C5, [NONE_S, NONE_S]),
        (DEP, [SOCIAL]),
    ]
    found = [
        marche(f"{buyer[:9]}-{index}", buyer, 10_000, social, None if social is None else NONE_E)
        for buyer, socials in plan
        for index, social in enumerate(socials)
    ]
    return [*found, marche("BIG", BIG, 2_000_000, SOCIAL, NONE_E), marche("C1-2025", C1, 10_000, SOCIAL, NONE_E, 2025)]


def build_profiles_store(folder: Path) -> Path:
    store, source = folder / "store", folder / "decp.json"
    concession = {**CONCESSION, "autoriteConcedante": {"id": ONLY_CONCESSION}}
    source.write_bytes(orjson.dumps({"marches": {"marche": _marches(), "contrat-concession": [concession]}}))
    import_files([source], store)
    reference = duckdb.connect(str(store / "reference.duckdb"))
    create_schema(reference)
    communes = [(buyer[:9], f"COMMUNE {n}", "7210") for n, buyer in enumerate((C1, C2, C3, C4, C5, BIG), 1)]
    reference.executemany(
        "INSERT INTO unites_legales (siren, denomination, categorie_juridique) VALUES (?, ?, ?)",
        [*communes, (DEP[:9], "DÉPARTEMENT TEST", "7220"), (ONLY_CONCESSION[:9], "COMMUNE CONCÉDANTE", "7210")],
    )
    reference.close()
    refresh(store)
    return store


@pytest.fixture(scope="module")
def profiles_store(tmp_path_factory) -> Path:
    return build_profiles_store(tmp_path_factory.mktemp("profiles"))


@pytest.fixture(scope="module")
def social_2024(profiles_store) -> dict[str, dict]:
    with open_read_only(profiles_store) as connection:
        return {
            buyer: next(
                (
                    row
                    for row in read(connection, buyer[:9])
                    if (row["year"], row["series"], row["measure"]) == (2024, "social", "nombre")
                ),
                None,
            )
            for buyer in (C1, C2, C3, C4, C5, BIG, DEP, ONLY_CONCESSION)
        }


def test_each_buyer_gets_its_share_with_numerator_and_known_denominator(social_2024):
    assert [
        (social_2024[b]["numerator"], social_2024[b]["denominator"], social_2024[b]["share"]) for b in (C1, C2, C3, C5)
    ] == [(1, 2, 0.5), (1, 4, 0.25), (1, 1, 1.0), (0, 2, 0.0)]
    assert (social_2024[C4]["denominator"], social_2024[C4]["share"]) == (0, None)


def test_peers_are_the_same_type_and_size_bracket_and_the_insufficient_ones_are_left_out(social_2024):
    commune = social_2024[C1]
    assert (commune["buyer_type"], commune["size_bracket"]) == ("Commune", "moins de 1 M€")
    assert (commune["peers"], commune["insufficient_peers"]) == (4, 1)  # C1, C2, C3, C5; C4 counted apart
    assert (social_2024[BIG]["size_bracket"], social_2024[BIG]["peers"]) == ("de 1 à 10 M€", 1)
    assert (social_2024[DEP]["buyer_type"], social_2024[DEP]["peers"]) == ("Département", 1)


def test_rank_percentile_and_median_of_the_peers(social_2024):
    # Shares 1 (C3), 0.5 (C1), 0.25 (C2), 0 (C5): rank from the highest, percentile = share of peers at or below.
    assert [(social_2024[b]["rank"], social_2024[b]["percentile"]) for b in (C3, C1, C2, C5)] == [
        (1, 1.0),
        (2, 0.75),
        (3, 0.5),
        (4, 0.25),
    ]
    # Four peers: the median is the average of the middle two, (0.25 + 0.5) / 2.
    assert {social_2024[b]["peer_median"] for b in (C1, C2, C3, C4, C5)} == {0.375}
    assert (social_2024[C4]["rank"], social_2024[C4]["percentile"]) == (None, None)
    assert (social_2024[BIG]["rank"], social_2024[BIG]["peer_median"]) == (1, 1.0)


def test_an_odd_number_of_peers_takes_the_middle_one_and_ties_share_their_rank():
    connection = duckdb.connect()
    columns = ", ".join(f'"{s.indicator.code}__{part}" DOUBLE' for s in SERIES for part in ("num", "den"))
    connection.execute(f"CREATE TABLE aggregates (buyer VARCHAR, year INTEGER, contracts BIGINT, {columns})")
    connection.execute(
        "CREATE TABLE register (siren VARCHAR, year INTEGER, buyer_type VARCHAR, contracts_amount DOUBLE)"
    )
    shares = {"A": 0.9, "B": 0.6, "C": 0.6, "D": 0.2, "E": 0.1}
    zeros = [0.0] * (2 * len(SERIES) - 2)
    connection.executemany(
        "INSERT INTO aggregates VALUES (?, 2024, 10, ?, 10, " + ", ".join("?" * len(zeros)) + ")",
        [[buyer, share * 10, *zeros] for buyer, share in shares.items()],
    )
    connection.executemany("INSERT INTO register VALUES (?, 2024, 'Commune', 500000)", [[b] for b in shares])

    found = connection.execute(
        f"SELECT siren, rank, percentile, peer_median, peers FROM ({profiles_sql('aggregates', 'register')}) "
        f"WHERE series = '{SERIES[0].code}' AND measure = '{SERIES[0].measure}' ORDER BY siren"
    ).fetchall()

    # Five peers: ranks 1, 2, 2, 4, 5; B and C at or above 4 of 5; the median is the third share, 0.6.
    assert [(siren, rank, round(percentile, 6)) for siren, rank, percentile, _, _ in found] == [
        ("A", 1, 1.0), ("B", 2, 0.8), ("C", 2, 0.8), ("D", 4, 0.4), ("E", 5, 0.2)
    ]  # fmt: skip
    assert {(round(median, 6), peers) for *_, median, peers in found} == {(0.6, 5)}


def test_years_are_compared_apart_and_a_buyer_without_marches_has_no_profile(profiles_store, social_2024):
    with open_read_only(profiles_store) as connection:
        c1_2025 = [row for row in read(connection, C1[:9]) if row["year"] == 2025 and row["series"] == "social"]
        c1_2025 = [row for row in c1_2025 if row["measure"] == "nombre"]
        statuses = connection.execute(
            "SELECT DISTINCT status FROM obligation_register WHERE siren = ?", [ONLY_CONCESSION[:9]]
        ).fetchall()
    assert [(row["share"], row["peers"], row["rank"]) for row in c1_2025] == [(1.0, 1, 1)]
    assert social_2024[ONLY_CONCESSION] is None and statuses == [("aucune donnée DECP",)]


def test_the_profiles_sql_transpiles_to_spark():
    spark = sqlglot.transpile(
        profiles_sql("buyer_aggregates", "obligation_register"),
        read="duckdb",
        write="spark",
        unsupported_level=sqlglot.ErrorLevel.RAISE,
    )[0]

    assert "CUME_DIST()" in spark and "ROW_NUMBER()" in spark and TABLE not in spark
