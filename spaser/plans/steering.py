"""Steering a scheme: indicator values per year against targets and the trajectory, and a status per objective.

Values of catalogue indicators come from the DECP store through `IndicatorSnapshot` rows: computed once per
version of the store and scope, then read by every dashboard and public page (fast under load, reproducible).
"""

from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Max, Sum

from spaser.formatting import in_percent
from spaser.indicators.catalogue import BY_CODE
from spaser.indicators.engine import Filters, Scope, compute, stores
from spaser.plans.models import IndicatorSnapshot, ManualUnit, ManualValue, Objective, Scheme


TOGETHER = "ensemble"
MIN_COVERAGE = 0.5

REACHED, ON_TRACK, LATE, INSUFFICIENT = "atteint", "en bonne voie", "en retard", "données insuffisantes"
STATUS_RULE = (
    "Le statut compare la dernière valeur connue de la période à la cible finale, puis à la trajectoire : "
    "« atteint » si la cible finale est atteinte ; « en bonne voie » si la valeur atteint la trajectoire de "
    "l'année (droite tracée de la valeur de référence à chaque cible annuelle) ; « en retard » sinon ; "
    "« données insuffisantes » quand aucune année n'a de valeur ou que moins de la moitié des marchés de "
    "l'année renseignent la donnée."
)
STATUS_BADGES = {REACHED: "success", ON_TRACK: "info", LATE: "warning", INSUFFICIENT: "new"}


def data_version(store: Path) -> str | None:
    """Changes whenever an import or a reclassification swaps a new store in."""
    path = store / "decp.duckdb"
    if not path.exists():
        return None
    stat = path.stat()
    return f"{stat.st_mtime_ns}-{stat.st_size}"


def dashboard_version(scheme: Scheme, store: Path | None = None) -> str:
    """Changes with the scheme's tree, its manual values and the DECP store: the dashboard's cache key."""
    manual = ManualValue.objects.filter(indicator__objectives__engagement__axis__scheme=scheme).aggregate(
        last=Max("entered_at"), count=Count("pk")
    )
    store_version = data_version(store or settings.SPASER_STORE_DIR)
    return f"{scheme.pk}:{scheme.updated_at.timestamp()}:{store_version}:{manual['last']}:{manual['count']}"


def scheme_sirens(scheme: Scheme) -> tuple[str, ...]:
    return tuple(sorted({organisation.siren for organisation in scheme.all_organisations()}))


def scheme_years(scheme: Scheme) -> tuple[int, ...]:
    baselines = [year for year in scheme_objectives(scheme).values_list("baseline_year", flat=True) if year]
    return tuple(range(min([scheme.start_year, *baselines]), scheme.end_year + 1))


def scheme_objectives(scheme: Scheme):
    return Objective.objects.filter(engagement__axis__scheme=scheme)


def decp_values(sirens: tuple[str, ...], years: tuple[int, ...], store: Path | None = None) -> dict:
    """{(buyer, year, code): snapshot} for each SIREN and, when there are several, all of them together."""
    store = store or settings.SPASER_STORE_DIR
    version = data_version(store)
    if version is None or not sirens:
        return {}
    scope = ",".join(sirens) + "@" + ",".join(map(str, years))
    snapshots = list(IndicatorSnapshot.objects.filter(scope=scope, data_version=version))
    if not snapshots:
        snapshots = _snapshot(scope, version, sirens, years, store)
    return {(s.buyer, s.year, s.code): s for s in snapshots}


def _snapshot(scope: str, version: str, sirens, years, store: Path) -> list[IndicatorSnapshot]:
    with stores(store) as (connection, refs):
        filters = Filters(years=years)
        values = compute(connection, refs, Scope(sirens=sirens), filters)
        if len(sirens) > 1:
            together = compute(connection, refs, Scope(sirens=sirens), filters, group="national")
            values += [replace(value, buyer=TOGETHER) for value in together]
    rows = [
        IndicatorSnapshot(
            scope=scope,
            data_version=version,
            buyer=value.buyer,
            year=value.year,
            code=value.code,
            numerator=value.numerator,
            denominator=value.denominator,
            value=value.value,
            coverage=value.coverage,
            contracts=value.contracts,
        )
        for value in values
    ]
    with transaction.atomic():
        IndicatorSnapshot.objects.filter(scope=scope).exclude(data_version=version).delete()
        if not IndicatorSnapshot.objects.filter(scope=scope, data_version=version).exists():
            IndicatorSnapshot.objects.bulk_create(rows)
    return rows


