"""Open reference files as published (CSV plain, gzip or zipped, Parquet, xlsx, JSON) and describe their content.

`probe` looks at a file once (container, encoding, separator, header, parsed JSON, first sheet rows); the loaders
choose their reader from it. Large CSV files are never read by Python: DuckDB reads them, and a CSV inside a zip
archive is streamed to DuckDB through a named pipe, so that nothing is unpacked on disk.
"""

import codecs
import csv
import gzip
import os
import re
import shutil
import threading
import time
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import orjson

from spaser.analytics.files import sql_path
from spaser.errors import SpaserError


HEAD_SIZE = 64 << 10
ZIP_MAGIC = b"PK\x03\x04"
GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
SEPARATORS = (";", ",", "|", "\t")
SHEET_PROBE_ROWS = 20
DATA_MEMBER_SUFFIXES = (".csv", ".txt", ".json", ".parquet")
UNBLOCK_TIMEOUT = 10.0


@dataclass
class Probe:
    """What a reference file holds, as far as its first bytes, header or parsed document tell."""

    path: Path
    form: str  # "csv" (any delimited text), "parquet", "xlsx" or "json"
    member: str | None = None  # the zip member holding the data
    compression: str | None = None  # "gzip" for a .gz text file
    encoding: str = "utf-8"  # "latin-1" when the first bytes are not UTF-8
    bad_byte_line: int | None = None  # line of the first byte that is not UTF-8
    lines: list[str] = field(default_factory=list)  # first lines of a text file
    delimiter: str = ","
    header: list[str] = field(default_factory=list)
    document: object = None  # parsed JSON
    sheet_rows: list[list[str | None]] = field(default_factory=list)  # first rows of the first xlsx sheet
    zip_date: tuple[int, int, int] | None = None  # date of the zip member, as stored by the archiver

    @property
    def name(self) -> str:
        return f"{self.path.name}:{self.member}" if self.member else self.path.name

    def has_columns(self, *names: str) -> bool:
        folded = {fold(name) for name in self.header}
        return all(fold(name) in folded for name in names)

    def column(self, *aliases: str) -> str | None:
        """The header name matching one of `aliases` (accents, case and punctuation ignored), or None."""
        by_fold = {fold(name): name for name in self.header}
        return next((by_fold[fold(alias)] for alias in aliases if fold(alias) in by_fold), None)


