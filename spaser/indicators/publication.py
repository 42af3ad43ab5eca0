"""The figures of a buyer's biennial legal publication (article L2111-3 of the code de la commande publique): for
each calendar year, the real rates of every legal category in number of contracts and in value, with their coverage
and counting rule, and the versions of the definitions and of the data they were computed from.
"""

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from spaser.indicators.engine import NO_CONTRACTS, Filters, Scope, compute, fingerprint
from spaser.indicators.legal import LEGAL_INDICATORS, LEGAL_MEASURES
from spaser.observatory.store import source_versions


# The definitions a publication is computed with: a publication stores it, a changed definition changes it.
LEGAL_CATALOGUE_VERSION = fingerprint(LEGAL_INDICATORS)


@dataclass(frozen=True)
class LegalFigure:
    year: int
    category: str  # a key of spaser.indicators.legal.CATEGORIES
    measure: str  # COUNTED or VALUED
    code: str  # the indicator computed
    numerator: float  # contracts or euros counted
    denominator: float  # contracts or euros whose datum is known
    value: float | None  # numerator / denominator, from 0 to 1; None when the denominator is nil
    coverage: float | None  # contracts whose datum is known / contracts the indicator concerns
    contracts: int  # contracts of the buyer notified in the year
    missing: str | None  # why the value is missing or weak: a key of spaser.indicators.engine.MISSING_REASONS
    rule: str  # the counting rule, in French

    def as_dict(self) -> dict:
        return asdict(self)


def legal_figures(connection, refs, scope: Scope, years: tuple[int, ...]) -> list[LegalFigure]:
    """Every legal category in both measures for each year of `years`, the scope's buyers (SIRENs or SIRETs)
    together; a year without any contract gets figures without value."""
    computed = compute(connection, refs, scope, Filters(years=years), "national", LEGAL_INDICATORS)
    by_key = {(value.year, value.code): value for value in computed}
    figures = []
    for year in years:
        for measure in LEGAL_MEASURES:
            value = by_key.get((year, measure.indicator.code))
            figures.append(
                LegalFigure(
                    year=year,
                    category=measure.category,
                    measure=measure.measure,
                    code=measure.indicator.code,
                    numerator=value.numerator if value else 0.0,
                    denominator=value.denominator or 0.0 if value else 0.0,
                    value=value.value if value else None,
                    coverage=value.coverage if value else None,
                    contracts=value.contracts if value else 0,
                    missing=value.missing if value else NO_CONTRACTS,
                    rule=measure.rule,
                )
            )
    return figures


def data_version(connection, store: Path) -> dict:
    """What the figures were computed from: the DECP store's last import (its number and date) and the versions
    of the DECP and reference files (`spaser.observatory.store.source_versions`)."""
    run, finished = connection.execute("SELECT max(run_id), epoch(max(finished_at)) FROM import_runs").fetchone()
    decp_date = None if finished is None else datetime.fromtimestamp(finished, UTC).date().isoformat()
    return {"decp_import": run, "decp_date": decp_date, **source_versions(store)}
