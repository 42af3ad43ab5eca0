"""Manual indicators: reading the insertion-hours CSV, importing it with its provenance, yearly totals.

The CSV holds one line per contract and year, as `spaser.tables.INSERTION_HOURS_CSV` declares it (its Table Schema is
docs/schemas/heures-insertion.json); a blank contract id gives the year's global value. Every problem is reported with
its line and column, and nothing is stored unless the whole file is valid.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Avg, Count, Sum

from spaser.analytics.contract_ids import known_contract_ids
from spaser.formatting import FRENCH, write_csv
from spaser.indicators.readers import SHARED_STORES
from spaser.plans.csv_uploads import CsvError, column_name, header_error, read_upload, separator
from spaser.plans.models import ManualImport, ManualIndicator, ManualUnit, ManualValue
from spaser.tables import INSERTION_HOURS_CSV, CellError


COLUMNS = INSERTION_HOURS_CSV.names
YEAR, CONTRACT, PLANNED, DONE, PERSONS = COLUMNS
MAX_ROWS = 50_000
MAX_CONTRACT_ID = INSERTION_HOURS_CSV.field(CONTRACT).max_length


@dataclass(frozen=True)
class Row:
    line: int
    year: int
    contract_id: str
    planned: float | None
    done: float
    persons: int | None


# Reading the file


def parse_csv(data: bytes, filename: str = "") -> tuple[list[Row], list[CsvError]]:
    """The valid rows and every error of the file; callers must store nothing when there are errors."""
    return read_upload(data, filename, _parse_text)


def _parse_text(text: str) -> tuple[list[Row], list[CsvError]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(text))
    header = [column_name(cell) for cell in next(reader)]
    if error := header_error(header, COLUMNS, COLUMNS):
        return [], [error]
    rows, errors = _parse_lines(reader, {column: header.index(column) for column in COLUMNS})
    if not rows and not errors:
        return [], [
            CsvError(None, None, "Le fichier ne contient que l'en-tête : ajoutez au moins une ligne de données.")
        ]
    return rows, errors + _duplicate_errors(rows)


def _parse_lines(reader, positions: dict[str, int]) -> tuple[list[Row], list[CsvError]]:
    """Every non-blank line after the header (spreadsheets often end with `;;;;` lines)."""
    rows, errors, data_lines = [], [], 0
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        data_lines += 1
        if data_lines > MAX_ROWS:
            return [], [CsvError(None, None, "Le fichier dépasse 50 000 lignes : découpez-le en plusieurs fichiers.")]
        values = {column: cells[index] if index < len(cells) else "" for column, index in positions.items()}
        row, row_errors = _parse_row(reader.line_num, values)
        rows += [row] if row else []
        errors += row_errors
    return rows, errors


def _parse_row(line: int, values: dict[str, str]) -> tuple[Row | None, list[CsvError]]:
    """The cells read by their fields of INSERTION_HOURS_CSV (type and constraints of the Table Schema)."""
    parsed, errors = {}, []
    for column in INSERTION_HOURS_CSV.fields:
        raw = values[column.name].strip()
        if not raw:
            if column.required:
                errors.append(CsvError(line, column.name, "valeur manquante"))
            parsed[column.name] = "" if column.type == "string" else None
            continue
        try:
            parsed[column.name] = column.read(raw)
        except CellError as exc:
            errors.append(CsvError(line, column.name, str(exc)))
    if errors:
        return None, errors
    row = Row(line, parsed[YEAR], parsed[CONTRACT], parsed[PLANNED], parsed[DONE], parsed[PERSONS])
    return row, []


def _duplicate_errors(rows: list[Row]) -> list[CsvError]:
    """A (year, contract) twice, and a year with both a global value and values per contract (counted twice)."""
    first_line, global_line, contract_line, errors = {}, {}, {}, []
    for row in rows:
        key = (row.year, row.contract_id)
        if key in first_line:
            errors.append(CsvError(row.line, CONTRACT, f"{_what(row)} figure déjà à la ligne {first_line[key]}"))
            continue
        first_line[key] = row.line
        (contract_line if row.contract_id else global_line).setdefault(row.year, row.line)
    for year, line in global_line.items():
        if year in contract_line:
            message = (
                f"la valeur globale de {year} (identifiant de marché vide) ne peut pas s'ajouter aux valeurs par "
                f"marché de la même année (ligne {contract_line[year]}) : le total compterait deux fois"
            )
            errors.append(CsvError(line, CONTRACT, message))
    return sorted(errors, key=lambda error: error.line)


def _what(row: Row) -> str:
    if row.contract_id:
        return f"le marché « {row.contract_id} » pour {row.year}"
    return f"la valeur globale de {row.year}"


# Storing


def accepts_files(indicator: ManualIndicator) -> bool:
    """The CSV holds hours: only hour indicators (insertion hours) are filled from files."""
    return indicator.unit == ManualUnit.HOURS


def conflict_errors(indicator: ManualIndicator, rows: Iterable[Row]) -> list[CsvError]:
    """A year holds either one global value or values per contract, never both (the total would count twice):
    lines adding contracts to a stored global value, or a global value to stored contracts."""
    global_years = set(indicator.values.filter(contract_id="").values_list("year", flat=True))
    contract_years = set(indicator.values.exclude(contract_id="").values_list("year", flat=True))
    to_global = (
        "l'année {year} a déjà une valeur globale saisie sans identifiant de marché ; "
        "supprimez-la avant d'importer le détail par marché"
    )
    to_contracts = (
        "l'année {year} a déjà des valeurs par marché (le total de l'année est leur somme) : "
        "indiquez un identifiant de marché"
    )
    return [
        CsvError(row.line, YEAR, to_global.format(year=row.year))
        if row.contract_id
        else CsvError(row.line, CONTRACT, to_contracts.format(year=row.year))
        for row in rows
        if row.year in (global_years if row.contract_id else contract_years)
    ]


def import_values(indicator: ManualIndicator, rows: list[Row], filename: str, user) -> ManualImport:
    """Stores the rows with their provenance; a (year, contract) already known is replaced, never counted twice."""
    with transaction.atomic():
        source = ManualImport(indicator=indicator, filename=filename[:255], rows=len(rows), imported_by=user)
        source._history_user = user  # the import's history entry stands for its values (see docs/decisions.md)
        source.save()
        _delete_same_keys(indicator, rows)
        ManualValue.objects.bulk_create(
            [
                ManualValue(
                    indicator=indicator,
                    year=row.year,
                    contract_id=row.contract_id,
                    value=row.done,
                    planned=row.planned,
                    persons=row.persons,
                    source=source,
                    entered_by=user,
                )
                for row in rows
            ],
            batch_size=1000,
        )
    return source


def _delete_same_keys(indicator: ManualIndicator, rows: list[Row], chunk: int = 500) -> None:
    contracts_by_year: dict[int, list[str]] = {}
    for row in rows:
        contracts_by_year.setdefault(row.year, []).append(row.contract_id)
    for year, contract_ids in contracts_by_year.items():
        for start in range(0, len(contract_ids), chunk):
            indicator.values.filter(year=year, contract_id__in=contract_ids[start : start + chunk]).delete()


def check_csv(indicator: ManualIndicator, data: bytes, filename: str) -> tuple[list[Row], list[CsvError]]:
    """The file's rows, and its errors including conflicts with the values already stored."""
    rows, errors = parse_csv(data, filename)
    return rows, errors or conflict_errors(indicator, rows)


