"""Concessions: few of them, drawn by batch then assembled from per-row uniforms."""

from bisect import bisect_right
from collections.abc import Callable

import numpy as np

from spaser.demo.generator.defects import CONCESSION_DEFECTS, CONCESSION_DIRTY_KINDS, CONCESSION_DIRTY_SHARE
from spaser.demo.generator.population import Population, draw_awardees
from spaser.demo.generator.sampling import BATCH_SIZE, pick
from spaser.demo.generator.schema import (
    CONCESSION_DURATION_CDF,
    CONCESSION_DURATIONS,
    CONCESSION_NATURE_CDF,
    CONCESSION_NATURES,
    CONCESSION_PROCEDURE_CDF,
    CONCESSION_PROCEDURES,
    DAY_NUMBER,
    DAYS,
    ENVIRONMENTAL_COMPONENT_SHARES,
    ENVIRONMENTAL_OPTIONS,
    ENVIRONMENTAL_SHARE,
    EXTRACTION_DAY,
    FIRST_NOTIFICATION,
    NOTIFICATION_SPAN,
    SERVICES,
    SOCIAL_COMPONENT_SHARES,
    SOCIAL_CONCESSION_OPTIONS,
    SOCIAL_SHARE,
    TRAVAUX,
)
from spaser.demo.generator.vocabulary import CONCESSION_OBJETS, SERVICES_CONCEDES


class ConcessionFactory:
    """Builds concessions; they are few, so each is assembled from uniforms drawn for its row in a batch."""

    def __init__(self, rng: np.random.Generator, population: Population, total: int):
        self._rng = rng
        self._population = population
        self._total = max(total, 1)
        self._numbers: dict[int, int] = {}
        self._uniforms: list[list[float]] = []
        self._buyers: list[int] = []
        self._awardees: list[list[int]] = []
        self._row = 0

    def fresh(self, slot: int, remaining: int) -> tuple[dict, str | None, bool]:
        if self._row >= len(self._uniforms):
            self._draw(max(1, min(BATCH_SIZE, remaining)))
        row = self._row
        self._row += 1
        draw = iter(self._uniforms[row]).__next__
        defective, kind_uniform, defect_uniform = draw(), draw(), draw()
        record = self._build(draw, self._buyers[row], self._awardees[row], (slot + 0.5) / self._total)
        kind = None
        if defective < CONCESSION_DIRTY_SHARE:
            kind = CONCESSION_DIRTY_KINDS[int(kind_uniform * len(CONCESSION_DIRTY_KINDS))]
            CONCESSION_DEFECTS[kind](record, defect_uniform, self._population)
        return record, kind, False

    def _draw(self, size: int) -> None:
        buyers, awardees = self._population.buyers, self._population.awardees
        self._buyers = pick(self._rng.random(size), buyers.concession_cdf).tolist()
        family = np.where(self._rng.random(size) < 0.1, TRAVAUX, SERVICES)
        dept = buyers.dept[np.asarray(self._buyers)]
        self._awardees = np.stack([draw_awardees(self._rng, awardees, family, dept) for _ in range(2)], 1).tolist()
        self._uniforms = self._rng.random((size, 40)).tolist()
        self._row = 0

    def _build(self, draw: Callable[[], float], buyer: int, awardees: list[int], position: float) -> dict:
        nature = bisect_right(CONCESSION_NATURE_CDF, draw())
        shift = (draw() - 0.5) * 40
        signature = FIRST_NOTIFICATION + int(np.clip(position * NOTIFICATION_SPAN + shift, 0, NOTIFICATION_SPAN))
        year = DAYS[signature][:4]
        number = self._numbers[buyer] = self._numbers.get(buyer, int(draw() * 20)) + 1
        service, tarifs = SERVICES_CONCEDES[int(draw() * len(SERVICES_CONCEDES))]
        objets = CONCESSION_OBJETS[nature]
        value = max(1, int(1_500_000 * np.exp(1.6 * _normal(draw(), draw()))))
        pool = self._population.awardees
        count = 2 if draw() < 0.05 and awardees[0] != awardees[1] else 1
        record = {
            "id": f"{year}-DSP{number:03d}" if draw() < 0.6 else f"C{year[2:]}{number:04d}",
            "autoriteConcedante": {"id": self._population.buyers.sirets[buyer][0]},
            "nature": CONCESSION_NATURES[nature],
            "objet": objets[int(draw() * len(objets))].format(service),
            "procedure": CONCESSION_PROCEDURES[bisect_right(CONCESSION_PROCEDURE_CDF, draw())],
            "dureeMois": CONCESSION_DURATIONS[bisect_right(CONCESSION_DURATION_CDF, draw())],
            "dateSignature": DAYS[signature],
            "datePublicationDonnees": DAYS[signature + int(min(60.0, -15.0 * np.log1p(-draw())))],
            "dateDebutExecution": DAYS[signature + int(draw() * 120)],
            "valeurGlobale": value,
            "montantSubventionPublique": 0 if draw() < 0.75 else int(value * (0.02 + 0.25 * draw())),
        }
        if draw() < 0.5:
            record["donneesExecution"] = _execution_data(draw, signature, value, tarifs)
        record["concessionnaires"] = [
            {"concessionnaire": {"typeIdentifiant": pool.kinds[a], "id": pool.ids[a]}} for a in awardees[:count]
        ]
        record["considerationsSociales"] = SOCIAL_CONCESSION_OPTIONS[
            _option(draw, SOCIAL_SHARE, SOCIAL_COMPONENT_SHARES)
        ]
        environmental = _option(draw, ENVIRONMENTAL_SHARE, ENVIRONMENTAL_COMPONENT_SHARES)
        record["considerationsEnvironnementales"] = ENVIRONMENTAL_OPTIONS[environmental]
        if draw() < 0.05 and signature + 200 < EXTRACTION_DAY:
            record["modifications"] = [{"modification": _concession_modification(1, signature, value, draw)}]
        return record

    @staticmethod
    def republish(record: dict, uniforms: list[float]) -> None:
        modifications = list(record.get("modifications", []))
        last = DAY_NUMBER[record["dateSignature"]]
        for item in modifications:
            last = DAY_NUMBER[item["modification"]["dateSignatureModification"]]
        draw = iter(uniforms).__next__
        modification = _concession_modification(len(modifications) + 1, last, record["valeurGlobale"], draw)
        record["modifications"] = [*modifications, {"modification": modification}]
        published = DAY_NUMBER[modification["datePublicationDonneesModification"]]
        record["datePublicationDonnees"] = DAYS[max(published, DAY_NUMBER[record["datePublicationDonnees"]])]


