"""Classes of each contract's awardees (ESS, ESUS, inclusive employer, SME, local) and of its buyer (type).

They join the contracts of the DECP store with the reference store (`reference.duckdb`, attached as `ref`).
Without a reference table, the classes are unknown (false, with `*_known` false): never guessed. Joining
30 million SIRENE rows costs seconds, so `refresh_classes` stores them per contract in the DECP store
(`contract_classes`) whenever either store changes; the indicator engine reads them from there.
"""

from pathlib import Path

from spaser.analytics.buyer_types import buyer_type_sql
from spaser.reference.store import database_path as reference_database_path


CLASS_SLICE = 300_000

# Empty stand-ins with the reference tables' columns, used when the reference store is absent.
REFERENCE_STUBS = {
    "unites_legales": "SELECT NULL::VARCHAR AS siren, NULL::VARCHAR AS denomination, "
    "NULL::VARCHAR AS categorie_juridique, NULL::VARCHAR AS categorie_entreprise, NULL::BOOLEAN AS ess "
    "WHERE false",
    "etablissements": "SELECT NULL::VARCHAR AS siret, NULL::VARCHAR AS siren, NULL::VARCHAR AS code_commune, "
    "NULL::BOOLEAN AS siege WHERE false",
    "communes": "SELECT NULL::VARCHAR AS code_insee, NULL::VARCHAR AS departement, NULL::VARCHAR AS region "
    "WHERE false",
    "annuaire_entreprises": "SELECT NULL::VARCHAR AS siren, NULL::BOOLEAN AS est_ess, NULL::BOOLEAN AS est_siae, "
    "NULL::VARCHAR AS type_siae WHERE false",
    "structures_inclusives": "SELECT NULL::VARCHAR AS siret, NULL::VARCHAR AS siren, NULL::VARCHAR AS famille, "
    "NULL::VARCHAR AS type WHERE false",
    "esus": "SELECT NULL::VARCHAR AS siren WHERE false",
}


def reference_relations(available: set[str]) -> dict[str, str]:
    """SQL relation of each reference table: the attached table, or an empty stand-in."""
    return {name: f"ref.{name}" if name in available else f"({stub})" for name, stub in REFERENCE_STUBS.items()}


# What classification reads of a contract (CTEs referenced several times are materialised: keep them narrow).
CLASSIFIED_COLUMNS = "uid, acheteur_id, acheteur_siren, titulaires"
CLASS_COLUMNS = (
    "awardees_known",
    "any_ess",
    "any_esus",
    "any_inclusive",
    "any_pme",
    "category_known",
    "any_local_departement",
    "any_local_region",
    "location_known",
)


