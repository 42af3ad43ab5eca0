"""Tabular DECP: decp.info / decp-processing (Parquet or CSV), data.economie CSV, buyers' flat exports.

These files hold one row per contract × awardee (× modification state or act): rows are grouped
back into one record per contract, then cleaned like JSON records. Columns are found by name,
whatever their case and whether they use `.` or `_` (`acheteur.id`, `acheteur_id`).
"""

import re
import shutil
from pathlib import Path

import duckdb

from spaser.decp.sources import ENCODING_BLOCK, Input, encoding_of
from spaser.errors import SpaserError


STAGED_TABLE = "tabular_staged"  # the importer creates it with the staged columns of JSON records

# Staged column → accepted source column names, compared after folding case, `.` and `_`.
SCALAR_ALIASES = {
    "buyer_raw": ("acheteur_id", "acheteur.id"),
    "id_raw": ("id",),
    "nature_raw": ("nature",),
    "objet": ("objet",),
    "cpv_raw": ("codeCPV",),
    "procedure_raw": ("procedure",),
    "place_code": ("lieuExecution_code", "lieuExecution.code"),
    "place_type_raw": ("lieuExecution_typeCode", "lieuExecution.typeCode"),
    "duration_raw": ("dureeMois",),
    "notification_raw": ("dateNotification",),
    "publication_raw": ("datePublicationDonnees",),
    "execution_start_raw": ("dateDebutExecution",),
    "amount_raw": ("montant",),
    "subsidy_raw": ("montantSubventionPublique",),
    "price_form_raw": ("formePrix",),
    "framework_id": ("idAccordCadre",),
    "innovative_raw": ("marcheInnovant",),
    "ccag_raw": ("ccag",),
    "offers_raw": ("offresRecues",),
    "advance_raw": ("attributionAvance",),
    "advance_rate_raw": ("tauxAvance",),
    "grouping_raw": ("typeGroupementOperateurs",),
    "subcontracting_declared_raw": ("sousTraitanceDeclaree",),
    "origin_eu_raw": ("origineUE",),
    "origin_france_raw": ("origineFrance",),
    "state": ("modification_id",),
}
LABEL_ALIASES = {
    "price_types_raw": ("typesPrix", "typePrix"),
    "techniques_raw": ("techniques", "technique"),
    "execution_modes_raw": ("modalitesExecution", "modaliteExecution"),
    "social_raw": ("considerationsSociales",),
    "environmental_raw": ("considerationsEnvironnementales",),
}
# The columns without which a row cannot be tied to a contract (the importer stops, naming the missing ones).
IDENTITY_COLUMNS = (SCALAR_ALIASES["buyer_raw"], SCALAR_ALIASES["id_raw"])
# (id column, type column) of each awardee slot.
AWARDEE_SLOTS = (
    ("titulaire_id", "titulaire_typeIdentifiant"),
    ("titulaire_id_1", "titulaire_typeIdentifiant_1"),
    ("titulaire_id_2", "titulaire_typeIdentifiant_2"),
    ("titulaire_id_3", "titulaire_typeIdentifiant_3"),
    ("titulaires_id", "titulaires_typeIdentifianttype_identifiant"),
)
MODIFICATION_ALIASES = {
    "id": ("idModification",),
    "notification": ("dateNotificationModificationModification", "dateNotificationModification"),
    "publication": ("datePublicationDonneesModificationModification", "datePublicationDonneesModification"),
    "amount": ("montantModification",),
    "duration": ("dureeMoisModification",),
}
SUBCONTRACT_ALIASES = {
    "id": ("idActeSousTraitance",),
    "subcontractor_id": ("idSousTraitant",),
    "subcontractor_type": ("typeIdentifiantSousTraitant",),
    "duration": ("dureeMoisActeSousTraitance",),
    "notification": ("dateNotificationActeSousTraitance",),
    "publication": ("datePublicationDonneesActeSousTraitance",),
    "amount": ("montantActeSousTraitance",),
    "price_variation": ("variationPrixActeSousTraitance",),
}


def _fold(name: str) -> str:
    return name.lower().replace(".", "").replace("_", "").strip()