def _normal(first: float, second: float) -> float:
    """Box-Muller: a standard normal from two uniforms already drawn for the row."""
    return float(np.sqrt(-2.0 * np.log1p(-first)) * np.cos(2.0 * np.pi * second))


def _option(draw: Callable[[], float], share: float, components: tuple[float, ...]) -> int:
    """Consideration option: 0 for none, else the bit mask of the values present (at least one)."""
    present = draw() < share
    mask = 0
    for bit, component_share in enumerate(components):
        mask |= (draw() < component_share) << bit
    return (mask or 1) if present else 0


def _execution_data(draw: Callable[[], float], signature: int, value: int, tarifs: tuple[str, ...]) -> list[dict]:
    published = signature + 365 + int(draw() * 60)
    if draw() < 0.4 or published > EXTRACTION_DAY:
        return []  # declared but not filled yet, as in the real files
    level = draw()
    annual = {
        "datePublicationDonneesExecution": DAYS[published],
        "depensesInvestissement": int(value * 0.05 * draw()),
        "tarifs": [{"tarif": {"intituleTarif": label, "tarif": round(1 + 20 * level / (1 + rank), 2)}}
                   for rank, label in enumerate(tarifs)],
    }  # fmt: skip
    return [{"donneesAnnuelles": annual}]


def _concession_modification(number: int, after: int, value: int, draw: Callable[[], float]) -> dict:
    day = min(after + 30 + int(draw() * 300), max(after + 1, EXTRACTION_DAY - 40))
    modification = {
        "id": number,
        "dateSignatureModification": DAYS[day],
        "datePublicationDonneesModification": DAYS[day + int(draw() * 30)],
    }
    if draw() < 0.6:
        modification["valeurGlobale"] = int(value * 1.1)
    else:
        modification["dureeMois"] = 12 * (1 + int(draw() * 3))
    return modification
