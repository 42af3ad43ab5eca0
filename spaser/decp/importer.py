"""Import DECP files into the analytics store: read, normalise, deduplicate, account for every record."""

import codecs
import io
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

import duckdb
import orjson

from spaser.decp import sql, store as stores, tabular
from spaser.decp.json_split import JsonSplitter
from spaser.decp.sources import Input, expand_inputs, sniff
from spaser.decp.xml_reader import xml_chunks
from spaser.errors import SpaserError


STATUSES = ("new", "replaced", "duplicate", "rejected")
FILE_SEQUENCE = 10**9  # read_seq = run × 10^12 + file × 10^9 + position: unique and in reading order
RUN_SEQUENCE = 10**12


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


class _NotUtf8(Exception):
    pass


def import_files(
    paths: list[Path], store: Path, on_progress: Callable[[str, int, int], None] | None = None
) -> ImportReport:
    """Import `paths` into `store`; the store is left unchanged if anything fails."""
    inputs = expand_inputs(paths)
    formats = [(source, sniff(source)) for source in inputs]
    with stores.rebuilding(store) as (connection, work):
        sql.install_macros(connection)
        run_id = stores.next_run_id(connection)
        report = ImportReport(run_id=run_id)
        _create_incoming(connection, work)
        chunks_table: list[tuple[str, str, str | None, int]] = []
        for index, (source, kind) in enumerate(formats):
            base = run_id * RUN_SEQUENCE + (index + 1) * FILE_SEQUENCE
            file_report = FileReport(file=source.name, format=kind)
            report.files.append(file_report)
            if kind in ("json", "xml"):
                _split(source, kind, work, base, file_report, chunks_table, on_progress)
            else:
                file_report.records_read = tabular.stage(connection, source, kind, base)
        _load_chunks(connection, chunks_table, formats)
        _account(connection, report)
        _rebuild_contracts(connection)
        report.quarantine = _write_quarantine(connection, store, run_id)
        _record_run(connection, report)
        _drop_work_tables(connection)
    return report


WORK_TABLES = ("chunks", "staged", "scalar_values", "list_values", "staged_awardees", "incoming", "statuses")


def _create_incoming(connection: duckdb.DuckDBPyConnection, work: Path) -> None:
    empty = work / "empty.json"
    empty.write_bytes(b"[]")
    connection.execute(
        "CREATE OR REPLACE TABLE chunks (chunk_file VARCHAR, source_file VARCHAR, kind_hint VARCHAR, read_base BIGINT)"
    )
    connection.execute(f"CREATE OR REPLACE TABLE staged AS {sql.STAGE_JSON.replace('{source}', sql.json_read(repr(str(empty))))}")
    _clean_staged(connection, create=True)


def normalise(connection: duckdb.DuckDBPyConnection, staged_sql: str) -> None:
    """Stage records with `staged_sql`, clean them and append them to `incoming`."""
    connection.execute(f"CREATE OR REPLACE TABLE staged AS {staged_sql}")
    _clean_staged(connection, create=False)


def _clean_staged(connection: duckdb.DuckDBPyConnection, create: bool) -> None:
    for statement in (sql.SCALAR_VALUES, sql.LIST_VALUES, sql.STAGED_AWARDEES):
        connection.execute(statement)
    cleaned = f"SELECT *, hash({sql.CONTENT_COLUMNS}) AS content_hash FROM ({sql.CLEAN})"
    if create:
        connection.execute(f"CREATE OR REPLACE TABLE incoming AS {cleaned}")
    else:
        connection.execute(f"INSERT INTO incoming BY NAME {cleaned}")


def _drop_work_tables(connection: duckdb.DuckDBPyConnection) -> None:
    for table in WORK_TABLES:
        connection.execute(f"DROP TABLE IF EXISTS {table}")


def _split(source: Input, kind: str, work: Path, base: int, report: FileReport, chunks_table: list, on_progress):
    try:
        _write_chunks(source, kind, work, base, report, chunks_table, on_progress, transcode=False)
    except _NotUtf8:
        # Windows-1252 is what French producers' non-UTF-8 files are in practice (é as 0xE9).
        del chunks_table[len(chunks_table) - _chunks_of(chunks_table, source.name) :]
        report.encoding = "windows-1252 (converti)"
        _write_chunks(source, kind, work, base, report, chunks_table, on_progress, transcode=True)


def _chunks_of(chunks_table: list, name: str) -> int:
    return sum(1 for row in chunks_table if row[1] == name)


def _write_chunks(source, kind, work, base, report, chunks_table, on_progress, transcode: bool) -> None:
    report.records_read = 0
    with source.open() as raw:
        stream = _Windows1252ToUtf8(raw) if transcode else _Utf8Guard(raw)
        counted = _CountingReader(stream, lambda done: on_progress and on_progress(source.name, done, 0))
        produced = JsonSplitter(counted, source.name).chunks() if kind == "json" else xml_chunks(counted, source.name)
        for chunk in produced:
            path = work / f"chunk-{len(chunks_table):06d}.json"
            path.write_bytes(chunk.payload)
            chunks_table.append((str(path), source.name, chunk.kind_hint, base))
            report.records_read += chunk.count


