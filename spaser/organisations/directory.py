"""What the reference data and the DECP say about a buyer: its name, type and SIRETs."""

from dataclasses import dataclass
from pathlib import Path

from spaser.analytics.buyer_types import buyer_type_sql
from spaser.indicators.readers import SHARED_STORES


@dataclass(frozen=True)
class BuyerDescription:
    siren: str
    name: str | None
    buyer_type: str | None
    sirets: tuple[str, ...]


def describe_buyer(siren: str, store: Path) -> BuyerDescription:
    """Name and type from SIRENE (catégorie juridique), SIRETs from SIRENE and from the buyer's DECP contracts.

    Raises StoreUnavailable when the store is missing or unreadable."""
    with SHARED_STORES.reading(store) as (connection, refs):
        legal_unit = connection.execute(
            f"SELECT denomination, {buyer_type_sql('siren', 'categorie_juridique')} "
            f"FROM {refs['unites_legales']} WHERE siren = $siren",
            {"siren": siren},
        ).fetchone()
        sirets = connection.execute(
            f"SELECT siret FROM {refs['etablissements']} WHERE siren = $siren "
            "UNION SELECT DISTINCT acheteur_id FROM contracts WHERE acheteur_siren = $siren ORDER BY 1",
            {"siren": siren},
        ).fetchall()
    name, buyer_type = legal_unit or (None, None)
    return BuyerDescription(siren, name, buyer_type, tuple(row[0] for row in sirets if row[0]))
