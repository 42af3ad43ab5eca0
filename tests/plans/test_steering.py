"""Dashboard series against the hand counts of tests/indicators/factories.py (buyer A).

S1 (share of marchés with a social consideration): 2024 m1, m3, m5 of the 4 known → 75 %; 2025 m6 → 100 %.
E1 (environmental): 2024 m1, m2, m5 of 4 → 75 %; 2025 m6 has none → 0 %.
"""

import pytest

from spaser.plans import steering
from spaser.plans.models import IndicatorSnapshot
from tests.indicators.factories import SIREN_A, SIREN_B
from tests.organisations.factories import BuyerAFactory, OrganisationFactory
from tests.plans.factories import (
    ManualIndicatorFactory,
    ManualValueFactory,
    ObjectiveFactory,
    SchemeFactory,
    TargetFactory,
)


@pytest.fixture
def scheme(decp_store):
    return SchemeFactory(organisation=BuyerAFactory(), start_year=2024, end_year=2026)


def objective(scheme, code, baseline, targets, baseline_year=2024, **extra):
    item = ObjectiveFactory(
        engagement__axis__scheme=scheme,
        indicator_code=code,
        baseline_year=baseline_year,
        baseline_value=baseline,
        **extra,
    )
    for year, value in targets.items():
        TargetFactory(objective=item, year=year, value=value)
    return item


def series_of(scheme, item):
    return next(series for series in steering.dashboard(scheme) if series.objective == item)


def test_values_per_year_are_the_hand_counts_in_percent(scheme):
    series = series_of(scheme, objective(scheme, "S1", 20, {2026: 30}))

    assert [(p.year, p.value) for p in series.points] == [(2024, 75.0), (2025, 100.0), (2026, None)]
    assert series.latest.year == 2025


def test_final_target_reached(scheme):
    assert series_of(scheme, objective(scheme, "S1", 20, {2026: 30})).status == steering.REACHED


def test_below_the_trajectory_is_late(scheme):
    series = series_of(scheme, objective(scheme, "E1", 75, {2026: 100}))

    assert series.latest.trajectory == pytest.approx(87.5)
    assert series.status == steering.LATE


def test_trajectory_passes_through_every_yearly_target(scheme):
    series = series_of(scheme, objective(scheme, "E1", 40, {2025: 50, 2026: 100}))

    assert [p.trajectory for p in series.points] == [40, 50, 100]
    assert [p.target for p in series.points] == [None, 50, 100]


def test_low_coverage_is_insufficient_data(scheme):
    # P6_UE: origineUE is published on 1 of the 3 marchés of 2024 whose products it concerns, on none in 2025.
    series = series_of(scheme, objective(scheme, "P6_UE", 50, {2026: 70}))

    assert series.latest.year == 2024
    assert series.latest.coverage == pytest.approx(1 / 3)
    assert series.status == steering.INSUFFICIENT


def test_manual_indicator_on_its_trajectory_is_on_track(scheme):
    hours = ManualIndicatorFactory(organisation=scheme.organisation)
    ManualValueFactory(indicator=hours, year=2025, value=1500, contract_id="M1")
    ManualValueFactory(indicator=hours, year=2025, value=1000, contract_id="M2")
    item = objective(scheme, "", 1000, {2026: 3000}, manual_indicator=hours)

    series = series_of(scheme, item)

    assert series.latest.value == 2500  # the sum of the contracts of 2025; trajectory 2000
    assert series.status == steering.ON_TRACK


def test_decreasing_objective(scheme):
    # P3_OFFRE_UNIQUE 2024: m2 only of the 4 marchés with offresRecues → 25 %; aim: down to 20 % in 2026.
    series = series_of(scheme, objective(scheme, "P3_OFFRE_UNIQUE", 40, {2026: 20}))

    assert series.latest.value == pytest.approx(25.0)
    assert series.latest.trajectory == pytest.approx(40)
    assert series.status == steering.ON_TRACK


def test_snapshots_are_computed_once_per_store_version(scheme, decp_store):
    objective(scheme, "S1", 20, {2026: 30})
    steering.dashboard(scheme)
    first = set(IndicatorSnapshot.objects.values_list("pk", flat=True))
    steering.dashboard(scheme)
    assert set(IndicatorSnapshot.objects.values_list("pk", flat=True)) == first

    (decp_store / "decp.duckdb").touch()
    steering.dashboard(scheme)
    assert first.isdisjoint(IndicatorSnapshot.objects.values_list("pk", flat=True))


def test_mutualised_scheme_has_each_buyer_and_the_whole(scheme):
    scheme.partners.add(OrganisationFactory(siren=SIREN_B))
    series = series_of(scheme, objective(scheme, "S1", 20, {2026: 30}))

    # 2024: A 3 of 4, B 0 of 1 → together 3 of 5.
    assert series.points[0].value == pytest.approx(60.0)
    assert series.per_buyer[SIREN_A][0].value == pytest.approx(75.0)
    assert series.per_buyer[SIREN_B][0].value == pytest.approx(0.0)
