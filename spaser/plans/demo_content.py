"""The content of the demonstration data, read once from the JSON files of `demo_data/` (package data).

- `organisations.json`: the platform administrator, the four fictitious buyer profiles (SIREN prefix by INSEE
  convention, as in the generator: 21 communes, 22 départements, 23 régions, 24 EPCI; domain of their logins) and
  the logins each gets (local part of the e-mail, role).
- `schemes.json`: one scheme per profile (owner and partners by profile key; {start} and {end} in the title and slug
  are the period, which begins `offset` years after the first year of the synthetic data; `adoption` is in years
  after that first year, {year} and {day} in the deliberation its year and date), with the notices opening every
  summary.
- `tree.json`: the axes, engagements, objectives and actions every fictitious scheme gets. An objective's `title`
  has {final} (the target at the end of the period) and {end} (its year); `final` names the rule of `TARGET_RULES`
  computing it from the baseline and the number of years; `fallback` is the baseline when the store cannot give one
  (indicators needing the reference data). An action's `due` is in years after the first year of the scheme.
- `insertion_hours.json`: the manual insertion-hours indicator (the `indicator` of its objective in `tree.json`)
  and the file name of its fictitious import.
- `directory.json`: real entries of the national SPASER directory (achats-durables.gouv.fr, shared/seeds and
  shared/research/anchors.md §3.1, §4.1), only what the sources say: Grand Est's two published targets, none for
  Seine-Saint-Denis; every summary ends with `decp_notice` naming who (`absent_from_store`) has no marchés in the
  demo store.

Values of choices (theme, status, role...) are checked against the models when the files are read.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from importlib.resources import files

from spaser.organisations.models import Role
from spaser.plans.models import ActionStatus, Population, PurchaseVolume, Status, Theme


def _load(name: str) -> dict:
    return json.loads((files(__package__) / "demo_data" / f"{name}.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class YearOffset:
    """A day given in years after a scheme's first year."""

    years_after: int
    month: int
    day: int

    def after(self, first_year: int) -> date:
        return date(first_year + self.years_after, self.month, self.day)


def _offset(data: dict | None) -> YearOffset | None:
    return None if data is None else YearOffset(**data)


# ---------------------------------------------------------------------------------------------------------------
# Organisations and logins.


@dataclass(frozen=True)
class BuyerProfile:
    key: str
    siren_prefix: str
    name: str
    buyer_type: str
    domain: str  # of the demo logins


_ORGANISATIONS = _load("organisations")
PLATFORM_ADMIN = _ORGANISATIONS["platform_admin"]["email"]
PLATFORM_ADMIN_NAME = (_ORGANISATIONS["platform_admin"]["first_name"], _ORGANISATIONS["platform_admin"]["last_name"])
PROFILES = tuple(BuyerProfile(**profile) for profile in _ORGANISATIONS["profiles"])
DEMO_NAMES = tuple(profile.name for profile in PROFILES)
LOGINS = tuple((login["local_part"], Role(login["role"])) for login in _ORGANISATIONS["logins"])


# ---------------------------------------------------------------------------------------------------------------
# Schemes.


@dataclass(frozen=True)
class SchemePlan:
    owner: str  # profile key
    partners: tuple[str, ...]
    title: str
    slug: str
    offset: int
    length: int  # years
    edition: int
    status: Status
    population: Population
    purchase_volume: PurchaseVolume
    adoption: YearOffset | None  # adopted the year before when years_after is -1
    deliberation: str
    summary: str

    def period(self, first_year: int) -> range:
        start = first_year + self.offset
        return range(start, start + self.length)


_SCHEMES = _load("schemes")
FICTITIOUS_NOTICE = _SCHEMES["fictitious_notice"]
STRUCTURE_NOTICE = _SCHEMES["structure_notice"]
SCHEMES = tuple(
    SchemePlan(
        **{
            **plan,
            "partners": tuple(plan["partners"]),
            "status": Status(plan["status"]),
            "population": Population(plan["population"]),
            "purchase_volume": PurchaseVolume(plan["purchase_volume"]),
            "adoption": _offset(plan["adoption"]),
        }
    )
    for plan in _SCHEMES["schemes"]
)