@dataclass
class YearPoint:
    year: int
    value: float | None
    target: float | None
    trajectory: float | None
    coverage: float | None = None
    contracts: int | None = None


@dataclass
class ObjectiveSeries:
    objective: Objective
    unit: str
    points: list[YearPoint]
    status: str
    latest: YearPoint | None
    final_target: float | None
    per_buyer: dict[str, list[YearPoint]] = field(default_factory=dict)

    @property
    def badge(self) -> str:
        return STATUS_BADGES[self.status]


def trajectory(objective: Objective) -> dict[int, float]:
    """Straight lines from the baseline through every yearly target; flat after the last target."""
    anchors = sorted((target.year, target.value) for target in objective.targets.all())
    if objective.baseline_year and objective.baseline_value is not None:
        anchors = sorted({objective.baseline_year: objective.baseline_value, **dict(anchors)}.items())
    if not anchors:
        return {}
    line = {}
    for (year_a, value_a), (year_b, value_b) in zip(anchors, anchors[1:], strict=False):
        for year in range(year_a, year_b + 1):
            line[year] = value_a + (value_b - value_a) * (year - year_a) / (year_b - year_a)
    line.setdefault(anchors[0][0], anchors[0][1])
    return line


def objective_series(objective: Objective, years: list[int], values: dict, buyers: list[str]) -> ObjectiveSeries:
    line = trajectory(objective)
    targets = {target.year: target.value for target in objective.targets.all()}
    last_anchor = max(line) if line else None
    main_buyer = buyers[0] if len(buyers) == 1 else TOGETHER
    observed = _observed(objective, years, values)

    def point(year: int, buyer: str) -> YearPoint:
        value, coverage, contracts = observed.get((buyer, year), (None, None, None))
        expected = line.get(year, line[last_anchor] if last_anchor and year > last_anchor else None)
        return YearPoint(year, value, targets.get(year), expected, coverage, contracts)

    points = [point(year, main_buyer) for year in years]
    final_target = targets.get(objective.deadline_year) or (targets[max(targets)] if targets else None)
    latest = next((p for p in reversed(points) if p.value is not None), None)
    series = ObjectiveSeries(
        objective, objective.unit, points, _status(objective, latest, final_target), latest, final_target
    )
    if len(buyers) > 1:
        series.per_buyer = {buyer: [point(year, buyer) for year in years] for buyer in buyers}
    return series


def _observed(objective: Objective, years: list[int], values: dict) -> dict:
    """{(buyer, year): (value in display unit, coverage, contracts)}."""
    if objective.manual_indicator_id:
        return _manual(objective)
    indicator = BY_CODE[objective.indicator_code]
    shown = in_percent if indicator.unit == "%" else float
    return {
        (buyer, year): (None if s.value is None else shown(s.value), s.coverage, s.contracts)
        for (buyer, year, code), s in values.items()
        if code == indicator.code
    }


def _manual(objective: Objective) -> dict:
    indicator = objective.manual_indicator
    aggregate = Avg("value") if indicator.unit == ManualUnit.PERCENT else Sum("value")
    rows = indicator.values.values("year").annotate(total=aggregate).order_by("year")
    observed = {(TOGETHER, row["year"]): (row["total"], 1.0, None) for row in rows}
    return observed | {(indicator.organisation.siren, year): value for (_, year), value in observed.items()}


def _status(objective: Objective, latest: YearPoint | None, final_target: float | None) -> str:
    if latest is None or (latest.coverage is not None and latest.coverage < MIN_COVERAGE):
        return INSUFFICIENT
    if final_target is None:
        return INSUFFICIENT
    rising = objective.baseline_value is None or final_target >= objective.baseline_value

    def meets(goal: float) -> bool:
        return latest.value >= goal if rising else latest.value <= goal

    if meets(final_target):
        return REACHED
    if latest.trajectory is not None and meets(latest.trajectory):
        return ON_TRACK
    return LATE


def dashboard(scheme: Scheme, store: Path | None = None) -> list[ObjectiveSeries]:
    """The series of every objective of the scheme, in the order of the tree."""
    sirens = scheme_sirens(scheme)
    years = scheme_years(scheme)
    values = decp_values(sirens, years, store)
    buyers = list(sirens)
    objectives = scheme_objectives(scheme).select_related("manual_indicator__organisation").prefetch_related("targets")
    objectives = objectives.order_by("engagement__axis__position", "engagement__position", "position", "pk")
    return [objective_series(objective, list(years), values, buyers) for objective in objectives]