def classes_sql(scoped: str, refs: dict[str, str]) -> str:
    """Per contract of `scoped` (a relation with uid, acheteur_id, acheteur_siren, titulaires): the classes of its
    awardees and the type of its buyer. Joining 30 million SIRENE rows costs a second: stored per contract by
    `build_classes` when the reference store is there, recomputed here otherwise."""
    return f"""
WITH scoped AS ({scoped}),
awardees AS (
    SELECT s.uid, unnest(s.titulaires) AS awardee FROM scoped s
),
-- The few SIRENE rows needed, read by streaming the large tables against small key sets (semi joins build
-- on their right side): joining 30 million rows directly would build hash tables beyond the memory limit.
needed_sirets AS (
    SELECT DISTINCT awardee.id AS siret FROM awardees UNION SELECT DISTINCT acheteur_id FROM scoped
),
needed_sirens AS (
    SELECT DISTINCT substr(siret, 1, 9) AS siren FROM needed_sirets
),
ul AS (SELECT u.* FROM {refs["unites_legales"]} u SEMI JOIN needed_sirens n ON n.siren = u.siren),
et AS (SELECT e.* FROM {refs["etablissements"]} e SEMI JOIN needed_sirets n ON n.siret = e.siret),
buyer_places AS (
    SELECT DISTINCT s.acheteur_id, co.departement, co.region
    FROM scoped s
    JOIN et ON et.siret = s.acheteur_id
    JOIN {refs["communes"]} co ON co.code_insee = et.code_commune
),
awardee_classes AS (
    SELECT a.uid,
        bool_or(ul.siren IS NOT NULL) AS awardees_known,
        bool_or(coalesce(ul.ess, false) OR coalesce(ae.est_ess, false)) AS any_ess,
        bool_or(es.siren IS NOT NULL) AS any_esus,
        bool_or(si.siret IS NOT NULL OR sn.siren IS NOT NULL OR coalesce(ae.est_siae, false)) AS any_inclusive,
        bool_or(ul.categorie_entreprise = 'PME') AS any_pme,
        bool_or(ul.categorie_entreprise IS NOT NULL) AS category_known,
        bool_or(co.departement = bp.departement) AS any_local_departement,
        bool_or(co.region = bp.region) AS any_local_region,
        bool_or(co.departement IS NOT NULL AND bp.departement IS NOT NULL) AS location_known
    FROM awardees a
    JOIN scoped s ON s.uid = a.uid
    LEFT JOIN ul ON a.awardee.typeIdentifiant = 'SIRET' AND ul.siren = substr(a.awardee.id, 1, 9)
    LEFT JOIN {refs["annuaire_entreprises"]} ae ON ae.siren = ul.siren
    LEFT JOIN {refs["esus"]} es ON es.siren = ul.siren
    LEFT JOIN {refs["structures_inclusives"]} si ON si.siret = a.awardee.id
    LEFT JOIN (SELECT DISTINCT siren FROM {refs["structures_inclusives"]} WHERE siret IS NULL) sn
        ON sn.siren = ul.siren
    LEFT JOIN et ON et.siret = a.awardee.id
    LEFT JOIN {refs["communes"]} co ON co.code_insee = et.code_commune
    LEFT JOIN buyer_places bp ON bp.acheteur_id = s.acheteur_id
    GROUP BY a.uid
)
SELECT s.uid,
    {buyer_type_sql("s.acheteur_siren", "ul_buyer.categorie_juridique")} AS buyer_type,
    {", ".join(f"coalesce(ac.{column}, false) AS {column}" for column in CLASS_COLUMNS)}
FROM scoped s
LEFT JOIN awardee_classes ac ON ac.uid = s.uid
LEFT JOIN ul ul_buyer ON ul_buyer.siren = s.acheteur_siren
"""


