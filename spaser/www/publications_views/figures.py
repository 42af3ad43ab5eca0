"""The figures of a publication as its pages show them: a table per year, each rate next to its target."""

from dataclasses import dataclass
from datetime import date

from spaser.indicators.engine import missing_reason
from spaser.indicators.legal import CATEGORIES, MEASURES
from spaser.publications.preparing import Figures


@dataclass(frozen=True)
class Year:
    year: int
    contracts: int
    rows: list[dict]


def years(shown: Figures) -> list[Year]:
    """Every figure with the French labels of its category and measure and the reason of a missing value."""
    found: dict[int, Year] = {}
    for figure in shown.figures:
        year = found.setdefault(figure["year"], Year(figure["year"], figure["contracts"], []))
        year.rows.append(
            figure
            | {
                "category_label": CATEGORIES[figure["category"]],
                "measure_label": MEASURES[figure["measure"]],
                "missing_text": missing_reason(figure["missing"], figure["coverage"]),
            }
        )
    return sorted(found.values(), key=lambda year: year.year)


def rules(shown: Figures) -> list[tuple[str, str]]:
    """(indicator code, counting rule) of every figure, once each, in the figures' order."""
    return list(dict.fromkeys((figure["code"], figure["rule"]) for figure in shown.figures))


def missed(shown: Figures) -> int:
    return sum(1 for figure in shown.figures if figure["reached"] is False)


def context(shown: Figures) -> dict:
    decp_date = shown.data_version.get("decp_date")
    return {
        "shown": shown,
        "years": years(shown),
        "rules": rules(shown),
        "missed": missed(shown),
        "decp_date": date.fromisoformat(decp_date) if decp_date else None,
    }
