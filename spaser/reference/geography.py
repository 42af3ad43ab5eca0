"""Official geography (COG): régions, départements, communes, EPCI and their members, with populations.

Read from the `@etalab/decoupage-administratif` JSON files (regions.json, departements.json, communes.json,
epci.json) or from their flat CSV copies (`cog2026_*.csv`). These files are small: parsed in Python.

`communes` has one row per code: communes actuelles, arrondissements municipaux (Paris, Lyon, Marseille) and the
former communes (déléguées, associées) whose code is not also a commune actuelle's. Arrondissements and former
communes are linked to their commune actuelle in `communes_parents`; they get its EPCI. Populations are
populations municipales; a département's or région's is the sum over its communes actuelles, so sums over
`communes` must leave out the rows of `communes_parents`.
"""

import json
import re
from pathlib import Path

from spaser.reference.loading import Context, Incoming, Loaded, fetch_records, fill_rows, header_table


COMMUNE_TYPES = {
    "commune-actuelle": "COM",
    "commune-deleguee": "COMD",
    "commune-associee": "COMA",
    "arrondissement-municipal": "ARM",
    "COM": "COM",
    "COMD": "COMD",
    "COMA": "COMA",
    "ARM": "ARM",
}
# `@etalab/decoupage-administratif` N.x.y holds the COG of 2020 + N (6.0.0 = COG 2026, 5.3.0 = COG 2025…).
PACKAGE_NAME = "decoupage-administratif"
CODE_PATTERNS = {
    "commune": (r"[0-9]{5}|2[AB][0-9]{3}", 5),
    "departement": (r"[0-9]{2,3}|2[AB]", 2),
    "region": (r"[0-9]{2,3}", 2),  # 975, 977…: collectivités d'outre-mer
}


class Records:
    """Records of a geography file as dicts with their position; values checked with the file's own names."""

    def __init__(self, ctx: Context, records: list[dict], positions: list[str], names: dict[str, str]):
        self.ctx, self.records, self.positions, self.names = ctx, records, positions, names

    def __iter__(self):
        return iter(zip(self.positions, self.records, strict=True))

    def text(self, position: str, record: dict, key: str, required: bool = True) -> str | None:
        value = record.get(key)
        text = None if value is None else str(value).strip() or None
        if text is None and required:
            raise self.ctx.fail(position, self.names.get(key, key), "valeur absente")
        return text

    def code(self, position: str, record: dict, key: str, kind: str, required: bool = True) -> str | None:
        """A COG code; a code that lost its leading zero (`1001`, `1`) gets it back."""
        text = self.text(position, record, key, required)
        if text is None:
            return None
        pattern, length = CODE_PATTERNS[kind]
        padded = text.zfill(length) if text.isdigit() else text
        if not re.fullmatch(pattern, padded):
            raise self.ctx.fail(position, self.names.get(key, key), f"code « {text} » invalide")
        return padded

    def population(self, position: str, record: dict, key: str) -> int | None:
        value = record.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            number = -1
        if number < 0:
            raise self.ctx.fail(position, self.names.get(key, key), f"population « {value} » invalide")
        return number


def _json_records(ctx: Context) -> tuple[list[dict], list[str]]:
    document = ctx.source.document
    if not isinstance(document, list):
        raise ctx.fail("entrée n° 1", None, "une liste JSON d'objets est attendue")
    for index, entry in enumerate(document, start=1):
        if not isinstance(entry, dict):
            raise ctx.fail(f"entrée n° {index}", None, "objet JSON attendu")
    return document, [f"entrée n° {index}" for index in range(1, len(document) + 1)]


def _records(ctx: Context, fields: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]) -> Records:
    """Each record as a dict of `fields`' keys; a key is read from the first present of its JSON fields or of its
    CSV columns: `{key: (json fields, csv columns)}`."""
    if ctx.source.form == "json":
        entries, positions = _json_records(ctx)
        records = [
            {key: next((entry[name] for name in json if name in entry), None) for key, (json, _csv) in fields.items()}
            for entry in entries
        ]
        names = {key: "/".join(json) or key for key, (json, _csv) in fields.items()}
        return Records(ctx, records, positions, names)
    columns = {key: csv for key, (_json, csv) in fields.items()}
    with header_table(ctx) as table:
        records = fetch_records(ctx, table, columns)
        names = {key: table.header_of(*aliases) or (aliases or (key,))[0] for key, aliases in columns.items()}
    return Records(ctx, records, [table.position(rowid) for rowid in range(len(records))], names)


