"""Synthetic DGFiP balances for the demo: the local public buyers of the DECP store, in the DGFiP file's columns.

Each buyer's counted spend is its DECP marchés sum of the year times a factor drawn from its SIREN (0.7 to 1.7),
spread over a counted purchase, service and works account, plus a staff account (6411) the register ignores.
"""

from pathlib import Path

from spaser.analytics.files import sql_path
from spaser.decp.store import open_read_only


LOCAL_TYPES = ("Région", "Département", "Commune", "Métropole", "Autre EPCI", "Syndicat", "Hôpital")
ACCOUNTS = (("6068", 0.4), ("611", 0.35), ("2313", 0.25), ("6411", 0.8))


def write_demo_balances(store: Path, out: Path) -> int:
    """Write the CSV (`;`, decimal comma, as data.economie.gouv.fr exports it); the number of lines written."""
    types = ", ".join(f"'{kind}'" for kind in LOCAL_TYPES)
    accounts = " UNION ALL ".join(f"SELECT '{code}' AS compte, {share} AS part" for code, share in ACCOUNTS)
    with open_read_only(store) as connection:
        connection.execute(
            f"""
            COPY (
                WITH spend AS (
                    SELECT c.acheteur_siren AS siren, c.annee_notification AS exer, any_value(b.nom) AS lbudg,
                           sum(c.montant) * (0.7 + (hash(c.acheteur_siren) % 100) / 100.0) AS total
                    FROM contracts c JOIN buyers b ON b.siren = c.acheteur_siren
                    WHERE c.kind = 'marche' AND b.type IN ({types}) AND c.annee_notification <= year(current_date)
                      AND c.montant BETWEEN 1 AND 100000000
                    GROUP BY c.acheteur_siren, c.annee_notification
                )
                SELECT exer, siren, lbudg, compte, replace(round(total * part, 2)::VARCHAR, '.', ',') AS obnetdeb,
                       '0' AS obnetcre
                FROM spend CROSS JOIN ({accounts}) ORDER BY siren, exer, compte
            ) TO '{sql_path(out)}' (HEADER, DELIMITER ';')
            """
        )
        return connection.execute(f"SELECT count(*) FROM read_csv('{sql_path(out)}', delim = ';')").fetchone()[0]
