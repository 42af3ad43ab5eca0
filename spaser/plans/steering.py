"""Steering a scheme: indicator values per year against targets and the trajectory, and a status per objective.

Values of catalogue indicators come from the DECP store through `IndicatorSnapshot` rows: computed once per
version of the store and scope, then read by every dashboard and public page (fast under load, reproducible).
"""

from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Max, Sum

from spaser.decp.store import database_path
from spaser.formatting import UNITS, in_percent, measure, rounded
from spaser.indicators.catalogue import BY_CODE
from spaser.indicators.engine import (
    CATALOGUE_VERSION,
    MIN_COVERAGE,
    NO_CONTRACTS,
    Filters,
    Scope,
    compute,
    missing_reason,
)
from spaser.indicators.readers import SHARED_STORES, StoreUnavailable
from spaser.plans.models import IndicatorSnapshot, ManualIndicator, ManualUnit, ManualValue, Objective, Scheme
from spaser.plans.store_cache import REFRESHER, lock_for


TOGETHER = "ensemble"

REACHED, ON_TRACK, LATE = "atteint", "en bonne voie", "en retard"
INSUFFICIENT, NOT_YET = "données insuffisantes", "pas encore mesuré"
NO_TARGET, NO_TRAJECTORY = "sans cible", "sans trajectoire"
STATUS_RULE = (
    "Seules les années de la période du SPASER postérieures à l'année de référence décident du statut : "
    "l'année de référence sert de point de départ, jamais de mesure. La dernière de ces années qui a une valeur "
    "est comparée à la cible finale, puis à la trajectoire de l'année (droite tracée de la valeur de référence "
    "à chaque cible annuelle) : « atteint » si la cible finale est atteinte ; « en bonne voie » si la valeur "
    "atteint la trajectoire ; « en retard » sinon. Les valeurs sont comparées sans arrondi, avec une tolérance "
    "d'une demi-unité du dernier chiffre affiché (0,05 point pour un pourcentage) : une valeur affichée égale à "
    "la cible l'atteint. « Pas encore mesuré » : aucune année de la période après l'année de référence n'a "
    "encore de données ; « données insuffisantes » : l'année a des marchés mais l'indicateur ne peut pas être "
    "calculé, ou moins de la moitié des marchés renseignent la donnée ; « sans cible » ou « sans trajectoire » : "
    "rien à quoi comparer la valeur, jamais « en retard »."
)
STATUS_BADGES = {
    REACHED: "success",
    ON_TRACK: "info",
    LATE: "warning",
    INSUFFICIENT: "new",
    NOT_YET: "",
    NO_TARGET: "",
    NO_TRAJECTORY: "",
}
NO_MANUAL_VALUE = "aucune valeur saisie pour cette année"
NOT_SHARED = "l'organisation qui saisit cet indicateur ne le partage pas (ou plus) avec ce SPASER"


def data_version(store: Path) -> str | None:
    """Changes whenever an import or a reclassification swaps a new store in."""
    path = database_path(store)
    if not path.exists():
        return None
    stat = path.stat()
    return f"{stat.st_mtime_ns}-{stat.st_size}-{CATALOGUE_VERSION}"


def dashboard_version(scheme: Scheme) -> str:
    """Changes with the scheme's tree, its manual values and the version of the DECP values it shows (those of the
    store, or of the previous store while they are computed): the dashboard's cache key."""
    manual = ManualValue.objects.filter(indicator__objectives__engagement__axis__scheme=scheme).aggregate(
        last=Max("entered_at"), count=Count("pk")
    )
    scope = snapshot_scope(scheme_sirens(scheme), scheme_years(scheme))
    shown = IndicatorSnapshot.objects.filter(scope=scope).values_list("data_version", flat=True).first()
    return f"{scheme.pk}:{scheme.updated_at.timestamp()}:{scope}:{shown}:{manual['last']}:{manual['count']}"


def snapshot_scope(sirens: tuple[str, ...], years: tuple[int, ...]) -> str:
    return ",".join(sirens) + "@" + ",".join(map(str, years))


