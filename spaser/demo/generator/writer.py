"""Streams of fresh records interleaved with the repetitions real files contain, written to one or several files.

Only a bounded window of recent records is kept for the repetitions (re-publications after a modification, exact
duplicates, overlaps between consecutive daily files).
"""

import heapq
import os
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import orjson

from spaser.demo.generator.concessions import ConcessionFactory
from spaser.demo.generator.defects import FORCE_EVERY_DIRTY_KIND_FROM
from spaser.demo.generator.marches import MarcheFactory
from spaser.demo.generator.population import build_population
from spaser.errors import SpaserError


WRITE_BUFFER_BYTES = 16 * 1024 * 1024
PROGRESS_STEP = 10_000
CONCESSIONS_PER_MARCHE = 0.01
DUPLICATE_RATE = 0.0215  # per fresh record: about 2 % of the written records
REPUBLICATION_RATE = 0.054  # per fresh record: about 5 % of the written records
MAX_REPEAT_DELAY = 20_000  # records; bounds the memory held by pending repetitions
OVERLAP_SHARE = 0.03  # of a daily file repeated from the previous one


@dataclass
class _Counts:
    written: int = 0
    distinct: int = 0
    republications: int = 0
    duplicates: int = 0
    overlaps: int = 0
    lots_sharing_id: int = 0
    dirty: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class ArrayCounts:
    """What was written in one array of the envelope (marchés or concessions), over all the files."""

    written: int
    distinct: int  # fresh records; every other one repeats an earlier record
    republications: int  # same key, later datePublicationDonnees and one more modification
    duplicates: int  # byte-identical repetitions inside the stream
    overlaps: int  # byte-identical repetitions of the end of the previous file
    lots_sharing_id: int  # lots reusing the id of the previous lot of the same buyer
    dirty: dict[str, int]  # defect kind -> records written with it

    @property
    def dirty_records(self) -> int:
        return sum(self.dirty.values())


