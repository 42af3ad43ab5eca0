"""Inclusive structures: ESAT (FINESS), SIAE (Marché de l'inclusion), EA/EATT (ASP), GEIQ — one row per SIRET.

Each kind replaces only its own rows of `structures_inclusives` (column `source` = the kind). Rows with neither
SIRET nor SIREN (GEIQ antennas, ESAT not yet registered) and kinds outside the four families (SEP, OPCS) are left
out and counted.
"""

import codecs
import csv
import gzip
import io
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from spaser.reference.loading import Context, Incoming, Loaded, Table, fill_rows, header_table
from spaser.reference.sources import Probe, fold
from spaser.reference.versions import from_name


FAMILIES = {"EI": "SIAE", "AI": "SIAE", "ACI": "SIAE", "ETTI": "SIAE", "EITI": "SIAE", "GEIQ": "GEIQ"} | {
    "EA": "EA",
    "EATT": "EA",
    "ESAT": "ESAT",
}
# Kind labels and codes as the publishers write them, folded (see sources.fold).
TYPES = {
    "EI": ("ei", "entreprisedinsertion"),
    "AI": ("ai", "associationintermediaire"),
    "ACI": ("aci", "atelierchantierdinsertion", "atelieretchantierdinsertion"),
    "ETTI": ("etti", "entreprisedetravailtemporairedinsertion"),
    "EITI": ("eiti", "entreprisedinsertionparletravailindependant"),
    "GEIQ": ("geiq", "groupementdemployeurspourlinsertionetlaqualification"),
    # An EA in a prison (ASP's "en Milieu Pénitentiaire") is still an entreprise adaptée for purchases.
    "EA": (
        "ea",
        "entrepriseadaptee",
        "eamp",
        "entrepriseadapteeenmilieupenitentiaire",
        "entrepriseadapteeenetablissementpenitentiaire",
    ),
    "EATT": ("eatt", "entrepriseadapteetravailtemporaire", "entrepriseadapteedetravailtemporaire"),
    "ESAT": ("esat", "etablissementetservicedaideparletravail", "etablissementouservicedaideparletravail"),
}
# Known kinds that are not inclusive suppliers of the four families: prison work, clause facilitators.
OUT_OF_SCOPE = (
    "sep",
    "produitsetservicesrealisesenprison",
    "opcs",
    "organisationporteusedelaclausesociale",
)

FINESS_ESAT_CATEGORY = "246"
FINESS_FIELDS = 23  # up to the SIRET (index 22) of a `structureet` line


@dataclass(frozen=True)
class Columns:
    """Where a header-based list keeps the SIRET, the SIREN, the kind and the name (aliases, folded on match)."""

    siret: tuple[str, ...]
    nom: tuple[str, ...]
    type: tuple[str, ...] = ()
    siren: tuple[str, ...] = ()


ESAT_LIST = Columns(
    siret=("ET-SIRET", "et_siret"), nom=("ET-Raison sociale", "et_raison_sociale"), siren=("et_siren",)
)
SIAE_EXPORT = Columns(siret=("Siret",), nom=("Raison sociale",), type=("Type de structure",))
SIAE_FIELDS = Columns(siret=("siret",), nom=("name",), type=("kind",), siren=("siren",))
EA_CONTACTS = Columns(siret=("Siret_Signataire",), nom=("Denomination_Sociale_Signataire",), type=("LIB_TYPE_EA",))
GEIQ_EXPORT = Columns(siret=("SIRET",), nom=("Nom",))
GEIQ_LABELS = Columns(siret=("siret",), nom=("nom",), siren=("siren",))


# --- loaders --------------------------------------------------------------------------------------------------------


def load_esat_list(ctx: Context) -> Loaded:
    return _load_header_list(ctx, "finess-esat", ESAT_LIST, constant_type="ESAT")


def load_finess_extract(ctx: Context) -> Loaded:
    rows, positions, version = [], [], None
    for line, fields in _delimited_lines(ctx, ";"):
        if line == 1 and fields[:2] == ["finess", "etalab"]:
            version = fields[3] if len(fields) > 3 else None
        if fields[0] != "structureet":
            continue
        if len(fields) < FINESS_FIELDS:
            raise ctx.fail(f"ligne {line}", None, f"{len(fields)} champs au lieu d'au moins {FINESS_FIELDS}")
        if fields[18].strip() == FINESS_ESAT_CATEGORY:
            rows.append((fields[22], None, None, "ESAT", fields[4].strip() or fields[3], "finess-esat"))
            positions.append(f"ligne {line}")
    headers = {"siret": "siret (champ 23)", "siren": "siret (champ 23)", "type": "categetab (champ 19)"}
    loaded = _load_rows(ctx, "finess-esat", rows, positions, headers)
    loaded.version = from_name(version or "")
    return loaded


def load_siae_export(ctx: Context) -> Loaded:
    return _load_header_list(ctx, "siae", SIAE_EXPORT)