def _load_chunks(connection: duckdb.DuckDBPyConnection, chunks_table: list, formats: list) -> None:
    if not chunks_table:
        return
    connection.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?)", chunks_table)
    files = "[" + ", ".join(repr(row[0]) for row in chunks_table) + "]"
    try:
        normalise(connection, sql.STAGE_JSON.replace("{source}", sql.json_read(files)))
    except duckdb.Error as error:
        raise _malformed_record_error(error, chunks_table) from error


def _malformed_record_error(error: duckdb.Error, chunks_table: list) -> SpaserError:
    """Find which record of which source file DuckDB could not read."""
    for chunk_file, source_name, _, _ in chunks_table:
        if chunk_file not in str(error):
            continue
        payload = Path(chunk_file).read_bytes()
        try:
            orjson.loads(payload)
        except orjson.JSONDecodeError as decode_error:
            record = payload.rfind(b'"__pos":', 0, decode_error.pos)
            number = payload[record + 8 : record + 21].split(b",")[0].strip().decode() if record >= 0 else "?"
            return SpaserError(f"{source_name} : JSON mal formé dans l'enregistrement n° {number} ({decode_error.msg}).")
        return SpaserError(f"{source_name} : lecture impossible ({error}).")
    return SpaserError(f"Lecture impossible des enregistrements ({error}).")


class _CountingReader(io.RawIOBase):
    def __init__(self, stream: BinaryIO, report: Callable[[int], None]):
        self.stream = stream
        self.done = 0
        self.report = report

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.done += len(data)
        self.report(self.done)
        return data


