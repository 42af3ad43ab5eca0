"""Marchés drawn by vectorised batches: every column of a batch at once, as Python lists indexed by row."""

import numpy as np

from spaser.demo.generator.defects import DIRTY_KIND_CDF, DIRTY_KIND_NAMES, DIRTY_SHARE, FORCED_DIRTY_WINDOW
from spaser.demo.generator.population import (
    FAMILY_CDF_BY_BUYER_TYPE,
    FOREIGN_AWARD_SHARE,
    Awardees,
    Buyers,
    Population,
    draw_awardees,
)
from spaser.demo.generator.sampling import pick, pick_by_regime, scaled_index
from spaser.demo.generator.schema import (
    ADVANCE_RATE_CDF,
    ADVANCE_RATES,
    AMOUNT_FLOOR,
    AMOUNT_MEDIAN_ABOVE_FLOOR,
    AMOUNT_ROUNDING_CDF,
    AMOUNT_SIGMA,
    DURATION_MEDIAN,
    ENVIRONMENTAL_COMPONENT_SHARES,
    ENVIRONMENTAL_FAMILY_FACTOR,
    ENVIRONMENTAL_SHARE,
    EPOCH_WEEKDAY,
    EU_THRESHOLDS,
    EXTRACTION_DAY,
    FIRST_NOTIFICATION,
    FORME_PRIX_CDFS,
    FRAMEWORK_DURATION_CDF,
    FRAMEWORK_DURATIONS,
    FRAMEWORK_SHARE,
    LIEU_TYPE_CDF,
    MODALITE_CDFS,
    NATURE_CDF,
    NO_CCAG,
    NO_CCAG_SHARE,
    NOTIFICATION_SPAN,
    OPEN_TENDER,
    PROCEDURE_CDFS,
    SOCIAL_COMPONENT_SHARES,
    SOCIAL_FAMILY_FACTOR,
    SOCIAL_SHARE,
    TECHNIQUE_CDFS,
    TITULAIRE_COUNT_CDF,
    TRAVAUX,
    TYPES_PRIX_CDFS,
    WITHOUT_COMPETITION,
)
from spaser.demo.generator.vocabulary import (
    CPV_CCAG,
    CPV_FAMILY,
    CPV_FAMILY_CDF,
    CPV_GROUP,
    CPV_GROUP_CDF,
    CPV_ORIGIN,
    CPV_WITH_CHECK_DIGIT,
    CPV_WITH_LEADING_ZERO,
    DEPT_CDF,
    DESTINATIONS,
    EXTERIEURS,
    LIEUX,
    NEUFS,
    SECTEURS,
    VOIES,
)


NEXT_LOT_SHARE = 0.12
SHARED_ID_LOT_SHARE = 0.003
MODIFIED_SHARE = 0.08


def _amount_values(amounts: np.ndarray, framework: np.ndarray, mode: np.ndarray) -> list:
    """Amounts as written by producers: round ceilings for accords-cadres, else hundreds, euros or cents."""
    magnitude = 10.0 ** np.floor(np.log10(amounts) - 1)
    ceilings = np.round(amounts / magnitude) * magnitude
    hundreds = np.round(amounts, -2)
    euros = np.round(amounts)
    cents = np.round(amounts, 2)
    values = np.where(framework, ceilings, np.where(mode == 0, hundreds, np.where(mode == 1, euros, cents)))
    with_cents = (~framework & (mode == 2)).tolist()
    return [value if keep else int(value) for value, keep in zip(values.tolist(), with_cents, strict=True)]