def build_classes(connection, refs: dict[str, str]) -> None:
    """Store the classes of every contract in the DECP store being written (`connection`, reference attached).

    Contracts are classified in slices: one pass over 1.5 million contracts exceeds the importer's memory limit.
    """
    slices = max(1, connection.execute("SELECT count(*) FROM current_versions").fetchone()[0] // CLASS_SLICE + 1)
    connection.execute("DROP TABLE IF EXISTS contract_classes")
    for index in range(slices):
        scoped = f"SELECT {CLASSIFIED_COLUMNS} FROM contracts WHERE hash(uid) % {slices} = {index}"
        verb = "CREATE TABLE contract_classes AS" if index == 0 else "INSERT INTO contract_classes"
        connection.execute(f"{verb} {classes_sql(scoped, refs)}")


def attach_reference(connection, store: Path) -> dict[str, str]:
    """Attach `<store>/reference.duckdb` read-only as `ref` when present; the relation of each reference table."""
    reference = reference_database_path(store)
    if not reference.exists():
        return reference_relations(set())
    connection.execute(f"ATTACH '{reference}' AS ref (READ_ONLY)")
    tables = connection.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'ref'").fetchall()
    return reference_relations({row[0] for row in tables} & REFERENCE_STUBS.keys())


CLASSIFIED_TABLES = ("contract_classes", "buyers", "awardees")


def classify(connection, store: Path) -> None:
    """(Re)build the classified tables in the DECP store being written, or drop them without a reference store."""
    for table in CLASSIFIED_TABLES:
        connection.execute(f"DROP TABLE IF EXISTS {table}")
    if not reference_database_path(store).exists():
        return
    refs = attach_reference(connection, store)
    try:
        build_classes(connection, refs)
        connection.execute(BUYERS_SQL.format(**refs))
        connection.execute(AWARDEES_SQL.format(**refs))
    finally:
        connection.execute("DETACH ref")


# Every buyer SIREN of the contracts: name, type, and the place of its head office (else of any establishment).
BUYERS_SQL = f"""
CREATE TABLE buyers AS
WITH sirens AS (SELECT DISTINCT acheteur_siren AS siren FROM contracts),
places AS (
    SELECT e.siren, arg_max(c.code_insee, coalesce(e.siege, false)) AS commune,
           arg_max(c.departement, coalesce(e.siege, false)) AS departement,
           arg_max(c.region, coalesce(e.siege, false)) AS region
    FROM {{etablissements}} e JOIN {{communes}} c ON c.code_insee = e.code_commune
    SEMI JOIN sirens s ON s.siren = e.siren
    GROUP BY e.siren)
SELECT s.siren, ul.denomination AS nom, {buyer_type_sql("s.siren", "ul.categorie_juridique")} AS type,
       p.commune, p.departement, p.region
FROM sirens s
LEFT JOIN {{unites_legales}} ul ON ul.siren = s.siren
LEFT JOIN places p ON p.siren = s.siren
"""

# Every awardee identifier of the contracts with its classes; identifiers other than SIRET stay unknown.
AWARDEES_SQL = """
CREATE TABLE awardees AS
WITH ids AS (SELECT DISTINCT t.id, t.typeIdentifiant FROM (SELECT unnest(titulaires) AS t FROM contracts)),
sirets AS (SELECT id AS siret FROM ids WHERE typeIdentifiant = 'SIRET'),
inclusive AS (
    SELECT siret, siren, famille, type FROM {structures_inclusives}
    SEMI JOIN sirets USING (siret)
    UNION ALL
    SELECT NULL, siren, famille, type FROM {structures_inclusives} WHERE siret IS NULL)
SELECT i.id, i.typeIdentifiant, ul.siren IS NOT NULL AS known, ul.categorie_entreprise,
       coalesce(ul.ess, false) OR coalesce(ae.est_ess, false) AS ess, es.siren IS NOT NULL AS esus,
       coalesce(inc.famille, inc_siren.famille, CASE WHEN ae.est_siae THEN 'SIAE' END) AS famille_inclusive,
       coalesce(inc.type, inc_siren.type, ae.type_siae) AS type_inclusif,
       co.departement, co.region
FROM ids i
LEFT JOIN {unites_legales} ul ON i.typeIdentifiant = 'SIRET' AND ul.siren = substr(i.id, 1, 9)
LEFT JOIN {annuaire_entreprises} ae ON ae.siren = ul.siren
LEFT JOIN {esus} es ON es.siren = ul.siren
LEFT JOIN inclusive inc ON inc.siret = i.id
LEFT JOIN (SELECT DISTINCT siren, famille, type FROM inclusive WHERE siret IS NULL) inc_siren
    ON inc_siren.siren = ul.siren
LEFT JOIN {etablissements} et ON i.typeIdentifiant = 'SIRET' AND et.siret = i.id
LEFT JOIN {communes} co ON co.code_insee = et.code_commune
"""


def refresh_classes(store: Path) -> None:
    """After the reference store changed: rebuild `contract_classes` in a working copy of the DECP store."""
    from spaser.decp.store import database_path, rebuilding

    if database_path(store).exists():
        with rebuilding(store) as (connection, _):
            classify(connection, store)


def buyer_places(connection, sirens: list[str]) -> dict[str, tuple]:
    """{siren: (commune code, commune name, région code, région name)} of the buyers of the DECP store (`connection`,
    reference attached as `ref`) among `sirens`, from the `buyers` table; a name is None where the reference store
    lacks it, and a SIREN without contracts or without a known place is left out."""
    catalogue = "SELECT database_name, table_name, column_name FROM duckdb_columns()"
    columns = set(connection.execute(f"{catalogue} WHERE database_name IN ('decp', 'ref')").fetchall())
    if ("decp", "buyers", "region") not in columns:
        return {}
    commune = "co.nom" if ("ref", "communes", "nom") in columns else "NULL"
    region = "r.nom" if ("ref", "regions", "nom") in columns else "NULL"
    joins = [
        "LEFT JOIN ref.communes co ON co.code_insee = b.commune" if commune != "NULL" else "",
        "LEFT JOIN ref.regions r ON r.code = b.region" if region != "NULL" else "",
    ]
    rows = connection.execute(
        f"SELECT b.siren, b.commune, {commune}, b.region, {region} FROM decp.buyers b {' '.join(joins)} "
        "WHERE b.siren IN (SELECT unnest(?)) AND b.region IS NOT NULL",
        [sirens],
    ).fetchall()
    return {siren: tuple(place) for siren, *place in rows}
