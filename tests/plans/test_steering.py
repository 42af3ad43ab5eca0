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
    PartnershipFactory,
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
    assert series.points[2].missing == "pas de marché notifié cette année dans les DECP"
    assert series.latest.year == 2025  # 2024 is the baseline year


def test_final_target_reached(scheme):
    series = series_of(scheme, objective(scheme, "S1", 20, {2026: 30}))

    assert series.status == steering.REACHED
    assert series.verdict.basis == "2025 : 100,0\u00a0% pour une cible finale de 30,0\u00a0%."


def test_below_the_trajectory_is_late(scheme):
    # E1 2025: m6 has no environmental consideration → 0 %; trajectory from 75 (2024) to 100 (2026): 87,5.
    series = series_of(scheme, objective(scheme, "E1", 75, {2026: 100}))

    assert series.latest.trajectory == pytest.approx(87.5)
    assert series.status == steering.LATE
    assert series.verdict.basis.endswith("et une trajectoire de 87,5\u00a0%.")


def test_trajectory_passes_through_every_yearly_target(scheme):
    series = series_of(scheme, objective(scheme, "E1", 40, {2025: 50, 2026: 100}))

    assert [p.trajectory for p in series.points] == [40, 50, 100]
    assert [p.target for p in series.points] == [None, 50, 100]


def test_the_baseline_year_never_makes_an_objective_late(decp_store):
    # E1 2025 is 0 %, the baseline typed a little above it (0,04): 2025 is only the starting point.
    scheme = SchemeFactory(organisation=BuyerAFactory(), start_year=2025, end_year=2027)

    series = series_of(scheme, objective(scheme, "E1", 0.04, {2027: 50}, baseline_year=2025))

    assert series.points[0].value == 0.0
    assert series.status == steering.NOT_YET
    assert series.latest is None
    assert (
        series.verdict.basis
        == "Pas encore de valeur pour 2026 à 2027 : pas de marché notifié cette année dans les DECP."
    )


def test_a_year_before_the_period_never_decides(decp_store):
    # A 2026-2028 scheme whose baseline is 2025 (E1 = 0 %): no year of its period has data yet.
    scheme = SchemeFactory(organisation=BuyerAFactory(), start_year=2026, end_year=2028)

    series = series_of(scheme, objective(scheme, "E1", 30, {2028: 60}, baseline_year=2025))

    assert [(p.year, p.value) for p in series.points] == [(2025, 0.0), (2026, None), (2027, None), (2028, None)]
    assert series.status == steering.NOT_YET


@pytest.mark.parametrize(
    ("target", "status"),
    [
        pytest.param(75.04, steering.REACHED, id="shown-equal-reached"),  # 75,0 % against 75,0 %
        pytest.param(75.06, steering.LATE, id="shown-above-late"),  # 75,0 % against 75,1 %
    ],
)
def test_values_are_compared_unrounded_within_half_a_shown_decimal(target, status, decp_store):
    # E1 2024 = 75 % exactly; tolerance 0,05 point.
    scheme = SchemeFactory(organisation=BuyerAFactory(), start_year=2023, end_year=2024)

    series = series_of(scheme, objective(scheme, "E1", target, {2024: target}, baseline_year=2023))

    assert series.latest.year == 2024
    assert series.status == status


def test_low_coverage_is_insufficient_data_and_says_so(scheme):
    # P6_UE: origineUE is published on 1 of the 3 marchés of 2024 whose products it concerns, on none in 2025.
    series = series_of(scheme, objective(scheme, "P6_UE", 50, {2026: 70}, baseline_year=2023))

    assert series.latest.year == 2024
    assert series.latest.coverage == pytest.approx(1 / 3)
    assert series.status == steering.INSUFFICIENT
    reason = "moins de la moitié des marchés renseignent la donnée (couverture 33,3\u00a0%)"
    assert series.latest.missing == reason
    assert series.verdict.basis == f"2024 : {reason}."
    # 2025: m6 is not concerned by the products' origin: a marché, no value.
    assert series.points[2].missing == "aucun marché de l'année n'est concerné par cet indicateur"


