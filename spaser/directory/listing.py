"""Every SPASER the platform knows, from three sources told apart: schemes published on the platform (with their
partners), entries imported from the national directory's fields, entries entered by the platform team.

A platform scheme and an entry describing the same scheme (same buyer, same first year) are listed once, as the
platform scheme: its buyer maintains it (docs/decisions.md, "Directory sources precedence")."""

import unicodedata
from dataclasses import dataclass
from datetime import date

from spaser.directory.models import DirectoryEntry, Source
from spaser.plans.models import Scheme


PLATFORM = "publié sur la plateforme"
SOURCES = (PLATFORM, Source.IMPORTED.label, Source.STAFF.label)

# The categories of the RTES count of adopted SPASERs (61 at 31 March 2023), tried in this order on the buyer type:
# "Communauté de communes" is an EPCI before it is a commune.
REGIONS, DEPARTMENTS, METROPOLES, OTHER_EPCI, COMMUNES, OTHERS = (
    "Régions",
    "Départements",
    "Métropoles",
    "Autres EPCI",
    "Communes",
    "Autres acheteurs",
)
RTES_CATEGORIES = (REGIONS, DEPARTMENTS, METROPOLES, OTHER_EPCI, COMMUNES, OTHERS)
# RTES's count at 31 March 2023 (seed « Points de RepérESS », observatory.md §2): collectivités and groupements only
RTES_2023 = {REGIONS: 10, DEPARTMENTS: 14, METROPOLES: 7, OTHER_EPCI: 12, COMMUNES: 18}
_CATEGORY_WORDS = (
    (("region", "collectivite territoriale unique", "collectivite de corse"), REGIONS),
    (("departement",), DEPARTMENTS),
    (("metropole",), METROPOLES),
    (("communaute", "epci", "etablissement public territorial", "syndicat", "pole d'equilibre"), OTHER_EPCI),
    (("commune",), COMMUNES),
)


def folded(text: str) -> str:
    """Lower case without accents, for comparisons."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def rtes_category(buyer_type: str) -> str:
    words = folded(buyer_type).replace("’", "'")
    return next((category for keys, category in _CATEGORY_WORDS if any(key in words for key in keys)), OTHERS)


@dataclass(frozen=True)
class Listed:
    """One SPASER as the directory shows it, whatever its source; `end_year` None: the period's end is not given."""

    source: str
    siren: str
    name: str
    structure_type: str
    title: str
    start_year: int
    end_year: int | None
    edition: int | None
    mutualised: bool
    other_sirens: tuple[str, ...]
    population: str
    purchase_volume: str
    document_url: str
    published_on: date | None
    updated_on: date | None
    description: str
    url: str  # its public page on the platform

    @property
    def sirens(self) -> tuple[str, ...]:
        return (self.siren, *self.other_sirens)

    @property
    def category(self) -> str:
        return rtes_category(self.structure_type)

    @property
    def period(self) -> str:
        return f"{self.start_year}-{self.end_year}" if self.end_year else f"depuis {self.start_year}"

    def started_by(self, year: int) -> bool:
        return self.start_year <= year

    def in_force(self, year: int) -> bool:
        return self.start_year <= year and (self.end_year is None or year <= self.end_year)

    def expired(self, year: int) -> bool:
        return self.end_year is not None and self.end_year < year


def known_schemes() -> list[Listed]:
    """The three sources, platform schemes first, sorted by buyer name then first year."""
    platform = [
        _from_scheme(scheme) for scheme in Scheme.objects.published().with_partners().select_related("organisation")
    ]
    described = {(listed.siren, listed.start_year) for listed in platform}
    entries = [
        _from_entry(entry)
        for entry in DirectoryEntry.objects.all()
        if (entry.siren, entry.start_year) not in described
    ]
    return sorted(platform + entries, key=lambda listed: (folded(listed.name), listed.start_year))


def _from_scheme(scheme: Scheme) -> Listed:
    organisation = scheme.organisation
    return Listed(
        source=PLATFORM,
        siren=organisation.siren,
        name=organisation.name,
        structure_type=organisation.buyer_type,
        title=scheme.title,
        start_year=scheme.start_year,
        end_year=scheme.end_year,
        edition=scheme.edition,
        mutualised=scheme.mutualised or bool(scheme.partners),
        other_sirens=tuple(partner.siren for partner in scheme.partners),
        population=scheme.get_population_display() if scheme.population else "",
        purchase_volume=scheme.get_purchase_volume_display() if scheme.purchase_volume else "",
        document_url="",
        published_on=scheme.published_at.date() if scheme.published_at else None,
        updated_on=scheme.updated_at.date(),
        description=scheme.summary,
        url=scheme.public_url(),
    )


def _from_entry(entry: DirectoryEntry) -> Listed:
    return Listed(
        source=entry.get_source_display(),
        siren=entry.siren,
        name=entry.name,
        structure_type=entry.structure_type,
        title=entry.title,
        start_year=entry.start_year,
        end_year=entry.end_year,
        edition=entry.edition,
        mutualised=entry.mutualised,
        other_sirens=tuple(entry.other_sirens.split()),
        population=entry.get_population_display() if entry.population else "",
        purchase_volume=entry.get_purchase_volume_display() if entry.purchase_volume else "",
        document_url=entry.document_url,
        published_on=entry.published_on,
        updated_on=entry.updated_on,
        description=entry.description,
        url="",
    )
