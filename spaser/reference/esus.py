"""The DG Trésor list of ESUS agréments (entreprises solidaires d'utilité sociale), one row per SIREN.

The published xlsx has its header somewhere in the first rows, with a `SIREN` column (cell B1 in the copies read by
the Marché de l'inclusion); the name and the date of the agrément are kept when a column says so. The older CSV
export has a `numero_siren` column.
"""

import re
from datetime import date

from spaser.reference.loading import Context, Incoming, Loaded, fetch_records, fill_rows, header_table
from spaser.reference.sources import Probe, fold, xlsx_rows


HEADER_SEARCH_ROWS = 10
SIREN_HEADERS = ("siren", "numerosiren", "numero_siren", "n° SIREN")
NAME_HEADERS = ("raison sociale", "dénomination", "dénomination sociale", "nom", "nom de la structure", "structure")


def load_esus(ctx: Context) -> Loaded:
    records, positions, names = _xlsx_records(ctx) if ctx.source.form == "xlsx" else _csv_records(ctx)
    rows = [
        (record["siren"], record["nom"], _date(ctx, position, names["date"], record["date"]))
        for position, record in zip(positions, records, strict=True)
    ]
    incoming = Incoming(ctx, "esus", lambda rowid: positions[rowid])
    fill_rows(incoming, rows)
    loaded = Loaded(0)
    ctx.connection.execute(f"UPDATE {incoming.name} SET siren = ref_id(siren, 9), nom = ref_text(nom)")
    incoming.check_identifier("siren", "siren", names["siren"], loaded)
    incoming.drop("siren IS NULL", "sans SIREN", loaded)
    incoming.keep_first("siren", "SIREN en double", loaded)
    loaded.rows = incoming.replace_all()
    return loaded


def header_row(source: Probe) -> int | None:
    """Index (in the probed rows) of the first row with a SIREN column, among the first rows of the sheet."""
    folded = {fold(name) for name in SIREN_HEADERS}
    for index, row in enumerate(source.sheet_rows[:HEADER_SEARCH_ROWS]):
        if any(cell is not None and fold(cell) in folded for cell in row):
            return index
    return None


def _xlsx_records(ctx: Context) -> tuple[list[dict], list[str], dict[str, str]]:
    rows = list(xlsx_rows(ctx.source.path))
    header_number, header = rows[header_row(ctx.source)]
    columns = {"siren": _find(header, SIREN_HEADERS), "nom": _find(header, NAME_HEADERS), "date": _date_column(header)}
    records, positions = [], []
    for number, cells in rows:
        if number <= header_number or not any(cell is not None for cell in cells):
            continue
        records.append(
            {key: cells[index] if index is not None and index < len(cells) else None for key, index in columns.items()}
        )
        positions.append(f"ligne {number}")
    names = {key: header[index] if index is not None else key for key, index in columns.items()}
    return records, positions, names


def _csv_records(ctx: Context) -> tuple[list[dict], list[str], dict[str, str]]:
    header = ctx.source.header
    date_index = _date_column(header)
    date_aliases = (header[date_index],) if date_index is not None else ("date_agrement",)
    aliases = {"siren": SIREN_HEADERS, "nom": NAME_HEADERS, "date": date_aliases}
    with header_table(ctx) as table:
        records = fetch_records(ctx, table, aliases)
        positions = [table.position(rowid) for rowid in range(len(records))]
        names = {key: table.header_of(*names) or names[0] for key, names in aliases.items()}
    return records, positions, names


def _find(header: list, aliases: tuple[str, ...]) -> int | None:
    wanted = [fold(alias) for alias in aliases]
    folded = [fold(cell) if cell is not None else "" for cell in header]
    return next((folded.index(alias) for alias in wanted if alias in folded), None)


def _date_column(header: list) -> int | None:
    """The column of the agrément's date: a header with "date", preferably also "agrément"."""
    folded = [fold(cell) if cell is not None else "" for cell in header]
    dated = [index for index, name in enumerate(folded) if "date" in name]
    return next((index for index in dated if "agrement" in folded[index]), dated[0] if dated else None)


def _date(ctx: Context, position: str, column: str, value: str | None) -> str | None:
    """ISO date from `2024-03-15`, `2024-03-15T00:00:00` or `15/03/2024`; an unreadable date is an error."""
    if value is None:
        return None
    text = value.strip()
    iso = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    french = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    parts = iso.groups() if iso else (french.group(3), french.group(2), french.group(1)) if french else None
    try:
        return date(*(int(part) for part in parts)).isoformat() if parts else _bad_date(ctx, position, column, text)
    except ValueError:
        return _bad_date(ctx, position, column, text)


def _bad_date(ctx: Context, position: str, column: str, text: str) -> None:
    raise ctx.fail(position, column, f"date « {text} » illisible (JJ/MM/AAAA ou AAAA-MM-JJ attendu)")
