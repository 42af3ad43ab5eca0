"""The biennial legal publication's figures against the hand-counted store (tests/indicators/factories.py)."""

from dataclasses import replace
from pathlib import Path

import pytest

from spaser.indicators.catalogue import BY_CODE
from spaser.indicators.engine import NO_CONTRACTS, Scope, fingerprint, stores
from spaser.indicators.legal import CATEGORIES, COUNTED, LEGAL_INDICATORS, VALUED
from spaser.indicators.publication import LEGAL_CATALOGUE_VERSION, data_version, legal_figures
from tests.indicators.factories import A2, SIREN_A, build_store


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("publication"))


def figures(store: Path, scope: Scope, years=(2024, 2025)) -> dict:
    with stores(store) as (connection, refs):
        return {(f.year, f.category, f.measure): f for f in legal_figures(connection, refs, scope, years)}


def test_every_legal_category_in_both_measures_for_each_year(store):
    found = figures(store, Scope(sirens=(SIREN_A,)))

    assert set(found) == {(y, c, m) for y in (2024, 2025) for c in CATEGORIES for m in (COUNTED, VALUED)}


def test_the_rates_counted_by_hand_for_buyer_a_in_2024(store):
    """2024, SIREN A: M1 to M5; M4 publishes no considerations and an awardee outside SIRENE, M5's amount is
    suspect (left out of the values). Social: M1, M3, M5 of 4 known; inclusive employer T2: M2, M5; ESUS T3: M3."""
    found = figures(store, Scope(sirens=(SIREN_A,)))
    rates = {(c, m): (f.numerator, f.denominator, f.coverage) for (y, c, m), f in found.items() if y == 2024}

    assert rates[("social", COUNTED)] == (3, 4, 0.8)
    assert rates[("social", VALUED)] == (300_000, 350_000, 0.6)
    assert rates[("environnement", VALUED)] == (150_000, 350_000, 0.6)
    assert rates[("reserve", COUNTED)] == (1, 4, 0.8)
    assert rates[("esus", COUNTED)] == (1, 4, 0.8)
    assert rates[("esus", VALUED)] == (200_000, 350_000, 0.6)
    assert rates[("inclusif", COUNTED)] == (2, 4, 0.8)
    assert rates[("inclusif", VALUED)] == (50_000, 350_000, 0.6)
    assert rates[("pme", COUNTED)] == (3, 4, 0.8)
    assert found[(2024, "social", COUNTED)].value == 0.75
    assert found[(2024, "social", COUNTED)].contracts == 5


def test_a_siret_scope_counts_that_establishment_only(store):
    found = figures(store, Scope(sirets=(A2,)), years=(2024,))

    assert found[(2024, "social", COUNTED)].numerator == 1  # M3, reserved
    assert found[(2024, "social", COUNTED)].contracts == 1


def test_a_year_without_contracts_has_figures_without_value(store):
    found = figures(store, Scope(sirens=(SIREN_A,)), years=(2026,))

    assert {f.value for f in found.values()} == {None}
    assert {f.missing for f in found.values()} == {NO_CONTRACTS}


def test_each_figure_says_its_counting_rule(store):
    found = figures(store, Scope(sirens=(SIREN_A,)), years=(2024,))

    assert "Clause sociale, Critère social ou Marché réservé" in found[(2024, "social", COUNTED)].rule
    assert found[(2024, "esus", COUNTED)].rule.startswith("Même définition que A2, en nombre de marchés.")
    assert "Dénominateur : marchés dont les titulaires sont identifiés" in found[(2024, "esus", COUNTED)].rule


def test_the_catalogue_version_is_stable_and_follows_the_definitions():
    changed_label = replace(BY_CODE["S1"], label="Autre libellé")
    changed_sql = replace(BY_CODE["S1"], numerator_sql="SUM(1)")

    assert fingerprint(LEGAL_INDICATORS) == LEGAL_CATALOGUE_VERSION
    assert fingerprint((changed_label, *LEGAL_INDICATORS[1:])) != LEGAL_CATALOGUE_VERSION
    assert fingerprint((changed_sql, *LEGAL_INDICATORS[1:])) != LEGAL_CATALOGUE_VERSION


def test_the_data_version_names_the_import_and_the_files(store):
    with stores(store) as (connection, _):
        version = data_version(connection, store)

    assert version["decp_import"] == 1
    assert version["decp_date"] is not None
    assert version["decp"] and version["reference"]
