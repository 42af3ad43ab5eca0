"""Find the record arrays of a DECP JSON document from its head and tail, without scanning its body.

The usual layouts are `{"marches": [...]}` (format 2019, 2.0.0 draft), a bare top-level array, and
`{"marches": {"marche": [...], "contrat-concession": [...]}}` (format 2022). Their record arrays
can be located from the first kilobytes and the last megabytes: the body of the first array is
copied as is into a work file (a kernel copy for plain files), and a second, smaller array at the
end is split by the general splitter. Any other layout, or a tail that does not verify, goes to the
general splitter (`JsonSplitter`), which is slower but reads anything.

DuckDB reads one JSON array on one core, so a large plain body is copied into several pieces, cut
between two records, that can be read side by side. A cut is only made where a record verifiably
starts; should one still be wrong, both pieces are invalid JSON, and `rejoin_pieces` restores the body.
"""

import json
import os
import re
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from spaser.decp.json_split import RECORD_CONTAINERS, JsonSplitter
from spaser.decp.sources import Input
from spaser.errors import SpaserError


HEAD_SIZE = 4096
TAIL_SIZE = 64 << 20
PIECE_MIN_BYTES = 128 << 20  # below, cutting saves less than it costs
CUT_WINDOW = 4 << 20  # searched for a record start after each cut target
RECORD_PROBE = 1 << 20  # a record longer than this is not taken as a cut point
_RECORD_KEYS = {"acheteur", "autoriteConcedante", "acheteur.id"}
_FIRST_KEY = re.compile(rb'\s*\{\s*"((?:[^"\\]|\\.)+)"\s*:')
_HEADS = (
    (re.compile(rb"\s*\[", re.S), "top", None),
    (re.compile(rb'\s*\{\s*"marches"\s*:\s*\[', re.S), "2019", None),
    (re.compile(rb'\s*\{\s*"marches"\s*:\s*\{\s*"(marche|contrat-concession)"\s*:\s*\[', re.S), "2022", 1),
)
_TAILS = {"top": re.compile(rb"\]\s*$"), "2019": re.compile(rb"\]\s*\}\s*$"), "2022": re.compile(rb"\]\s*\}\s*\}\s*$")}
_SECOND_ARRAY = re.compile(rb'\]\s*,\s*"(marche|contrat-concession)"\s*:\s*\[')


@dataclass(frozen=True)
class ChunkFile:
    path: Path
    kind_hint: str | None
    continues: bool = False  # a piece of the same array as the chunk file before it


def json_chunk_files(source: Input, work: Path, prefix: str, pieces: int = 1) -> Iterator[ChunkFile]:
    """Chunk files (JSON arrays of records) of `source`, named `<prefix>-<kind>-<n>.json`, in reading order.

    A large plain body is cut into at most `pieces` chunk files.
    """
    with source.open() as stream:
        head = stream.read(HEAD_SIZE).removeprefix(b"\xef\xbb\xbf")
        layout = _layout(head)
        if layout is None:
            yield from _split_all(_Prepended(head, stream), source, work, prefix)
            return
        kind, key, body_start = layout
        name = f"{prefix}-{RECORD_CONTAINERS.get(key) or 'auto'}-{{:06d}}.json"
        bodies = _copy_body(source, stream, head, body_start, [work / name.format(n) for n in range(pieces)])
    second = _cut_tail(bodies[-1], kind, source.name)
    if second is None:
        for body in bodies:
            body.unlink()
        with source.open() as stream:
            yield from _split_all(stream, source, work, prefix)
        return
    for number, body in enumerate(bodies):
        yield ChunkFile(body, RECORD_CONTAINERS.get(key), continues=number > 0)
    yield from second(work, prefix, len(bodies))


def rejoin_pieces(chunk_files: list[ChunkFile]) -> list[ChunkFile]:
    """The chunk files with every cut body made whole again (its pieces appended back to the first one)."""
    joined: list[ChunkFile] = []
    for chunk in chunk_files:
        if chunk.continues:
            _append_piece(joined[-1].path, chunk.path)
        else:
            joined.append(chunk)
    return joined


def _append_piece(body: Path, piece: Path) -> None:
    """`[a]` + `[b]` → `[a,b]`: the closing bracket of the body becomes the comma the cut removed."""
    with open(body, "r+b") as out:
        out.seek(-1, os.SEEK_END)
        out.write(b",")
        out.flush()
        _kernel_copy(piece, out, 1, piece.stat().st_size)
    piece.unlink()


def _layout(head: bytes) -> tuple[str, str | None, int] | None:
    for pattern, kind, key_group in _HEADS:
        match = pattern.match(head)
        if match:
            key = match.group(key_group).decode() if key_group else ("marches" if kind == "2019" else None)
            return kind, key, match.end()
    return None


def _copy_body(source: Input, stream: BinaryIO, head: bytes, body_start: int, names: list[Path]) -> list[Path]:
    """`[` followed by everything after the opening bracket, in one file or in pieces; the tail is cut later."""
    opening = b"[" + head[body_start:]
    if source.member is not None or not _is_plain(source.path):
        with open(names[0], "wb") as out:
            out.write(opening)
            shutil.copyfileobj(stream, out, 1 << 20)
        return names[:1]
    start, size = len(head) + _bom_length(source.path), source.path.stat().st_size
    cuts = _cuts(source.path, head[body_start:], start, size, len(names))
    begins, ends = [start, *(cut + 1 for cut in cuts)], [*cuts, size]  # + 1: the comma between two records
    pieces = [
        (names[n], b"[" if n else opening, begins[n], ends[n], b"]" if n < len(cuts) else b"")
        for n in range(len(ends))
    ]
    with ThreadPoolExecutor(len(pieces)) as pool:  # the kernel copies the pieces side by side
        list(pool.map(lambda piece: _write_piece(source.path, *piece), pieces))
    return names[: len(pieces)]


