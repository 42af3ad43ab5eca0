"""Reading a CSV of the national directory's fields (`spaser.tables.DIRECTORY_CSV`) and storing it whole or not at
all: every problem is reported with its line and column, and nothing is stored unless the whole file is valid."""

import csv
import io
from dataclasses import dataclass

from django.db import transaction

from spaser.directory.models import DirectoryEntry, DirectoryImport, Source
from spaser.formatting import write_csv
from spaser.plans.csv_uploads import CsvError, column_name, header_error, read_upload, separator
from spaser.plans.models import Population, PurchaseVolume
from spaser.tables import DIRECTORY_CSV, YES, CellError


COLUMNS = DIRECTORY_CSV.names
MAX_ROWS = 10_000
POPULATIONS = dict(zip(Population.labels, Population.values, strict=True))
PURCHASE_VOLUMES = dict(zip(PurchaseVolume.labels, PurchaseVolume.values, strict=True))
LA_POSTE = "356000000"  # its SIREN does not satisfy the Luhn key


def valid_siren(text: str) -> bool:
    """Nine digits whose Luhn sum (every second digit from the right doubled) is a multiple of 10."""
    if len(text) != 9 or not text.isdigit():
        return False
    digits = [int(digit) for digit in reversed(text)]
    total = sum(
        digit if index % 2 == 0 else (digit * 2 - 9 if digit > 4 else digit * 2) for index, digit in enumerate(digits)
    )
    return total % 10 == 0 or text == LA_POSTE


@dataclass(frozen=True)
class Row:
    line: int
    entry: DirectoryEntry  # unsaved

    @property
    def key(self) -> tuple:
        return self.entry.siren, self.entry.start_year, self.entry.edition


def parse_csv(data: bytes, filename: str = "") -> tuple[list[Row], list[CsvError]]:
    """The valid rows and every error of the file; callers must store nothing when there are errors."""
    return read_upload(data, filename, _parse_text)


def _parse_text(text: str) -> tuple[list[Row], list[CsvError]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(text))
    header = [column_name(cell) for cell in next(reader)]
    if error := header_error(header, COLUMNS, COLUMNS):
        return [], [error]
    positions = {column: header.index(column) for column in COLUMNS}
    rows, errors = [], []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            return [], [CsvError(None, None, "Le fichier dépasse 10 000 lignes : découpez-le en plusieurs fichiers.")]
        values = {column: cells[index].strip() if index < len(cells) else "" for column, index in positions.items()}
        row, row_errors = _parse_row(reader.line_num, values)
        rows += [row] if row else []
        errors += row_errors
    if not rows and not errors:
        return [], [CsvError(None, None, "Le fichier ne contient que l'en-tête : ajoutez au moins une ligne.")]
    return rows, sorted(errors + _duplicate_errors(rows), key=lambda error: error.line or 0)


def _parse_row(line: int, values: dict[str, str]) -> tuple[Row | None, list[CsvError]]:
    cells, errors = {}, []
    for column in DIRECTORY_CSV.fields:
        raw = values[column.name]
        if not raw:
            if column.required:
                errors.append(CsvError(line, column.name, "valeur manquante"))
            cells[column.name] = None
            continue
        try:
            cells[column.name] = column.read(raw)
        except CellError as exc:
            errors.append(CsvError(line, column.name, str(exc)))
    errors += _siren_errors(line, cells)
    start, end = cells.get("annee_debut"), cells.get("annee_fin")
    if start and end and end < start:
        errors.append(CsvError(line, "annee_fin", f"la période se termine en {end}, avant de commencer en {start}"))
    if errors:
        return None, errors
    return Row(line, _entry(cells)), []


def _siren_errors(line: int, cells: dict) -> list[CsvError]:
    errors = []
    if cells.get("siren") and not valid_siren(cells["siren"]):
        errors.append(
            CsvError(line, "siren", f"« {cells['siren']} » n'est pas un SIREN valide (9 chiffres, clé de Luhn)")
        )
    for siren in (cells.get("sirens_mutualises") or "").split():
        if not valid_siren(siren):
            errors.append(
                CsvError(line, "sirens_mutualises", f"« {siren} » n'est pas un SIREN valide (9 chiffres, clé de Luhn)")
            )
    return errors


def _entry(cells: dict) -> DirectoryEntry:
    others = cells["sirens_mutualises"] or ""
    return DirectoryEntry(
        siren=cells["siren"],
        name=cells["nom"],
        structure_type=cells["type_structure"] or "",
        title=cells["titre"] or "",
        population=POPULATIONS.get(cells["nombre_habitants"], ""),
        purchase_volume=PURCHASE_VOLUMES.get(cells["volume_achat"], ""),
        start_year=cells["annee_debut"],
        end_year=cells["annee_fin"],
        edition=cells["edition"],
        mutualised=cells["mutualise"] == YES or bool(others),
        other_sirens=" ".join(others.split()),
        document_url=cells["lien_document"] or "",
        published_on=cells["date_publication"],
        updated_on=cells["date_mise_a_jour"],
        description=cells["description"] or "",
        source=Source.IMPORTED,
    )


def _duplicate_errors(rows: list[Row]) -> list[CsvError]:
    """The same buyer, first year and edition twice in the file, or already in the directory."""
    first_line, errors = {}, []
    stored = set(DirectoryEntry.objects.values_list("siren", "start_year", "edition"))
    for row in rows:
        what = f"le SPASER de {row.entry.siren} commençant en {row.entry.start_year}"
        if row.key in first_line:
            errors.append(CsvError(row.line, "siren", f"{what} figure déjà à la ligne {first_line[row.key]}"))
        elif row.key in stored:
            errors.append(CsvError(row.line, "siren", f"{what} est déjà dans l'annuaire (annulez d'abord son import)"))
        first_line.setdefault(row.key, row.line)
    return errors


def import_csv(data: bytes, filename: str, user) -> tuple[DirectoryImport | None, list[CsvError]]:
    """All rows, or none when any is refused."""
    rows, errors = parse_csv(data, filename)
    if errors:
        return None, errors
    with transaction.atomic():
        source = DirectoryImport.objects.create(file_name=filename, imported_by=user, rows=len(rows))
        for row in rows:
            row.entry.directory_import = source
        DirectoryEntry.objects.bulk_create([row.entry for row in rows])
    return source, []


def undo_import(source: DirectoryImport) -> int:
    """Deletes the import and its entries; the number of entries removed."""
    removed = source.entries.count()
    source.delete()
    return removed


def template_csv() -> str:
    """The header and one example line (fictitious), offered to download."""
    stream = io.StringIO()
    example = [
        "213500002",
        "Commune Exemple (fictive)",
        "Commune",
        "SPASER 2024-2027",
        "Entre 50 000 et 100 000",
        "Moins de 50 millions d'euros HT",
        "2024",
        "2027",
        "1",
        "non",
        "",
        "https://www.exemple.fr/spaser.pdf",
        "15/03/2024",
        "",
        "Exemple de fiche : remplacez cette ligne.",
    ]
    write_csv(stream, COLUMNS, [example])
    return stream.getvalue()