def test_without_reference_data_awardee_indicators_say_why(scheme, decp_store):
    (decp_store / "reference.duckdb").unlink()
    (decp_store / "decp.duckdb").touch()  # a new store version: the snapshots are computed again

    series = series_of(scheme, objective(scheme, "P1", 50, {2026: 70}, baseline_year=2023))

    assert [p.value for p in series.points] == [None, None, None, None]
    assert series.points[1].missing == "classification des titulaires non chargée (données de référence)"
    assert series.status == steering.INSUFFICIENT
    assert series.verdict.basis == "2025 : classification des titulaires non chargée (données de référence)."


def test_manual_indicator_on_its_trajectory_is_on_track(scheme):
    hours = ManualIndicatorFactory(organisation=scheme.organisation)
    ManualValueFactory(indicator=hours, year=2025, value=1500, contract_id="M1")
    ManualValueFactory(indicator=hours, year=2025, value=1000, contract_id="M2")
    item = objective(scheme, "", 1000, {2026: 3000}, manual_indicator=hours)

    series = series_of(scheme, item)

    assert series.latest.value == 2500  # the sum of the contracts of 2025; trajectory 2000
    assert series.status == steering.ON_TRACK
    assert series.points[2].missing == "aucune valeur saisie pour cette année"


def test_manual_indicator_without_trajectory_or_target_is_never_late(scheme):
    hours = ManualIndicatorFactory(organisation=scheme.organisation)
    ManualValueFactory(indicator=hours, year=2025, value=100)
    before_first_target = objective(scheme, "", None, {2026: 3000}, baseline_year=None, manual_indicator=hours)
    without_target = objective(scheme, "", None, {}, baseline_year=None, manual_indicator=hours)

    assert series_of(scheme, before_first_target).status == steering.NO_TRAJECTORY
    assert series_of(scheme, without_target).status == steering.NO_TARGET


def test_decreasing_objective(scheme):
    # P3_OFFRE_UNIQUE 2024: m2 only of the 4 marchés with offresRecues → 25 %; aim: from 40 % (2023) to 20 %
    # (2026), trajectory 2024 = 40 - 20 / 3 = 33,3; 2025 has no offresRecues.
    series = series_of(scheme, objective(scheme, "P3_OFFRE_UNIQUE", 40, {2026: 20}, baseline_year=2023))

    assert series.latest.value == pytest.approx(25.0)
    assert series.latest.trajectory == pytest.approx(40 - 20 / 3)
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
    PartnershipFactory(scheme=scheme, organisation=OrganisationFactory(siren=SIREN_B), accepted=True)
    series = series_of(scheme, objective(scheme, "S1", 20, {2026: 30}))

    # 2024: A 3 of 4, B 0 of 1 → together 3 of 5.
    assert series.points[0].value == pytest.approx(60.0)
    assert series.per_buyer[SIREN_A][0].value == pytest.approx(75.0)
    assert series.per_buyer[SIREN_B][0].value == pytest.approx(0.0)


def test_mutualised_scheme_has_a_status_for_the_whole_and_each_buyer(scheme):
    PartnershipFactory(scheme=scheme, organisation=OrganisationFactory(siren=SIREN_B), accepted=True)
    # S1 from 20 % (2023) to 30 % (2026): trajectory 2024 = 23,3, 2025 = 26,7. Together: 2025 = A's m6 → 100 %.
    # A: 2025 → 100 %, reached. B: no marché in 2025, 2024 → 0 % against 23,3: late.
    series = series_of(scheme, objective(scheme, "S1", 20, {2026: 30}, baseline_year=2023))

    assert series.status == steering.REACHED
    assert series.per_buyer_verdicts[SIREN_A].status == steering.REACHED
    assert series.per_buyer_verdicts[SIREN_B].status == steering.LATE
    assert series.per_buyer_verdicts[SIREN_B].decisive.year == 2024
