"""The version (date or vintage) of a reference file: from its name, else its content, else its modification date."""

import re
from datetime import UTC, date, datetime
from pathlib import Path


FRENCH_MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "février": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "août": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
    "décembre": 12,
}
_YEAR = r"(?:19|20)\d{2}"


def from_name(name: str) -> str | None:
    """`unites_legales_2026-08-19.csv.gz` → `2026-08-19`, `FLUX_EA2_ITOU_20241231.zip` → `2024-12-31`,
    `StockUniteLegale_2026-10.zip` → `2026-10`, `cj_septembre_2022.xls` → `2022-09`,
    `cog2026_communes.csv` → `2026`."""
    for pattern in (rf"(?<!\d)({_YEAR})-(\d{{2}})-(\d{{2}})(?!\d)", rf"(?<!\d)({_YEAR})(\d{{2}})(\d{{2}})(?!\d)"):
        for match in re.finditer(pattern, name):
            day = _date(*match.groups())
            if day:
                return day.isoformat()
    for match in re.finditer(rf"(?<!\d)({_YEAR})[-_](\d{{2}})(?![\d-])", name):
        if 1 <= int(match.group(2)) <= 12:
            return f"{match.group(1)}-{match.group(2)}"
    months = "|".join(FRENCH_MONTHS)
    match = re.search(rf"({months})[\s_\-]*({_YEAR})(?!\d)", name.lower())
    if match:
        return f"{match.group(2)}-{FRENCH_MONTHS[match.group(1)]:02d}"
    match = re.search(rf"(?<!\d)({_YEAR})(?!\d)", name)
    return match.group(1) if match else None


def from_mtime(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()


def month_after(day: str) -> str | None:
    """`2026-09-30…` → `2026-10`: INSEE's monthly stock is the image of the last day of the previous month."""
    match = re.match(r"(\d{4})-(\d{2})", day or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return f"{year + month // 12}-{month % 12 + 1:02d}"


def _date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
