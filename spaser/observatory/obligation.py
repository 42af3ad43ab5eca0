"""The obligation register (L2111-3, D2111-3): for each buyer SIREN and calendar year, its annual purchase amount
from the DECP and, where imported, from the DGFiP balances, and the resulting status (rule in docs/decisions.md).

The register's SQL is portable (CASE, SUM, COUNT, joins): it runs on DuckDB here and transpiles to Spark SQL.
"""

from datetime import date
from pathlib import Path

from spaser.analytics.buyer_types import buyer_type_sql
from spaser.analytics.files import sql_path
from spaser.observatory import balances


THRESHOLD = 50_000_000
UNCERTAIN_FROM = 40_000_000
STATUSES = ("obligé probable", "incertain", "non obligé", "aucune donnée DECP")
TABLE = "obligation_register"
# Book V (defence and security) is outside the D2111-3 count; only contracts labelled so can be told apart.
DEFENCE = "Marché de défense ou de sécurité"
SUSPECT_AMOUNT_FLAGS = (
    "montant_manquant",
    "montant_illisible",
    "montant_nul_ou_negatif",
    "montant_sentinelle",
    "montant_aberrant",
)
# Without a reference store the register still lists every buyer, with no name and an uncertain type.
NO_UNITS = "(SELECT siren, siren AS denomination, siren AS categorie_juridique FROM spend WHERE false)"


def register_sql(contracts: str, unites_legales: str, spend: str) -> str:
    """The register from the relations of the DECP contracts, the SIRENE legal units and the balances' spend."""
    suspects = ", ".join(f"'{code}'" for code in SUSPECT_AMOUNT_FLAGS)
    return f"""
WITH marches AS (
    SELECT uid, acheteur_siren AS siren, annee_notification AS year, montant,
           CASE WHEN nature = 'Accord-cadre' OR coalesce(array_contains(techniques, 'Accord-cadre'), false)
                THEN 1 ELSE 0 END AS accord_cadre
    FROM {contracts}
    WHERE kind = 'marche' AND annee_notification IS NOT NULL
      AND annee_notification <= EXTRACT(YEAR FROM current_date) AND coalesce(nature, '') <> '{DEFENCE}'
),
suspects AS (
    SELECT DISTINCT uid FROM (SELECT uid, unnest(flags) AS flag FROM {contracts}) exploded
    WHERE flag.field = 'montant' AND flag.code IN ({suspects})
),
decp_years AS (
    SELECT m.siren, m.year,
           ROUND(SUM(CASE WHEN s.uid IS NULL THEN m.montant ELSE 0 END), 2) AS contracts_amount,
           ROUND(SUM(CASE WHEN s.uid IS NULL AND m.accord_cadre = 1 THEN m.montant ELSE 0 END), 2)
               AS framework_amount,
           COUNT(*) AS contracts,
           CAST(SUM(m.accord_cadre) AS BIGINT) AS framework_contracts,
           CAST(SUM(CASE WHEN s.uid IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS excluded_amounts
    FROM marches m LEFT JOIN suspects s ON s.uid = m.uid
    GROUP BY m.siren, m.year
),
sirens AS (
    SELECT DISTINCT acheteur_siren AS siren FROM {contracts}
    UNION SELECT siren FROM {spend}
),
years AS (SELECT DISTINCT year FROM decp_years UNION SELECT year FROM {spend}),
grid AS (
    SELECT b.siren, y.year, d.contracts_amount, d.framework_amount,
           coalesce(d.contracts, 0) AS contracts,
           coalesce(d.framework_contracts, 0) AS framework_contracts,
           coalesce(d.excluded_amounts, 0) AS excluded_amounts,
           sp.spend_amount, ul.denomination AS name,
           {buyer_type_sql("b.siren", "ul.categorie_juridique")} AS buyer_type
    FROM sirens b CROSS JOIN years y
    LEFT JOIN decp_years d ON d.siren = b.siren AND d.year = y.year
    LEFT JOIN {spend} sp ON sp.siren = b.siren AND sp.year = y.year
    LEFT JOIN {unites_legales} ul ON ul.siren = b.siren
)
SELECT siren, year, name, buyer_type,
       CASE WHEN buyer_type = 'Autre' THEN true ELSE false END AS uncertain_type,
       contracts_amount, framework_amount, contracts, framework_contracts, excluded_amounts,
       spend_amount,
       CASE
           WHEN contracts = 0 AND spend_amount > {THRESHOLD} THEN 'incertain'
           WHEN contracts = 0 THEN 'aucune donnée DECP'
           WHEN contracts_amount > {THRESHOLD} AND contracts_amount - framework_amount <= {THRESHOLD}
               THEN 'incertain'
           WHEN contracts_amount > {THRESHOLD} AND buyer_type = 'Autre' THEN 'incertain'
           WHEN contracts_amount > {THRESHOLD} THEN 'obligé probable'
           WHEN contracts_amount > {UNCERTAIN_FROM} OR spend_amount > {THRESHOLD} THEN 'incertain'
           ELSE 'non obligé'
       END AS status,
       CASE
           WHEN contracts = 0 AND spend_amount > {THRESHOLD}
               THEN 'aucun marché publié, dépenses comptables au-delà du seuil'
           WHEN contracts = 0 THEN 'aucun marché publié cette année'
           WHEN contracts_amount > {THRESHOLD} AND contracts_amount - framework_amount <= {THRESHOLD}
               THEN 'seuil franchi grâce aux maximums des accords-cadres'
           WHEN contracts_amount > {THRESHOLD} AND buyer_type = 'Autre' THEN 'type d''acheteur incertain'
           WHEN contracts_amount > {THRESHOLD} THEN 'marchés notifiés au-delà du seuil'
           WHEN contracts_amount > {UNCERTAIN_FROM} THEN 'marchés notifiés entre 40 et 50 M€'
           WHEN spend_amount > {THRESHOLD} THEN 'dépenses comptables au-delà du seuil'
           ELSE 'marchés notifiés sous 40 M€'
       END AS reason
FROM grid
"""


