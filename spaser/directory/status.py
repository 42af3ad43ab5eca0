"""Whether a buyer had a SPASER in force in a year, with the directory entry that proves it (for the obligation
register). A scheme counts for a year from its first year on: one adopted later did not exist yet."""

from dataclasses import dataclass
from enum import StrEnum

from spaser.directory.listing import Listed, known_schemes


class Adoption(StrEnum):
    IN_FORCE = "en vigueur"
    EXPIRED = "expiré"
    ABSENT = "absent"


@dataclass(frozen=True)
class AdoptionStatus:
    adoption: Adoption
    evidence: Listed | None  # the scheme in force (the latest started), else the latest ended; None when absent


def adoption_status(sirens: set[str], year: int) -> dict[str, AdoptionStatus]:
    """{siren: status in `year`} for every SIREN asked, shared schemes counting for each of their buyers."""
    started = [listed for listed in known_schemes() if listed.started_by(year)]
    return {siren: _status([listed for listed in started if siren in listed.sirens], year) for siren in sirens}


def _status(schemes: list[Listed], year: int) -> AdoptionStatus:
    if in_force := [listed for listed in schemes if listed.in_force(year)]:
        return AdoptionStatus(Adoption.IN_FORCE, max(in_force, key=lambda listed: listed.start_year))
    if schemes:
        return AdoptionStatus(Adoption.EXPIRED, max(schemes, key=lambda listed: listed.end_year))
    return AdoptionStatus(Adoption.ABSENT, None)