def stage(connection: duckdb.DuckDBPyConnection, source: Input, kind: str, file_index: int, work: Path) -> str:
    """Replace the rows of `STAGED_TABLE` with the records of a tabular source; return the encoding read.

    A CSV that DuckDB cannot read as UTF-8 is read again converted from Windows-1252 when it has no UTF-8
    sequence at all (`sources.encoding_of`).
    """
    path = _plain_copy(source, work) if source.member or _is_gzip(source.path) else source.path
    try:
        _stage_rows(connection, source, _relation(path, kind), file_index)
        return "utf-8"
    except duckdb.Error as error:
        if kind == "parquet":
            raise SpaserError(
                f"{source.name} : fichier Parquet illisible (en-tête, pied de fichier ou pages corrompus)."
            ) from error
        if encoding_of(source) == "utf-8":
            raise _csv_error(source, error) from error
    try:
        _stage_rows(connection, source, _relation(_utf8_copy(path, work), kind), file_index)
    except duckdb.Error as error:
        raise _csv_error(source, error) from error
    return "windows-1252"


def _stage_rows(connection, source: Input, relation: str, file_index: int) -> None:
    columns = {_fold(name): name for name in _column_names(connection, relation)}
    missing = [names[0] for names in IDENTITY_COLUMNS if _column(columns, names) == "NULL"]
    if missing:
        raise SpaserError(
            f"{source.name} : fichier tabulaire non reconnu comme DECP : colonne(s) "
            f"{', '.join(f'« {name} »' for name in missing)} introuvable(s) dans l'en-tête ; sans elles un marché "
            f"ne peut pas être identifié (colonnes lues : {', '.join(list(columns.values())[:12])}"
            f"{'…' if len(columns) > 12 else ''}). Rien n'a été importé."
        )
    connection.execute(f"DELETE FROM {STAGED_TABLE}")
    connection.execute(f"INSERT INTO {STAGED_TABLE} BY NAME {_records_sql(relation, columns, file_index)}")


# What DuckDB's CSV errors mean, in the words of whoever opens the file in a spreadsheet.
_CSV_PROBLEMS = (
    ("maximum line size", "une ligne dépasse la taille maximale de 2 Mo (fichier sans fin de ligne ?)"),
    ("out of memory", "trop de colonnes ou de données sur une ligne pour la mémoire disponible"),
    ("quote", "guillemets non refermés"),
    ("unicode", "octets qui ne sont pas du texte UTF-8"),
    ("utf", "octets qui ne sont pas du texte UTF-8"),
)


def _csv_error(source: Input, error: duckdb.Error) -> SpaserError:
    # The engine quotes the offending line: its content must not be taken for the engine's words.
    message = "\n".join(line for line in str(error).splitlines() if not line.startswith("Original Line"))
    problem = next(
        (text for marker, text in _CSV_PROBLEMS if marker in message.lower()),
        "structure irrégulière (nombre de colonnes, séparateurs ou guillemets)",
    )
    line = re.search(r"\bline:?\s*(\d+)", message, re.IGNORECASE)
    where = f" (ligne {line.group(1)})" if line else ""
    return SpaserError(f"{source.name} : fichier CSV illisible{where} : {problem}. Rien n'a été importé.")


def _relation(path: Path, kind: str) -> str:
    if kind == "parquet":
        return f"read_parquet('{_escaped(path)}')"
    return (
        f"read_csv('{_escaped(path)}', all_varchar = true, header = true, delim = '{_delimiter(path)}', "
        "quote = '\"', escape = '\"', strict_mode = false, null_padding = true, encoding = 'utf-8')"
    )


def _utf8_copy(path: Path, work: Path) -> Path:
    """A Windows-1252 file converted to UTF-8 in the work folder, block by block."""
    target = work / f"utf8-{path.name}"
    with open(path, encoding="cp1252", errors="replace", newline="") as text, open(target, "wb") as out:
        while block := text.read(ENCODING_BLOCK):
            out.write(block.encode("utf-8"))
    return target


def _delimiter(path: Path) -> str:
    """The separator used most in the header line (the sniffer is misled by commas inside Python lists)."""
    with open(path, "rb") as handle:
        header = handle.readline().decode("utf-8", errors="replace")
    return max((";", "|", "\t", ","), key=header.count)


def _escaped(path: Path) -> str:
    return str(path).replace("'", "''")


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as raw:
        return raw.read(2) == b"\x1f\x8b"


def _plain_copy(source: Input, work: Path) -> Path:
    """DuckDB reads a path: decompress a gzip file or a zip member into the work folder first."""
    target = work / f"tabular-{abs(hash(source.name))}"
    with source.open() as stream, open(target, "wb") as out:
        shutil.copyfileobj(stream, out, 1 << 20)
    return target


def _column_names(connection, relation: str) -> list[str]:
    return [row[0] for row in connection.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]


def _column(columns: dict[str, str], aliases: tuple[str, ...]) -> str:
    for alias in aliases:
        if _fold(alias) in columns:
            return '"' + columns[_fold(alias)].replace('"', '""') + '"'
    return "NULL"


