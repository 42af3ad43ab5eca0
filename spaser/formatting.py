"""Figures and dates for people, the French way: pages, the command line and CSV exports all write them here.

Numbers are rounded half-up (away from zero) on the decimal a person reads, so 18.15 gives « 18,2 » where
Python's round() and Django's number_format give 18,1. Thousands are separated by a narrow no-break space
(U+202F), decimals by a comma, and a no-break space (U+00A0) joins a number to its unit. Machines (JSON, the API,
Parquet) keep full precision and never come here. Dates read « 1er mars 2026 », times « 17 h 38 » in the time zone
of France (or the page's). No Django import: the data core uses it too.
"""

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import TextIO
from zoneinfo import ZoneInfo


Number = float | int | Decimal

MISSING = "—"
THOUSANDS = "\u202f"
UNIT_SPACE = "\u00a0"
FRENCH, INTERNATIONAL = "francaise", "internationale"
FRANCE = ZoneInfo("Europe/Paris")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
CONVENTIONS = (FRENCH, INTERNATIONAL)


@dataclass(frozen=True)
class Unit:
    """How values of a unit code are shown: decimals, then the word after the number (none: the bare number)."""

    decimals: int
    singular: str = ""
    plural: str = ""


# Unit codes are stored and exposed by the API as they are; only their display is decided here.
UNITS = {
    "%": Unit(1, "%", "%"),  # from 0 to 100: a share from 0 to 1 goes through `percent`
    "offres": Unit(1, "offre", "offres"),
    "marchés": Unit(0, "marché", "marchés"),
    "heures": Unit(0, "heure", "heures"),
    "nombre": Unit(0),  # a count typed by an organisation, of things it does not name
    "euros": Unit(0, "€", "€"),
    "tCO2e": Unit(1, "tCO2e", "tCO2e"),
}


def rounded(value: Number | None, decimals: int) -> Decimal | None:
    """Half-up on the written value: 18.15 → 18.2, 2.5 → 3, 0.125 → 0.13 at 2 decimals, -2.5 → -3; no « -0 »."""
    if value is None:
        return None
    result = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return result if result else abs(result)


def in_percent(share: Number) -> float:
    """A share from 0 to 1 in percent, scaled in decimal: 0.0145 gives 1.45 (0.0145 * 100 gives 1.4500000000000002)."""
    return float(Decimal(str(share)).scaleb(2))


def number(value: Number | None, decimals: int = 0) -> str:
    """« 12 345,7 » at 1 decimal; « — » when the value is unknown."""
    if value is None:
        return MISSING
    return f"{rounded(value, decimals):,f}".replace(",", THOUSANDS).replace(".", ",")


# A noun group's words take the plural up to the first of these; what follows stays (« action en retard »).
PREPOSITIONS = frozenset({"à", "au", "aux", "avec", "dans", "de", "des", "du", "en", "par", "pour", "sans", "sur"})


def plural_of(noun: str) -> str:
    """« marché rattaché » → « marchés rattachés », « action en retard » → « actions en retard »: each word before
    the first preposition takes an s, unless it ends in s, x or z or is an acronym (« SPASER publiés »)."""
    words = noun.split(" ")
    for index, word in enumerate(words):
        if word in PREPOSITIONS or word.startswith("d'"):
            break
        if not (word.isupper() or word.endswith(("s", "x", "z"))):
            words[index] = f"{word}s"
    return " ".join(words)


def count(value: Number | None, noun: str, plural: str = "", decimals: int = 0) -> str:
    """« 1 marché », « 1,5 offre », « 3 marchés »: singular below 2 as shown; `plural` defaults to `plural_of`."""
    if value is None:
        return MISSING
    shown = rounded(value, decimals)
    word = noun if abs(shown) < 2 else plural or plural_of(noun)
    return f"{number(shown, decimals)}{UNIT_SPACE}{word}"


def measure(value: Number | None, unit: str) -> str:
    """A value in its unit code (see UNITS): « 12,3 % », « 2 500 heures », « 3 marchés », « 125 000 € », « 12 »."""
    shown = UNITS[unit]
    if not shown.singular:
        return number(value, shown.decimals)
    return count(value, shown.singular, shown.plural, shown.decimals)


def percent(share: Number | None) -> str:
    """A share from 0 to 1 as a percentage: 0.1818 → « 18,2 % »."""
    return measure(None if share is None else in_percent(share), "%")


def day(value: date | None) -> str:
    """« 6 décembre 2026 », « 1er mars 2026 » (a datetime gives its day); « — » when unknown."""
    if value is None:
        return MISSING
    first = "er" if value.day == 1 else ""
    return f"{value.day}{first} {MONTHS[value.month - 1]} {value.year}"


def moment(value: datetime | None, zone: tzinfo = FRANCE) -> str:
    """« 6 décembre 2026 à 17 h 38 », an aware datetime read in `zone` (a naive one as it is); « — » when unknown."""
    if value is None:
        return MISSING
    local = value.astimezone(zone) if value.tzinfo is not None else value
    return f"{day(local)} à {local.hour} h {local.minute:02d}"


def file_size(size: int) -> str:
    """``1536`` → « 1,5 Ko »: bytes in French units (powers of 1024), one decimal from the kilo-octet up."""
    if size < 1024:
        return f"{size}{UNIT_SPACE}o"
    value, units = size / 1024, ["Ko", "Mo", "Go", "To"]
    while value >= 1024 and len(units) > 1:
        value /= 1024
        units.pop(0)
    return f"{number(value, 1)}{UNIT_SPACE}{units[0]}"


def csv_number(value: Number | None, convention: str = FRENCH) -> str:
    """A number for a spreadsheet: no thousands separator, decimal comma (French) or point (international).

    A float or an int is written at full precision (1500000.0 → « 1500000 »); a Decimal from `rounded` as it is.
    """
    if value is None:
        return ""
    exact = value if isinstance(value, Decimal) else Decimal(str(value)).normalize()
    text = f"{exact:f}"
    return text.replace(".", ",") if convention == FRENCH else text


def write_csv(stream: TextIO, header: Sequence[str], rows: Iterable[Sequence], convention: str = FRENCH) -> None:
    """French: `;`, decimal comma, dates dd/mm/yyyy and a UTF-8 BOM, which spreadsheets set in French open as is;
    international: `,`, decimal point, ISO dates, no BOM.

    Numbers must come as numbers: text cells are neutralised against formula injection (see `inert`), numbers
    written here are not, so « -1234,5 » stays a number."""
    french = convention == FRENCH
    if french:
        stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=";" if french else ",")
    writer.writerow([inert(label) for label in header])
    writer.writerows([_cell(value, french) for value in row] for row in rows)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """Text a spreadsheet will not run: a leading ' when it starts like a formula (OWASP CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _cell(value: object, french: bool) -> object:
    if isinstance(value, float | Decimal):
        return csv_number(value, FRENCH if french else INTERNATIONAL)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y") if french else value.isoformat()
    if isinstance(value, str):
        return inert(value)
    return "" if value is None else value
