"""Validation rules shared by the web forms and the JSON import: target ranges and years of a scheme."""

from spaser.formatting import csv_number


BASELINE_YEARS_BEFORE = 10


def check_target_value(unit: str | None, value: float) -> str | None:
    """French message when `value` (a target or a baseline) is impossible for `unit` (percentages are expressed
    from 0 to 100; no value of any unit is negative); the value is written as typed, with a decimal comma."""
    if unit == "%" and not 0 <= value <= 100:
        return f"{csv_number(value)} n'est pas un pourcentage entre 0 et 100."
    if value < 0:
        return f"{csv_number(value)} est négatif : indiquez un nombre positif ou nul."
    return None


def check_year_in_period(year: int, start_year: int, end_year: int, what: str) -> str | None:
    if not start_year <= year <= end_year:
        return f"{what} ({year}) doit être comprise dans la période du SPASER ({start_year}–{end_year})."
    return None


def check_baseline_year(year: int, start_year: int, end_year: int) -> str | None:
    if not start_year - BASELINE_YEARS_BEFORE <= year <= end_year:
        return (
            f"L'année de référence ({year}) doit être comprise entre {start_year - BASELINE_YEARS_BEFORE} "
            f"et {end_year}."
        )
    return None


def check_period(start_year: int, end_year: int) -> str | None:
    """A scheme covers its first year to its last, both included: a one-year scheme is allowed."""
    if end_year < start_year:
        return (
            f"La dernière année ({end_year}) précède la première ({start_year}) : "
            "elle doit lui être égale ou postérieure."
        )
    return None