def _text(columns: dict[str, str], aliases: tuple[str, ...]) -> str:
    column = _column(columns, aliases)
    return "NULL::VARCHAR" if column == "NULL" else f"CAST({column} AS VARCHAR)"


def _struct(columns: dict[str, str], aliases: dict[str, tuple[str, ...]]) -> str:
    return "{" + ", ".join(f"'{name}': {_text(columns, names)}" for name, names in aliases.items()) + "}"


def _awardees(columns: dict[str, str]) -> str:
    """The row's awardees with their slot number: rows come in any order, slots then ids order the contract's."""
    slots = [
        f"{{'slot': {slot}, 'id': trim({_text(columns, (identifier,))}), 'type': trim({_text(columns, (kind,))})}}"
        for slot, (identifier, kind) in enumerate(AWARDEE_SLOTS)
        if _column(columns, (identifier,)) != "NULL"
    ]
    return f"list_filter([{', '.join(slots)}], lambda t: informed(t.id) IS NOT NULL)" if slots else "[]"


def _ranked(item: str) -> str:
    """The distinct values of a struct expression over a group, ordered by their numeric `id`, then their content:
    never by the order of the file's rows."""
    ranked = f"{{'rank': TRY_CAST(({item}).id AS DOUBLE), 'item': {item}}}"
    return (
        f"coalesce(list_transform(list_sort(list_distinct(list({ranked}) "
        f"FILTER (WHERE informed(({item}).id) IS NOT NULL))), lambda r: r.item), [])"
    )


def _records_sql(relation: str, columns: dict[str, str], file_index: int) -> str:
    """One record per (buyer, id, notification date, initial amount): lots of a reused id stay apart.

    Whatever the order of the rows, a contract gets the same record: conflicting values of a field among its rows
    resolve to the smallest, lists are sorted, and only `ordinal` (the first line, for error messages) follows the
    file.
    """
    scalars = ",\n".join(f"{_text(columns, names)} AS {name}" for name, names in SCALAR_ALIASES.items())
    labels = ",\n".join(f"text_labels({_text(columns, names)}) AS {name}" for name, names in LABEL_ALIASES.items())
    modification = _struct(columns, MODIFICATION_ALIASES)
    subcontract = _struct(columns, SUBCONTRACT_ALIASES)
    keep = ", ".join(f"min({name}) AS {name}" for name in (*SCALAR_ALIASES, *LABEL_ALIASES) if name != "state")
    # A state row read as a modification: its id, dates, amount and duration.
    state = (
        "{'id': state, 'notification': notification_raw, 'publication': publication_raw, 'amount': amount_raw, "
        "'duration': duration_raw}"
    )
    return f"""
WITH source_rows AS (
    SELECT row_number() OVER () AS line, {scalars}, {labels},
        {_awardees(columns)} AS row_awardees,
        {modification} AS row_modification,
        {subcontract} AS row_subcontract
    FROM {relation}
),
initial AS (SELECT * FROM source_rows WHERE coalesce(TRY_CAST(state AS DOUBLE), 0) = 0),
-- decp-processing writes a modification as a whole new state, dated with the modification's own dates.
states AS (
    SELECT buyer_raw, id_raw,
        {_ranked(state)} AS state_modifications
    FROM source_rows WHERE TRY_CAST(state AS DOUBLE) > 0
    GROUP BY ALL
),
grouped AS (
    SELECT min(line) AS ordinal, {keep},
        ordered_distinct(list_transform(list_sort(flatten(list(row_awardees))),
            lambda t: {{'id': t.id, 'type': t.type}})) AS awardees_raw,
        {_ranked("row_modification")} AS row_modifications,
        {_ranked("row_subcontract")} AS subcontracts_raw
    FROM initial
    GROUP BY buyer_raw, id_raw, notification_raw, amount_raw
)
SELECT 'marche' AS kind, {file_index} AS file_index, g.* EXCLUDE (row_modifications),
    list_transform(coalesce(s.state_modifications, []) || g.row_modifications, lambda m: {{
        'id': m.id, 'notification': m.notification, 'publication': m.publication, 'amount': m.amount,
        'duration': m.duration, 'awardees': []::STRUCT(id VARCHAR, type VARCHAR)[]}}) AS modifications_raw,
    0 AS subcontract_modifications
FROM grouped g
LEFT JOIN states s ON s.buyer_raw IS NOT DISTINCT FROM g.buyer_raw AND s.id_raw IS NOT DISTINCT FROM g.id_raw
"""
