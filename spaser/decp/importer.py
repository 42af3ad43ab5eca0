"""Import DECP files into the analytics store: read, normalise, deduplicate, account for every record."""

import itertools
import json
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import orjson

from spaser.analytics.classes import classify
from spaser.analytics.files import sql_path
from spaser.decp import identity, sql, sql_macros, sql_staging, store as stores, tabular
from spaser.decp.json_layout import ChunkFile, json_chunk_files, rejoin_pieces
from spaser.decp.json_split import Chunk, JsonSplitter
from spaser.decp.quarantine import publish_quarantine, remove_dead_quarantines, write_quarantine
from spaser.decp.sources import Input, Limits, encoding_of, expand_inputs, sniff
from spaser.decp.xml_reader import xml_chunks
from spaser.errors import SpaserError


STATUSES = ("new", "replaced", "duplicate", "rejected")
FILE_SEQUENCE = 10**9  # read_seq = run × 10^12 + file × 10^9 + position: unique and in reading order
RUN_SEQUENCE = 10**12
# Database of the staged JSON records, written by several connections at once. On disk: its compressed blocks
# leave the memory without being spilled, which an in-memory database under the memory limit cannot do.
STAGING = "staging"
WORK_TABLES = (
    "sources",
    tabular.STAGED_TABLE,
    "positions",
    "scalar_values",
    "list_values",
    "enum_combos",
    "staged_awardees",
    "staged_modifications",
    "staged_subcontracts",
    "statuses",
    "rejected_records",
    "lot_changes",
    "signatures",
    "replaced_copies",
    "earlier_copies",
    "identities",
)
_CLEANED = f"SELECT *, hash({sql.CONTENT_COLUMNS}) AS content_hash FROM ({sql.CLEAN})"


@dataclass
class FileReport:
    file: str
    format: str
    encoding: str = "utf-8"
    records_read: int = 0
    new: int = 0
    replaced: int = 0
    duplicate: int = 0
    rejected: int = 0


@dataclass
class ImportReport:
    run_id: int
    records_read: int = 0
    new: int = 0
    replaced: int = 0
    duplicate: int = 0
    rejected: int = 0
    store_marches: int = 0
    store_concessions: int = 0
    quarantine: str | None = None
    files: list[FileReport] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def import_files(
    paths: list[Path],
    store: Path,
    on_step: Callable[[str, int, int], None] | None = None,
    limits: Limits | None = None,
) -> ImportReport:
    """Import `paths` into `store`; the store is left unchanged if anything fails.

    `limits` bounds each input (decompressed bytes, records); by default `Limits.configured()`.
    """
    inputs = expand_inputs(paths, limits or Limits.configured())
    formats = [(source, sniff(source)) for source in inputs]
    steps = iter(range(len(formats) + 2))
    total = len(formats) + 2

    def announce(message: str) -> None:
        if on_step:
            on_step(message, next(steps), total)

    with stores.rebuilding(store) as (connection, work):
        sql_macros.install_macros(connection)
        run_id = stores.next_run_id(connection)
        remove_dead_quarantines(store, run_id)
        report = ImportReport(run_id=run_id, files=[FileReport(file=s.name, format=kind) for s, kind in formats])
        _create_work_tables(connection, work, formats, run_id)
        chunk_files = _read_sources(connection, formats, work, report, announce)
        if chunk_files:
            announce("Normalisation des enregistrements")
            names = ", ".join(source.name for source, kind in formats if kind in ("json", "xml"))
            with _engine_errors(f"{names} : normalisation des enregistrements impossible"):
                _load_json(connection, chunk_files, formats, report)
        announce("Dédoublonnage et mise à jour de l'entrepôt")
        with _engine_errors(f"{store} : mise à jour de l'entrepôt impossible"):
            _account(connection, report)
            _rebuild_contracts(connection)
            classify(connection, store)
            quarantine = write_quarantine(connection, work, run_id)
            report.quarantine = str(stores.quarantine_path(store) / quarantine.name) if quarantine else None
            _record_run(connection, report)
            _drop_work_tables(connection)
        if quarantine:
            publish_quarantine(quarantine, store)
    return report


