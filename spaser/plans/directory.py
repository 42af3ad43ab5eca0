"""The public directory of published schemes: where each buyer is, how the list is searched and filtered, and each
scheme's headline figures, read from the snapshots and caches the dashboards already fill."""

import unicodedata
from dataclasses import dataclass, replace
from functools import cached_property

from django.conf import settings
from django.db.models import Count, Max

from spaser.analytics.classes import buyer_places
from spaser.indicators.engine import missing_reason
from spaser.indicators.readers import SHARED_STORES, StoreUnavailable
from spaser.plans import steering
from spaser.plans.models import ManualValue, Scheme
from spaser.plans.store_cache import cache_key, computed_once


# The two shares a SPASER commits to raise, measured for every buyer (catalogue codes and their short names).
KEY_RATES = {"S1": "considération sociale", "E1": "considération environnementale"}
ON_TRACK = (steering.REACHED, steering.ON_TRACK)
DECIDED = (*ON_TRACK, steering.LATE)
STORE_UNAVAILABLE = "données de la commande publique momentanément indisponibles"
NO_CONTRACT_IN_PERIOD = "aucun marché de la période dans les données de la commande publique"


@dataclass(frozen=True)
class Place:
    """Where a buyer is (its head office, else any establishment), from the reference store."""

    town_code: str
    town_name: str | None
    region_code: str
    region_name: str | None

    @property
    def town(self) -> str:
        return self.town_name or f"commune {self.town_code}"

    @property
    def region(self) -> str:
        return self.region_name or f"région {self.region_code}"


@dataclass(frozen=True)
class Rate:
    """A catalogue share of the scheme's buyers together; `missing` says why it is absent or weak."""

    name: str
    share: float | None
    missing: str | None


@dataclass(frozen=True)
class Headline:
    objectives: int
    decided: int | None  # objectives whose status compares a value with a target (None: store unreadable)
    on_track: int | None  # reached or on track
    year: int | None = None  # of the rates: the latest year of the period (or the baselines) with contracts
    rates: tuple[Rate, ...] = ()
    unavailable: str = ""  # why the rates are not shown

    @property
    def on_track_share(self) -> float | None:
        return self.on_track / self.decided if self.decided else None


@dataclass
class Entry:
    scheme: Scheme
    place: Place | None

    @cached_property
    def headline(self) -> Headline:
        """Computed for the entries shown only (a page of the list)."""
        return headline(self.scheme)

    def mentions(self, words: str) -> bool:
        """Every word is in the title, the name or SIREN of the buyer or of a partner, or the buyer's town (accents
        and case ignored)."""
        buyers = [part for buyer in self.scheme.all_organisations() for part in (buyer.name, buyer.siren)]
        place = [self.place.town, self.place.town_code] if self.place else []
        text = folded(" ".join([self.scheme.title, *buyers, *place]))
        return all(word in text for word in folded(words).split())


def folded(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def publication_order(scheme: Scheme) -> tuple:
    """Most recent publication first (then the most recently created, for schemes published at the same moment)."""
    return scheme.published_at, scheme.created_at


def published_entries() -> list[Entry]:
    """Every published scheme with its buyer's place, the most recent first."""
    schemes = sorted(
        Scheme.objects.published().select_related("organisation").with_partners(), key=publication_order, reverse=True
    )
    located = places(tuple(sorted({scheme.organisation.siren for scheme in schemes})))
    return [Entry(scheme, located.get(scheme.organisation.siren)) for scheme in schemes]


def places(sirens: tuple[str, ...]) -> dict[str, Place]:
    """{siren: place} of the buyers the DECP store knows (empty while the store cannot be read)."""
    store = settings.SPASER_STORE_DIR

    def read() -> dict[str, Place]:
        with SHARED_STORES.reading(store) as (connection, _):
            return {siren: Place(*place) for siren, place in buyer_places(connection, list(sirens)).items()}

    try:
        return computed_once(cache_key("places", sirens, steering.data_version(store)), read) if sirens else {}
    except StoreUnavailable:
        return {}


def version() -> tuple:
    """Changes with what the directory shows: the published schemes, the manual values, the DECP data."""
    published = Scheme.objects.published().aggregate(last=Max("updated_at"), count=Count("pk"))
    manual = ManualValue.objects.aggregate(last=Max("entered_at"), count=Count("pk"))
    return *published.values(), *manual.values(), steering.data_version(settings.SPASER_STORE_DIR)


def headline(scheme: Scheme) -> Headline:
    """The scheme's headline figures, kept while its dashboard and the DECP data are unchanged."""
    key = cache_key("headline", steering.dashboard_version(scheme), steering.data_version(settings.SPASER_STORE_DIR))
    try:
        return computed_once(key, lambda: _headline(scheme))
    except StoreUnavailable:
        return Headline(steering.scheme_objectives(scheme).count(), None, None, unavailable=STORE_UNAVAILABLE)


def _headline(scheme: Scheme) -> Headline:
    statuses = [series.status for series in steering.dashboard(scheme)]
    decided = sum(status in DECIDED for status in statuses)
    on_track = sum(status in ON_TRACK for status in statuses)
    counts = Headline(len(statuses), decided, on_track)
    sirens = steering.scheme_sirens(scheme)
    values = steering.decp_values(sirens, steering.scheme_years(scheme))
    buyer = sirens[0] if len(sirens) == 1 else steering.TOGETHER
    latest = max((year for (who, year, _), value in values.items() if who == buyer and value.contracts), default=None)
    if latest is None:
        return replace(counts, unavailable=NO_CONTRACT_IN_PERIOD)
    rates = []
    for code, name in KEY_RATES.items():
        value = values[(buyer, latest, code)]
        rates.append(Rate(name, value.value, missing_reason(value.missing or None, value.coverage)))
    return replace(counts, year=latest, rates=tuple(rates))