def require_store(scheme: Scheme, store: Path | None = None) -> None:
    """Raises StoreUnavailable when the scheme has DECP objectives and the store is missing or unreadable: its
    pages then say so rather than show values kept from an earlier store."""
    if scheme_objectives(scheme).filter(manual_indicator=None).exists():
        SHARED_STORES.handle(store or settings.SPASER_STORE_DIR)


def scheme_sirens(scheme: Scheme) -> tuple[str, ...]:
    return tuple(sorted({organisation.siren for organisation in scheme.all_organisations()}))


def scheme_years(scheme: Scheme) -> tuple[int, ...]:
    baselines = [year for year in scheme_objectives(scheme).values_list("baseline_year", flat=True) if year]
    return tuple(range(min([scheme.start_year, *baselines]), scheme.end_year + 1))


def scheme_objectives(scheme: Scheme):
    return Objective.objects.filter(engagement__axis__scheme=scheme)


def decp_values(sirens: tuple[str, ...], years: tuple[int, ...], store: Path | None = None) -> dict:
    """{(buyer, year, code): snapshot} for each SIREN and, when there are several, all of them together.

    After a store swap, the values of the previous store are returned while the new ones are computed in the
    background (`store_cache`). Raises StoreUnavailable when the store is missing or unreadable."""
    store = store or settings.SPASER_STORE_DIR
    if not sirens:
        return {}
    version = data_version(store)
    if version is None:
        raise StoreUnavailable(f"{store} : aucun entrepôt DECP ici.")
    SHARED_STORES.handle(store)  # a damaged store is unavailable, even with the previous values at hand
    scope = snapshot_scope(sirens, years)
    snapshots = list(IndicatorSnapshot.objects.filter(scope=scope))
    if not snapshots:
        with lock_for(f"{scope}:{version}"):
            snapshots = list(IndicatorSnapshot.objects.filter(scope=scope, data_version=version))
            snapshots = snapshots or _snapshot(scope, version, sirens, years, store)
    elif snapshots[0].data_version != version:
        if settings.SPASER_REFRESH_IN_BACKGROUND:
            REFRESHER.submit(f"{scope}:{version}", lambda: _snapshot(scope, version, sirens, years, store))
        else:
            snapshots = _snapshot(scope, version, sirens, years, store)
    return {(s.buyer, s.year, s.code): s for s in snapshots}


def _snapshot(scope: str, version: str, sirens, years, store: Path) -> list[IndicatorSnapshot]:
    with SHARED_STORES.reading(store) as (connection, refs):
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
            missing=value.missing or "",
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
    missing: str | None = None  # why the value is missing or weak, in French


@dataclass(frozen=True)
class Verdict:
    """A status, the year that decided it, and the comparison behind it in French."""

    status: str
    decisive: YearPoint | None
    basis: str

    @property
    def badge(self) -> str:
        return STATUS_BADGES[self.status]


@dataclass
class ObjectiveSeries:
    objective: Objective
    unit: str
    points: list[YearPoint]
    verdict: Verdict
    final_target: float | None
    per_buyer: dict[str, list[YearPoint]] = field(default_factory=dict)
    per_buyer_verdicts: dict[str, Verdict] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.verdict.status

    @property
    def badge(self) -> str:
        return self.verdict.badge

    @property
    def latest(self) -> YearPoint | None:
        return self.verdict.decisive


def trajectory(objective: Objective) -> dict[int, float]:
    """Straight lines from the baseline through every yearly target; flat after the last target."""
    anchors = _anchors(objective)
    if not anchors:
        return {}
    line = {}
    for (year_a, value_a), (year_b, value_b) in zip(anchors, anchors[1:], strict=False):
        for year in range(year_a, year_b + 1):
            line[year] = value_a + (value_b - value_a) * (year - year_a) / (year_b - year_a)
    line.setdefault(anchors[0][0], anchors[0][1])
    return line


