"""The contracts a purchase questionnaire is linked to, read from the hand-counted store (indicators/factories.py)."""

import datetime

from spaser.indicators import linked_contracts
from spaser.indicators.readers import SHARED_STORES
from tests.indicators.factories import A1, A2, B1, SIREN_A


def test_a_contract_is_found_by_its_decp_id_or_its_uid_whoever_published_it(decp_store):
    with SHARED_STORES.reading(decp_store) as (connection, _):
        by_id = linked_contracts.find(connection, "M7")
        by_uid = linked_contracts.find(connection, f"marche|{A2}|M3")
        concession = linked_contracts.find(connection, "C1")
    assert [(c.uid, c.acheteur_id, c.siren, c.label) for c in by_id] == [
        (f"marche|{B1}|M7", B1, B1[:9], "M7 — Marché 7")
    ]
    assert [(c.id, c.notified, c.montant) for c in by_uid] == [("M3", datetime.date(2024, 3, 1), 200000)]
    assert concession == []  # a questionnaire precedes a marché's consultation, not a concession's


def test_candidates_are_the_buyers_marches_since_the_questionnaire_closest_objects_first(decp_store):
    with SHARED_STORES.reading(decp_store) as (connection, _):
        everything = linked_contracts.candidates(connection, SIREN_A, [], None)
        since = linked_contracts.candidates(connection, SIREN_A, [], datetime.date(2025, 1, 1))
        ranked = linked_contracts.candidates(connection, SIREN_A, ["marche 5"], None, limit=2)
    # Both SIRETs of the SIREN, not B's M7 nor the concession C1; by date, then id.
    assert [c.id for c in everything] == ["M1", "M2", "M3", "M4", "M5", "M6"]
    assert {c.acheteur_id for c in everything} == {A1, A2}
    assert [c.id for c in since] == ["M6"]
    assert [c.id for c in ranked] == ["M5", "M1"]


def test_object_words_are_compared_without_case_accents_short_and_empty_words():
    assert linked_contracts.object_words("Nettoyage des bâtiments — lot 2 pour l'École") == [
        "batiments",
        "ecole",
        "nettoyage",
    ]


def test_what_the_decp_publish_of_the_linked_contracts_per_lever(decp_store):
    uids = [f"marche|{A1}|M1", f"marche|{A2}|M3", f"marche|{A1}|M4", "marche|disparu|M0"]
    with SHARED_STORES.reading(decp_store) as (connection, refs):
        published = linked_contracts.published_levers(connection, refs, uids)
    assert published == {
        f"marche|{A1}|M1": {"social": True, "reserved": False, "environmental": True},
        f"marche|{A2}|M3": {"social": True, "reserved": True, "environmental": False},
        f"marche|{A1}|M4": {"social": None, "reserved": None, "environmental": None},  # not published
    }


def test_the_uids_the_store_still_has(decp_store):
    with SHARED_STORES.reading(decp_store) as (connection, _):
        assert linked_contracts.present(connection, [f"marche|{A1}|M1", f"marche|{A1}|M0"]) == {f"marche|{A1}|M1"}
