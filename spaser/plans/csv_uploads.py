"""What every CSV import of the platform shares (insertion hours, directory entries): refusing a spreadsheet, the
encoding, an empty or unreadable file, the separator, and column names as people type them; errors in French."""

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from typing import NamedTuple, TypeVar

from spaser.formatting import number
from spaser.tables import CellError, Table


SEPARATORS = (";", ",", "\t")
CSV_HELP = (
    "Enregistrez-le au format « CSV UTF-8 » (Excel : Enregistrer sous > CSV UTF-8 ; "
    "LibreOffice : cochez « Éditer les paramètres du filtre » puis choisissez « Unicode (UTF-8) »)."
)
SPREADSHEET_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx/ods (zip), xls (OLE)
Row = TypeVar("Row")


class CsvError(NamedTuple):
    """A problem found in a file: line of the file (1 is the header), column, and a French message."""

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [f"ligne {self.line}"] if self.line else []
        where += [f"colonne « {self.column} »"] if self.column else []
        return f"{', '.join(where).capitalize()} : {self.message}" if where else self.message


def read_upload(
    data: bytes, filename: str, parse_text: Callable[[str], tuple[list[Row], list[CsvError]]]
) -> tuple[list[Row], list[CsvError]]:
    """The rows `parse_text` reads from the file and every error; callers store nothing when there are errors."""
    if data.startswith(SPREADSHEET_SIGNATURES):
        name = f"« {filename} »" if filename else "Ce fichier"
        message = f"{name} est un classeur (Excel ou LibreOffice), pas un fichier CSV. {CSV_HELP}"
        return [], [CsvError(None, None, message)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"Le fichier doit être encodé en UTF-8 : la ligne {line} contient un caractère illisible. {CSV_HELP}"
        return [], [CsvError(None, None, message)]
    if not text.strip():
        return [], [CsvError(None, None, "Le fichier est vide.")]
    try:
        return parse_text(text)
    except csv.Error as exc:
        return [], [CsvError(None, None, f"Le fichier n'est pas un CSV lisible ({exc}).")]


def separator(text: str) -> str:
    header = text.splitlines()[0]
    return max(SEPARATORS, key=header.count)


def column_name(cell: str) -> str:
    """`Année`, ` annee ` and `ANNEE` all name the `annee` column."""
    ascii_name = unicodedata.normalize("NFKD", cell).encode("ascii", "ignore").decode()
    return re.sub(r"[\s-]+", "_", ascii_name.strip().lower())


def header_error(header: list[str], required, expected) -> CsvError | None:
    """The error of a first line lacking a `required` column, naming the expected first line; None when complete."""
    missing = [column for column in required if column not in header]
    if not missing:
        return None
    plural = "s" if len(missing) > 1 else ""
    message = (
        f"colonne{plural} manquante{plural} : {', '.join(missing)}. La première ligne doit être : {';'.join(expected)}"
    )
    return CsvError(1, None, message)


def read_table(data: bytes, filename: str, table: Table, max_rows: int) -> tuple[list[dict], list[CsvError]]:
    """Each non-blank line as {column: value read by its field of `table`, "line": line number}, and every error
    (a required column missing, a cell its field refuses, too many lines, nothing but the header)."""
    return read_upload(data, filename, lambda text: _table_lines(text, table, max_rows))


def _table_lines(text: str, table: Table, max_rows: int) -> tuple[list[dict], list[CsvError]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(text))
    header = [column_name(cell) for cell in next(reader)]
    if error := header_error(header, [field.name for field in table.fields if field.required], table.names):
        return [], [error]
    rows, errors = [], []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue  # spreadsheets often end with `;;;` lines
        if len(rows) + len(errors) >= max_rows:
            return [], [
                CsvError(
                    None, None, f"Le fichier dépasse {number(max_rows)} lignes : découpez-le en plusieurs fichiers."
                )
            ]
        cell = {name: cells[index].strip() for index, name in enumerate(header) if index < len(cells)}
        row, row_errors = {"line": reader.line_num}, []
        for field in table.fields:
            raw = cell.get(field.name, "")
            try:
                row[field.name] = field.read(raw) if raw else None
            except CellError as error:
                row_errors.append(CsvError(reader.line_num, field.name, str(error)))
            if not raw and field.required:
                row_errors.append(CsvError(reader.line_num, field.name, "valeur manquante"))
        rows += [] if row_errors else [row]
        errors += row_errors
    if not rows and not errors:
        return [], [CsvError(None, None, "Le fichier ne contient que l'en-tête : ajoutez au moins une ligne.")]
    return rows, errors