# ---------------------------------------------------------------------------------------------------------------
# The tree of every fictitious scheme.


def _fixed(baseline: float, years: int, value: float) -> float:
    return value


def _doubled(baseline: float, years: int, minimum: float) -> float:
    return round(max(minimum, 2 * baseline), 1)


def _count_up(baseline: float, years: int) -> float:
    return float(max(baseline + 2 * years, round(1.5 * baseline)))


def _single_bid_down(baseline: float, years: int) -> float:
    return 20.0 if baseline > 25 else round(0.75 * baseline, 1)


def _hours_up(baseline: float, years: int) -> float:
    return float(round(baseline * (1 + 0.10 * years), -1))  # +10 % a year, as the State scheme 2025-2027


TARGET_RULES = {
    "fixed": _fixed,
    "doubled": _doubled,
    "count_up": _count_up,
    "single_bid_down": _single_bid_down,
    "hours_up": _hours_up,
}


@dataclass(frozen=True)
class ObjectivePlan:
    indicator: str  # catalogue code, or the code of the manual insertion-hours indicator
    title: str
    final: Callable[[float, int], float]  # (baseline, years of the period) -> final target
    fallback: float


@dataclass(frozen=True)
class ActionPlan:
    title: str
    owner: str
    status: ActionStatus
    due: YearOffset


@dataclass(frozen=True)
class EngagementPlan:
    title: str
    objectives: tuple[ObjectivePlan, ...]
    actions: tuple[ActionPlan, ...]


@dataclass(frozen=True)
class AxisPlan:
    theme: Theme
    title: str
    description: str
    engagements: tuple[EngagementPlan, ...]


def _objective(data: dict) -> ObjectivePlan:
    parameters = dict(data["final"])
    rule = TARGET_RULES[parameters.pop("rule")]
    return ObjectivePlan(data["indicator"], data["title"], partial(rule, **parameters), data["fallback"])


def _engagement(data: dict) -> EngagementPlan:
    return EngagementPlan(
        data["title"],
        tuple(_objective(objective) for objective in data["objectives"]),
        tuple(
            ActionPlan(action["title"], action["owner"], ActionStatus(action["status"]), YearOffset(**action["due"]))
            for action in data["actions"]
        ),
    )


TREE = tuple(
    AxisPlan(
        Theme(axis["theme"]),
        axis["title"],
        axis["description"],
        tuple(_engagement(engagement) for engagement in axis["engagements"]),
    )
    for axis in _load("tree")["axes"]
)


@dataclass(frozen=True)
class ManualIndicatorPlan:
    code: str
    label: str
    definition: str
    filename: str  # of the fictitious import


HOURS = ManualIndicatorPlan(**_load("insertion_hours"))


# ---------------------------------------------------------------------------------------------------------------
# Real entries of the national directory.


@dataclass(frozen=True)
class RealTarget:
    theme: Theme
    axis: str
    indicator: str
    title: str
    value: float


@dataclass(frozen=True)
class RealEntry:
    siren: str
    name: str
    buyer_type: str
    title: str
    slug: str
    start_year: int
    end_year: int
    edition: int
    summary: str
    targets: tuple[RealTarget, ...]


_DIRECTORY = _load("directory")
REAL_ENTRIES = tuple(
    RealEntry(
        **{key: value for key, value in entry.items() if key not in ("summary", "absent_from_store", "targets")},
        summary=entry["summary"] + _DIRECTORY["decp_notice"].format(who=entry["absent_from_store"]),
        targets=tuple(RealTarget(**{**target, "theme": Theme(target["theme"])}) for target in entry["targets"]),
    )
    for entry in _DIRECTORY["entries"]
)
REAL_SIRENS = tuple(entry.siren for entry in REAL_ENTRIES)
