"""What every CSV import of the platform shares (insertion hours, directory entries): refusing a spreadsheet, the
encoding, an empty or unreadable file, the separator, and column names as people type them; errors in French."""

import csv
import re
import unicodedata
from collections.abc import Callable
from typing import NamedTuple, TypeVar


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