def _read_sources(connection, formats: list, work: Path, report: ImportReport, announce) -> list[ChunkFile]:
    """Cut JSON and XML sources into chunk files (staged together later); stage and clean tabular ones."""
    chunk_files: list[ChunkFile] = []
    for index, (source, kind) in enumerate(formats):
        announce(f"Lecture de {source.name}")
        with _engine_errors(f"{source.name} : lecture impossible"):
            if kind == "json":
                chunk_files.extend(json_chunk_files(source, work, _prefix(index), pieces=_threads(connection)))
            elif kind == "xml":
                chunk_files.extend(_xml_chunk_files(source, work, _prefix(index)))
            else:
                report.files[index].encoding = tabular.stage(connection, source, kind, index, work)
                _show_staged(connection, f"SELECT * FROM {tabular.STAGED_TABLE}")
                _count_read(connection, report, formats)
                _clean_staged(connection, report.run_id)
    return chunk_files


@contextmanager
def _engine_errors(context: str) -> Iterator[None]:
    """A DuckDB failure not foreseen by the steps (memory, disk, a shape nobody met) as a French sentence: the
    engine's own message is several lines of SQL, of no use to whoever imports a file."""
    try:
        yield
    except duckdb.OutOfMemoryException as error:
        raise SpaserError(f"{context} : mémoire insuffisante pour terminer l'import. Rien n'a été importé.") from error
    except duckdb.IOException as error:
        raise SpaserError(
            f"{context} : erreur de lecture ou d'écriture sur le disque (espace plein ?). Rien n'a été importé."
        ) from error
    except duckdb.Error as error:
        raise SpaserError(
            f"{context} : le contenu ne peut pas être lu comme des données DECP (erreur du moteur "
            f"« {type(error).__name__} »). Rien n'a été importé."
        ) from error


def _prefix(index: int) -> str:
    return f"f{index:04d}"


def _create_work_tables(connection: duckdb.DuckDBPyConnection, work: Path, formats: list, run_id: int) -> None:
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE sources (file_index INTEGER, source_file VARCHAR, read_base BIGINT)"
    )
    connection.executemany(
        "INSERT INTO sources VALUES (?, ?, ?)",
        [(i, source.name, run_id * RUN_SEQUENCE + (i + 1) * FILE_SEQUENCE) for i, (source, _) in enumerate(formats)],
    )
    connection.execute(f"ATTACH IF NOT EXISTS '{sql_path(work / f'{STAGING}.duckdb')}' AS {STAGING}")
    empty = work / "empty.json"
    empty.write_bytes(b"[]")
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {tabular.STAGED_TABLE} AS "
        f"SELECT 0::BIGINT AS ordinal, * FROM ({sql_staging.staged_json(repr(str(empty)), typed=True)})"
    )
    _show_staged(connection, f"SELECT * FROM {tabular.STAGED_TABLE}")
    _build_dictionaries(connection)
    connection.execute(f"CREATE TABLE IF NOT EXISTS versions AS SELECT *, 0 AS run_id FROM ({_CLEANED}) LIMIT 0")


def _build_dictionaries(connection: duckdb.DuckDBPyConnection) -> None:
    for statement in (
        sql.POSITIONS,
        sql.SCALAR_VALUES,
        sql.LIST_VALUES,
        sql.ENUM_COMBOS,
        sql.STAGED_AWARDEES,
        sql.STAGED_MODIFICATIONS,
        sql.STAGED_SUBCONTRACTS,
    ):
        connection.execute(statement)


