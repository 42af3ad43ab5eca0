"""The reference store: `<store>/reference.duckdb`, next to the DECP store, rebuilt as a copy and swapped atomically.

Every code (SIREN, SIRET, INSEE, catégorie juridique, NAF…) is a VARCHAR: leading zeros and `2A`/`2B` matter.
The indicator engine reads these tables by name: change a column only together with it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from spaser.analytics.files import open_published, rebuilding_database


DATABASE_NAME = "reference.duckdb"
WORK_NAME = ".work-reference"
# Its own lock: a reference import may run while a DECP import holds `.lock`.
LOCK_NAME = ".lock-reference"
MEMORY_LIMIT = "1GB"

TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "unites_legales": (
        ("siren", "VARCHAR"),
        ("denomination", "VARCHAR"),
        ("categorie_juridique", "VARCHAR"),
        ("categorie_entreprise", "VARCHAR"),
        ("ess", "BOOLEAN"),
        ("societe_mission", "BOOLEAN"),
        ("tranche_effectifs", "VARCHAR"),
        ("activite_principale", "VARCHAR"),
        ("actif", "BOOLEAN"),
    ),
    "etablissements": (
        ("siret", "VARCHAR"),
        ("siren", "VARCHAR"),
        ("code_commune", "VARCHAR"),
        ("actif", "BOOLEAN"),
        ("siege", "BOOLEAN"),
    ),
    "annuaire_entreprises": (
        ("siren", "VARCHAR"),
        ("est_ess", "BOOLEAN"),
        ("est_siae", "BOOLEAN"),
        ("type_siae", "VARCHAR"),
        ("est_societe_mission", "BOOLEAN"),
        ("nature_juridique", "VARCHAR"),
        ("categorie_entreprise", "VARCHAR"),
    ),
    "categories_juridiques": (("code", "VARCHAR"), ("niveau", "INTEGER"), ("libelle", "VARCHAR")),
    "communes": (
        ("code_insee", "VARCHAR"),
        ("nom", "VARCHAR"),
        ("departement", "VARCHAR"),
        ("region", "VARCHAR"),
        ("epci_siren", "VARCHAR"),
        ("population", "BIGINT"),
    ),
    "departements": (("code", "VARCHAR"), ("nom", "VARCHAR"), ("region", "VARCHAR"), ("population", "BIGINT")),
    "regions": (("code", "VARCHAR"), ("nom", "VARCHAR"), ("population", "BIGINT")),
    "epci": (("siren", "VARCHAR"), ("nom", "VARCHAR"), ("type", "VARCHAR"), ("population", "BIGINT")),
    "epci_membres": (("epci_siren", "VARCHAR"), ("code_insee", "VARCHAR")),
    # Internal: the commune actuelle of each arrondissement and former commune, to give them their EPCI.
    "communes_parents": (("code_insee", "VARCHAR"), ("parent", "VARCHAR")),
    "structures_inclusives": (
        ("siret", "VARCHAR"),
        ("siren", "VARCHAR"),
        ("famille", "VARCHAR"),
        ("type", "VARCHAR"),
        ("nom", "VARCHAR"),
        ("source", "VARCHAR"),
    ),
    "esus": (("siren", "VARCHAR"), ("nom", "VARCHAR"), ("date_agrement", "DATE")),
    "reference_loads": (
        ("kind", "VARCHAR"),
        ("file", "VARCHAR"),
        ("version", "VARCHAR"),
        ("loaded_at", "TIMESTAMP"),
        ("rows", "BIGINT"),
        ("sha256", "VARCHAR"),
    ),
}


def database_path(store: Path) -> Path:
    return store / DATABASE_NAME


def open_read_only(store: Path) -> duckdb.DuckDBPyConnection:
    return open_published(
        database_path(store), f"{store} : aucun référentiel ici (lancez d'abord « spaser reference import »)."
    )


@contextmanager
def rebuilding(store: Path) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """A connection on a working copy of `reference.duckdb`; the copy replaces it when the block succeeds."""
    with rebuilding_database(store, DATABASE_NAME, WORK_NAME, LOCK_NAME) as (connection, work):
        connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        # Kept on (the default): a loaded table's rowid then follows the file, which gives error line numbers.
        connection.execute("SET preserve_insertion_order = true")
        create_schema(connection)
        yield connection, work


def create_schema(connection: duckdb.DuckDBPyConnection) -> None:
    for table in TABLES:
        connection.execute(f"CREATE TABLE IF NOT EXISTS {table} ({column_definitions(table)})")


def column_definitions(table: str) -> str:
    return ", ".join(f"{name} {sql_type}" for name, sql_type in TABLES[table])


def column_names(table: str) -> list[str]:
    return [name for name, _type in TABLES[table]]
