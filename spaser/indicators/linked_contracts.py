"""Contracts of the store a purchase questionnaire is linked to: found by id or uid, proposed from the buyer's
contracts, and what the DECP say they carry (the `facts` of the catalogue). Keyed on the store's `uid`."""

import datetime
import unicodedata
from dataclasses import dataclass

from spaser.indicators.engine import has_stored_classes
from spaser.indicators.facts import facts_sql


@dataclass(frozen=True)
class Contract:
    uid: str
    id: str
    acheteur_id: str
    objet: str
    notified: datetime.date | None
    montant: float | None

    @property
    def siren(self) -> str:
        return self.acheteur_id[:9]

    @property
    def label(self) -> str:
        return f"{self.id} — {self.objet}" if self.objet else self.id


_COLUMNS = "uid, id, acheteur_id, coalesce(objet, ''), dateNotification, montant"


def find(connection, value: str) -> list[Contract]:
    """The marchés whose DECP id or store uid is `value`, of any buyer (the caller tells whose they are)."""
    rows = connection.execute(
        f"SELECT {_COLUMNS} FROM contracts WHERE kind = 'marche' AND (id = $value OR uid = $value) "
        "ORDER BY acheteur_id, uid",
        {"value": value},
    ).fetchall()
    return [Contract(*row) for row in rows]


# Words of an object that say nothing of what is bought.
STOP_WORDS = {"achat", "avec", "dans", "des", "les", "marche", "pour", "prestation", "prestations", "travaux"}


def object_words(text: str) -> list[str]:
    """The words of an object compared with the DECP `objet`: lower case, without accents, four letters or more."""
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    words = "".join(char if char.isalnum() else " " for char in plain).split()
    return sorted({word for word in words if len(word) >= 4 and word not in STOP_WORDS})


def candidates(
    connection, siren: str, words: list[str], since: datetime.date | None, limit: int = 10
) -> list[Contract]:
    """The buyer's marchés notified from `since` on, those sharing most words of the object first, then the
    earliest: what a questionnaire may have become."""
    rows = connection.execute(
        f"""
        SELECT {_COLUMNS} FROM contracts
        WHERE kind = 'marche' AND acheteur_siren = $siren
          AND ($since IS NULL OR dateNotification >= $since)
        ORDER BY len(list_filter($words, lambda word: contains(lower(strip_accents(coalesce(objet, ''))), word))) DESC,
                 dateNotification, id, uid
        LIMIT $limit
        """,
        {"siren": siren, "words": words, "since": since, "limit": limit},
    ).fetchall()
    return [Contract(*row) for row in rows]


def present(connection, uids: list[str]) -> set[str]:
    """The uids among `uids` the store still has (a rebuilt store may have dropped or split a contract)."""
    if not uids:
        return set()
    rows = connection.execute("SELECT uid FROM contracts WHERE list_contains($uids, uid)", {"uids": uids}).fetchall()
    return {uid for (uid,) in rows}


# What the DECP say a linked contract carries, per lever the questionnaire asks about (facts.py's columns):
# the lever is "used" when the column is true, unknown when the considerations are not published.
LEVER_FACTS = {"social": ("has_social", "social_known"), "reserved": ("reserved", "social_known"),
               "environmental": ("has_env", "env_known")}  # fmt: skip


def published_levers(connection, refs: dict[str, str], uids: list[str]) -> dict[str, dict[str, bool | None]]:
    """Per uid still in the store, per lever of LEVER_FACTS: True, False, or None when not published."""
    if not uids:
        return {}
    facts = facts_sql("list_contains($uids, uid)", refs, has_stored_classes(connection))
    columns = ", ".join(f"CASE WHEN {known} THEN {used} END" for used, known in LEVER_FACTS.values())
    rows = connection.execute(f"{facts} SELECT uid, {columns} FROM facts", {"uids": sorted(uids)}).fetchall()
    return {uid: dict(zip(LEVER_FACTS, values, strict=True)) for uid, *values in rows}
