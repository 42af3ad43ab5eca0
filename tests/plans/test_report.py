"""The steering report's data against the hand counts of tests/indicators/factories.py (buyer A).

S1 (share of marchés with a social consideration): 2024 → 75 %, 2025 → 100 %, 2026 no marché.
E1 (environmental): 2024 → 75 %, 2025 → 0 %.
"""

import datetime

import pytest

from spaser.plans import report, steering
from spaser.plans.models import ActionStatus
from tests.organisations.factories import BuyerAFactory
from tests.plans.factories import (
    ActionFactory,
    ManualIndicatorFactory,
    ManualValueFactory,
    ObjectiveFactory,
    SchemeFactory,
    TargetFactory,
)


@pytest.fixture
def scheme(decp_store):
    scheme = SchemeFactory(organisation=BuyerAFactory(), start_year=2024, end_year=2026)
    social = ObjectiveFactory(engagement__axis__scheme=scheme, indicator_code="S1", baseline_value=20)
    TargetFactory(objective=social, year=2026, value=30)
    environmental = ObjectiveFactory(
        engagement__axis__scheme=scheme, indicator_code="E1", baseline_value=75, title="Tous les marchés verts"
    )
    TargetFactory(objective=environmental, year=2026, value=100)
    ActionFactory(engagement=social.engagement, status=ActionStatus.DONE)
    ActionFactory(engagement=social.engagement, status=ActionStatus.ONGOING)
    ActionFactory(engagement=environmental.engagement, status=ActionStatus.DONE)
    return scheme


def objective_report(built, code):
    return next(item for item in built.objectives if item.series.objective.indicator_code == code)


def test_each_objective_has_the_years_value_target_and_trajectory(scheme):
    built = report.build(scheme, 2025, [])

    social = objective_report(built, "S1")
    # Trajectory 2025: halfway from the baseline 20 (2024) to the target 30 (2026).
    assert (social.point.value, social.point.target, social.point.trajectory) == (100.0, None, 25.0)
    assert (social.point.contracts, social.point.coverage) == (1, 1.0)
    assert social.verdict.status == steering.REACHED
    environmental = objective_report(built, "E1")
    assert (environmental.point.value, environmental.point.trajectory) == (0.0, 87.5)
    assert environmental.verdict.status == steering.LATE
    assert built.status_counts == {steering.REACHED: 1, steering.LATE: 1}


def test_the_status_only_sees_the_years_up_to_the_reports(scheme):
    # In 2024, the baseline year, nothing is measured yet: the 2025 value must not decide the 2024 report.
    built = report.build(scheme, 2024, [])

    assert {item.verdict.status for item in built.objectives} == {steering.NOT_YET}
    assert objective_report(built, "S1").point.value == 75.0


def test_chart_data_is_the_dashboards_series_rounded(scheme):
    social = objective_report(report.build(scheme, 2025, []), "S1")

    assert social.chart == steering.ChartData([2024, 2025, 2026], [75.0, 100.0, None], [20.0, 25.0, 30.0], "%", 100)


def test_actions_by_engagement_and_state(scheme):
    built = report.build(scheme, 2025, [])

    assert [len(e.actions) for axis in built.axes for e in axis.engagements] == [2, 1]
    assert built.action_counts == {"En cours": 1, "Réalisée": 2}


def test_manual_indicators_give_the_years_total(scheme):
    hours = ManualIndicatorFactory(organisation=scheme.organisation, label="Heures d'insertion")
    ManualValueFactory(indicator=hours, year=2025, value=100, contract_id="M1")
    ManualValueFactory(indicator=hours, year=2025, value=50, contract_id="M2")
    ManualValueFactory(indicator=hours, year=2024, value=7)
    silent = ManualIndicatorFactory(organisation=scheme.organisation, label="Personnes accompagnées")

    totals = {entry.indicator: entry.total for entry in report.build(scheme, 2025, []).manual}

    assert (totals[hours].value, totals[hours].lines) == (150, 2)
    assert totals[silent] is None


def test_data_version_and_methodology_annex(scheme):
    built = report.build(scheme, 2025, [])

    assert len(built.data.imports) == 1
    assert [indicator.code for indicator, _ in built.annex] == ["E1", "S1"]  # catalogue order
    assert built.annex[0][1][0][0] == "Numérateur"


def test_a_scheme_of_manual_objectives_reads_no_store(decp_store):
    scheme = SchemeFactory(organisation=BuyerAFactory())
    hours = ManualIndicatorFactory(organisation=scheme.organisation)
    ObjectiveFactory(engagement__axis__scheme=scheme, indicator_code="", manual_indicator=hours)
    decp_store.joinpath("decp.duckdb").unlink()

    assert report.build(scheme, 2025, []).data is None


@pytest.mark.parametrize("year", [2023, 2027])
def test_a_year_outside_the_period_is_refused_in_french(scheme, year):
    with pytest.raises(report.YearOutsidePeriod) as refused:
        report.build(scheme, year, [])

    assert str(refused.value) == (
        f"Pas de rapport pour {year} : le SPASER « {scheme.title} » couvre les années 2024 à 2026. "
        "Choisissez une année de cette période."
    )


@pytest.mark.parametrize(("today", "year"), [(2023, 2024), (2025, 2025), (2030, 2026)])
def test_the_report_offered_first_is_this_years_within_the_period(scheme, today, year):
    assert report.latest_year(scheme, datetime.date(today, 6, 1)) == year