def cog_version(path: Path) -> str | None:
    """The COG year of a file of the npm package: from a `decoupage-administratif-X.Y.Z` in its name or its folders'
    (as `spaser reference download` names them), or from the package's `package.json` above it."""
    resolved = path.resolve()
    for place in [resolved, *list(resolved.parents)[:3]]:
        match = re.search(rf"{PACKAGE_NAME}[-_@](\d+)\.\d+\.\d+", place.name)
        major = match.group(1) if match else _package_major(place / "package.json")
        if major:
            return str(2020 + int(major))
    return None


def _package_major(manifest: Path) -> str | None:
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = str(data.get("version", "")) if isinstance(data, dict) else ""
    if PACKAGE_NAME not in str(data.get("name", "")) or not re.match(r"\d+\.", version):
        return None
    return version.split(".")[0]


# --- régions and départements ---------------------------------------------------------------------------------------


def load_regions(ctx: Context) -> Loaded:
    records = _records(
        ctx,
        {"code": (("code",), ("code",)), "nom": (("nom",), ("nom",)), "population": ((), ("population_municipale",))},
    )
    rows = [
        (
            records.code(position, record, "code", "region"),
            records.text(position, record, "nom"),
            records.population(position, record, "population"),
        )
        for position, record in records
    ]
    return _replace(ctx, "regions", rows, records.positions, "code")


def load_departements(ctx: Context) -> Loaded:
    records = _records(
        ctx,
        {
            "code": (("code",), ("code",)),
            "nom": (("nom",), ("nom",)),
            "region": (("region",), ("region",)),
            "population": ((), ("population_municipale",)),
        },
    )
    rows = [
        (
            records.code(position, record, "code", "departement"),
            records.text(position, record, "nom"),
            records.code(position, record, "region", "region"),
            records.population(position, record, "population"),
        )
        for position, record in records
    ]
    return _replace(ctx, "departements", rows, records.positions, "code")


def _replace(ctx: Context, table: str, rows: list[tuple], positions: list[str], key: str) -> Loaded:
    incoming = Incoming(ctx, table, lambda rowid: positions[rowid])
    fill_rows(incoming, rows)
    loaded = Loaded(0, version=cog_version(ctx.source.path))
    incoming.reject(
        f"rowid IN (SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY {key} ORDER BY rowid) AS n "
        f"FROM {incoming.name}) WHERE n > 1)",
        key,
        key,
        loaded,
        lambda code: f"code « {code} » en double",
    )
    loaded.rows = incoming.replace_all()
    refresh_geography(ctx.connection)
    return loaded


# --- communes -------------------------------------------------------------------------------------------------------


def load_communes(ctx: Context) -> Loaded:
    records = _records(
        ctx,
        {
            "code": (("code",), ("code_insee",)),
            "type": (("type",), ("type",)),
            "nom": (("nom",), ("nom",)),
            "departement": (("departement",), ("departement",)),
            "region": (("region",), ("region",)),
            # An arrondissement names its `commune`, a former commune its `chefLieu`.
            "parent": (("commune", "chefLieu"), ("commune_parent",)),
            "population": (("population",), ("population_municipale",)),
            "epci_siren": ((), ("epci_siren",)),
        },
    )
    typed = [(position, record, _commune_type(records, position, record)) for position, record in records]
    actual = {records.code(p, r, "code", "commune") for p, r, kind in typed if kind == "COM"}
    loaded = Loaded(0, version=cog_version(ctx.source.path))
    communes, parents, positions = [], [], []
    for position, record, kind in typed:
        code = records.code(position, record, "code", "commune")
        if kind != "COM" and code in actual:
            # A commune nouvelle keeps the code of one of its communes déléguées: the commune actuelle wins.
            loaded.add_skipped("commune déléguée ou associée au code d'une commune actuelle", 1, position)
            continue
        if kind != "COM":
            parents.append((code, records.code(position, record, "parent", "commune")))
        population = None if kind in ("COMD", "COMA") else records.population(position, record, "population")
        communes.append(
            (
                code,
                records.text(position, record, "nom"),
                records.code(position, record, "departement", "departement"),
                records.code(position, record, "region", "region"),
                record.get("epci_siren") or None,
                population,
            )
        )
        positions.append(position)
    incoming = Incoming(ctx, "communes", lambda rowid: positions[rowid])
    fill_rows(incoming, communes)
    incoming.check_identifier("epci_siren", "siren", records.names.get("epci_siren", "epci_siren"), loaded)
    incoming.keep_first("code_insee", "code en double", loaded)
    links = Incoming(ctx, "communes_parents", lambda rowid: "")
    fill_rows(links, parents)
    loaded.rows = incoming.replace_all()
    links.replace_all()
    refresh_geography(ctx.connection)
    return loaded


def _commune_type(records: Records, position: str, record: dict) -> str:
    raw = records.text(position, record, "type")
    if raw not in COMMUNE_TYPES:
        raise records.ctx.fail(position, records.names.get("type", "type"), f"type de commune « {raw} » inconnu")
    return COMMUNE_TYPES[raw]


