"""Figures published by others, shown beside our series and never mixed with them: the OECP census's national
shares (research notes, observatory.md §2; `oecp_figures.json`) and the PNAD 2022-2025 targets."""

from dataclasses import dataclass
from pathlib import Path

import orjson

from spaser.observatory.vocabulary import COUNTED


@dataclass(frozen=True)
class PublishedFigure:
    year: int
    buyer_group: str  # a key of vocabulary.GROUPS (« autres »: the OECP's entités adjudicatrices and EP)
    series: str  # a key of vocabulary.SUBJECTS
    measure: str
    value: float  # a share from 0 to 1
    universe: str
    source_title: str
    source_url: str


OECP_FIGURES: tuple[PublishedFigure, ...] = tuple(
    PublishedFigure(**figure) for figure in orjson.loads((Path(__file__).parent / "oecp_figures.json").read_bytes())
)


@dataclass(frozen=True)
class Target:
    value: float
    year: int
    text: str


# Plan national pour des achats durables 2022-2025: shares of the contracts notified in the year, by count.
PNAD_SOURCE = "Plan national pour des achats durables 2022-2025"
PNAD_TARGETS = {
    ("social", COUNTED): Target(0.30, 2025, "30 % des marchés notifiés dans l'année avec une considération sociale"),
    ("environnement", COUNTED): Target(
        1.0, 2025, "100 % des marchés notifiés dans l'année avec une considération environnementale"
    ),
}