def _anchors(objective: Objective) -> list[tuple[int, float]]:
    """(year, value) of the baseline and of every yearly target, in order."""
    anchors = {target.year: target.value for target in objective.targets.all()}
    if objective.baseline_year and objective.baseline_value is not None:
        anchors = {objective.baseline_year: objective.baseline_value, **anchors}
    return sorted(anchors.items())


def objective_series(
    objective: Objective,
    years: list[int],
    values: dict,
    buyers: list[str],
    period: tuple[int, int],
    usable_manual: set[int],
) -> ObjectiveSeries:
    """`usable_manual`: ids of the manual indicators the scheme may show (its own, those shared with it)."""
    line = trajectory(objective)
    targets = {target.year: target.value for target in objective.targets.all()}
    last_anchor = max(line) if line else None
    main_buyer = buyers[0] if len(buyers) == 1 else TOGETHER
    manual = objective.manual_indicator_id
    shared = manual is None or manual in usable_manual
    # A partner's values appear only while it shares the indicator: hidden, not detached, when it stops.
    observed = _observed(objective, values) if shared else {}
    no_value = None if manual is None else NO_MANUAL_VALUE if shared else NOT_SHARED

    def point(year: int, buyer: str) -> YearPoint:
        value, coverage, contracts, missing = observed.get((buyer, year), (None, None, None, no_value))
        if missing is None and value is None:
            missing = missing_reason(NO_CONTRACTS)
        expected = line.get(year, line[last_anchor] if last_anchor and year > last_anchor else None)
        return YearPoint(year, value, targets.get(year), expected, coverage, contracts, missing)

    points = [point(year, main_buyer) for year in years]
    final_target = targets.get(objective.deadline_year) or (targets[max(targets)] if targets else None)
    series = ObjectiveSeries(
        objective, objective.unit, points, verdict(objective, points, final_target, period), final_target
    )
    if len(buyers) > 1:
        series.per_buyer = {buyer: [point(year, buyer) for year in years] for buyer in buyers}
        series.per_buyer_verdicts = {
            buyer: verdict(objective, buyer_points, final_target, period)
            for buyer, buyer_points in series.per_buyer.items()
        }
    return series


def _observed(objective: Objective, values: dict) -> dict:
    """{(buyer, year): (value in display unit, coverage, contracts, why it is missing or weak)}."""
    if objective.manual_indicator_id:
        return _manual(objective)
    indicator = BY_CODE[objective.indicator_code]
    shown = in_percent if indicator.unit == "%" else float
    return {
        (buyer, year): (
            None if s.value is None else shown(s.value),
            s.coverage,
            s.contracts,
            missing_reason(s.missing or None, s.coverage),
        )
        for (buyer, year, code), s in values.items()
        if code == indicator.code
    }


def _manual(objective: Objective) -> dict:
    indicator = objective.manual_indicator
    observed = {(TOGETHER, year): (total, 1.0, None, None) for year, total in manual_totals(indicator).items()}
    return observed | {(indicator.organisation.siren, year): value for (_, year), value in observed.items()}


def manual_totals(indicator: ManualIndicator) -> dict[int, float]:
    """{year: the year's figure}: the sum of the values entered (per contract or not), their mean for a share."""
    aggregate = Avg("value") if indicator.unit == ManualUnit.PERCENT else Sum("value")
    rows = indicator.values.values("year").annotate(total=aggregate).order_by("year")
    return {row["year"]: row["total"] for row in rows}


def tolerance(unit: str) -> float:
    """Half a unit of the last decimal shown: a value shown equal to its target reaches it."""
    return 0.5 * 10 ** -UNITS[unit].decimals