def fold(name: str) -> str:
    """`"ET-N°FINESS"` → `"etnfiness"`: header names compared without accents, case, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", str(name))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed if not unicodedata.combining(c)).lower())


def probe(path: Path) -> Probe:
    if not path.is_file():
        raise SpaserError(f"{path} : fichier introuvable.")
    with open(path, "rb") as raw:
        head = raw.read(HEAD_SIZE)
    if not head:
        raise SpaserError(f"{path.name} : le fichier est vide.")
    if head.startswith(PARQUET_MAGIC):
        return _parquet_probe(path)
    if head.startswith(ZIP_MAGIC):
        return _zip_probe(path)
    if head.startswith(GZIP_MAGIC):
        try:
            with gzip.open(path, "rb") as stream:
                head = stream.read(HEAD_SIZE)
        except (OSError, EOFError, zlib.error) as error:
            raise SpaserError(f"{path.name} : fichier gzip illisible ou tronqué ({error}).") from error
        return _text_probe(Probe(path, "csv", compression="gzip"), head)
    return _text_probe(Probe(path, "csv"), head)


def _parquet_probe(path: Path) -> Probe:
    try:
        described = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{sql_path(path)}')").fetchall()
    except duckdb.Error as error:
        raise SpaserError(f"{path.name} : fichier Parquet illisible ({_first_line(error)}).") from error
    return Probe(path, "parquet", header=[row[0] for row in described])


def _zip_probe(path: Path) -> Probe:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
            names = {info.filename for info in infos}
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return _xlsx_probe(path)
            info = _data_member(path, infos)
            if info.flag_bits & 0x1:
                raise SpaserError(
                    f"{path.name} : l'archive est protégée par un mot de passe ; décompressez-la d'abord "
                    f"et importez {info.filename}."
                )
            with archive.open(info) as stream:
                head = stream.read(HEAD_SIZE)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
        raise SpaserError(f"{path.name} : archive zip illisible ou tronquée.") from error
    member_probe = Probe(path, "csv", member=info.filename, zip_date=info.date_time[:3])
    if head.startswith(PARQUET_MAGIC):
        raise SpaserError(f"{member_probe.name} : décompressez l'archive et importez le fichier Parquet lui-même.")
    return _text_probe(member_probe, head)


def _data_member(path: Path, infos: list[zipfile.ZipInfo]) -> zipfile.ZipInfo:
    if not infos:
        raise SpaserError(f"{path.name} : l'archive zip ne contient aucun fichier.")
    data = [info for info in infos if info.filename.lower().endswith(DATA_MEMBER_SUFFIXES)] or infos
    if len(data) > 1:
        names = ", ".join(info.filename for info in data[:5])
        raise SpaserError(f"{path.name} : l'archive contient plusieurs fichiers ({names}) : importez-les un par un.")
    return data[0]


def _text_probe(result: Probe, head: bytes) -> Probe:
    text, result.encoding, result.bad_byte_line = _decode_head(head)
    stripped = text.lstrip()
    if stripped[:1] in ("[", "{"):
        return _json_probe(result)
    if stripped[:1] == "<":
        raise SpaserError(f"{result.name} : ligne 1, ce fichier est une page HTML ou XML, pas un fichier de données.")
    result.lines = text.splitlines()[:-1] if len(head) == HEAD_SIZE else text.splitlines()
    first = result.lines[0] if result.lines else text
    result.delimiter = max(SEPARATORS, key=first.count)
    result.header = [name.strip() for name in next(csv.reader([first], delimiter=result.delimiter), [])]
    return result


def _decode_head(head: bytes) -> tuple[str, str, int | None]:
    """The text of the first bytes, its encoding and the line of the first byte that is not UTF-8."""
    head = head.removeprefix(codecs.BOM_UTF8)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        return decoder.decode(head, final=False), "utf-8", None
    except UnicodeDecodeError as error:
        return head.decode("latin-1"), "latin-1", head[: error.start].count(b"\n") + 1


def _json_probe(result: Probe) -> Probe:
    if result.member or result.compression:
        raise SpaserError(f"{result.name} : décompressez d'abord ce fichier JSON.")
    try:
        result.document = orjson.loads(result.path.read_bytes())
    except orjson.JSONDecodeError as error:
        raise SpaserError(
            f"{result.name} : JSON mal formé ligne {error.lineno}, colonne {error.colno} ({error.msg})."
        ) from error
    result.form = "json"
    return result


def _xlsx_probe(path: Path) -> Probe:
    rows = []
    with closing(xlsx_rows(path)) as sheet:
        for _number, row in sheet:
            rows.append(row)
            if len(rows) == SHEET_PROBE_ROWS:
                break
    first = next((row for row in rows if any(cell is not None for cell in row)), [])
    return Probe(path, "xlsx", header=[cell or "" for cell in first], sheet_rows=rows)


def xlsx_rows(path: Path) -> Iterator[tuple[int, list[str | None]]]:
    """The rows of the first sheet as text, with their row number; numbers written by Excel lose no digit."""
    import openpyxl  # imported here: only xlsx files need it

    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read: irrelevant to values.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many unrelated types for a damaged file
        raise SpaserError(f"{path.name} : classeur xlsx illisible ({error}).") from error
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(value) for value in row]
    finally:
        workbook.close()


def cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        # A SIRET typed in Excel is a float: 77554456201361.0 must read 77554456201361.
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


# --- DuckDB relations -----------------------------------------------------------------------------------------------


@contextmanager
def csv_relation(source: Probe, work: Path, *, encoding: str = "utf-8") -> Iterator[str]:
    """A `read_csv(...)` relation over `source` with every header column as VARCHAR, in file order."""
    columns = ", ".join(f"'{_escape(name)}': 'VARCHAR'" for name in unique_names(source.header))
    options = (
        f"header = true, auto_detect = false, columns = {{{columns}}}, delim = '{_escape(source.delimiter)}', "
        f"quote = '\"', escape = '\"', encoding = '{encoding}'"
    )
    if source.compression:
        options += f", compression = '{source.compression}'"
    if source.member is None:
        yield f"read_csv('{sql_path(source.path)}', {options})"
        return
    with _streamed_member(source, work) as pipe:
        yield f"read_csv('{sql_path(pipe)}', {options})"


def parquet_relation(source: Probe) -> str:
    return f"read_parquet('{sql_path(source.path)}')"


def unique_names(header: list[str]) -> list[str]:
    """Header names made unique and non-empty, as DuckDB needs them (`col3`, `Nom_2`)."""
    names, seen = [], set()
    for index, name in enumerate(header):
        candidate = name or f"col{index + 1}"
        base, number = candidate, 1
        while candidate.lower() in seen:
            number += 1
            candidate = f"{base}_{number}"
        seen.add(candidate.lower())
        names.append(candidate)
    return names


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _escape(value: str) -> str:
    return value.replace("'", "''")


@contextmanager
def _streamed_member(source: Probe, work: Path) -> Iterator[Path]:
    """A named pipe fed with the decompressed zip member by a thread while DuckDB reads it."""
    pipe = work / f"member-{threading.get_ident()}-{id(source)}.pipe"
    os.mkfifo(pipe)
    failures: list[BaseException] = []
    feeder = threading.Thread(target=_feed, args=(source, pipe, failures), daemon=True)
    feeder.start()
    try:
        yield pipe
    except duckdb.Error:
        _unblock(pipe, feeder)
        # A damaged archive ends the pipe early: its error explains DuckDB's better than DuckDB does.
        if failures:
            raise _archive_error(source, failures[0]) from None
        raise
    finally:
        _unblock(pipe, feeder)
        pipe.unlink(missing_ok=True)
    if failures:
        raise _archive_error(source, failures[0])


def _feed(source: Probe, pipe: Path, failures: list[BaseException]) -> None:
    try:
        with zipfile.ZipFile(source.path) as archive, archive.open(source.member) as stream, open(pipe, "wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)
    except BrokenPipeError:
        pass  # the reader stopped first (an error in the file): DuckDB reports it
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        failures.append(error)


def _unblock(pipe: Path, feeder: threading.Thread) -> None:
    """Let the feeder end: a writer still waiting for a reader gets one that closes at once (its next write fails).

    Bounded: should DuckDB keep the pipe open, the daemon thread is left behind rather than the command hung.
    """
    deadline = time.monotonic() + UNBLOCK_TIMEOUT
    while feeder.is_alive() and time.monotonic() < deadline:
        with suppress(OSError):
            os.close(os.open(pipe, os.O_RDONLY | os.O_NONBLOCK))
        feeder.join(0.05)


def _archive_error(source: Probe, error: BaseException) -> SpaserError:
    return SpaserError(f"{source.name} : archive zip illisible ou tronquée ({type(error).__name__}).")


def csv_error(source: Probe, error: duckdb.Error, line_offset: int = 0) -> SpaserError:
    """A French message naming the line for DuckDB's CSV errors."""
    text = str(error)
    match = re.search(r"CSV Error on Line: (\d+)", text)
    where = f"ligne {int(match.group(1)) + line_offset}" if match else "lecture"
    columns = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if "Invalid unicode" in text:
        problem = "caractères qui ne sont pas de l'UTF-8 (fichier enregistré en Windows-1252 ou Latin-1 ?)"
    elif columns:
        problem = f"{columns.group(2)} champs au lieu de {columns.group(1)} (séparateur ou guillemets mal placés ?)"
    elif "unterminated quote" in text:
        problem = "guillemet ouvert jamais refermé"
    else:
        problem = f"fichier CSV mal formé ({_first_line(error)})"
    return SpaserError(f"{source.name} : {where}, {problem}.")


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
