"""Stream DECP XML (formats 2019 and 2022) into the JSON shape of format 2022, record by record.

The 2022 JSON mirrors the XML element tree, so each `<marche>` / `<contrat-concession>` becomes
the dict its JSON twin would be; the shared SQL staging then reads both the same way. Parsing is
incremental (lxml iterparse, elements cleared once read), entities are never resolved and any
DOCTYPE is refused, so a hostile file can neither read local files nor expand entities.
"""

import codecs
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

import numpy as np
import orjson
from lxml import etree

from spaser.decp.json_split import Chunk
from spaser.decp.sources import Limits
from spaser.errors import SpaserError


RECORD_TAGS = {"marche": "marche", "contrat-concession": "concession"}
ROOT_TAGS = {"marches", *RECORD_TAGS}
# Wrapper elements whose children are list items, kept as `[{"item": {...}}]` like the 2022 JSON.
WRAPPED_LISTS = {
    "titulaires",
    "concessionnaires",
    "modifications",
    "actesSousTraitance",
    "modificationsActesSousTraitance",
    "donneesExecution",
    "tarifs",
}
# Wrapper elements holding repeated labels, kept as `{"item": ["a", "b"]}`.
LABEL_LISTS = {
    "considerationsSociales",
    "considerationsEnvironnementales",
    "techniques",
    "modalitesExecution",
    "typesPrix",
}
CHUNK_RECORDS = 20_000
_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)[\"']", re.IGNORECASE)


def xml_chunks(stream: BinaryIO, display_name: str, limits: Limits | None = None) -> Iterator[Chunk]:
    """Chunks of records as JSON arrays, like `JsonSplitter.chunks`."""
    limits = limits or Limits()
    records: list[dict] = []
    kind: str | None = None
    count = 0
    for record_kind, record in _records(_normalised_prologue(stream, display_name), display_name):
        if records and record_kind != kind or len(records) >= CHUNK_RECORDS:
            yield _chunk(records, kind, count)
            records = []
        kind = record_kind
        count += 1
        if count > limits.max_records:
            raise limits.records_exceeded(display_name)
        records.append(record)
    if records:
        yield _chunk(records, kind, count)
    if count == 0:
        raise SpaserError(f"{display_name} : ce fichier XML ne contient aucun <marche> ni <contrat-concession>.")


def _chunk(records: list[dict], kind: str | None, last_ordinal: int) -> Chunk:
    return Chunk(
        kind_hint=kind,
        first_ordinal=last_ordinal - len(records) + 1,
        count=len(records),
        first_offset=0,
        payload=orjson.dumps(records),
        starts=np.empty(0, dtype=np.int64),
    )


def _normalised_prologue(stream: BinaryIO, display_name: str) -> BinaryIO:
    """Rewrite a non-standard XML declaration (after a BOM or blank lines, unusual encoding names)."""
    head = stream.read(1 << 16)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise SpaserError(
            f"{display_name} : déclaration DOCTYPE ou ENTITY refusée (un fichier DECP n'en contient pas ; "
            "elle peut servir à lire des fichiers du serveur)."
        )
    encoding = "utf-8"
    declared = _DECLARED_ENCODING.search(head[:512])
    if declared:
        encoding = _python_encoding(declared.group(1).decode("ascii"))
    body = _DECLARATION.sub(b"", head.removeprefix(codecs.BOM_UTF8), count=1).lstrip()
    prologue = f'<?xml version="1.0" encoding="{encoding}"?>\n'.encode("ascii")
    return _Chained(prologue + body, stream)


def _python_encoding(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


class _Chained(io.RawIOBase):
    """The rewritten head followed by the rest of the stream."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self.head = head
        self.rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            size = min(len(buffer), len(self.head))
            buffer[:size] = self.head[:size]
            self.head = self.head[size:]
            return size
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _records(stream: BinaryIO, display_name: str) -> Iterator[tuple[str, dict]]:
    parser = etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    depth = 0
    record_depth = None
    try:
        for event, element in parser:
            tag = etree.QName(element).localname
            if event == "start":
                depth += 1
                if depth == 1 and tag not in ROOT_TAGS:
                    raise SpaserError(f"{display_name} : ce fichier XML n'est pas un fichier DECP (racine <{tag}>).")
                if record_depth is None and tag in RECORD_TAGS:
                    record_depth = depth
                continue
            if depth == record_depth and tag in RECORD_TAGS:
                yield RECORD_TAGS[tag], _element_value(element)
                element.clear()
                _drop_previous_siblings(element)
            depth -= 1
    except etree.XMLSyntaxError as error:
        line, column = error.position
        raise SpaserError(f"{display_name} : XML mal formé ligne {line}, colonne {column} ({error.msg}).") from error


def _drop_previous_siblings(element) -> None:
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _element_value(element):
    children = list(element)
    if not children:
        text = (element.text or "").strip()
        return text or None
    tag = etree.QName(element).localname
    if tag in WRAPPED_LISTS:
        return [{etree.QName(child).localname: _element_value(child)} for child in children]
    if tag in LABEL_LISTS:
        item = etree.QName(children[0]).localname
        return {item: [(child.text or "").strip() for child in children]}
    value: dict = {}
    for child in children:
        name = etree.QName(child).localname
        value[name] = _element_value(child)
    return value