def _clean_staged(connection: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """Clean the rows of `staged` into `versions` (sorted out by `_account`).

    One statement: DuckDB streams it within the memory limit, and a second `INSERT` into the same table would
    leave row groups for the final checkpoint to rewrite (0.7 s on 1.5 M records).
    """
    _build_dictionaries(connection)
    connection.execute(f"INSERT INTO versions BY NAME SELECT *, $run AS run_id FROM ({_CLEANED})", {"run": run_id})


def _count_read(connection: duckdb.DuckDBPyConnection, report: ImportReport, formats: list) -> None:
    """Count the staged records of each file; past the limit, stop before cleaning them."""
    for file_index, count in connection.execute("SELECT file_index, count(*) FROM staged GROUP BY ALL").fetchall():
        report.files[file_index].records_read += count
        source = formats[file_index][0]
        if report.files[file_index].records_read > source.limits.max_records:
            raise source.limits.records_exceeded(source.name)


def _drop_work_tables(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute("DROP VIEW IF EXISTS staged")
    connection.execute(f"DETACH DATABASE IF EXISTS {STAGING}")
    for table in WORK_TABLES:
        connection.execute(f"DROP TABLE IF EXISTS {table}")


def _xml_chunk_files(source: Input, work: Path, prefix: str) -> list[ChunkFile]:
    files = []
    with source.open() as stream:
        for number, chunk in enumerate(xml_chunks(stream, source.name, source.limits)):
            path = work / f"{prefix}-{chunk.kind_hint}-{number:06d}.json"
            path.write_bytes(chunk.payload)
            files.append(ChunkFile(path, chunk.kind_hint))
    return files


def _load_json(connection, chunk_files: list[ChunkFile], formats: list, report: ImportReport) -> None:
    """Stage every chunk with the typed columns; on failure, cut bodies made whole, then source by source."""
    try:
        _stage_chunks(connection, chunk_files, typed=True)
    except duckdb.Error:
        chunk_files = rejoin_pieces(chunk_files)
        for index, (source, _) in enumerate(formats):
            own = [chunk for chunk in chunk_files if chunk.path.name.startswith(_prefix(index) + "-")]
            if own:
                _stage_source(connection, source, own, report.files[index])
                _count_read(connection, report, formats)
                _release(own)
                _clean_staged(connection, report.run_id)
        return
    _count_read(connection, report, formats)
    _release(chunk_files)
    _clean_staged(connection, report.run_id)


def _release(chunk_files: list[ChunkFile]) -> None:
    """Staged records are in DuckDB now: deleting the copies spares the disk writing them back."""
    for chunk in chunk_files:
        chunk.path.unlink()


def _stage_source(connection, source: Input, chunk_files: list[ChunkFile], file_report: FileReport) -> None:
    """Typed columns, then generic ones (any shape), then a Windows-1252 conversion; else name the bad record."""
    for typed in (True, False):
        try:
            _stage_chunks(connection, chunk_files, typed)
            return
        except duckdb.Error:
            pass
    if file_report.encoding != "utf-8" or encoding_of(source) == "utf-8":
        raise _malformed_record_error(source)
    for chunk in chunk_files:
        chunk.path.write_bytes(chunk.path.read_bytes().decode("cp1252", errors="replace").encode("utf-8"))
    file_report.encoding = "windows-1252"
    _stage_source(connection, source, chunk_files, file_report)


def _stage_chunks(connection, chunk_files: list[ChunkFile], typed: bool) -> None:
    """Stage the chunk files in reading order; DuckDB reads a JSON array on one core, so groups go side by side."""
    groups = _reading_groups(chunk_files, _threads(connection))
    for (table,) in connection.execute(
        f"SELECT table_name FROM duckdb_tables() WHERE database_name = '{STAGING}'"
    ).fetchall():
        connection.execute(f"DROP TABLE {STAGING}.{table}")
    cursors = [connection.cursor() for _ in groups]
    connection.execute("SET preserve_insertion_order = true")  # the rowid of each part then follows its files
    try:
        with ThreadPoolExecutor(len(groups)) as pool:
            list(pool.map(_stage_group, cursors, itertools.count(), groups, itertools.repeat(typed)))
    finally:
        connection.execute("SET preserve_insertion_order = false")
        for cursor in cursors:
            cursor.close()
    counts = [connection.execute(f"SELECT count(*) FROM {STAGING}.part_{n}").fetchone()[0] for n in range(len(groups))]
    _show_staged(
        connection,
        " UNION ALL ".join(
            f"SELECT rowid + {first} AS ordinal, * FROM {STAGING}.part_{n}"
            for n, first in enumerate(itertools.accumulate(counts[:-1], initial=1))
        ),
    )


def _stage_group(cursor, number: int, chunk_files: list[ChunkFile], typed: bool) -> None:
    files = "[" + ", ".join(repr(str(chunk.path)) for chunk in chunk_files) + "]"
    cursor.execute(f"CREATE TABLE {STAGING}.part_{number} AS {sql_staging.staged_json(files, typed)}")


def _reading_groups(chunk_files: list[ChunkFile], count: int) -> list[list[ChunkFile]]:
    """At most `count` groups of consecutive chunk files, of about the same size."""
    sizes = [chunk.path.stat().st_size for chunk in chunk_files]
    total = sum(sizes) or 1
    groups: dict[int, list[ChunkFile]] = {}
    for chunk, size, before in zip(chunk_files, sizes, itertools.accumulate(sizes, initial=0), strict=False):
        groups.setdefault(min(count - 1, count * (before + size // 2) // total), []).append(chunk)
    return list(groups.values())


def _show_staged(connection, rows_sql: str) -> None:
    """`staged`, the records to clean, is a view: over the parts of a JSON read or over the tabular rows."""
    connection.execute(f"CREATE OR REPLACE TEMP VIEW staged AS {rows_sql}")


def _threads(connection) -> int:
    return connection.execute("SELECT current_setting('threads')").fetchone()[0]


def _malformed_record_error(source: Input) -> SpaserError:
    """Find the record DuckDB could not read, with the general splitter, orjson, then a duplicate-key check."""
    with source.open() as stream:
        for chunk in JsonSplitter(stream, source.name, limits=source.limits).chunks():
            try:
                orjson.loads(chunk.payload)
            except orjson.JSONDecodeError as decode_error:
                return _record_error(source, chunk, decode_error)
            problem = _record_problem(chunk)
            if problem:
                return SpaserError(f"{source.name} : enregistrement n° {problem[0]} : {problem[1]}.")
    return SpaserError(
        f"{source.name} : la liste des enregistrements contient des valeurs qui ne sont pas des marchés ou des "
        "contrats de concession (objets JSON attendus, non des listes, nombres ou textes)."
    )


_SEPARATOR = re.compile(r"[\s,]*")


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    keys = [key for key, _ in pairs]
    if len(set(keys)) < len(keys):
        raise _DuplicateKeyError(next(key for key in keys if keys.count(key) > 1))
    return dict(pairs)


def _record_problem(chunk: Chunk) -> tuple[int, str] | None:
    """The first record of a chunk (valid JSON) that DuckDB refuses: a key given twice, too deep a nesting."""
    text = chunk.payload.decode("utf-8", errors="replace")
    decoder = json.JSONDecoder(object_pairs_hook=_unique_keys)
    position = 1  # after the opening bracket
    for ordinal in range(chunk.first_ordinal, chunk.first_ordinal + chunk.count):
        try:
            _, position = decoder.raw_decode(text, _SEPARATOR.match(text, position).end())
        except _DuplicateKeyError as duplicate:
            return ordinal, f"la clé « {duplicate.key} » apparaît deux fois dans un même objet"
        except RecursionError:
            return ordinal, "imbrication trop profonde"
    return None


def _record_error(source: Input, chunk: Chunk, decode_error: orjson.JSONDecodeError) -> SpaserError:
    index = max(0, int(np.searchsorted(chunk.starts, decode_error.pos, side="right")) - 1)
    offset = chunk.first_offset + int(chunk.starts[index]) - 1
    with source.open() as stream:
        line = stream.read(offset).count(b"\n") + 1
    return SpaserError(
        f"{source.name} : JSON mal formé dans l'enregistrement n° {chunk.first_ordinal + index} "
        f"(à partir de la ligne {line}) : {decode_error.msg}."
    )


# Which of several copies of one content the store keeps: the first published, then the cleanest; the copies
# differ only in provenance and flags, so the read order decides only between copies nobody can tell apart.
COPY_ORDER = (
    "{'unpublished': datePublicationDonnees IS NULL, 'published': datePublicationDonnees, "
    "'flags': len(flags), 'flag_hash': hash(flags), 'read_seq': read_seq}"
)


def _account(connection: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    """Mark each record of the run new, replaced, duplicate or rejected; keep only new versions in `versions`.

    A version published earlier than the copy the store holds replaces that copy (status duplicate): the store
    then holds the same versions whatever the order the records were read in, in one import or several.
    """
    run = {"run": report.run_id}
    connection.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE statuses AS
        WITH run_rows AS (
            SELECT read_seq, source_file, source_position, rejected_field, content_hash, kind, acheteur_id, id
            FROM versions WHERE run_id = $run),
        -- Contents read more than once, in this run or before: only their copies need comparing.
        contested AS (
            SELECT content_hash FROM run_rows WHERE rejected_field IS NULL GROUP BY 1 HAVING count(*) > 1
            UNION
            SELECT content_hash FROM versions SEMI JOIN run_rows USING (content_hash) WHERE run_id < $run),
        best AS (
            SELECT content_hash, arg_min(read_seq, {COPY_ORDER}) AS best_seq, bool_or(run_id < $run) AS stored
            FROM versions SEMI JOIN contested USING (content_hash)
            WHERE rejected_field IS NULL
            GROUP BY content_hash)
        SELECT r.*, CASE
            WHEN r.rejected_field IS NOT NULL THEN 'rejected'
            WHEN b.content_hash IS NULL THEN 'kept'
            WHEN b.best_seq <> r.read_seq THEN 'duplicate'
            WHEN b.stored THEN 'earlier_copy'
            ELSE 'kept' END AS status
        FROM run_rows r LEFT JOIN best b USING (content_hash)
        """,
        run,
    )
    connection.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE rejected_records AS
        SELECT *, {sql.REJECTION_REASON} AS reason
        FROM (SELECT v.*, list_filter(v.flags, lambda f: f.code = '{sql.IMPOSSIBLE}' AND f.field = v.rejected_field)[1]
                  .value AS impossible_value
              FROM versions v SEMI JOIN (SELECT read_seq FROM statuses WHERE status = 'rejected') USING (read_seq))
        """
    )
    connection.execute(
        "DELETE FROM versions WHERE run_id = $run "
        "AND read_seq IN (SELECT read_seq FROM statuses WHERE status IN ('duplicate', 'rejected'))",
        run,
    )
    _drop_later_copies(connection, report.run_id)
    identity.split_reused_ids(connection, report.run_id)
    identity.group_identities(connection, report.run_id)
    # A kept version is new when it is the first of its contract in this run and the store had none before.
    connection.execute(
        """
        CREATE OR REPLACE TEMP TABLE statuses AS
        SELECT s.* REPLACE (CASE WHEN s.status = 'earlier_copy' THEN 'duplicate' WHEN s.status <> 'kept'
                                 THEN s.status WHEN n.first_new IS NULL THEN 'replaced' ELSE 'new' END AS status)
        FROM statuses s
        LEFT JOIN (SELECT first_new FROM identities WHERE NOT known AND first_new IS NOT NULL) n
            ON n.first_new = s.read_seq
        """
    )
    _count_statuses(connection, report)


def _drop_later_copies(connection: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """The stored copies that an earlier-published copy of this run replaces."""
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE earlier_copies AS SELECT read_seq, content_hash FROM statuses "
        "WHERE status = 'earlier_copy'"
    )
    connection.execute(
        """
        CREATE OR REPLACE TEMP TABLE replaced_copies AS
        SELECT read_seq FROM versions
        WHERE run_id < $run AND content_hash IN (SELECT content_hash FROM earlier_copies)
        """,
        {"run": run_id},
    )
    connection.execute("DELETE FROM versions WHERE read_seq IN (SELECT read_seq FROM replaced_copies)")
    connection.execute("CREATE TABLE IF NOT EXISTS version_lots (read_seq BIGINT, lot VARCHAR)")
    connection.execute("DELETE FROM version_lots WHERE read_seq IN (SELECT read_seq FROM replaced_copies)")


def _count_statuses(connection: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    by_file = {file_report.file: file_report for file_report in report.files}
    for source_file, status, count in connection.execute(
        "SELECT source_file, status, count(*) FROM statuses GROUP BY ALL"
    ).fetchall():
        setattr(by_file[source_file], status, count)
    for file_report in report.files:
        accounted = sum(getattr(file_report, status) for status in STATUSES)
        if accounted != file_report.records_read:
            raise AssertionError(f"{file_report.file}: {accounted} records accounted, {file_report.records_read} read")
        for status in ("records_read", *STATUSES):
            setattr(report, status, getattr(report, status) + getattr(file_report, status))


def _rebuild_contracts(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(
        "CREATE OR REPLACE TABLE current_versions AS SELECT read_seq, version_count, uid, lot FROM identities"
    )
    for statement in sql.CONTRACT_VIEWS:
        connection.execute(statement)


def _record_run(connection: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    marches, concessions = connection.execute(
        "SELECT count(*) FILTER (WHERE kind = 'marche'), count(*) FILTER (WHERE kind = 'concession') "
        "FROM versions SEMI JOIN current_versions USING (read_seq)"
    ).fetchone()
    report.store_marches, report.store_concessions = marches, concessions
    connection.execute(
        "INSERT INTO import_runs VALUES ($run, now(), now(), $report)",
        {"run": report.run_id, "report": orjson.dumps(report.as_dict()).decode()},
    )
