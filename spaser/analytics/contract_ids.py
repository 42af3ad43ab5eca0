"""Which contract ids a buyer has published in the DECP: to check ids typed or imported by its organisation."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


def known_contract_ids(connection, sirets: Iterable[str], contract_ids: Iterable[str]) -> set[str]:
    """The ids among `contract_ids` of a contract (any version, any year) published under one of `sirets`.

    The DECP `id` is the buyer's own reference, unique per buyer only: an id another buyer used is not known here."""
    sirets, contract_ids = sorted(set(sirets)), sorted(set(contract_ids))
    if not sirets or not contract_ids:
        return set()
    rows = connection.execute(
        "SELECT DISTINCT id FROM contracts WHERE acheteur_id IN (SELECT unnest(?::VARCHAR[])) "
        "AND id IN (SELECT unnest(?::VARCHAR[]))",
        [sirets, contract_ids],
    ).fetchall()
    return {contract_id for (contract_id,) in rows}


@dataclass(frozen=True)
class StoredContract:
    """A contract of the store as a page shows it: its identity, object, awardees (names when the reference data
    knows them), initial amount and notification date."""

    uid: str
    id: str
    buyer_siret: str
    objet: str
    awardees: str
    amount: float | None
    notified: date | None


def contracts_by_uid(connection, refs: dict[str, str], uids: Iterable[str]) -> list[StoredContract]:
    """The contracts of the current store among `uids` (a uid the store no longer holds is left out)."""
    return _contracts_where(connection, refs, "uid", uids)


def contracts_by_id(connection, refs: dict[str, str], contract_ids: Iterable[str]) -> list[StoredContract]:
    """Every buyer's contracts published under one of `contract_ids` (the callers keep their buyers' ones)."""
    return _contracts_where(connection, refs, "id", contract_ids)


def _contracts_where(connection, refs: dict[str, str], column: str, values: Iterable[str]) -> list[StoredContract]:
    values = sorted(set(values))
    if not values:
        return []
    rows = connection.execute(
        f"""
        WITH chosen AS (SELECT uid, id, acheteur_id, objet, titulaires, montant, dateNotification FROM contracts
                        WHERE {column} IN (SELECT unnest(?::VARCHAR[]))),
        names AS (SELECT uid, string_agg(coalesce(u.denomination, awardee.id, '?'), ', ' ORDER BY awardee.rank)
                             AS awardees
                  FROM (SELECT uid, unnest(list_transform(titulaires, lambda t, i: {{'rank': i, 'id': t.id}}))
                               AS awardee FROM chosen)
                  LEFT JOIN {refs["unites_legales"]} u ON u.siren = substr(awardee.id, 1, 9)
                  GROUP BY uid)
        SELECT uid, id, acheteur_id, coalesce(objet, ''), coalesce(awardees, ''), montant, dateNotification
        FROM chosen LEFT JOIN names USING (uid) ORDER BY id, acheteur_id, uid
        """,
        [values],
    ).fetchall()
    return [StoredContract(*row) for row in rows]
