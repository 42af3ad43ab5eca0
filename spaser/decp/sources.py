"""Open DECP inputs as published (plain, gzip, zip) and recognise their format from their content."""

import codecs
import gzip
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from spaser.errors import SpaserError


SNIFF_SIZE = 64 << 10
GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True)
class Input:
    """One readable DECP document: a file, or a member of a zip archive."""

    path: Path
    member: str | None = None

    @property
    def name(self) -> str:
        return f"{self.path.name}:{self.member}" if self.member else self.path.name

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        """The decompressed bytes of the document."""
        if self.member is not None:
            with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as stream:
                yield _decompressed(stream)
            return
        with open(self.path, "rb") as raw:
            yield _decompressed(raw)


def _decompressed(stream: BinaryIO) -> BinaryIO:
    buffered = io.BufferedReader(stream, buffer_size=1 << 20) if not hasattr(stream, "peek") else stream
    if buffered.peek(2)[:2] == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=buffered)
    return buffered


def expand_inputs(paths: list[Path]) -> list[Input]:
    """Every document of the given files; a zip archive gives one input per member."""
    inputs = []
    for path in paths:
        if not path.is_file():
            raise SpaserError(f"{path} : fichier introuvable.")
        with open(path, "rb") as raw:
            magic = raw.read(4)
        if magic == ZIP_MAGIC:
            inputs.extend(_zip_members(path))
        else:
            inputs.append(Input(path))
    return inputs


def _zip_members(path: Path) -> list[Input]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [info.filename for info in archive.infolist() if not info.is_dir()]
    except zipfile.BadZipFile as error:
        raise SpaserError(f"{path.name} : archive zip illisible ({error}).") from error
    if not members:
        raise SpaserError(f"{path.name} : l'archive zip ne contient aucun fichier.")
    return [Input(path, member) for member in members]


def sniff(source: Input) -> str:
    """`json`, `xml`, `parquet` or `csv`, from the first bytes of the content (never from the name)."""
    with source.open() as stream:
        try:
            head = stream.read(SNIFF_SIZE)
        except (OSError, EOFError, zipfile.BadZipFile) as error:
            raise SpaserError(f"{source.name} : fichier compressé illisible ou tronqué ({error}).") from error
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    text = head.removeprefix(codecs.BOM_UTF8).lstrip()
    if not text:
        raise SpaserError(f"{source.name} : le fichier est vide.")
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


def _looks_like_html(text: bytes) -> bool:
    start = text[:512].lower()
    return start.startswith(b"<!doctype html") or start.startswith(b"<html") or b"<html" in start[:200]
