"""Population of buyers and awardees, fixed for a seed and a size.

Buyers: SIREN prefixes follow the INSEE conventions (21 communes, 22 départements, 23 régions, 24 EPCI, 25 syndicats,
26 local public establishments such as hospitals and CCAS, 1x State services, 19 EPLE).
"""

from dataclasses import dataclass

import numpy as np

from spaser.demo.generator.sampling import cumulative, pick, scaled_index, unique_strings, with_luhn_digit
from spaser.demo.generator.schema import TRAVAUX
from spaser.demo.generator.vocabulary import DEPT_CDF, DEPT_CODES, DEPT_COUNT, DEPT_REGIONS, PARIS


# The population scales with the file, within the orders of magnitude of the real DECP (about 30 000 buyers and
# a few hundred thousand awardees a year): the caps keep memory bounded whatever the number of marchés.
MARCHES_PER_BUYER, MIN_BUYERS, MAX_BUYERS = 60, 50, 60_000
MARCHES_PER_AWARDEE, MIN_AWARDEES, MAX_AWARDEES = 4, 200, 600_000


@dataclass(frozen=True)
class BuyerType:
    name: str
    share: float  # of the buyer population
    cap: int | None  # real-world count
    activity: float  # relative number of marchés per buyer
    concessions: float  # relative number of concessions per buyer
    families: tuple[float, float, float]  # travaux, fournitures, services
    prefixes: tuple[str, ...]
    located: bool  # the SIREN carries the département code


BUYER_TYPES = (
    BuyerType("commune", 0.46, None, 1.0, 1.0, (0.48, 0.20, 0.32), ("21",), True),
    BuyerType("département", 0.015, 101, 8.0, 1.5, (0.45, 0.15, 0.40), ("22",), True),
    BuyerType("région", 0.003, 18, 10.0, 1.0, (0.35, 0.20, 0.45), ("23",), False),
    BuyerType("EPCI", 0.09, None, 3.0, 3.0, (0.40, 0.15, 0.45), ("24",), True),
    BuyerType("syndicat", 0.08, None, 1.2, 2.0, (0.45, 0.20, 0.35), ("25",), True),
    BuyerType("établissement public local", 0.11, None, 2.5, 0.3, (0.20, 0.45, 0.35), ("26",), True),
    BuyerType("État", 0.06, None, 3.0, 0.1, (0.20, 0.30, 0.50), ("11", "12", "13", "17", "18"), False),
    BuyerType("EPLE", 0.08, None, 0.4, 0.0, (0.15, 0.50, 0.35), ("19",), True),
    BuyerType("autre", 0.10, None, 1.5, 0.5, (0.40, 0.20, 0.40), ("3", "4", "5", "7", "8"), False),
)
REGION_TYPE, STATE_TYPE = 2, 6
FAMILY_CDF_BY_BUYER_TYPE = np.cumsum([buyer_type.families for buyer_type in BUYER_TYPES], axis=1)
SITE_COUNT_WEIGHTS = (0.6, 0.3, 0.1)
MAX_BUYER_SHARE = 0.04
ID_STYLE_COUNT = 4
AWARDEE_FAMILY_WEIGHTS = (0.35, 0.25, 0.40)
LOCAL_AWARDEE_SHARE = np.array([0.60, 0.30, 0.45])
AWARDEE_FIRST_DIGITS = (0, 3, 4, 5, 7, 8, 9)  # 0: old companies whose SIREN loses its leading zero in spreadsheets
AWARDEE_FIRST_DIGIT_WEIGHTS = (0.015, 0.10, 0.15, 0.15, 0.10, 0.25, 0.235)
FOREIGN_AWARDEE_SHARE = 0.02  # of the pool
FOREIGN_AWARD_SHARE = 0.017  # of the first titulaires, on top of the foreign companies drawn nationally


@dataclass(frozen=True)
class Buyers:
    sirets: list[list[str]]
    type_index: np.ndarray
    dept: np.ndarray
    site_count: np.ndarray
    activity_cdf: np.ndarray
    concession_cdf: np.ndarray
    id_style: list[int]
    first_number: list[int]


@dataclass(frozen=True)
class Awardees:
    ids: list[str]
    kinds: list[str]  # typeIdentifiant
    local_start: np.ndarray  # [family, département]
    local_count: np.ndarray
    family_start: np.ndarray
    family_count: np.ndarray
    family_order: np.ndarray  # popularity order within each family block
    leading_zero: np.ndarray  # awardees whose SIRET starts with 0
    foreign: np.ndarray  # awardees identified by a TVA number or a non-EU identifier


@dataclass(frozen=True)
class Population:
    buyers: Buyers
    awardees: Awardees


