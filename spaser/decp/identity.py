"""The identity rule of docs/decp-model.md in SQL: which stored versions are one contract, and which is current.

Versions share a key (`CONTRACT_KEY`); versions of one key that differ in at least two of notification date, initial
amount and awardees are distinct contracts of a reused id (`split_reused_ids`); each contract keeps its current
version (`group_identities`). Both run inside an import, on its temporary tables.
"""

import duckdb


# The identity rule (importer, docs/decp-model.md): versions of one key are compared on their notification date,
# initial amount and awardees, as SIRENs so that a corrected establishment is the same awardee (other identifiers
# as published); lots are labelled with the awardees' SIRETs.
CONTRACT_KEY = "kind, acheteur_id, id"
# A contract's uid, from its key and its `lot` ('' unless its id was split).
UID = "concat_ws('|', kind, acheteur_id, id) || CASE WHEN lot <> '' THEN '|' || lot ELSE '' END"
AWARDEE_SIRENS = (
    "array_to_string(list_sort(list_distinct(list_transform(titulaires, lambda t: CASE WHEN t.typeIdentifiant = "
    "'SIRET' THEN substr(t.id, 1, 9) ELSE coalesce(t.id, '?') END))), '+')"
)
AWARDEE_SIRETS = "array_to_string(list_sort(list_transform(titulaires, lambda t: coalesce(t.id, '?'))), '+')"


def split_reused_ids(connection: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """Versions of one (buyer, id) that differ in at least two of notification date, initial amount and awardees
    are distinct contracts (a reused id); agreeing on two of the three, they are versions of one contract.

    Contracts are the groups of versions linked by that relation (docs/decp-model.md): a property of the set of
    versions, not of their order. Each contract of a split id gets a `lot` label, its earliest notification date
    and awardees, kept in the small table `version_lots` (read_seq → lot): updating `versions` costs seconds.
    """
    connection.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE signatures AS
        WITH touched AS (  -- the ids of this run whose versions hold more than one (date, amount)
            SELECT {CONTRACT_KEY} FROM versions GROUP BY ALL
            HAVING ({_varies("dateNotification")} OR {_varies("montant")}) AND bool_or(run_id = $run))
        SELECT read_seq, {CONTRACT_KEY}, dateNotification AS notified, montant AS amount,
               {AWARDEE_SIRENS} AS awardees, {AWARDEE_SIRETS} AS sirets, read_seq AS component
        FROM versions SEMI JOIN touched USING ({CONTRACT_KEY})
        """,
        {"run": run_id},
    )
    _link_components(connection)
    connection.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE lot_changes AS
        WITH labelled AS (
            SELECT *, count(DISTINCT component) OVER (PARTITION BY {CONTRACT_KEY}) AS contracts,
                   min(coalesce(CAST(notified AS VARCHAR), 'sans date') || ' ' || sirets)
                       OVER (PARTITION BY {CONTRACT_KEY}, component) AS label
            FROM signatures)
        SELECT read_seq, CASE WHEN contracts > 1 THEN label ELSE '' END AS lot FROM labelled
        """
    )
    connection.execute("DELETE FROM version_lots WHERE read_seq IN (SELECT read_seq FROM lot_changes)")
    connection.execute("INSERT INTO version_lots SELECT read_seq, lot FROM lot_changes WHERE lot <> ''")


def _varies(column: str) -> str:
    """More than one value in the group, NULL included (cheaper than counting distinct pairs)."""
    return f"(min({column}) <> max({column}) OR count({column}) NOT IN (0, count(*)))"


def _link_components(connection: duckdb.DuckDBPyConnection) -> None:
    """Give every signature the smallest component of the signatures sharing two of its three parts, until stable
    (label propagation: a few rounds, each three window passes over the reused ids only)."""
    shared = [
        f"min(component) OVER (PARTITION BY {CONTRACT_KEY}, {pair})"
        for pair in ("notified, amount", "notified, awardees", "amount, awardees")
    ]
    while True:
        connection.execute(
            f"CREATE OR REPLACE TEMP TABLE signatures AS SELECT * REPLACE (least({', '.join(shared)}) AS component), "
            "component AS previous FROM signatures"
        )
        changed = connection.execute("SELECT count(*) FROM signatures WHERE component <> previous").fetchone()[0]
        connection.execute("ALTER TABLE signatures DROP COLUMN previous")
        if not changed:
            return


# The current version of a contract: the latest published; between versions published the same day (or never),
# the one notified or modified last, then the one with more modifications, then a hash of the content.
CURRENT_ORDER = (
    "{'published': coalesce(datePublicationDonnees, DATE '0001-01-01'), "
    "'changed': greatest(coalesce(dateNotification, DATE '0001-01-01'), coalesce(list_max(list_transform("
    "modifications, lambda m: m.dateNotificationModification)), DATE '0001-01-01')), "
    "'modifications': len(modifications), 'content': content_hash}"
)


def group_identities(connection: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """One row per contract: its current version (`CURRENT_ORDER`) and this run's share."""
    connection.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE identities AS
        SELECT arg_max(read_seq, current_order) AS read_seq,
               count(*) AS version_count,
               {UID} AS uid,
               lot,
               min(read_seq) FILTER (WHERE run_id = $run AND NOT earlier_copy) AS first_new,
               bool_or(run_id < $run OR earlier_copy) AS known
        FROM (SELECT v.kind, v.acheteur_id, v.id, v.read_seq, v.run_id, {CURRENT_ORDER} AS current_order,
                     coalesce(l.lot, '') AS lot,
                     -- replaced an older copy: its contract was known
                     v.run_id = $run AND v.read_seq IN (SELECT read_seq FROM earlier_copies) AS earlier_copy
              FROM versions v LEFT JOIN version_lots l USING (read_seq))
        GROUP BY kind, acheteur_id, id, lot
        """,
        {"run": run_id},
    )
