"""Which contract ids a buyer has published in the DECP: to check ids typed or imported by its organisation."""

from collections.abc import Iterable


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