class MarcheRows:
    """One batch of marchés drawn at once; every attribute is a Python list indexed by row."""

    def __init__(self, rng: np.random.Generator, population: Population, size: int, position: np.ndarray, force: bool):
        self.size = size
        link = self._links(rng, size)
        # Lots of one consultation share the buyer, the dates and the place of their first lot (the chain head).
        head = np.maximum.accumulate(np.where(link == 0, np.arange(size), 0))
        dirty = self._dirty(rng, size, force)
        buyer, family, cpv = self._draw_subject(rng, population.buyers, head, link, dirty)
        notification = self._notification_days(rng, position)[head]
        publication = (notification + np.minimum(60, rng.exponential(10.0, size).astype(np.int64)))[head]

        self.link = link.tolist()
        self.starts_chain = ((link == 0) & np.append(link[1:] > 0, False)).tolist()
        self.dirty = dirty.tolist()
        self.dirty_uniform = rng.random(size).tolist()
        self.notification = notification.tolist()
        self.publication = publication.tolist()
        self._draw_terms(rng, family, cpv)
        self._draw_parties(rng, population.awardees, family, population.buyers.dept[buyer])
        self._draw_lieu(rng, population.buyers.dept[buyer], head)
        self._draw_considerations(rng, family)
        self._draw_modifications(rng, notification)
        self._draw_origin(rng, cpv)
        self._draw_objet_slots(rng)

    def _draw_subject(self, rng, buyers: Buyers, head: np.ndarray, link: np.ndarray, dirty: np.ndarray):
        """Buyer (and its establishment), family of purchase and CPV entry of each row."""
        size = len(head)
        buyer = pick(rng.random(size), buyers.activity_cdf)[head]
        site = np.where(rng.random(size) < 0.7, 0, scaled_index(rng.random(size), buyers.site_count[buyer]))[head]
        family_cdf = FAMILY_CDF_BY_BUYER_TYPE[buyers.type_index[buyer]]
        family = (rng.random(size)[:, None] >= family_cdf[:, :-1]).sum(axis=1)[head]
        cpv = self._cpv(rng, family, head, link, dirty)
        self.buyer = buyer.tolist()
        self.site = site.tolist()
        self.cpv = cpv.tolist()
        return buyer, CPV_FAMILY[cpv], cpv

    def _draw_terms(self, rng: np.random.Generator, family: np.ndarray, cpv: np.ndarray) -> None:
        """Amount, procedure and the contractual terms that depend on them."""
        size = len(family)
        framework = rng.random(size) < FRAMEWORK_SHARE[family]
        amount = AMOUNT_FLOOR + AMOUNT_MEDIAN_ABOVE_FLOOR[family] * np.exp(AMOUNT_SIGMA * rng.standard_normal(size))
        # Publication is compulsory from 40 000 €; a minority of buyers publish smaller contracts too.
        amount = np.where(rng.random(size) < 0.06, 25_000 + 15_000 * rng.random(size), amount)
        procedure = pick_by_regime(rng.random(size), PROCEDURE_CDFS, (amount >= EU_THRESHOLDS[family]).astype(int))
        regime = np.where(framework, 0, np.where(family == TRAVAUX, 1, 2))
        self.amount = _amount_values(amount, framework, pick(rng.random(size), AMOUNT_ROUNDING_CDF))
        self.procedure = procedure.tolist()
        self.nature = pick(rng.random(size), NATURE_CDF).tolist()
        self.technique = pick_by_regime(rng.random(size), TECHNIQUE_CDFS, framework.astype(int)).tolist()
        self.modalite = pick_by_regime(rng.random(size), MODALITE_CDFS, regime).tolist()
        self.forme_prix = pick_by_regime(rng.random(size), FORME_PRIX_CDFS, regime).tolist()
        self.types_prix = pick_by_regime(rng.random(size), TYPES_PRIX_CDFS, (family != TRAVAUX).astype(int)).tolist()
        self.ccag = np.where(rng.random(size) < NO_CCAG_SHARE, NO_CCAG, CPV_CCAG[cpv]).tolist()
        self.offers = self._offers(rng, procedure).tolist()
        self.duration = self._durations(rng, family, framework).tolist()
        self.innovant = (rng.random(size) < 0.008).tolist()
        # Marchés subséquents name the accord-cadre they derive from.
        subsequent = ~framework & (family != TRAVAUX) & (rng.random(size) < 0.05)
        self.framework_number = np.where(subsequent, rng.integers(1, 2000, size), 0).tolist()
        self._draw_advance(rng, family)

    @staticmethod
    def _links(rng: np.random.Generator, size: int) -> np.ndarray:
        """0: a new consultation; 1: next lot of the previous row, own id; 2: next lot reusing the same id."""
        uniforms = rng.random(size)
        link = np.where(uniforms < SHARED_ID_LOT_SHARE, 2, np.where(uniforms < NEXT_LOT_SHARE, 1, 0))
        link[0] = 0
        return link

    @staticmethod
    def _dirty(rng: np.random.Generator, size: int, force: bool) -> np.ndarray:
        """0 for a clean row, else 1 + the index of the defect in DIRTY_KIND_NAMES."""
        uniforms, kinds = rng.random(size), pick(rng.random(size), DIRTY_KIND_CDF)
        dirty = np.where(uniforms < DIRTY_SHARE, kinds + 1, 0)
        if force:
            rows = rng.choice(min(size, FORCED_DIRTY_WINDOW), size=len(DIRTY_KIND_NAMES), replace=False)
            dirty[rows] = np.arange(1, len(DIRTY_KIND_NAMES) + 1)
        return dirty

    @staticmethod
    def _cpv(rng, family: np.ndarray, head: np.ndarray, link: np.ndarray, dirty: np.ndarray) -> np.ndarray:
        size = len(family)
        cpv = np.searchsorted(CPV_FAMILY_CDF, family + rng.random(size), side="right")
        # Lots of one consultation belong to the same group of trades as its first lot.
        lot_cpv = np.searchsorted(CPV_GROUP_CDF, CPV_GROUP[cpv[head]] + rng.random(size), side="right")
        cpv = np.where(link > 0, lot_cpv, cpv)
        replacement = rng.random(size)
        with_check = dirty == 1 + DIRTY_KIND_NAMES.index("cpv_cle")
        cpv[with_check] = CPV_WITH_CHECK_DIGIT[scaled_index(replacement[with_check], len(CPV_WITH_CHECK_DIGIT))]
        seven = dirty == 1 + DIRTY_KIND_NAMES.index("cpv_7_chiffres")
        cpv[seven] = CPV_WITH_LEADING_ZERO[scaled_index(replacement[seven], len(CPV_WITH_LEADING_ZERO))]
        return cpv

    @staticmethod
    def _notification_days(rng: np.random.Generator, position: np.ndarray) -> np.ndarray:
        # The file runs roughly in time order, like the concatenation of daily files.
        offset = np.rint(position * NOTIFICATION_SPAN + rng.normal(0.0, 20.0, len(position)))
        day = FIRST_NOTIFICATION + np.clip(offset, 0, NOTIFICATION_SPAN).astype(np.int64)
        weekday = (day + EPOCH_WEEKDAY) % 7
        moved = rng.random(len(position)) < 0.85  # few notifications on week-ends
        day = np.where(moved & (weekday == 5), day - 1, np.where(moved & (weekday == 6), day + 1, day))
        return np.clip(day, FIRST_NOTIFICATION, FIRST_NOTIFICATION + NOTIFICATION_SPAN)

    @staticmethod
    def _offers(rng: np.random.Generator, procedure: np.ndarray) -> np.ndarray:
        size = len(procedure)
        offers = 1 + rng.exponential(2.2, size).astype(np.int64) + (procedure == OPEN_TENDER)
        offers = np.where(procedure == WITHOUT_COMPETITION, 1 + (rng.random(size) < 0.1), offers)
        return np.clip(offers, 1, 12)

    @staticmethod
    def _durations(rng: np.random.Generator, family: np.ndarray, framework: np.ndarray) -> np.ndarray:
        size = len(family)
        single = np.ceil(DURATION_MEDIAN[family] * np.exp(0.8 * rng.standard_normal(size)))
        ceiling = np.array(FRAMEWORK_DURATIONS)[pick(rng.random(size), FRAMEWORK_DURATION_CDF)]
        return np.where(framework, ceiling, np.clip(single, 1, 60)).astype(np.int64)

    def _draw_advance(self, rng: np.random.Generator, family: np.ndarray) -> None:
        size = len(family)
        granted = rng.random(size) < np.where(family == TRAVAUX, 0.30, 0.12)
        rate_known = granted & (rng.random(size) < 0.8)
        rates = np.array(ADVANCE_RATES)[pick(rng.random(size), ADVANCE_RATE_CDF)]
        self.advance = granted.tolist()
        self.advance_rate = [
            rate if known else None for rate, known in zip(rates.tolist(), rate_known.tolist(), strict=True)
        ]

    def _draw_parties(self, rng, awardees: Awardees, family: np.ndarray, dept: np.ndarray) -> None:
        size = len(family)
        self.titulaire_count = (1 + pick(rng.random(size), TITULAIRE_COUNT_CDF)).tolist()
        titulaires = [draw_awardees(rng, awardees, family, dept) for _ in range(3)]
        if len(awardees.foreign):
            abroad = rng.random(size) < FOREIGN_AWARD_SHARE
            titulaires[0] = np.where(
                abroad, awardees.foreign[scaled_index(rng.random(size), len(awardees.foreign))], titulaires[0]
            )
        self.titulaires = [column.tolist() for column in titulaires]
        self.groupement = (1 + (rng.random(size) < 0.4)).tolist()
        declared = rng.random(size) < np.array([0.12, 0.02, 0.05])[family]
        self.declared = declared.tolist()
        with_actes = rng.random(size) < np.array([0.06, 0.005, 0.02])[family]
        self.acte_count = np.where(with_actes, 1 + (rng.random(size) < 0.25), 0).tolist()
        self.subcontractors = [draw_awardees(rng, awardees, np.zeros(size, np.int64), dept).tolist() for _ in range(2)]
        self.acte_uniforms = rng.random((size, 5)).tolist()

    def _draw_lieu(self, rng: np.random.Generator, dept: np.ndarray, head: np.ndarray) -> None:
        size = len(dept)
        elsewhere = rng.random(size) < 0.1
        place = np.where(elsewhere, pick(rng.random(size), DEPT_CDF), dept)[head]
        self.lieu_type = pick(rng.random(size), LIEU_TYPE_CDF)[head].tolist()
        self.lieu_dept = place.tolist()
        self.lieu_uniform = rng.random(size)[head].tolist()

    def _draw_considerations(self, rng: np.random.Generator, family: np.ndarray) -> None:
        self.social = self._considerations(rng, family, SOCIAL_SHARE, SOCIAL_FAMILY_FACTOR, SOCIAL_COMPONENT_SHARES)
        self.environmental = self._considerations(
            rng, family, ENVIRONMENTAL_SHARE, ENVIRONMENTAL_FAMILY_FACTOR, ENVIRONMENTAL_COMPONENT_SHARES
        )

    @staticmethod
    def _considerations(rng, family: np.ndarray, share: float, factor: np.ndarray, components) -> list[int]:
        """Option index per row: 0 for none, else the bit mask of the values present (at least one)."""
        size = len(family)
        # Normalised on the batch so that the share holds whatever the mix of families.
        probability = share * factor[family] / factor[family].mean()
        present = rng.random(size) < probability
        mask = np.zeros(size, np.int64)
        for bit, component_share in enumerate(components):
            mask |= (rng.random(size) < component_share).astype(np.int64) << bit
        mask = np.where(mask == 0, 1, mask)
        return np.where(present, mask, 0).tolist()

    def _draw_modifications(self, rng: np.random.Generator, notification: np.ndarray) -> None:
        size = len(notification)
        count = np.where(rng.random(size) < MODIFIED_SHARE, 1 + (rng.random(size) < 0.2), 0)
        first = notification + 20 + rng.exponential(120.0, size).astype(np.int64)
        second = first + 15 + rng.exponential(90.0, size).astype(np.int64)
        # No modification notified after the synthetic extraction date.
        count = np.where(second + 45 > EXTRACTION_DAY, np.minimum(count, 1), count)
        count = np.where(first + 45 > EXTRACTION_DAY, 0, count)
        self.modification_count = count.tolist()
        self.modification_days = np.stack([first, second], axis=1).tolist()
        self.modification_uniforms = rng.random((size, 8)).tolist()

    def _draw_origin(self, rng: np.random.Generator, cpv: np.ndarray) -> None:
        size = len(cpv)
        present = CPV_ORIGIN[cpv] & (rng.random(size) < 0.7)
        ue = np.round(0.5 + 0.5 * rng.random(size), 2)
        france = np.round(ue * (0.3 + 0.7 * rng.random(size)), 2)
        self.origin = present.tolist()
        self.origine_ue = ue.tolist()
        self.origine_france = france.tolist()

    def _draw_objet_slots(self, rng: np.random.Generator) -> None:
        size = self.size
        self.objet_uniform = rng.random(size).tolist()
        self.slots = np.stack(
            [
                scaled_index(rng.random(size), len(LIEUX)),
                scaled_index(rng.random(size), len(VOIES)),
                scaled_index(rng.random(size), len(EXTERIEURS)),
                scaled_index(rng.random(size), len(DESTINATIONS)),
                scaled_index(rng.random(size), len(NEUFS)),
                scaled_index(rng.random(size), len(SECTEURS)),
            ],
            axis=1,
        ).tolist()
