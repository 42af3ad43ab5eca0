"""Split a DECP JSON document into chunks of whole records without parsing it in Python.

National DECP files are single JSON documents of several GB (`{"marches": [...]}` or
`{"marches": {"marche": [...], "contrat-concession": [...]}}`). Parsing them whole costs 7 to 8
times their size in memory, and streaming them record by record through a Python parser is slow.
This general splitter is a vectorised scan (numpy) that finds the structural characters outside
strings, tracks the nesting depth, and cuts the byte stream between records. Each chunk is a JSON
array of whole records that DuckDB then parses in parallel. `spaser.decp.json_layout` avoids even
this scan for the usual layouts and falls back on it for the others.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np

from spaser.decp.sources import Limits
from spaser.errors import SpaserError


BLOCK_SIZE = 16 << 20
MAX_RECORD_BYTES = 16 << 20  # DuckDB's `maximum_object_size` when it reads the chunks; a DECP record is a few kB
RECORD_CONTAINERS = {"marches": None, "marche": "marche", "contrat-concession": "concession"}
# Character classes of the structural scan: 1 opens, 2 closes, 3 is a quote, 4 a backslash.
_CLASS = np.zeros(256, dtype=np.int8)
_CLASS[[ord("{"), ord("[")]] = 1
_CLASS[[ord("}"), ord("]")]] = 2
_CLASS[ord('"')] = 3
_CLASS[ord("\\")] = 4


@dataclass
class Chunk:
    """Whole records of one container (marchés or concessions), ready to be read as a JSON array."""

    kind_hint: str | None
    first_ordinal: int
    count: int
    first_offset: int
    payload: bytes
    starts: np.ndarray  # offset of each record in `payload`


@dataclass
class _ScanState:
    depth: int = 0
    in_string: bool = False
    record_depth: int | None = None
    container: str | None = None
    containers_seen: list[str] = field(default_factory=list)


class JsonSplitter:
    """Cut a DECP JSON byte stream into chunks of records; raises SpaserError on structural errors."""

    def __init__(
        self,
        stream: BinaryIO,
        display_name: str,
        block_size: int = BLOCK_SIZE,
        inside_marches=False,
        limits: Limits | None = None,
    ):
        self.stream = stream
        self.display_name = display_name
        self.block_size = block_size
        self.limits = limits or Limits()
        # A tail that starts after `{"marches": {` is at depth 2, its record arrays at depth 3.
        self.state = _ScanState(depth=2, record_depth=3) if inside_marches else _ScanState()
        self.records = 0
        self._context = b""  # the bytes just before the current buffer, to read a key cut by a block boundary
        self._quotes = np.empty(0, dtype=np.int64)

    def chunks(self) -> Iterator[Chunk]:
        """Chunks of whole records; raises SpaserError when the document is not DECP, truncated or malformed."""
        carry = b""
        carry_offset = 0
        first = True
        while True:
            data = self.stream.read(self.block_size)
            if first:
                data = data.removeprefix(b"\xef\xbb\xbf")
                first = False
            if not data:
                break
            buffer = carry + data
            consumed, chunks = self._scan(buffer, carry_offset)
            if self.records > self.limits.max_records:
                raise self.limits.records_exceeded(self.display_name)
            yield from chunks
            self._context = (self._context + buffer[:consumed])[-256:]
            carry = buffer[consumed:]
            carry_offset += consumed
            if len(carry) > MAX_RECORD_BYTES:
                raise SpaserError(
                    f"{self.display_name} : l'enregistrement n° {self.records + 1} (à partir de l'octet "
                    f"{carry_offset}) dépasse {MAX_RECORD_BYTES >> 20} Mo : ce n'est pas un enregistrement DECP "
                    "(fichier corrompu ?)."
                )
        self._check_end(carry, carry_offset)

    def _check_end(self, rest: bytes, offset: int) -> None:
        consumed, chunks = self._scan(rest, offset, final=True)
        if chunks:
            raise AssertionError("records after the end of the stream")
        if self.state.in_string or self.state.depth != 0:
            raise SpaserError(
                f"{self.display_name} : fichier tronqué ou mal formé, la structure JSON n'est pas refermée "
                f"(fin du fichier à l'octet {offset + len(rest)}, après l'enregistrement n° {self.records})."
            )
        if not any(container in RECORD_CONTAINERS for container in self.state.containers_seen):
            raise SpaserError(
                f"{self.display_name} : ce fichier JSON n'est pas un fichier DECP "
                "(aucune liste « marches », « marche » ou « contrat-concession » trouvée)."
            )

    def _scan(self, buffer: bytes, base: int, final: bool = False) -> tuple[int, list[Chunk]]:
        """Scan `buffer` from the carried state; return how many bytes are consumed and the chunks found."""
        raw = np.frombuffer(buffer, dtype=np.uint8)
        classes = _CLASS[raw]
        structural = np.flatnonzero(classes)
        kinds = classes[structural]
        quotes = structural[kinds == 3]
        quotes = self._unescaped(raw, quotes, structural[kinds == 4])
        self._quotes = quotes
        brackets = structural[(kinds == 1) | (kinds == 2)]
        # A bracket is inside a string when an odd number of real quotes precede it.
        quotes_before = np.searchsorted(quotes, brackets) + int(self.state.in_string)
        brackets = brackets[quotes_before % 2 == 0]
        delta = np.where(_CLASS[raw[brackets]] == 1, 1, -1)
        depth_after = self.state.depth + np.cumsum(delta)
        depth_before = depth_after - delta
        if len(depth_after) and depth_after.min() < 0:
            bad = int(brackets[np.argmax(depth_after < 0)])
            raise SpaserError(f"{self.display_name} : JSON mal formé, crochet fermant en trop à l'octet {base + bad}.")
        if self.state.record_depth is None and len(brackets):
            self._detect_layout(buffer, brackets, depth_before, base)
        chunks, consumed = self._cut(buffer, raw, brackets, depth_before, depth_after, base)
        if consumed == len(buffer) or final:
            self._advance_state(len(quotes), depth_after)
        else:
            self.state.depth = self.state.record_depth
            self.state.in_string = False
        return consumed, chunks

    def _advance_state(self, quote_count: int, depth_after: np.ndarray) -> None:
        self.state.in_string ^= bool(quote_count % 2)
        if len(depth_after):
            self.state.depth = int(depth_after[-1])

    @staticmethod
    def _unescaped(raw: np.ndarray, quotes: np.ndarray, backslashes: np.ndarray) -> np.ndarray:
        if not len(backslashes):
            return quotes
        candidates = np.flatnonzero(raw[np.maximum(quotes - 1, 0)] == 92)
        keep = np.ones(len(quotes), dtype=bool)
        for index in candidates:
            position = int(quotes[index]) - 1
            run = 0
            while position >= 0 and raw[position] == 92:
                run += 1
                position -= 1
            keep[index] = run % 2 == 0
        return quotes[keep]

    def _detect_layout(self, buffer: bytes, brackets: np.ndarray, depth_before: np.ndarray, base: int) -> None:
        first_array = np.flatnonzero(np.frombuffer(buffer, np.uint8)[brackets] == ord("["))
        if not len(first_array):
            return
        index = int(first_array[0])
        self.state.record_depth = int(depth_before[index]) + 1

    def _container_key(self, buffer: bytes, position: int) -> str | None:
        """The key of the array opened at `position` (`"marche": [` → marche), None for a top-level array."""
        head = (self._context + buffer[:position])[-200:].rstrip()
        if not head.endswith(b":"):
            return None
        head = head[:-1].rstrip()
        start = head.rfind(b'"', 0, len(head) - 1)
        return head[start + 1 : -1].decode("utf-8", "replace")

    def _cut(self, buffer, raw, brackets, depth_before, depth_after, base) -> tuple[list[Chunk], int]:
        record_depth = self.state.record_depth
        if record_depth is None:
            return [], len(buffer)
        chars = raw[brackets]
        opens_container = (chars == ord("[")) & (depth_before == record_depth - 1)
        closes_container = (chars == ord("]")) & (depth_after == record_depth - 1)
        record_start = (chars == ord("{")) & (depth_before == record_depth)
        record_end = (chars == ord("}")) & (depth_after == record_depth)
        events = np.flatnonzero(opens_container | closes_container)
        chunks: list[Chunk] = []
        segment_from = 0
        consumed = 0
        for event in [*events.tolist(), len(brackets)]:
            segment = slice(segment_from, event)
            if self.state.container is not None:
                chunk, end = self._records_chunk(buffer, brackets[segment], record_start[segment], record_end[segment])
                if chunk:
                    chunk.first_offset += base
                    chunks.append(chunk)
                if end is not None:
                    consumed = end
            if event == len(brackets):
                break
            position = int(brackets[event])
            if opens_container[event]:
                self._open_container(buffer, position, base)
            else:
                self.state.container = None
            consumed = position + 1
            segment_from = event + 1
        if self.state.container is None:
            consumed = len(buffer)
        return chunks, consumed

    def _open_container(self, buffer: bytes, position: int, base: int) -> None:
        key = self._container_key(buffer, position)
        if key is not None and key not in RECORD_CONTAINERS:
            if self.state.record_depth == 2 and not self.state.containers_seen:
                raise SpaserError(
                    f"{self.display_name} : ce fichier JSON n'est pas un fichier DECP (liste « {key} » "
                    "au lieu de « marches »)."
                )
            key = "ignored"
        self.state.container = key or "marches"
        self.state.containers_seen.append(self.state.container)

    def _records_chunk(self, buffer, positions, starts_mask, ends_mask) -> tuple[Chunk | None, int | None]:
        starts = positions[starts_mask]
        ends = positions[ends_mask]
        complete = min(len(starts), len(ends))
        if not complete or self.state.container == "ignored":
            return None, (int(ends[complete - 1]) + 1 if complete else None)
        starts, ends = starts[:complete], ends[:complete]
        payload = b"[" + buffer[int(starts[0]) : int(ends[-1]) + 1] + b"]"
        relative_starts = starts - starts[0] + 1
        chunk = Chunk(
            kind_hint=RECORD_CONTAINERS.get(self.state.container),
            first_ordinal=self.records + 1,
            count=complete,
            first_offset=int(starts[0]),
            payload=payload,
            starts=relative_starts,
        )
        self.records += complete
        return chunk, int(ends[-1]) + 1
