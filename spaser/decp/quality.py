"""Data-quality summary of a store: contracts, unknown considerations, flags, rejections, identity decisions."""

from pathlib import Path

from spaser.decp import identity
from spaser.decp.store import open_read_only


# Every version with its contract (uid) and what the identity rule compares; amounts flagged suspect count as 0.
_VERSIONS = f"""
SELECT source_file, concat_ws('|', {identity.CONTRACT_KEY}) AS id_key, {identity.UID} AS uid,
       {{'notified': dateNotification, 'amount': montant, 'awardees': {identity.AWARDEE_SIRENS}}} AS signature,
       CASE WHEN montant > 0 AND len(list_filter(flags, lambda f: starts_with(f.code, 'montant_'))) = 0
            THEN montant ELSE 0 END AS amount,
       current
FROM (SELECT v.*, coalesce(l.lot, '') AS lot, c.read_seq IS NOT NULL AS current
      FROM versions v LEFT JOIN version_lots l USING (read_seq) LEFT JOIN current_versions c USING (read_seq))
"""

IDENTITY_SQL = f"""
WITH versions_of AS ({_VERSIONS}),
split_keys AS (SELECT id_key FROM versions_of GROUP BY id_key HAVING count(DISTINCT uid) > 1),
merged_uids AS (SELECT uid FROM versions_of GROUP BY uid HAVING count(DISTINCT signature) > 1),
-- The amounts of a merged contract's other signatures: what counting its versions apart would have added.
set_aside AS (
    SELECT uid, sum(amount) AS amount FROM (
        SELECT DISTINCT uid, signature, amount FROM versions_of SEMI JOIN merged_uids USING (uid)
        WHERE signature NOT IN (SELECT signature FROM versions_of c WHERE c.current AND c.uid = versions_of.uid))
    GROUP BY uid),
by_file AS (
    SELECT DISTINCT source_file, uid, id_key FROM versions_of)
SELECT coalesce(f.source_file, '') AS file,
       count(DISTINCT f.id_key) FILTER (WHERE s.id_key IS NOT NULL) AS split_ids,
       count(DISTINCT f.uid) FILTER (WHERE s.id_key IS NOT NULL) AS split_contracts,
       coalesce(sum(cur.amount) FILTER (WHERE s.id_key IS NOT NULL), 0) AS split_amount,
       count(DISTINCT f.uid) FILTER (WHERE m.uid IS NOT NULL) AS merged_contracts,
       coalesce(sum(cur.amount) FILTER (WHERE m.uid IS NOT NULL), 0) AS merged_amount,
       coalesce(sum(a.amount) FILTER (WHERE m.uid IS NOT NULL), 0) AS merged_other_amounts
FROM {{rows}} f
LEFT JOIN split_keys s USING (id_key)
LEFT JOIN merged_uids m USING (uid)
LEFT JOIN set_aside a USING (uid)
LEFT JOIN (SELECT uid, amount FROM versions_of WHERE current) cur USING (uid)
GROUP BY ALL ORDER BY file
"""
IDENTITY_COLUMNS = (
    "split_ids",
    "split_contracts",
    "split_amount",
    "merged_contracts",
    "merged_amount",
    "merged_other_amounts",
)


def quality_summary(store: Path) -> dict:
    """Counts of current contracts by kind, of contracts carrying each flag, of rejected records, and what the
    identity rule split (one id, several contracts) and merged (versions that differ, one contract)."""
    connection = open_read_only(store)
    try:
        contracts = {
            kind: {"total": total, "social_unknown": social, "environmental_unknown": environmental}
            for kind, total, social, environmental in connection.execute(
                """
                SELECT kinds.kind, count(c.kind),
                       count(c.kind) FILTER (WHERE c.considerationsSociales IS NULL),
                       count(c.kind) FILTER (WHERE c.considerationsEnvironnementales IS NULL)
                FROM (VALUES ('marche'), ('concession')) kinds(kind) LEFT JOIN contracts c USING (kind)
                GROUP BY kinds.kind
                """
            ).fetchall()
        }
        flags = dict(
            connection.execute(
                """
                SELECT code, count(DISTINCT uid) FROM (SELECT uid, unnest(flags).code AS code FROM contracts)
                GROUP BY code ORDER BY count(DISTINCT uid) DESC, code
                """
            ).fetchall()
        )
        rejected, imports = connection.execute(
            "SELECT (SELECT count(*) FROM rejections), (SELECT count(*) FROM import_runs)"
        ).fetchone()
        identity = _identity(connection)
    finally:
        connection.close()
    return {"contracts": contracts, "flags": flags, "rejected": rejected, "imports": imports, "identity": identity}


def _identity(connection) -> dict:
    """Per source file (a contract counts for every file holding one of its versions), then for the store."""
    files = connection.execute(IDENTITY_SQL.replace("{rows}", "by_file")).fetchall()
    [total] = connection.execute(
        IDENTITY_SQL.replace("{rows}", "(SELECT DISTINCT NULL AS source_file, uid, id_key FROM by_file)")
    ).fetchall()
    return {
        "files": [dict(zip(("file", *IDENTITY_COLUMNS), row, strict=True)) for row in files],
        "total": dict(zip(IDENTITY_COLUMNS, total[1:], strict=True)),
    }