def import_csv(indicator: ManualIndicator, data: bytes, filename: str, user) -> tuple[ManualImport | None, list]:
    """Parses then imports the file; nothing is written when any line is wrong."""
    rows, errors = check_csv(indicator, data, filename)
    if errors:
        return None, errors
    return import_values(indicator, rows, filename, user), []


def unknown_contract_ids(indicator: ManualIndicator, rows: Iterable[Row], store: Path) -> list[str]:
    """The rows' contract ids the DECP store has no contract of for the organisation's SIRETs, sorted.

    Raises `StoreUnavailable` when the store cannot be read."""
    contract_ids = {row.contract_id for row in rows if row.contract_id}
    with SHARED_STORES.reading(store) as (connection, _):
        known = known_contract_ids(connection, indicator.organisation.sirets, contract_ids)
    return sorted(contract_ids - known)


def undo_import(source: ManualImport) -> int:
    """Removes an imported file and the values still coming from it (not those it replaced: they are gone), in
    one transaction; the number of values removed."""
    with transaction.atomic():
        removed, _ = ManualValue.objects.filter(source=source).delete()
        source.delete()
    return removed


def enter_value(indicator: ManualIndicator, user, *, year: int, contract_id: str = "", **figures) -> ManualValue:
    """One value typed in a form; it replaces the value of the same year and contract."""
    with transaction.atomic():
        indicator.values.filter(year=year, contract_id=contract_id).delete()
        return ManualValue.objects.create(
            indicator=indicator, year=year, contract_id=contract_id, entered_by=user, **figures
        )


# Reading the stored values


@dataclass(frozen=True)
class YearTotal:
    year: int
    value: float | None
    planned: float | None
    persons: int | None
    lines: int


def yearly_totals(indicators: Iterable[ManualIndicator]) -> dict[int, list[YearTotal]]:
    """{indicator id: totals per year}: a sum, or a mean for percentages (as the steering dashboard does)."""
    units = {indicator.pk: indicator.unit for indicator in indicators}
    rows = (
        ManualValue.objects.filter(indicator__in=list(units))
        .values("indicator", "year")
        .annotate(
            total=Sum("value"), mean=Avg("value"), planned=Sum("planned"), persons=Sum("persons"), lines=Count("pk")
        )
        .order_by("indicator", "year")
    )
    totals: dict[int, list[YearTotal]] = {pk: [] for pk in units}
    for row in rows:
        value = row["mean"] if units[row["indicator"]] == ManualUnit.PERCENT else row["total"]
        totals[row["indicator"]].append(YearTotal(row["year"], value, row["planned"], row["persons"], row["lines"]))
    return totals


def template_csv() -> str:
    """The file offered by « Télécharger le modèle »: the header and two example lines to replace, in the French
    convention (BOM, `;`, decimal comma) a spreadsheet set in French opens and saves as is."""
    out = io.StringIO()
    write_csv(out, COLUMNS, [(2024, "2024-0042-LOT1", 1200, 1350.5, 8), (2024, "2024-0057", 400, 0, 0)], FRENCH)
    return out.getvalue()
