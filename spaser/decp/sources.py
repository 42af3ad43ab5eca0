"""Open DECP inputs as published (plain, gzip, zip) and recognise their format and encoding from their content.

Every byte read goes through `_Guarded`, which counts the decompressed bytes against the limit and turns the
errors of a truncated or corrupt compressed stream into French messages.
"""

import codecs
import gzip
import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from spaser.errors import SpaserError
from spaser.formatting import number


SNIFF_SIZE = 64 << 10
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
ZIP_MAGICS = (ZIP_MAGIC, b"PK\x05\x06", b"PK\x07\x08")
PARQUET_MAGIC = b"PAR1"
DEFAULT_MAX_BYTES = 20 * 10**9
DEFAULT_MAX_RECORDS = 50_000_000
MAX_BYTES_VARIABLE = "SPASER_DECP_MAX_BYTES"
MAX_RECORDS_VARIABLE = "SPASER_DECP_MAX_RECORDS"
ENCODING_BLOCK = 16 << 20
# A valid UTF-8 sequence of two to four bytes: Windows-1252 text almost never contains one by chance.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


@dataclass(frozen=True)
class Limits:
    """Bounds of one input: decompressed bytes and records (a decompression bomb stops at the first)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_records: int = DEFAULT_MAX_RECORDS

    @classmethod
    def configured(cls, max_bytes: int | None = None, max_records: int | None = None) -> "Limits":
        """The given values, else `SPASER_DECP_MAX_BYTES` / `SPASER_DECP_MAX_RECORDS`, else the defaults."""
        return cls(
            max_bytes=max_bytes or _variable(MAX_BYTES_VARIABLE, DEFAULT_MAX_BYTES),
            max_records=max_records or _variable(MAX_RECORDS_VARIABLE, DEFAULT_MAX_RECORDS),
        )

    def bytes_exceeded(self, name: str) -> SpaserError:
        return SpaserError(
            f"{name} : plus de {number(self.max_bytes)} octets une fois décompressé, au-delà de la limite : "
            f"import arrêté (option --max-bytes ou variable {MAX_BYTES_VARIABLE} pour la relever)."
        )

    def records_exceeded(self, name: str) -> SpaserError:
        return SpaserError(
            f"{name} : plus de {number(self.max_records)} enregistrements, au-delà de la limite : import arrêté "
            f"(option --max-records ou variable {MAX_RECORDS_VARIABLE} pour la relever)."
        )


def _variable(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) == 0:
        raise SpaserError(f"variable {name} : « {value} » n'est pas un nombre entier positif.")
    return int(value)


@dataclass(frozen=True)
class Input:
    """One readable DECP document: a file, or a member of a zip archive."""

    path: Path
    member: str | None = None
    limits: Limits = field(default_factory=Limits)

    @property
    def name(self) -> str:
        return f"{self.path.name}:{self.member}" if self.member else self.path.name

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        """The decompressed bytes of the document, at most `limits.max_bytes` of them."""
        if self.member is not None:
            with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as stream:
                yield _Guarded(_decompressed(stream), self)
            return
        with open(self.path, "rb") as raw:
            yield _Guarded(_decompressed(raw), self)


class _Guarded:
    """A read-only stream that stops at the byte limit and names the file when decompression fails."""

    def __init__(self, stream: BinaryIO, source: Input):
        self.stream = stream
        self.source = source
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(1 << 20), b""))
        try:
            data = self.stream.read(min(size, self.source.limits.max_bytes + 1 - self.count))
        except (EOFError, OSError, zlib.error, zipfile.BadZipFile) as error:
            raise SpaserError(
                f"{self.source.name} : fichier compressé tronqué ou corrompu, illisible après "
                f"{number(self.count)} octets décompressés."
            ) from error
        self.count += len(data)
        if self.count > self.source.limits.max_bytes:
            raise self.source.limits.bytes_exceeded(self.source.name)
        return data


def _decompressed(stream: BinaryIO) -> BinaryIO:
    buffered = io.BufferedReader(stream, buffer_size=1 << 20) if not hasattr(stream, "peek") else stream
    if buffered.peek(2)[:2] == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=buffered)
    return buffered


def expand_inputs(paths: list[Path], limits: Limits | None = None) -> list[Input]:
    """Every document of the given files; a zip archive gives one input per member."""
    limits = limits or Limits()
    inputs = []
    for path in paths:
        if not path.is_file():
            raise SpaserError(f"{path} : fichier introuvable.")
        with open(path, "rb") as raw:
            magic = raw.read(4)
        if magic == ZIP_MAGIC:
            inputs.extend(_zip_members(path, limits))
        elif path.stat().st_size > limits.max_bytes:
            raise limits.bytes_exceeded(path.name)
        else:
            inputs.append(Input(path, limits=limits))
    return inputs


def _zip_members(path: Path, limits: Limits) -> list[Input]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise SpaserError(f"{path.name} : archive zip illisible ou tronquée.") from error
    if not members:
        raise SpaserError(f"{path.name} : l'archive zip ne contient aucun fichier.")
    for info in members:
        if info.file_size > limits.max_bytes:
            raise limits.bytes_exceeded(f"{path.name}:{info.filename}")
    return [Input(path, info.filename, limits) for info in members]


def sniff(source: Input) -> str:
    """`json`, `xml`, `parquet` or `csv`, from the first bytes of the content (never from the name)."""
    with source.open() as stream:
        head = stream.read(SNIFF_SIZE)
        if head.startswith(PARQUET_MAGIC):
            return "parquet"
        text, blank = head.removeprefix(codecs.BOM_UTF8).lstrip(), len(head)
        while not text and len(head) == SNIFF_SIZE:  # leading blanks: read on to the first character
            head = stream.read(SNIFF_SIZE)
            text, blank = head.lstrip(), blank + len(head)
    if not text:
        raise SpaserError(
            f"{source.name} : le fichier est vide."
            if blank == 0
            else f"{source.name} : le fichier ne contient que "
            f"des espaces ou des sauts de ligne ({number(blank)} octets)."
        )
    _refuse_binary(source, text)
    if text[:1] in (b"{", b"["):
        return "json"
    if text[:1] == b"<":
        if _looks_like_html(text):
            raise SpaserError(
                f"{source.name} : ligne 1, ce fichier est une page HTML et non un fichier DECP "
                "(téléchargement en erreur ?)."
            )
        return "xml"
    first_line = text.split(b"\n", 1)[0]
    if any(separator in first_line for separator in (b";", b",", b"|", b"\t")):
        return "csv"
    raise SpaserError(f"{source.name} : format non reconnu (ni JSON, ni XML, ni CSV, ni Parquet DECP).")


def _refuse_binary(source: Input, text: bytes) -> None:
    """Archives nested in an input, and binary content, would otherwise be read as a one-column CSV."""
    if text.startswith(ZIP_MAGICS):
        container = "une archive zip" if source.member else "un fichier compressé"
        raise SpaserError(
            f"{source.name} : archive zip contenue dans {container} : les archives imbriquées ne sont pas lues, "
            "extrayez-la d'abord."
        )
    if text.startswith(GZIP_MAGIC):
        raise SpaserError(f"{source.name} : fichier compressé deux fois (gzip dans gzip) : décompressez-le d'abord.")
    sample = text[:SNIFF_SIZE]
    controls = sum(sample.count(bytes([code])) for code in range(32) if code not in (9, 10, 13))
    if controls * 100 > len(sample):
        raise SpaserError(
            f"{source.name} : contenu binaire, ni JSON, ni XML, ni CSV, ni Parquet DECP "
            "(fichier corrompu ou d'un autre type)."
        )


def encoding_of(source: Input) -> str:
    """`utf-8`, or `windows-1252` for a file with no valid UTF-8 multi-byte sequence at all.

    A file that mixes valid UTF-8 sequences with invalid bytes is refused (docs/decisions.md): decoding it as
    Windows-1252 would turn every « é » of its UTF-8 part into « Ã© ».
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, invalid, multibyte = 0, None, False
    with source.open() as stream:
        while invalid is None or not multibyte:
            block = stream.read(ENCODING_BLOCK)
            if invalid is None:
                pending = len(decoder.getstate()[0])
                try:
                    decoder.decode(block, final=not block)
                except UnicodeDecodeError as error:
                    invalid = offset - pending + error.start
            multibyte = multibyte or _UTF8_MULTIBYTE.search(block) is not None
            if not block:
                break
            offset += len(block)
    if invalid is not None and multibyte:
        raise SpaserError(
            f"{source.name} : encodage mélangé : le fichier est en UTF-8 mais contient des octets invalides "
            f"(le premier à l'octet {invalid}) ; corrigez ces caractères ou réenregistrez le fichier entièrement "
            "en UTF-8. Rien n'a été importé."
        )
    return "utf-8" if invalid is None else "windows-1252"


def _looks_like_html(text: bytes) -> bool:
    start = text[:512].lower()
    return start.startswith(b"<!doctype html") or start.startswith(b"<html") or b"<html" in start[:200]
