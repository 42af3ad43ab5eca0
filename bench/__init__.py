"""Benchmark harness of spaser: `make bench` runs `python -m bench.run` (results in docs/benchmarks.md).

This module holds what the harness and the peer method share: where the two arrays of a DECP 2022 envelope
`{"marches":{"marche":[…],"contrat-concession":[…]}}` lie in the file, found without parsing it.
"""

import re
from dataclasses import dataclass
from pathlib import Path


_HEAD = re.compile(rb'\s*\{\s*"marches"\s*:\s*\{\s*"marche"\s*:\s*\[')
# Unescaped quotes cannot occur inside a JSON string, so this can only be the structural key.
_TAIL = re.compile(rb'\]\s*,\s*"contrat-concession"\s*:\s*\[')
_HEAD_BYTES = 4096
_FIRST_TAIL_BYTES = 4 << 20
_MAX_TAIL_BYTES = 512 << 20


@dataclass(frozen=True)
class Envelope:
    marches_start: int  # offset of the `[` opening the marchés array
    marches_end: int  # offset just past the `]` closing it
    concessions_key: int  # offset of the `"contrat-concession"` key


def locate_envelope(path: Path) -> Envelope:
    """Offsets of the arrays, from the head and the tail of the file only (the concessions, about 1 % of the
    records, come last: a few MB are read even for a 2 GB file)."""
    size = path.stat().st_size
    with path.open("rb") as file:
        head = _HEAD.match(file.read(_HEAD_BYTES))
        if head is None:
            raise ValueError(f'{path}: does not start with {{"marches":{{"marche":[')
        tail_bytes = _FIRST_TAIL_BYTES
        while True:
            start = max(0, size - tail_bytes)
            file.seek(start)
            tail = file.read()
            matches = list(_TAIL.finditer(tail))
            if matches and start + matches[-1].start() >= head.end() - 1:
                match = matches[-1]
                return Envelope(
                    marches_start=head.end() - 1,
                    marches_end=start + match.start() + 1,
                    concessions_key=start + match.start() + match.group().index(b'"contrat-concession"'),
                )
            if start == 0 or tail_bytes >= _MAX_TAIL_BYTES:
                raise ValueError(
                    f'{path}: no "contrat-concession" array after the marchés in the last {tail_bytes} bytes'
                )
            tail_bytes *= 2