class _Stream:
    """Fresh records from a factory, with exact duplicates and re-publications scheduled a little later."""

    def __init__(self, factory, rng: np.random.Generator, total: int, counts: _Counts):
        self._factory = factory
        self._rng = rng
        self._total = total
        self._delay = int(np.clip(total // 20, 5, MAX_REPEAT_DELAY))
        self._counts = counts
        self._pending: list[tuple[int, int, bool, object]] = []
        self._order = 0
        self._slot = 0
        self._uniforms: list[list[float]] = []

    def next(self) -> tuple[bytes, str | None]:
        slot = self._slot
        self._slot += 1
        if self._pending and self._pending[0][0] <= slot:
            _, _, republication, payload = heapq.heappop(self._pending)
            if republication:
                self._factory.republish(payload, self._draw())
                self._counts.republications += 1
                return orjson.dumps(payload), None
            self._counts.duplicates += 1
            return payload, None
        record, dirty, shares_id = self._factory.fresh(slot, self._total - slot)
        data = orjson.dumps(record)
        self._counts.distinct += 1
        self._counts.lots_sharing_id += shares_id
        if dirty is None:  # defective records are never repeated: their counts stay exact
            self._schedule(slot, record, data)
        return data, dirty

    def _schedule(self, slot: int, record: dict, data: bytes) -> None:
        u = self._draw()
        due = slot + 1 + int(u[1] * self._delay)
        if u[0] < DUPLICATE_RATE:
            entry = (due, self._order, False, data)
        elif u[0] < DUPLICATE_RATE + REPUBLICATION_RATE:
            entry = (due, self._order, True, record)
        else:
            return
        self._order += 1
        heapq.heappush(self._pending, entry)

    def _draw(self) -> list[float]:
        if not self._uniforms:
            self._uniforms = self._rng.random((4096, 6)).tolist()
            self._uniforms.reverse()
        return self._uniforms.pop()


class _Channel:
    """One array of the envelope across the files: its stream, its counts, and the tail kept for the next file."""

    def __init__(self, stream: _Stream, counts: _Counts):
        self.stream = stream
        self.counts = counts
        self._tail: deque[tuple[bytes, str | None]] = deque()

    def write(self, out, quota: int, carried: int, keep: int, tick: Callable[[], None]) -> None:
        repeated = list(self._tail)[len(self._tail) - carried :] if carried else []
        tail: deque[tuple[bytes, str | None]] = deque(maxlen=keep)
        separator = b"\n"
        for position in range(quota):
            if position < len(repeated):
                data, dirty = repeated[position]
                self.counts.overlaps += 1
            else:
                data, dirty = self.stream.next()
            out.write(separator)
            out.write(data)
            separator = b",\n"
            self.counts.written += 1
            if dirty is not None:
                self.counts.dirty[dirty] += 1
            if keep:
                tail.append((data, dirty))
            tick()
        if quota:
            out.write(b"\n")
        self._tail = tail


def _quotas(total: int, files: int) -> list[int]:
    return [total // files + (index < total % files) for index in range(files)]


def _overlaps(quotas: list[int]) -> list[int]:
    """Records of each file repeated from the end of the previous one (none for the first file)."""
    overlaps = [0]
    for previous, quota in zip(quotas, quotas[1:], strict=False):
        wanted = max(1, round(OVERLAP_SHARE * quota)) if quota >= 2 else 0
        overlaps.append(min(wanted, previous, quota))
    return overlaps


# ---------------------------------------------------------------------------------------------------------------
# Public API.


@dataclass(frozen=True)
class GenerationSummary:
    paths: tuple[Path, ...]
    bytes_written: int
    buyers: int
    awardees: int
    marches: ArrayCounts
    concessions: ArrayCounts

    @property
    def marches_written(self) -> int:
        return self.marches.written

    @property
    def concessions_written(self) -> int:
        return self.concessions.written

    @property
    def distinct_marches(self) -> int:
        return self.marches.distinct

    @property
    def republications(self) -> int:
        return self.marches.republications

    @property
    def duplicates(self) -> int:
        return self.marches.duplicates


def generate(out: Path, marches: int, seed: int, files: int = 1, progress: bool = False) -> GenerationSummary:
    """Write a synthetic DECP 2022 file (or `files` overlapping daily-like files) holding `marches` marchés in all."""
    _check_arguments(marches, seed, files)
    out = Path(out)
    paths = _target_paths(out, files)
    concessions = max(1, round(marches * CONCESSIONS_PER_MARCHE)) if marches else 0
    population_seed, marche_seed, concession_seed, marche_stream_seed, concession_stream_seed = np.random.SeedSequence(
        seed
    ).spawn(5)
    population = build_population(np.random.default_rng(population_seed), marches)
    marche_counts, concession_counts = _Counts(), _Counts()
    marche_factory = MarcheFactory(
        np.random.default_rng(marche_seed), population, marches, marches >= FORCE_EVERY_DIRTY_KIND_FROM
    )
    concession_factory = ConcessionFactory(np.random.default_rng(concession_seed), population, concessions)
    channels = (
        _Channel(
            _Stream(marche_factory, np.random.default_rng(marche_stream_seed), marches, marche_counts), marche_counts
        ),
        _Channel(
            _Stream(concession_factory, np.random.default_rng(concession_stream_seed), concessions, concession_counts),
            concession_counts,
        ),
    )
    sizes = _write_all(paths, channels, _quotas(marches, files), _quotas(concessions, files), progress)
    return GenerationSummary(
        paths=tuple(paths),
        bytes_written=sum(sizes),
        buyers=len(population.buyers.sirets),
        awardees=len(population.awardees.ids),
        marches=_frozen(marche_counts),
        concessions=_frozen(concession_counts),
    )


def _check_arguments(marches: int, seed: int, files: int) -> None:
    if marches < 0:
        raise SpaserError(f"--marches doit être positif ou nul (reçu : {marches}).")
    if seed < 0:
        raise SpaserError(f"--seed doit être positif ou nul (reçu : {seed}).")
    if files < 1 or (marches and files > marches):
        raise SpaserError(f"--files doit être compris entre 1 et le nombre de marchés (reçu : {files}).")


def _target_paths(out: Path, files: int) -> list[Path]:
    if files == 1:
        return [out]
    suffix = out.suffix or ".json"
    return [out.with_name(f"{out.stem}-{index}{suffix}") for index in range(1, files + 1)]


def _frozen(counts: _Counts) -> ArrayCounts:
    return ArrayCounts(
        written=counts.written,
        distinct=counts.distinct,
        republications=counts.republications,
        duplicates=counts.duplicates,
        overlaps=counts.overlaps,
        lots_sharing_id=counts.lots_sharing_id,
        dirty=dict(sorted(counts.dirty.items())),
    )


def _write_all(paths: list[Path], channels, marche_quotas: list[int], concession_quotas: list[int], progress: bool):
    """Write every file to a temporary name, then move them all in place: readers never see a partial file."""
    temporaries = [path.with_name(f".{path.name}.{os.getpid()}.tmp") for path in paths]
    try:
        paths[0].parent.mkdir(parents=True, exist_ok=True)
        with _ProgressBar(progress, sum(marche_quotas) + sum(concession_quotas)) as tick:
            sizes = _write_files(temporaries, channels, marche_quotas, concession_quotas, tick)
        for temporary, path in zip(temporaries, paths, strict=True):
            os.replace(temporary, path)
    except OSError as error:
        raise SpaserError(f"Impossible d'écrire {error.filename or paths[0]} : {error.strerror}") from error
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
    return sizes


def _write_files(temporaries: list[Path], channels, marche_quotas, concession_quotas, tick) -> list[int]:
    marche_overlaps, concession_overlaps = _overlaps(marche_quotas), _overlaps(concession_quotas)
    marche_channel, concession_channel = channels
    sizes = []
    for index, temporary in enumerate(temporaries):
        following = index + 1 < len(temporaries)
        with open(temporary, "wb", buffering=WRITE_BUFFER_BYTES) as out:
            out.write(b'{"marches":{"marche":[')
            keep = marche_overlaps[index + 1] if following else 0
            marche_channel.write(out, marche_quotas[index], marche_overlaps[index], keep, tick)
            out.write(b'],"contrat-concession":[')
            keep = concession_overlaps[index + 1] if following else 0
            concession_channel.write(out, concession_quotas[index], concession_overlaps[index], keep, tick)
            out.write(b"]}}\n")
            sizes.append(out.tell())
    return sizes


class _ProgressBar:
    """Context manager yielding a per-record tick; a no-op without progress."""

    def __init__(self, enabled: bool, total: int):
        self._enabled = enabled
        self._total = total
        self._progress = None
        self._task = None
        self._pending = 0

    def __enter__(self) -> Callable[[], None]:
        if not self._enabled:
            return _nothing
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn("Génération"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("génération", total=self._total)
        return self._tick

    def _tick(self) -> None:
        self._pending += 1
        if self._pending >= PROGRESS_STEP:
            self._progress.advance(self._task, self._pending)
            self._pending = 0

    def __exit__(self, *exc_info) -> None:
        if self._progress is not None:
            self._progress.stop()


def _nothing() -> None:
    return None
