"""Helpers of the DECP importer tests: build small DECP files, read the store back, check the accounting."""

import copy
import hashlib
from pathlib import Path

import orjson

from spaser.decp import store as stores
from spaser.decp.importer import ImportReport


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "decp"
STATUSES = ("new", "replaced", "duplicate", "rejected")
BUYER = "21310555400017"
AWARDEE = "81450962600036"
OTHER_AWARDEE = "88013574400055"

_MARCHE_2022 = {
    "id": "2024-TEST-001",
    "acheteur": {"id": BUYER},
    "nature": "Marché",
    "objet": "Réfection de la voirie communale – lot 1",
    "codeCPV": "45233140",
    "techniques": {"technique": ["Sans objet"]},
    "modalitesExecution": {"modaliteExecution": ["Sans objet"]},
    "marcheInnovant": False,
    "ccag": "Travaux",
    "offresRecues": 3,
    "attributionAvance": False,
    "tauxAvance": 0.0,
    "typeGroupementOperateurs": "Pas de groupement",
    "sousTraitanceDeclaree": False,
    "procedure": "Procédure adaptée",
    "lieuExecution": {"code": "31555", "typeCode": "Code commune"},
    "dureeMois": 12,
    "dateNotification": "2024-03-18",
    "datePublicationDonnees": "2024-04-02",
    "montant": 125000.0,
    "typesPrix": {"typePrix": ["Définitif ferme"]},
    "formePrix": "Forfaitaire",
    "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": AWARDEE}}],
    "considerationsSociales": {"considerationSociale": ["Clause sociale"]},
    "considerationsEnvironnementales": {"considerationEnvironnementale": ["Pas de considération environnementale"]},
}

DROP = object()


def marche(**overrides) -> dict:
    """A valid format 2022 marché (schema 2.0.3 shape); an override set to `DROP` removes the field."""
    record = copy.deepcopy(_MARCHE_2022)
    for name, value in overrides.items():
        if value is DROP:
            record.pop(name, None)
        else:
            record[name] = value
    return record


def titulaires(*ids: str, type_identifiant: str = "SIRET") -> list[dict]:
    return [{"titulaire": {"typeIdentifiant": type_identifiant, "id": awardee}} for awardee in ids]


def modification(number: int, montant: float | None = None, **fields) -> dict:
    body = {
        "id": number,
        "dateNotificationModification": "2024-09-09",
        "datePublicationDonneesModification": "2024-09-20",
        **fields,
    }
    if montant is not None:
        body["montant"] = montant
    return {"modification": body}


def write_2022(path: Path, marches: list[dict], concessions: list[dict] | None = None) -> Path:
    """A format 2022 JSON file `{"marches": {"marche": [...], "contrat-concession": [...]}}`."""
    envelope: dict = {"marche": marches}
    if concessions:
        envelope["contrat-concession"] = concessions
    path.write_bytes(orjson.dumps({"marches": envelope}, option=orjson.OPT_INDENT_2))
    return path


def write_flat(path: Path, records: list[dict]) -> Path:
    """A flat `{"marches": [...]}` file, as in format 2019 and the 2.0.0 draft."""
    path.write_bytes(orjson.dumps({"marches": records}, option=orjson.OPT_INDENT_2))
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def database(store: Path) -> Path:
    return store / "decp.duckdb"


def query(store: Path, sql: str, parameters: list | None = None) -> list[dict]:
    connection = stores.open_read_only(store)
    try:
        cursor = connection.execute(sql, parameters or [])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        connection.close()


def contracts(store: Path) -> list[dict]:
    return query(store, "SELECT * FROM contracts ORDER BY kind, acheteur_id, id, lot")


def contract_count(store: Path) -> int:
    return query(store, "SELECT count(*) AS n FROM contracts")[0]["n"]


def find_contracts(store: Path, acheteur_id: str, contract_id: str) -> list[dict]:
    return query(
        store,
        "SELECT * FROM contracts WHERE acheteur_id = ? AND id = ? ORDER BY lot",
        [acheteur_id, contract_id],
    )


def only_contract(store: Path, acheteur_id: str = BUYER, contract_id: str = "2024-TEST-001") -> dict:
    rows = find_contracts(store, acheteur_id, contract_id)
    assert len(rows) == 1, f"{len(rows)} contracts for ({acheteur_id}, {contract_id})"
    return rows[0]


def versions_of(store: Path, acheteur_id: str, contract_id: str) -> list[dict]:
    return query(
        store,
        "SELECT * FROM versions WHERE acheteur_id = ? AND id = ? ORDER BY read_seq",
        [acheteur_id, contract_id],
    )


def flag_codes(row: dict) -> set[str]:
    return {flag["code"] for flag in row["flags"] or []}


def flags_with(row: dict, code: str) -> list[dict]:
    return [flag for flag in row["flags"] or [] if flag["code"] == code]


def current_awardees(row: dict) -> list[str]:
    """Awardee ids after the last modification that replaces them (the MANIFEST's `awardees` column)."""
    for change in reversed(row["modifications"] or []):
        if change["titulaires"]:
            return [awardee["id"] for awardee in change["titulaires"]]
    return [awardee["id"] for awardee in row["titulaires"]]


def assert_accounting(report: ImportReport) -> None:
    """Every record read ends as exactly one of new, replaced, duplicate, rejected; files add up to the total."""
    assert report.records_read == sum(getattr(report, status) for status in STATUSES), report
    for file_report in report.files:
        assert file_report.records_read == sum(getattr(file_report, status) for status in STATUSES), file_report
    for field in ("records_read", *STATUSES):
        assert getattr(report, field) == sum(getattr(file_report, field) for file_report in report.files), field