def _write_piece(path: Path, name: Path, opening: bytes, begin: int, end: int, closing: bytes) -> None:
    with open(name, "wb") as out:
        out.write(opening)
        out.flush()
        _kernel_copy(path, out, begin, end)
        out.write(closing)


def _cuts(path: Path, body_head: bytes, start: int, size: int, pieces: int) -> list[int]:
    """Offsets of the commas where the body is cut, each before a verified record start, outside the tail."""
    first_key = _FIRST_KEY.match(body_head)
    if pieces < 2 or size - start < PIECE_MIN_BYTES or first_key is None:
        return []
    boundary = re.compile(rb"\}\s*(,)\s*\{\s*\"" + re.escape(first_key.group(1)) + rb'"\s*:')
    cuts = []
    with open(path, "rb") as raw:
        for number in range(1, pieces):
            target = start + (size - start) * number // pieces
            window = os.pread(raw.fileno(), CUT_WINDOW, target)
            for match in boundary.finditer(window):
                comma = target + match.start(1)
                record = window[match.end(1) : match.end(1) + RECORD_PROBE]
                if max(cuts, default=start) < comma < size - TAIL_SIZE and _starts_record(record):
                    cuts.append(comma)
                    break
    return cuts


def _starts_record(text: bytes) -> bool:
    """Whether `text` opens with a whole record (a nested object of a list never has a buyer)."""
    try:
        value, _ = json.JSONDecoder().raw_decode(text.decode("utf-8", errors="replace").lstrip())
    except json.JSONDecodeError:
        return False
    return isinstance(value, dict) and not _RECORD_KEYS.isdisjoint(value)


def _is_plain(path: Path) -> bool:
    with open(path, "rb") as raw:
        return raw.read(2) != b"\x1f\x8b"


def _bom_length(path: Path) -> int:
    with open(path, "rb") as raw:
        return 3 if raw.read(3) == b"\xef\xbb\xbf" else 0


def _kernel_copy(path: Path, out, offset: int, end: int) -> None:
    """Bytes [offset, end) of `path` appended to `out`, copied by the kernel."""
    with open(path, "rb") as raw:
        while offset < end:
            copied = os.copy_file_range(raw.fileno(), out.fileno(), end - offset, offset)
            if copied == 0:
                break
            offset += copied


def _cut_tail(body: Path, kind: str, display_name: str):
    """Truncate `body` at the end of its first array; return a producer of the second array's chunk files.

    None when the tail cannot be verified: the caller then splits the whole document.
    """
    size = body.stat().st_size
    with open(body, "r+b") as handle:
        start = max(0, size - TAIL_SIZE)
        handle.seek(start)
        tail = handle.read()
        ending = _TAILS[kind].search(tail)
        if not ending:
            return None
        first_end, second = ending.start(), _no_chunks
        if kind == "2022":
            match = _last_second_array(tail)
            if match is not None:
                second = _verified_tail_chunks(tail[match.start() + 1 :], display_name)
                if second is None:
                    return None
                first_end = match.start()
            elif start > 0 and not _tail_holds_first_kind(tail, body):
                return None
        handle.seek(start + first_end)
        handle.write(b"]")
        handle.truncate()
    return second


def _no_chunks(work: Path, prefix: str, first_number: int) -> Iterator[ChunkFile]:
    return iter(())


def _tail_holds_first_kind(tail: bytes, body: Path) -> bool:
    """Without a second key in the tail, its records must be of the first array's kind (marché or concession)."""
    marker = b'"autoriteConcedante"' if "-concession-" in body.name else b'"acheteur"'
    return marker in tail


def _last_second_array(tail: bytes):
    matches = list(_SECOND_ARRAY.finditer(tail))
    return matches[-1] if matches else None


def _verified_tail_chunks(rest: bytes, display_name: str):
    """Split `, "key": [ ... ] } }` with the general splitter; None if it is not a consistent ending."""
    try:
        chunks = list(JsonSplitter(_BytesStream(rest.lstrip(b" \t\r\n,")), display_name, inside_marches=True).chunks())
    except SpaserError:
        return None

    def produce(work: Path, prefix: str, first_number: int) -> Iterator[ChunkFile]:
        for number, chunk in enumerate(chunks, start=first_number):
            path = work / f"{prefix}-{chunk.kind_hint or 'auto'}-{number:06d}.json"
            path.write_bytes(chunk.payload)
            yield ChunkFile(path, chunk.kind_hint)

    return produce


def _split_all(stream: BinaryIO, source: Input, work: Path, prefix: str) -> Iterator[ChunkFile]:
    for number, chunk in enumerate(JsonSplitter(stream, source.name, limits=source.limits).chunks()):
        path = work / f"{prefix}-{chunk.kind_hint or 'auto'}-{number:06d}.json"
        path.write_bytes(chunk.payload)
        yield ChunkFile(path, chunk.kind_hint)


class _BytesStream:
    def __init__(self, data: bytes):
        self.data = memoryview(data)
        self.offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        piece = bytes(self.data[self.offset : end])
        self.offset += len(piece)
        return piece


class _Prepended:
    def __init__(self, head: bytes, stream: BinaryIO):
        self.head = head
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        if self.head:
            piece, self.head = self.head, b""
            return piece + self.stream.read(max(0, size - len(piece))) if size > 0 else piece + self.stream.read()
        return self.stream.read(size)