# --- EPCI -----------------------------------------------------------------------------------------------------------


def load_epci(ctx: Context) -> Loaded:
    """epci.json (groupements and their members), cog2026_epci.csv (groupements) or cog2026_epci_membres.csv."""
    if ctx.source.form == "csv" and ctx.source.has_columns("groupement_siren", "commune_code_insee"):
        return _load_epci_members_csv(ctx)
    records = _records(
        ctx,
        {
            "siren": (("code",), ("siren",)),
            "nom": (("nom",), ("nom",)),
            "type": (("type",), ("type",)),
            "population": (("populationMunicipale",), ("population_municipale",)),
            "membres": (("membres",), ()),
        },
    )
    groups, members, member_positions = [], [], []
    for position, record in records:
        siren = records.text(position, record, "siren")
        groups.append(
            (
                siren,
                records.text(position, record, "nom"),
                records.text(position, record, "type"),
                records.population(position, record, "population"),
            )
        )
        for index, member in enumerate(record.get("membres") or [], start=1):
            where = f"{position}, membre n° {index}"
            code = records.code(where, member if isinstance(member, dict) else {}, "code", "commune")
            members.append((siren, code))
            member_positions.append(where)
    loaded = Loaded(0, version=cog_version(ctx.source.path))
    incoming = Incoming(ctx, "epci", lambda rowid: records.positions[rowid])
    fill_rows(incoming, groups)
    incoming.check_identifier("siren", "siren", records.names.get("siren", "siren"), loaded)
    incoming.keep_first("siren", "EPCI en double", loaded)
    loaded.rows = incoming.replace_all()
    if ctx.source.form == "json":
        _replace_members(ctx, members, member_positions, loaded)
    refresh_geography(ctx.connection)
    return loaded


def _load_epci_members_csv(ctx: Context) -> Loaded:
    records = _records(ctx, {"epci_siren": ((), ("groupement_siren",)), "code": ((), ("commune_code_insee",))})
    rows = [
        (records.text(position, record, "epci_siren"), records.code(position, record, "code", "commune"))
        for position, record in records
    ]
    loaded = Loaded(0, version=cog_version(ctx.source.path), table="epci_membres")
    loaded.rows = _replace_members(ctx, rows, records.positions, loaded)
    refresh_geography(ctx.connection)
    return loaded


def _replace_members(ctx: Context, rows: list[tuple], positions: list[str], loaded: Loaded) -> int:
    incoming = Incoming(ctx, "epci_membres", lambda rowid: positions[rowid])
    fill_rows(incoming, rows)
    incoming.check_identifier("epci_siren", "siren", "siren", loaded)
    incoming.keep_first("epci_siren, code_insee", "membre en double", loaded)
    return incoming.replace_all()


# --- links between the tables ---------------------------------------------------------------------------------------


def refresh_geography(connection) -> None:
    """Recompute what one geography table derives from another, whichever was loaded last."""
    # The EPCI à fiscalité propre of each commune (an EPT of the Grand Paris is not one), through its commune
    # actuelle for arrondissements and former communes.
    connection.execute(
        """
        CREATE OR REPLACE TEMP TABLE commune_epci AS
        SELECT c.code_insee, arg_min(m.epci_siren, coalesce(e.type = 'EPT', false)) AS epci_siren
        FROM communes c
        LEFT JOIN communes_parents p ON p.code_insee = c.code_insee
        JOIN epci_membres m ON m.code_insee = coalesce(p.parent, c.code_insee)
        LEFT JOIN epci e ON e.siren = m.epci_siren
        GROUP BY c.code_insee
        """
    )
    if connection.execute("SELECT count(*) FROM epci_membres").fetchone()[0]:
        connection.execute(
            "UPDATE communes SET epci_siren = (SELECT ce.epci_siren FROM commune_epci ce "
            "WHERE ce.code_insee = communes.code_insee)"
        )
    connection.execute(
        """
        UPDATE communes SET epci_siren = parent_row.epci_siren
        FROM communes_parents p JOIN communes parent_row ON parent_row.code_insee = p.parent
        WHERE p.code_insee = communes.code_insee AND communes.epci_siren IS NULL
        """
    )
    for table, column in (("departements", "departement"), ("regions", "region")):
        connection.execute(
            f"""
            UPDATE {table} SET population = totals.population
            FROM (
                SELECT c.{column} AS code, sum(c.population) AS population
                FROM communes c
                WHERE c.code_insee NOT IN (SELECT code_insee FROM communes_parents)
                GROUP BY c.{column}
            ) totals
            WHERE totals.code = {table}.code
            """
        )