class _Utf8Guard(io.RawIOBase):
    """Pass bytes through, raising _NotUtf8 as soon as they are not valid UTF-8."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8")()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        try:
            self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            raise _NotUtf8 from error
        return data


class _Windows1252ToUtf8(io.RawIOBase):
    def __init__(self, stream: BinaryIO):
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size).decode("cp1252", errors="replace").encode("utf-8")


def _account(connection: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    connection.execute(
        "CREATE TABLE IF NOT EXISTS versions AS SELECT * EXCLUDE (rejected_field), 0 AS run_id, '' AS lot "
        "FROM incoming LIMIT 0"
    )
    connection.execute(
        """
        CREATE OR REPLACE TABLE statuses AS
        WITH known AS (SELECT DISTINCT content_hash FROM versions),
        ranked AS (
            SELECT read_seq, source_file, source_position, content_hash, rejected_field,
                   row_number() OVER (PARTITION BY content_hash, rejected_field IS NULL ORDER BY read_seq) AS copy
            FROM incoming)
        SELECT r.read_seq, r.source_file, r.source_position, r.rejected_field,
               CASE WHEN r.rejected_field IS NOT NULL THEN 'rejected'
                    WHEN k.content_hash IS NOT NULL OR r.copy > 1 THEN 'duplicate'
                    ELSE 'kept' END AS status
        FROM ranked r LEFT JOIN known k USING (content_hash)
        """
    )
    connection.execute(
        "INSERT INTO versions BY NAME SELECT i.* EXCLUDE (rejected_field), $run AS run_id, '' AS lot "
        "FROM incoming i SEMI JOIN (SELECT read_seq FROM statuses WHERE status = 'kept') USING (read_seq)",
        {"run": report.run_id},
    )
    _assign_lots(connection)
    connection.execute(
        """
        UPDATE statuses SET status = s.status FROM (
            SELECT read_seq, CASE WHEN bool_or(run_id < $run) OVER identity THEN 'replaced'
                                  WHEN row_number() OVER (PARTITION BY kind, acheteur_id, id, lot ORDER BY read_seq) = 1
                                  THEN 'new' ELSE 'replaced' END AS status, run_id
            FROM versions WINDOW identity AS (PARTITION BY kind, acheteur_id, id, lot)
        ) s WHERE s.run_id = $run AND statuses.read_seq = s.read_seq
        """,
        {"run": report.run_id},
    )
    counts = connection.execute("SELECT source_file, status, count(*) FROM statuses GROUP BY ALL").fetchall()
    by_file = {file_report.file: file_report for file_report in report.files}
    for source_file, status, count in counts:
        setattr(by_file[source_file], status, count)
    for file_report in report.files:
        accounted = sum(getattr(file_report, status) for status in STATUSES)
        if accounted != file_report.records_read:
            raise AssertionError(f"{file_report.file}: {accounted} records accounted, {file_report.records_read} read")
        for status in ("records_read", *STATUSES):
            setattr(report, status, getattr(report, status) + getattr(file_report, status))


def _assign_lots(connection: duckdb.DuckDBPyConnection) -> None:
    """Same buyer and id, same notification date, different awardees and amounts: distinct lots, kept apart."""
    connection.execute(
        """
        UPDATE versions SET lot = l.lot FROM (
            WITH base AS (
                SELECT read_seq, kind, acheteur_id, id, dateNotification, montant,
                       array_to_string(list_sort(list_transform(titulaires, lambda t: coalesce(t.id, '?'))), '+')
                           AS awardee_key
                FROM versions),
            reused AS (
                SELECT DISTINCT kind, acheteur_id, id FROM base
                GROUP BY kind, acheteur_id, id, dateNotification
                HAVING count(DISTINCT awardee_key) > 1 AND count(DISTINCT montant) > 1)
            SELECT b.read_seq, CASE WHEN r.id IS NULL THEN '' ELSE b.awardee_key END AS lot
            FROM base b LEFT JOIN reused r USING (kind, acheteur_id, id)
        ) l WHERE versions.read_seq = l.read_seq AND versions.lot <> l.lot
        """
    )


def _rebuild_contracts(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(
        """
        CREATE OR REPLACE TABLE contracts AS
        SELECT * EXCLUDE (version_rank, flags),
               CASE WHEN lot <> '' THEN list_append(flags, flag('identifiant_reutilise_lots', 'id', id))
                    ELSE flags END AS flags
        FROM (
            SELECT v.*,
                   concat_ws('|', kind, acheteur_id, id) || CASE WHEN lot <> '' THEN '|' || lot ELSE '' END AS uid,
                   substr(acheteur_id, 1, 9) AS acheteur_siren,
                   year(dateNotification) AS annee_notification,
                   coalesce(list_last(list_filter(list_sort(modifications), lambda m: m.montant IS NOT NULL)).montant,
                            montant) AS montant_actuel,
                   count(*) OVER identity AS version_count,
                   row_number() OVER (PARTITION BY kind, acheteur_id, id, lot
                                      ORDER BY datePublicationDonnees DESC NULLS LAST, read_seq DESC) AS version_rank
            FROM versions v WINDOW identity AS (PARTITION BY kind, acheteur_id, id, lot))
        WHERE version_rank = 1
        """
    )
    connection.execute(
        """
        CREATE OR REPLACE TABLE contract_awardees AS
        SELECT uid, kind, acheteur_siren, annee_notification, awardee.rank, awardee.id, awardee.typeIdentifiant,
               awardee.typeIdentifiant = 'SIRET' AND siret_ok(awardee.id) AS siret_valide
        FROM (SELECT uid, kind, acheteur_siren, annee_notification,
                     unnest(list_transform(titulaires, lambda t, i: {'rank': i, 'id': t.id,
                            'typeIdentifiant': t.typeIdentifiant})) AS awardee FROM contracts)
        """
    )
    connection.execute(
        "CREATE OR REPLACE TABLE contract_modifications AS "
        "SELECT uid, unnest(modifications, recursive := true) FROM contracts"
    )
    connection.execute(
        "CREATE OR REPLACE TABLE contract_subcontracts AS "
        "SELECT uid, unnest(actesSousTraitance, recursive := true) FROM contracts"
    )


def _write_quarantine(connection: duckdb.DuckDBPyConnection, store: Path, run_id: int) -> str | None:
    rows = connection.execute(
        """
        SELECT s.source_file, s.source_position, s.rejected_field, to_json(i) AS record
        FROM statuses s JOIN incoming i USING (read_seq) WHERE s.status = 'rejected' ORDER BY s.read_seq
        """
    ).fetchall()
    connection.execute(
        "INSERT INTO rejections SELECT $run, source_file, source_position, rejected_field, "
        "'champ « ' || rejected_field || ' » absent ou vide : le contrat ne peut pas être identifié' "
        "FROM statuses WHERE status = 'rejected'",
        {"run": run_id},
    )
    if not rows:
        return None
    folder = store / "quarantine"
    folder.mkdir(exist_ok=True)
    path = folder / f"run-{run_id:04d}.ndjson"
    temporary = path.with_suffix(".tmp")
    with open(temporary, "wb") as out:
        for source_file, position, rejected_field, record in rows:
            entry = {
                "fichier": source_file,
                "enregistrement": position,
                "champ": rejected_field,
                "motif": f"champ « {rejected_field} » absent ou vide : le contrat ne peut pas être identifié",
                "donnees": orjson.loads(record),
            }
            out.write(orjson.dumps(entry) + b"\n")
    temporary.replace(path)
    return str(path)


def _record_run(connection: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    marches, concessions = connection.execute(
        "SELECT count(*) FILTER (WHERE kind = 'marche'), count(*) FILTER (WHERE kind = 'concession') FROM contracts"
    ).fetchone()
    report.store_marches, report.store_concessions = marches, concessions
    connection.execute(
        "INSERT INTO import_runs VALUES ($run, now(), now(), $report)",
        {"run": report.run_id, "report": orjson.dumps(report.as_dict()).decode()},
    )

