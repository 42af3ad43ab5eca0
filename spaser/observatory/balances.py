"""DGFiP « balances comptables des collectivités et des établissements publics locaux »: a spend figure per SIREN
and year, kept as `<store>/balances.parquet` for the obligation register (see docs/decisions.md for the accounts).

Only the columns used are read: `exer` (year, or a date whose year counts), `siren`, `compte`, `obnetdeb` and
`obnetcre` (net debit and credit budget operations); the net expense of an account is `obnetdeb - obnetcre`.
"""

import csv
import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb

from spaser.analytics.files import sql_path


FILE_NAME = "balances.parquet"
REQUIRED_COLUMNS = ("exer", "siren", "compte", "obnetdeb", "obnetcre")
# Purchases (60 but not 603, stock variation), external services (61, 62), fixed assets (20 but not 204,
# equipment subsidies paid; 21; 23).
COUNTED_PREFIXES = ("60", "61", "62", "20", "21", "23")
EXCLUDED_PREFIXES = ("603", "204")


class BalancesError(ValueError):
    pass


def file_path(store: Path) -> Path:
    return store / FILE_NAME


def is_counted(account: str) -> bool:
    return account.startswith(COUNTED_PREFIXES) and not account.startswith(EXCLUDED_PREFIXES)


def load_balances(source: Path, store: Path) -> int:
    """Read `source`, sum the counted accounts per SIREN and year into the store; the number of (SIREN, year).

    Every line is checked before anything is written: one bad line leaves the previous file in place.
    """
    totals = _read_totals(source)
    target = file_path(store)
    work = target.with_suffix(".parquet.tmp")
    connection = duckdb.connect()
    try:
        connection.execute("CREATE TABLE balances (siren VARCHAR, annee INTEGER, montant_depenses DOUBLE)")
        connection.executemany(
            "INSERT INTO balances VALUES (?, ?, ?)", [(s, y, float(v)) for (s, y), v in sorted(totals.items())]
        )
        connection.execute(f"COPY balances TO '{sql_path(work)}' (FORMAT PARQUET)")
    finally:
        connection.close()
    os.replace(work, target)
    return len(totals)


def _read_totals(source: Path) -> dict[tuple[str, int], Decimal]:
    with source.open(encoding="utf-8-sig", newline="") as handle:
        sample = handle.readline()
        handle.seek(0)
        reader = csv.DictReader(handle, delimiter=";" if sample.count(";") > sample.count(",") else ",")
        columns = [name.strip().lower() for name in reader.fieldnames or ()]
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            raise BalancesError(f"{source.name} : colonne(s) manquante(s) : {', '.join(missing)}.")
        reader.fieldnames = columns
        totals: dict[tuple[str, int], Decimal] = {}
        errors = []
        for line, row in enumerate(reader, start=2):
            try:
                key, amount = _parse(row)
            except BalancesError as error:
                errors.append(f"{source.name}, ligne {line} : {error}")
                continue
            if amount is not None:
                totals[key] = totals.get(key, Decimal(0)) + amount
    if errors:
        raise BalancesError("\n".join(errors))
    return totals


def _parse(row: dict[str, str]) -> tuple[tuple[str, int], Decimal | None]:
    siren = (row["siren"] or "").strip()
    if len(siren) != 9 or not siren.isdigit():
        raise BalancesError(f"champ « siren » : « {siren} » n'est pas un SIREN (9 chiffres)")
    year_text = (row["exer"] or "").strip()[:4]
    if not year_text.isdigit() or not 1990 <= int(year_text) <= 2100:
        raise BalancesError(f"champ « exer » : « {row['exer']} » n'est pas une année")
    account = (row["compte"] or "").strip()
    if not account.isdigit():
        raise BalancesError(f"champ « compte » : « {account} » n'est pas un numéro de compte")
    debit, credit = _amount(row, "obnetdeb"), _amount(row, "obnetcre")
    return (siren, int(year_text)), (debit - credit if is_counted(account) else None)


def _amount(row: dict[str, str], field: str) -> Decimal:
    text = (row[field] or "").strip().replace(" ", "").replace(",", ".")
    try:
        value = Decimal(text or "0")
    except InvalidOperation:
        raise BalancesError(f"champ « {field} » : « {row[field]} » n'est pas un montant") from None
    if not value.is_finite():
        raise BalancesError(f"champ « {field} » : « {row[field]} » n'est pas un montant")
    return value
