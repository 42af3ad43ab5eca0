"""Data-quality summary of a store: contracts, unknown considerations, flags, rejections."""

from pathlib import Path

from spaser.decp.store import open_read_only


def quality_summary(store: Path) -> dict:
    """Counts of current contracts by kind, of contracts carrying each flag, and of rejected records."""
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
    finally:
        connection.close()
    return {"contracts": contracts, "flags": flags, "rejected": rejected, "imports": imports}