def build(connection) -> None:
    """Create `obligation_register` in the observatory being rebuilt (`decp` and `ref` attached)."""
    databases = dict(connection.execute("SELECT database_name, path FROM duckdb_databases()").fetchall())
    connection.execute(f"CREATE TEMP TABLE spend AS {spend_sql(Path(databases['decp']).parent)}")
    units = "ref.unites_legales" if "ref" in databases else NO_UNITS
    connection.execute(f"CREATE TABLE {TABLE} AS {register_sql('decp.contracts', units, 'spend')} ORDER BY 1, 2")
    connection.execute("DROP TABLE spend")


def spend_sql(store: Path) -> str:
    """The spend relation of `register_sql`: the imported balances of `store`, or none."""
    path = balances.file_path(store)
    if not path.exists():
        return "SELECT NULL::VARCHAR AS siren, NULL::INTEGER AS year, NULL::DOUBLE AS spend_amount WHERE false"
    return f"SELECT siren, annee AS year, montant_depenses AS spend_amount FROM read_parquet('{sql_path(path)}')"


COLUMNS = (
    "siren",
    "year",
    "name",
    "buyer_type",
    "uncertain_type",
    "contracts_amount",
    "framework_amount",
    "contracts",
    "framework_contracts",
    "excluded_amounts",
    "spend_amount",
    "status",
    "reason",
)


def years(connection) -> list[int]:
    return [row[0] for row in connection.execute(f"SELECT DISTINCT year FROM {TABLE} ORDER BY 1").fetchall()]


def rows(
    connection,
    year: int | None = None,
    buyer_type: str = "",
    status: str = "",
    query: str = "",
    siren: str = "",
    limit: int | None = None,
) -> list[dict]:
    """The register's rows as dicts, largest DECP amount first, filtered by year, type, status, name or SIREN; the
    first `limit` of them when given."""
    where, parameters = _where(year, buyer_type, status, query, siren)
    cursor = connection.execute(
        f"SELECT {', '.join(COLUMNS)} FROM {TABLE} {where} "
        "ORDER BY year DESC, coalesce(contracts_amount, 0) DESC, siren"
        + ("" if limit is None else f" LIMIT {int(limit)}"),
        parameters,
    )
    return [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]


def status_counts(connection, year: int | None = None, buyer_type: str = "", status: str = "", query: str = ""):
    """{status: buyers} of the rows the same filters select, every status of STATUSES in its order."""
    where, parameters = _where(year, buyer_type, status, query, "")
    query_sql = f"SELECT status, count(*) FROM {TABLE} {where} GROUP BY status"
    found = dict(connection.execute(query_sql, parameters).fetchall())
    return {status: found.get(status, 0) for status in STATUSES}


def _where(year, buyer_type: str, status: str, query: str, siren: str) -> tuple[str, list]:
    conditions, parameters = [], []
    for column, value in (("year", year), ("buyer_type", buyer_type), ("status", status), ("siren", siren)):
        if value:
            conditions.append(f"{column} = ?")
            parameters.append(value)
    if query:
        conditions.append("(siren = ? OR upper(coalesce(name, '')) LIKE '%' || upper(?) || '%')")
        parameters += [query.strip(), query.strip()]
    return (f"WHERE {' AND '.join(conditions)}" if conditions else ""), parameters


def export_sql(decp_date: date) -> str:
    """Every row of the register for the CSV and Parquet files: the uncertain type as « oui » / « non », the date
    of the DECP store last."""
    columns = ", ".join(
        "CASE WHEN uncertain_type THEN 'oui' ELSE 'non' END AS uncertain_type" if name == "uncertain_type" else name
        for name in COLUMNS
    )
    return f"SELECT {columns}, DATE '{decp_date.isoformat()}' AS decp_date FROM {TABLE} ORDER BY siren, year"