def build_population(rng: np.random.Generator, marches: int) -> Population:
    buyer_count = int(np.clip(marches // MARCHES_PER_BUYER, MIN_BUYERS, MAX_BUYERS))
    awardee_count = int(np.clip(marches // MARCHES_PER_AWARDEE, MIN_AWARDEES, MAX_AWARDEES))
    return Population(_build_buyers(rng, buyer_count), _build_awardees(rng, awardee_count))


def _buyer_types(rng: np.random.Generator, count: int) -> np.ndarray:
    shares = [buyer_type.share for buyer_type in BUYER_TYPES]
    types = pick(rng.random(count), cumulative(shares))
    types[: len(BUYER_TYPES)] = np.arange(len(BUYER_TYPES))  # every type exists, even in a tiny population
    for index, buyer_type in enumerate(BUYER_TYPES):
        members = np.flatnonzero(types == index)
        if buyer_type.cap is not None and len(members) > buyer_type.cap:
            types[members[buyer_type.cap :]] = 0  # surplus départements and régions become communes
    return types


def _buyer_departements(rng: np.random.Generator, types: np.ndarray) -> np.ndarray:
    dept = pick(rng.random(len(types)), DEPT_CDF)
    # Central State services sit mostly in Paris.
    state = (types == STATE_TYPE) & (rng.random(len(types)) < 0.4)
    dept[state] = PARIS
    return dept


def _siren_body(buyer_type: BuyerType, dept_code: str, rng: np.random.Generator) -> str:
    prefix = buyer_type.prefixes[int(rng.integers(len(buyer_type.prefixes)))]
    if buyer_type.located:
        prefix += "20" if dept_code in ("2A", "2B") else dept_code
    elif buyer_type is BUYER_TYPES[REGION_TYPE]:
        prefix += DEPT_REGIONS[DEPT_CODES.index(dept_code)]
    return prefix + "".join(str(digit) for digit in rng.integers(0, 10, 8 - len(prefix)))


def _build_buyers(rng: np.random.Generator, count: int) -> Buyers:
    types = _buyer_types(rng, count)
    dept = _buyer_departements(rng, types)

    bodies = [_siren_body(BUYER_TYPES[types[index]], DEPT_CODES[dept[index]], rng) for index in range(count)]
    sirens = with_luhn_digit(_unique_bodies(bodies, types, dept, rng))
    site_count = 1 + pick(rng.random(count), cumulative(SITE_COUNT_WEIGHTS))
    sirets = _buyer_sirets(rng, sirens, site_count)
    activity = np.array([buyer_type.activity for buyer_type in BUYER_TYPES])[types]
    concessions = np.array([buyer_type.concessions for buyer_type in BUYER_TYPES])[types]
    # A few big buyers publish a large share of the contracts; the clip keeps one buyer from filling a small file.
    weight = np.minimum(rng.lognormal(0.0, 1.1, count), 15.0)
    activity = _capped(activity * weight, MAX_BUYER_SHARE)
    return Buyers(
        sirets=sirets,
        type_index=types,
        dept=dept,
        site_count=site_count,
        activity_cdf=cumulative(activity),
        concession_cdf=cumulative(concessions * weight),
        id_style=rng.integers(0, ID_STYLE_COUNT, count).tolist(),
        first_number=rng.integers(0, 400, count).tolist(),
    )


def _capped(weights: np.ndarray, share: float) -> np.ndarray:
    """Weights where none exceeds about `share` of the total (it only bites in small populations)."""
    return np.minimum(weights, share * weights.sum())


def _unique_bodies(bodies: list[str], types: np.ndarray, dept: np.ndarray, rng: np.random.Generator) -> list[str]:
    seen: set[str] = set()
    for index, body in enumerate(bodies):
        while body in seen:
            body = _siren_body(BUYER_TYPES[types[index]], DEPT_CODES[dept[index]], rng)
        seen.add(body)
        bodies[index] = body
    return bodies


def _buyer_sirets(rng: np.random.Generator, sirens: list[str], site_count: np.ndarray) -> list[list[str]]:
    # Head offices have small NICs (00010, 00018…); secondary establishments come later in the numbering.
    head = 1 + (rng.random(len(sirens)) ** 2 * 40).astype(np.int64)
    bodies, owners = [], []
    for index, (siren, sites) in enumerate(zip(sirens, site_count.tolist(), strict=True)):
        number = int(head[index])
        for _ in range(sites):
            bodies.append(f"{siren}{number:04d}")
            owners.append(index)
            number += 1 + int(rng.integers(1, 300))
    sirets: list[list[str]] = [[] for _ in sirens]
    for owner, siret in zip(owners, with_luhn_digit(bodies), strict=True):
        sirets[owner].append(siret)
    return sirets


def _build_awardees(rng: np.random.Generator, count: int) -> Awardees:
    family = pick(rng.random(count), cumulative(AWARDEE_FAMILY_WEIGHTS))
    dept = pick(rng.random(count), DEPT_CDF)
    foreign = (rng.random(count) < FOREIGN_AWARDEE_SHARE) & (family != TRAVAUX)
    foreign[0] = False
    dept[foreign] = DEPT_COUNT  # never drawn as a local company
    first_digits = np.array(AWARDEE_FIRST_DIGITS)[pick(rng.random(count), cumulative(AWARDEE_FIRST_DIGIT_WEIGHTS))]
    first_digits[0] = 0  # at least one SIRET that can lose its leading zero

    def draw_sirens(number: int) -> list[str]:
        digits = first_digits[:number] if number == count else rng.choice(AWARDEE_FIRST_DIGITS[1:], number)
        bodies = digits * 10_000_000 + rng.integers(0, 10_000_000, number)
        return [f"{body:08d}" for body in bodies.tolist()]

    sirens = with_luhn_digit(unique_strings(draw_sirens, count))
    nic = 1 + (rng.random(count) ** 3 * 120).astype(np.int64)
    nic = np.where(rng.random(count) < 0.1, rng.integers(100, 1000, count), nic)
    sirets = with_luhn_digit([f"{siren}{number:04d}" for siren, number in zip(sirens, nic.tolist(), strict=True)])
    ids, kinds = _awardee_identifiers(rng, sirets, foreign)
    order = np.lexsort((rng.random(count), dept, family))
    return _index_awardees(rng, [ids[i] for i in order], [kinds[i] for i in order], family[order], dept[order])


def _awardee_identifiers(rng: np.random.Generator, sirets: list[str], foreign: np.ndarray):
    ids, kinds = list(sirets), ["SIRET"] * len(sirets)
    for index in np.flatnonzero(foreign).tolist():
        kinds[index], ids[index] = _foreign_identifier(rng, sirets[index][:9])
    return ids, kinds


def _foreign_identifier(rng: np.random.Generator, siren: str) -> tuple[str, str]:
    digits = "".join(str(digit) for digit in rng.integers(0, 10, 11))
    choice = int(rng.integers(0, 8))
    if choice == 0:
        return "TVA", f"FR{digits[:2]}{siren}"
    if choice == 1:
        return "TVA", f"BE0{digits[:9]}"
    if choice == 2:
        return "TVA", f"DE{digits[:9]}"
    if choice == 3:
        return "TVA", f"IT{digits}"
    if choice == 4:
        return "TVA", f"ESB{digits[:8]}"
    if choice == 5:
        return "TVA", f"LU{digits[:8]}"
    if choice == 6:
        return "HORS-UE", f"CHE-{digits[:3]}.{digits[3:6]}.{digits[6:9]}"
    return "HORS-UE", f"GB{digits[:9]}"


def _index_awardees(rng, ids, kinds, family: np.ndarray, dept: np.ndarray) -> Awardees:
    columns = DEPT_COUNT + 1
    counts = np.bincount(family * columns + dept, minlength=3 * columns)
    starts = np.cumsum(counts) - counts
    family_count = counts.reshape(3, columns).sum(axis=1)
    family_start = starts.reshape(3, columns)[:, 0]
    family_order = np.concatenate(
        [
            start + rng.permutation(size)
            for start, size in zip(family_start.tolist(), family_count.tolist(), strict=True)
        ]
    )
    leading_zero = np.array([index for index, (kind, value) in enumerate(zip(kinds, ids, strict=True))
                             if kind == "SIRET" and value.startswith("0")])  # fmt: skip
    foreign = np.array([index for index, kind in enumerate(kinds) if kind != "SIRET"], dtype=np.int64)
    return Awardees(
        ids=ids,
        kinds=kinds,
        local_start=starts.reshape(3, columns),
        local_count=counts.reshape(3, columns),
        family_start=family_start,
        family_count=family_count,
        family_order=family_order,
        leading_zero=leading_zero,
        foreign=foreign,
    )


def draw_awardees(rng: np.random.Generator, awardees: Awardees, family: np.ndarray, dept: np.ndarray) -> np.ndarray:
    """Awardee per row: a company of the buyer's département when possible, else a national one of the family."""
    size = len(family)
    popularity = rng.random(size)
    local_count = awardees.local_count[family, dept]
    local = (rng.random(size) < LOCAL_AWARDEE_SHARE[family]) & (local_count > 0)
    # Squared uniforms make a few companies win far more often than the others.
    local_index = awardees.local_start[family, dept] + scaled_index(popularity**1.5, np.maximum(local_count, 1))
    national_position = awardees.family_start[family] + scaled_index(popularity**2, awardees.family_count[family])
    return np.where(local, local_index, awardees.family_order[national_position])
