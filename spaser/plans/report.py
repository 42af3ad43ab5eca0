"""The annual steering report of a scheme: what its HTML page and its PDF show for one year of its period.

Built from the steering dashboard (`steering.dashboard`: the same values, statuses and chart data as the web pages)
and the catalogue (the methodology annex), never recomputed apart: the report cannot say otherwise than the site.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings

from spaser.indicators.audit import DataVersion, data_version
from spaser.indicators.catalogue import BY_CODE, Indicator
from spaser.indicators.engine import CATALOGUE_VERSION
from spaser.indicators.methodology import facts, plain_counting_rules
from spaser.indicators.readers import SHARED_STORES
from spaser.plans import steering
from spaser.plans.manual import YearTotal, yearly_totals
from spaser.plans.models import Action, ActionStatus, Axis, Engagement, ManualIndicator, Scheme


NO_GOVERNANCE = "Aucune instance de gouvernance renseignée."
DECP_LIMITS = (
    "Les indicateurs « DECP » ne voient que les marchés publiés dans les données essentielles de la commande "
    "publique : un marché non publié, ou publié sans ses considérations sociales et environnementales (format 2019, "
    "« NC »), n'est pas compté. La couverture dit, pour chaque valeur, la part des marchés de l'année dont la donnée "
    "est connue ; sous la moitié, la valeur est marquée « données insuffisantes » et ne décide pas du statut. Les "
    "montants sont ceux de la notification, hors modifications ; ceux des accords-cadres sont des maxima."
)


class YearOutsidePeriod(ValueError):
    """A report asked for a year the scheme does not cover; the message is French and names the period."""


@dataclass(frozen=True)
class ObjectiveReport:
    series: steering.ObjectiveSeries
    point: steering.YearPoint  # the report's year: value, target, trajectory, coverage
    verdict: steering.Verdict  # the status rule applied to the years up to the report's only
    chart: steering.ChartData

    @property
    def indicator(self) -> Indicator | None:
        return BY_CODE.get(self.series.objective.indicator_code)

    @property
    def buyers(self) -> list[tuple[str, steering.YearPoint]]:
        """The report year's value of each buyer of a mutualised scheme."""
        year = self.point.year
        return [(buyer, next(p for p in points if p.year == year)) for buyer, points in self.series.per_buyer.items()]


@dataclass(frozen=True)
class EngagementReport:
    engagement: Engagement
    objectives: list[ObjectiveReport]
    actions: list[Action]


@dataclass(frozen=True)
class AxisReport:
    axis: Axis
    engagements: list[EngagementReport]


@dataclass(frozen=True)
class ManualReport:
    indicator: ManualIndicator
    total: YearTotal | None  # None: nothing entered for the year


@dataclass(frozen=True)
class Report:
    scheme: Scheme
    year: int
    axes: list[AxisReport]
    manual: list[ManualReport]
    data: DataVersion | None  # None: no DECP objective, the store is not read
    governance: list[str]  # a sentence per committee (spaser.governance, above this app, gives them)

    @property
    def objectives(self) -> list[ObjectiveReport]:
        return [o for axis in self.axes for e in axis.engagements for o in e.objectives]

    @property
    def decp_objectives(self) -> list[ObjectiveReport]:
        return [o for o in self.objectives if o.indicator]

    @property
    def status_counts(self) -> dict[str, int]:
        counts = {status: 0 for status in steering.STATUS_BADGES}
        for item in self.objectives:
            counts[item.verdict.status] += 1
        return {status: count for status, count in counts.items() if count}

    @property
    def action_counts(self) -> dict[str, int]:
        actions = [a for axis in self.axes for e in axis.engagements for a in e.actions]
        counts = {label: sum(1 for a in actions if a.status == value) for value, label in ActionStatus.choices}
        return {label: count for label, count in counts.items() if count}

    @property
    def annex(self) -> list[tuple[Indicator, tuple[tuple[str, str], ...]]]:
        """The catalogue indicators the scheme's objectives use, in catalogue order, with how each is computed."""
        used = {item.series.objective.indicator_code for item in self.objectives}
        return [(indicator, facts(indicator)) for code, indicator in BY_CODE.items() if code in used]

    @property
    def counting_rules(self) -> tuple[tuple[str, str], ...]:
        return plain_counting_rules()

    @property
    def catalogue_version(self) -> str:
        return CATALOGUE_VERSION

    @property
    def status_rule(self) -> str:
        return steering.STATUS_RULE

    @property
    def limits(self) -> str:
        return DECP_LIMITS

    @property
    def no_governance(self) -> str:
        return NO_GOVERNANCE


def latest_year(scheme: Scheme, today: date) -> int:
    """The year a scheme's report is offered for first: the current one, within the period."""
    return max(scheme.start_year, min(scheme.end_year, today.year))


def check_year(scheme: Scheme, year: int) -> None:
    if not scheme.start_year <= year <= scheme.end_year:
        raise YearOutsidePeriod(
            f"Pas de rapport pour {year} : le SPASER « {scheme.title} » couvre les années {scheme.start_year} "
            f"à {scheme.end_year}. Choisissez une année de cette période."
        )


def build(scheme: Scheme, year: int, governance: list[str], store: Path | None = None) -> Report:
    """The report of `year`, with the governance chapter's sentences; raises YearOutsidePeriod, or StoreUnavailable
    when DECP values cannot be read."""
    check_year(scheme, year)
    store = store or settings.SPASER_STORE_DIR
    series = steering.dashboard(scheme, store)
    by_objective = {item.objective.pk: _objective(item, scheme, year) for item in series}
    axes = scheme.axes.prefetch_related("engagements__objectives", "engagements__actions")
    return Report(
        scheme=scheme,
        year=year,
        axes=[
            AxisReport(
                axis,
                [
                    EngagementReport(e, [by_objective[o.pk] for o in e.objectives.all()], list(e.actions.all()))
                    for e in axis.engagements.all()
                ],
            )
            for axis in axes
        ],
        manual=_manual(scheme, year),
        data=_data_version(store) if any(item.indicator for item in by_objective.values()) else None,
        governance=governance,
    )


def _objective(series: steering.ObjectiveSeries, scheme: Scheme, year: int) -> ObjectiveReport:
    until = [point for point in series.points if point.year <= year]
    status = steering.verdict(series.objective, until, series.final_target, (scheme.start_year, scheme.end_year))
    point = next(point for point in series.points if point.year == year)
    return ObjectiveReport(series, point, status, steering.chart_data(series))


def _manual(scheme: Scheme, year: int) -> list[ManualReport]:
    indicators = list(scheme.usable_manual_indicators().select_related("organisation").order_by("label", "pk"))
    totals = yearly_totals(indicators)
    return [
        ManualReport(indicator, next((total for total in totals[indicator.pk] if total.year == year), None))
        for indicator in indicators
    ]


def _data_version(store: Path) -> DataVersion:
    with SHARED_STORES.reading(store) as (connection, _):
        return data_version(connection, store)