def verdict(
    objective: Objective, points: list[YearPoint], final_target: float | None, period: tuple[int, int]
) -> Verdict:
    """The status rule (STATUS_RULE): only the years of the period after the baseline year decide."""
    start, end = period
    after_baseline = [
        p
        for p in points
        if start <= p.year <= end and (objective.baseline_year is None or p.year > objective.baseline_year)
    ]
    measured = [p for p in after_baseline if p.value is not None]
    if not measured:
        return _unmeasured(after_baseline)
    latest = measured[-1]
    if latest.coverage is not None and latest.coverage < MIN_COVERAGE:
        return Verdict(INSUFFICIENT, latest, f"{latest.year} : {latest.missing}.")
    unit = objective.unit
    if final_target is None:
        return Verdict(NO_TARGET, latest, f"{latest.year} : {measure(latest.value, unit)} ; aucune cible n'est fixée.")
    anchors = _anchors(objective)
    rising = final_target >= anchors[0][1]
    slack = tolerance(unit)

    def meets(goal: float) -> bool:
        return latest.value >= goal - slack if rising else latest.value <= goal + slack

    compared = f"{latest.year} : {measure(latest.value, unit)} pour une cible finale de {measure(final_target, unit)}"
    if meets(final_target):
        return Verdict(REACHED, latest, f"{compared}.")
    if latest.trajectory is None:
        return Verdict(NO_TRAJECTORY, latest, f"{compared} ; pas de trajectoire avant la première cible.")
    verdict_status = ON_TRACK if meets(latest.trajectory) else LATE
    return Verdict(verdict_status, latest, f"{compared} et une trajectoire de {measure(latest.trajectory, unit)}.")


def _unmeasured(after_baseline: list[YearPoint]) -> Verdict:
    """No value yet after the baseline: years with contracts but no value are insufficient data, else not yet."""
    if not after_baseline:
        return Verdict(NOT_YET, None, "La période ne compte aucune année après l'année de référence.")
    observed = [p for p in after_baseline if p.contracts]
    if observed:
        return Verdict(INSUFFICIENT, None, f"{observed[-1].year} : {observed[-1].missing}.")
    first, last = after_baseline[0], after_baseline[-1]
    years = str(first.year) if first is last else f"{first.year} à {last.year}"
    return Verdict(NOT_YET, None, f"Pas encore de valeur pour {years} : {first.missing}.")


def dashboard(scheme: Scheme, store: Path | None = None) -> list[ObjectiveSeries]:
    """The series of every objective of the scheme, in the order of the tree."""
    sirens = scheme_sirens(scheme)
    years = scheme_years(scheme)
    buyers = list(sirens)
    objectives = scheme_objectives(scheme).select_related("manual_indicator__organisation").prefetch_related("targets")
    objectives = objectives.order_by("engagement__axis__position", "engagement__position", "position", "pk")
    # Manual indicators alone need no store: such a dashboard stays whole when the store cannot be read.
    measured = any(not objective.manual_indicator_id for objective in objectives)
    values = decp_values(sirens, years, store) if measured else {}
    period = (scheme.start_year, scheme.end_year)
    usable = set(scheme.usable_manual_indicators().values_list("pk", flat=True))
    return [objective_series(objective, list(years), values, buyers, period, usable) for objective in objectives]


@dataclass(frozen=True)
class ChartData:
    """What every chart of an objective draws (the dashboard's DSFR Chart, the report's SVG): per year, bars for the
    measured values and a line for the trajectory, rounded as the tables show them; both vertical axes start at
    zero and share the same top (100 for a share), so that they read the same."""

    years: list[int]
    measured: list[float | None]
    trajectory: list[float | None]
    unit: str  # the unit's word after a number ("%", "heures"), "" for a bare count
    top: float


def chart_data(series: ObjectiveSeries) -> ChartData:
    unit = UNITS[series.unit]

    def shown(values: list[float | None]) -> list[float | None]:
        return [None if value is None else float(rounded(value, unit.decimals)) for value in values]

    measured, line = shown([p.value for p in series.points]), shown([p.trajectory for p in series.points])
    known = [value for value in measured + line if value is not None]
    top = 100 if series.unit == "%" else max(known, default=0)
    return ChartData([p.year for p in series.points], measured, line, unit.plural, top or 1)