def load_siae_fields(ctx: Context) -> Loaded:
    return _load_header_list(ctx, "siae", SIAE_FIELDS)


def load_siae_json(ctx: Context) -> Loaded:
    rows, positions = [], []
    for index, entry in enumerate(_json_objects(ctx), start=1):
        rows.append(
            (_text(entry.get("siret")), None, None, _text(entry.get("kind")), _text(entry.get("name")), "siae")
        )
        positions.append(f"entrée n° {index}")
    return _load_rows(ctx, "siae", rows, positions, {"siret": "siret", "siren": "siret", "type": "kind"})


def load_ea_flux(ctx: Context) -> Loaded:
    """The ASP "flux EA2": `L|ASP|EA|…` line, a header line, `ITOU|…` rows, a `Z|ASP|EA|…` footer."""
    lines = _delimited_lines(ctx, "|", quoting=csv.QUOTE_NONE)
    _line, opening = next(lines)
    columns: list[str] = []
    rows, positions, ended = [], [], False
    for line, fields in lines:
        if fields[:3] == ["Z", "ASP", "EA"]:
            ended = True
            break
        values = [value.strip() for value in fields[1:]]
        if not columns:
            columns = values
            continue
        if len(values) != len(columns):
            raise ctx.fail(f"ligne {line}", None, f"{len(values)} champs au lieu de {len(columns)}")
        record = dict(zip(columns, values, strict=True))
        siret = record.get("Siret de l'établissement membre") or record.get("Siret Signataire")
        rows.append((siret, None, None, record.get("Type d'entreprise adaptée"), _ea_name(record), "ea"))
        positions.append(f"ligne {line}")
    if not ended:
        raise ctx.fail("fin du fichier", None, "pied « Z|ASP|EA| » absent, le fichier est tronqué")
    headers = {
        "siret": "Siret de l'établissement membre",
        "siren": "Siret de l'établissement membre",
        "type": "Type d'entreprise adaptée",
    }
    loaded = _load_rows(ctx, "ea", rows, positions, headers)
    loaded.version = from_name(opening[4]) if len(opening) > 4 else None
    return loaded


def load_ea_contacts(ctx: Context) -> Loaded:
    return _load_header_list(ctx, "ea", EA_CONTACTS)


def load_geiq_export(ctx: Context) -> Loaded:
    return _load_header_list(ctx, "geiq", GEIQ_EXPORT, constant_type="GEIQ")


def load_geiq_labels(ctx: Context) -> Loaded:
    return _load_header_list(ctx, "geiq", GEIQ_LABELS, constant_type="GEIQ")


def load_geiq_json(ctx: Context) -> Loaded:
    """The GEIQ label API: `{id, nom, siret, cp, ville, antennes: [{id, nom, siret, …}]}` per GEIQ."""
    rows, positions = [], []
    for index, entry in enumerate(_json_objects(ctx), start=1):
        rows.append((_text(entry.get("siret")), None, None, "GEIQ", _text(entry.get("nom")), "geiq"))
        positions.append(f"entrée n° {index}")
        for number, antenna in enumerate(entry.get("antennes") or [], start=1):
            antenna = antenna if isinstance(antenna, dict) else {}
            rows.append((_text(antenna.get("siret")), None, None, "GEIQ", _text(antenna.get("nom")), "geiq"))
            positions.append(f"entrée n° {index}, antenne n° {number}")
    return _load_rows(ctx, "geiq", rows, positions, {"siret": "siret", "siren": "siret", "type": "type"})


# --- shared steps ---------------------------------------------------------------------------------------------------


def _load_header_list(ctx: Context, source: str, columns: Columns, constant_type: str | None = None) -> Loaded:
    with header_table(ctx) as table:
        kind = f"'{constant_type}'" if constant_type else table.column(*columns.type)
        incoming = Incoming(ctx, "structures_inclusives", table.position)
        incoming.fill(
            f"SELECT {table.column(*columns.siret)}, {table.column(*columns.siren, required=False)}, NULL, "
            f"{kind}, {table.column(*columns.nom)}, '{source}' FROM {table.sql}"
        )
    headers = {
        "siret": _header(table, columns.siret),
        "siren": _header(table, columns.siren or columns.siret),
        "type": _header(table, columns.type) if columns.type else "type",
    }
    return _finish(incoming, source, headers)


def _load_rows(ctx: Context, source: str, rows: list[tuple], positions: list[str], headers: dict) -> Loaded:
    incoming = Incoming(ctx, "structures_inclusives", lambda rowid: positions[rowid])
    fill_rows(incoming, rows)
    return _finish(incoming, source, headers)


