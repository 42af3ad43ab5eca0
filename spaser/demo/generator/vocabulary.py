"""The vocabularies of the synthetic records, loaded once from the JSON files of `data/` (package data).

- `departements.json`: département code, INSEE region code, population in hundreds of thousands of inhabitants (the
  relative weight of the département).
- `objets.json`: the words filling the slots of the objet templates, {lieu} {voie} {ext} {dest} {neuf} {secteur}
  ({annee} is the year): a {lieu} is a named place (`named_places` × `noms`) or one of the generic `places`.
- `cpv.json`: the groups of trades a buyer puts out as lots of one consultation (in the order that numbers them),
  the CPV catalogue (code, group, relative weight, CCAG label of the schema, origineUE/origineFrance expected, label
  of the lot, objet templates) and the check digits published with the CPV 2008 nomenclature.
- `concessions.json`: the conceded services with their tarifs, and the objet templates of each concession nature.
"""

import json
from dataclasses import dataclass
from importlib.resources import files

import numpy as np

from spaser.demo.generator.sampling import cumulative
from spaser.demo.generator.schema import CCAGS, CONCESSION_NATURES, FOURNITURES, SERVICES, TRAVAUX


FAMILIES = {"travaux": TRAVAUX, "fournitures": FOURNITURES, "services": SERVICES}


def _load(name: str) -> dict:
    return json.loads((files(__package__) / "data" / f"{name}.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------------------------
# Geography.


def _departements() -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray]:
    rows = _load("departements")["departements"]
    codes = tuple(row["code"] for row in rows)
    regions = tuple(row["region"] for row in rows)
    return codes, regions, np.asarray([row["population"] for row in rows], dtype=float)


DEPT_CODES, DEPT_REGIONS, DEPT_WEIGHTS = _departements()
DEPT_COUNT = len(DEPT_CODES)
DEPT_CDF = cumulative(DEPT_WEIGHTS)
PARIS = DEPT_CODES.index("75")

# ---------------------------------------------------------------------------------------------------------------
# Words of the objets.

_WORDS = _load("objets")
# Generic places are repeated so that they stay about as frequent as the named ones.
LIEUX = (
    tuple(template.format(nom) for template in _WORDS["named_places"] for nom in _WORDS["noms"])
    + tuple(_WORDS["places"]) * 8
)
VOIES = tuple(_WORDS["voies"])
EXTERIEURS = tuple(_WORDS["exterieurs"])
DESTINATIONS = tuple(_WORDS["destinations"])
NEUFS = tuple(_WORDS["neufs"])
SECTEURS = tuple(_WORDS["secteurs"])

# ---------------------------------------------------------------------------------------------------------------
# CPV catalogue.


@dataclass(frozen=True)
class CpvGroup:
    """Contracts that a buyer can put out as lots of one consultation."""

    family: int
    operations: tuple[str, ...]


@dataclass(frozen=True)
class CpvEntry:
    code: str
    group: int
    weight: float
    ccag: int
    origin: bool  # food, vehicles, health products, clothing: origineUE / origineFrance expected
    lot: str  # label of the lot when the contract is one lot of a consultation
    objets: tuple[str, ...]


def _cpv_catalogue() -> tuple[tuple[CpvGroup, ...], tuple[CpvEntry, ...], dict[str, str]]:
    document = _load("cpv")
    group_numbers = {group["key"]: number for number, group in enumerate(document["groups"])}
    groups = tuple(CpvGroup(FAMILIES[group["family"]], tuple(group["operations"])) for group in document["groups"])
    entries = tuple(
        CpvEntry(
            code=entry["code"],
            group=group_numbers[entry["group"]],
            weight=entry["weight"],
            ccag=CCAGS.index(entry["ccag"]),
            origin=entry["origin"],
            lot=entry["lot"],
            objets=tuple(entry["objets"]),
        )
        for entry in document["catalogue"]
    )
    return groups, entries, document["check_digits"]


CPV_GROUPS, CPV_CATALOGUE, CPV_CHECK_DIGITS = _cpv_catalogue()  # check digits for codes written "45000000-7"


def _cpv_tables():
    # Entries sorted by group (hence by family) so that cumulative "family + share" and "group + share" tables
    # let one searchsorted pick an entry within a family or within a group for a whole batch.
    order = sorted(range(len(CPV_CATALOGUE)), key=lambda index: CPV_CATALOGUE[index].group)
    entries = tuple(CPV_CATALOGUE[index] for index in order)
    groups = np.array([entry.group for entry in entries])
    families = np.array([CPV_GROUPS[entry.group].family for entry in entries])
    weights = np.array([entry.weight for entry in entries], dtype=float)
    return entries, groups, families, _stacked_cdf(families, weights), _stacked_cdf(groups, weights)


def _stacked_cdf(keys: np.ndarray, weights: np.ndarray) -> np.ndarray:
    cdf = np.empty(len(keys))
    for key in np.unique(keys):
        members = keys == key
        running = np.cumsum(weights[members])
        cdf[members] = key + running / running[-1]
        cdf[np.flatnonzero(members)[-1]] = key + 1.0
    return cdf


CPV_ENTRIES, CPV_GROUP, CPV_FAMILY, CPV_FAMILY_CDF, CPV_GROUP_CDF = _cpv_tables()
CPV_CODES = tuple(entry.code for entry in CPV_ENTRIES)
CPV_CCAG = np.array([entry.ccag for entry in CPV_ENTRIES])
CPV_ORIGIN = np.array([entry.origin for entry in CPV_ENTRIES])
CPV_WITH_CHECK_DIGIT = np.array([index for index, code in enumerate(CPV_CODES) if code in CPV_CHECK_DIGITS])
CPV_WITH_LEADING_ZERO = np.array([index for index, code in enumerate(CPV_CODES) if code.startswith("0")])

# ---------------------------------------------------------------------------------------------------------------
# Concessions.


def _concessions() -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[tuple[str, ...], ...]]:
    document = _load("concessions")
    services = tuple((item["service"], tuple(item["tarifs"])) for item in document["services"])
    # Aligned with CONCESSION_NATURES: a concession draws its objet among the templates of its nature.
    objets = tuple(tuple(document["objets"][nature]) for nature in CONCESSION_NATURES)
    return services, objets


SERVICES_CONCEDES, CONCESSION_OBJETS = _concessions()