def _finish(incoming: Incoming, source: str, headers: dict[str, str]) -> Loaded:
    connection, loaded = incoming.ctx.connection, Loaded(0)
    connection.execute(
        f"UPDATE {incoming.name} SET siret = ref_id(siret, 14), siren = ref_id(siren, 9), nom = ref_text(nom), "
        f"type = {_type_sql('type')}"
    )
    incoming.check_identifier("siret", "siret", headers["siret"], loaded)
    incoming.check_identifier("siren", "siren", headers["siren"], loaded)
    incoming.drop("type = '?'", "type hors champ (SEP, OPCS)", loaded)
    incoming.reject(
        "type LIKE '!%'",
        "substr(type, 2)",
        headers["type"],
        loaded,
        lambda value: f"type de structure « {value} » inconnu (attendu : {', '.join(FAMILIES)})",
    )
    connection.execute(
        f"UPDATE {incoming.name} SET famille = {_family_sql('type')}, siren = coalesce(siren, substr(siret, 1, 9))"
    )
    # A row with a SIREN but no SIRET stays: the whole legal unit is then the inclusive structure.
    incoming.drop("siret IS NULL AND siren IS NULL", "sans SIRET ni SIREN", loaded)
    incoming.keep_first("coalesce(siret, siren), type", "SIRET en double", loaded)
    loaded.rows = incoming.replace_source(source)
    return loaded


def _type_sql(column: str) -> str:
    """The canonical type of a raw kind; '?' for a kind outside the families, '!<raw>' for an unknown one."""
    folded = f"regexp_replace(lower(strip_accents(trim({column}))), '[^a-z0-9]', '', 'g')"
    # "Entreprise d'insertion (EI)": the code in parentheses.
    code = f"lower(regexp_extract({column}, '\\(([A-Za-z]+)\\)\\s*$', 1))"
    whens = " ".join(
        f"WHEN {key} IN ({_list(labels)}) THEN '{kind}'" for kind, labels in TYPES.items() for key in (folded, code)
    )
    out = f"WHEN {folded} IN ({_list(OUT_OF_SCOPE)}) OR {code} IN ({_list(OUT_OF_SCOPE)}) THEN '?'"
    return f"CASE WHEN ref_text({column}) IS NULL THEN NULL {whens} {out} ELSE '!' || trim({column}) END"


def _family_sql(column: str) -> str:
    return (
        "CASE " + " ".join(f"WHEN {column} = '{kind}' THEN '{family}'" for kind, family in FAMILIES.items()) + " END"
    )


def _list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _header(table: Table, aliases: tuple[str, ...]) -> str:
    return table.header_of(*aliases) or aliases[0]


def _text(value: object) -> str | None:
    return None if value is None else str(value).strip() or None


def _ea_name(record: dict) -> str | None:
    return record.get("Dénomination / raison sociale") or record.get("Dénomination / raison sociale Signataire")


def _json_objects(ctx: Context) -> list[dict]:
    document = ctx.source.document
    if isinstance(document, dict):
        document = document.get("results", document.get("data"))
    if not isinstance(document, list):
        raise ctx.fail("entrée n° 1", None, "une liste JSON d'objets est attendue")
    for index, entry in enumerate(document, start=1):
        if not isinstance(entry, dict):
            raise ctx.fail(f"entrée n° {index}", None, "objet JSON attendu")
    return document


def _delimited_lines(ctx: Context, delimiter: str, quoting: int = csv.QUOTE_MINIMAL) -> Iterator[tuple[int, list]]:
    """Fields of each line of a text file (plain, gzip or zipped), with the line number; UTF-8, else Latin-1."""
    with _open_bytes(ctx.source) as stream:
        decoded = (_decode(raw) for raw in stream)
        reader = csv.reader(decoded, delimiter=delimiter, quoting=quoting)
        try:
            for fields in reader:
                if fields:
                    yield reader.line_num, fields
        except csv.Error as error:
            raise ctx.fail(f"ligne {reader.line_num}", None, f"ligne mal formée ({error})") from error


def _decode(raw: bytes) -> str:
    # FINESS publishes in ISO-8859-1; re-saved copies are often UTF-8: each line says which it is.
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


@contextmanager
def _open_bytes(source: Probe) -> Iterator[io.BufferedIOBase]:
    """The bytes of a probed text file, decompressed (gzip) or taken from its zip member."""
    with ExitStack() as stack:
        if source.member:
            archive = stack.enter_context(zipfile.ZipFile(source.path))
            yield stack.enter_context(archive.open(source.member))
        elif source.compression == "gzip":
            yield stack.enter_context(gzip.open(source.path, "rb"))
        else:
            yield stack.enter_context(open(source.path, "rb"))


def is_finess_extract(source: Probe) -> bool:
    return source.form == "csv" and bool(source.lines) and source.lines[0].startswith("finess;")


def is_ea_flux(source: Probe) -> bool:
    return source.form == "csv" and bool(source.lines) and source.lines[0].startswith("L|ASP|EA|")


def json_keys(source: Probe) -> set[str]:
    """Keys of the first object of a JSON list (or of its `results`), folded."""
    document = source.document
    if isinstance(document, dict):
        document = document.get("results", document.get("data"))
    if not isinstance(document, list) or not document or not isinstance(document[0], dict):
        return set()
    return {fold(key) for key in document[0]}
