"""DECP contracts a buyer ties to the engagements of its SPASER: tagging one from the drill-down, a CSV file of them,
and the tags read against the current store (found, or kept and flagged when the store no longer holds them).

A tag is keyed on the store's `uid` (docs/decisions.md): the same contract keeps it when the store is rebuilt from
the same or newer files. Only contracts published by the scheme's buyers (its owner and accepted partners, as on its
dashboard) may be tagged.
"""

import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from spaser.analytics.contract_ids import StoredContract, contracts_by_id, contracts_by_uid
from spaser.formatting import FRENCH, write_csv
from spaser.indicators.readers import SHARED_STORES
from spaser.plans.csv_uploads import CsvError, read_table
from spaser.plans.models import ContractTag, Engagement, Scheme
from spaser.plans.steering import scheme_sirens
from spaser.tables import CONTRACT_TAGS_CSV


ENGAGEMENT, CONTRACT, NOTE = CONTRACT_TAGS_CSV.names
MAX_ROWS = 5_000
VANISHED = "introuvable dans les données actuelles"


class TagError(ValueError):
    """A contract that cannot be tagged, with the French reason."""


@dataclass(frozen=True)
class TaggedContract:
    tag: ContractTag
    contract: StoredContract | None  # None: the current store no longer holds it


@dataclass(frozen=True)
class EngagementContracts:
    engagement: Engagement
    contracts: list[TaggedContract]

    @property
    def found(self) -> list[TaggedContract]:
        return [item for item in self.contracts if item.contract is not None]

    @property
    def vanished(self) -> int:
        return len(self.contracts) - len(self.found)

    @property
    def amount(self) -> float:
        """The initial amounts of the contracts found (a vanished one has no amount to add)."""
        return sum(item.contract.amount or 0 for item in self.found)


def _store(store: Path | None) -> Path:
    return store or settings.SPASER_STORE_DIR


def scheme_tags(scheme: Scheme):
    return ContractTag.objects.filter(engagement__axis__scheme=scheme).select_related("engagement", "tagged_by")


def resolve(tags: Iterable[ContractTag], store: Path | None = None) -> list[TaggedContract]:
    """Each tag with its contract in the current store, or None. Raises `StoreUnavailable`."""
    tags = list(tags)
    if not tags:
        return []  # nothing to read: a scheme without tags never waits on (or fails with) the store
    with SHARED_STORES.reading(_store(store)) as (connection, refs):
        found = {contract.uid: contract for contract in contracts_by_uid(connection, refs, [t.uid for t in tags])}
    return [TaggedContract(tag, found.get(tag.uid)) for tag in tags]


def by_engagement(scheme: Scheme, store: Path | None = None) -> list[EngagementContracts]:
    """The engagements with tagged contracts, in the scheme's order. Raises `StoreUnavailable`."""
    resolved: dict[int, list[TaggedContract]] = {}
    for item in resolve(scheme_tags(scheme), store):
        resolved.setdefault(item.tag.engagement_id, []).append(item)
    engagements = Engagement.objects.filter(axis__scheme=scheme, pk__in=resolved).order_by(
        "axis__position", "axis__pk", "position", "pk"
    )
    return [EngagementContracts(engagement, resolved[engagement.pk]) for engagement in engagements]


def engagement_contracts(engagement: Engagement, store: Path | None = None) -> EngagementContracts:
    return EngagementContracts(engagement, resolve(engagement.contract_tags.select_related("tagged_by"), store))


# Finding the scheme's contracts


def candidates(scheme: Scheme, contract_id: str, store: Path | None = None) -> list[StoredContract]:
    """The contracts of the scheme's buyers published under `contract_id` (several when the id was reused)."""
    return _of_scheme(scheme, _by_ids([contract_id], store))


def _by_ids(contract_ids: Iterable[str], store: Path | None) -> list[StoredContract]:
    with SHARED_STORES.reading(_store(store)) as (connection, refs):
        return contracts_by_id(connection, refs, contract_ids)


def _of_scheme(scheme: Scheme, contracts: list[StoredContract]) -> list[StoredContract]:
    sirens = scheme_sirens(scheme)
    return [contract for contract in contracts if contract.buyer_siret[:9] in sirens]


# Tagging


def tag(engagement: Engagement, uid: str, user, note: str = "", store: Path | None = None) -> ContractTag:
    """Ties the contract `uid` of the current store to the engagement (its note replaced when already tied).
    Raises `TagError` for a contract the store does not hold or of another buyer, `StoreUnavailable`."""
    with SHARED_STORES.reading(_store(store)) as (connection, refs):
        found = contracts_by_uid(connection, refs, [uid])
    if not found:
        raise TagError("Ce marché est introuvable dans les données DECP actuelles.")
    if not _of_scheme(engagement.axis.scheme, found):
        raise TagError("Ce marché a été publié par un acheteur qui ne porte pas ce SPASER.")
    return _save(engagement, found[0], note, user)


def _save(engagement: Engagement, contract: StoredContract, note: str, user) -> ContractTag:
    tag, created = ContractTag.objects.get_or_create(
        engagement=engagement,
        uid=contract.uid,
        defaults={"contract_id": contract.id, "buyer_siret": contract.buyer_siret, "note": note, "tagged_by": user},
    )
    if not created and tag.note != note:
        tag.note = note
        tag.save(update_fields=["note"])
    return tag


# The CSV file


@dataclass(frozen=True)
class ImportRow:
    line: int
    engagement: Engagement
    contracts: list[StoredContract]
    note: str


def check_csv(scheme: Scheme, data: bytes, filename: str, store: Path | None = None):
    """The file's rows, each with its engagement and the contracts its id names, and every error (all of them, so
    that one correction fixes the file). Raises `StoreUnavailable`: ids are never accepted unchecked."""
    lines, errors = read_table(data, filename, CONTRACT_TAGS_CSV, MAX_ROWS)
    if errors:
        return [], errors
    engagements = _engagements_by_title(scheme)
    published = _by_ids([line[CONTRACT] for line in lines], store)
    sirens = scheme_sirens(scheme)
    rows, seen = [], {}
    for line in lines:
        number, contract_id = line["line"], line[CONTRACT]
        named = engagements.get(_title_key(line[ENGAGEMENT]), [])
        engagement = named[0] if len(named) == 1 else None
        if engagement is None:
            errors.append(CsvError(number, ENGAGEMENT, _no_engagement(line[ENGAGEMENT], named)))
        key = (_title_key(line[ENGAGEMENT]), contract_id)
        if key in seen:
            errors.append(
                CsvError(number, CONTRACT, f"ce marché et cet engagement figurent déjà à la ligne {seen[key]}")
            )
        seen.setdefault(key, number)
        contracts = [contract for contract in published if contract.id == contract_id]
        ours = [contract for contract in contracts if contract.buyer_siret[:9] in sirens]
        if not ours:
            errors.append(CsvError(number, CONTRACT, _unknown(contract_id, contracts)))
        if engagement is not None and ours:
            rows.append(ImportRow(number, engagement, ours, line[NOTE] or ""))
    return (rows, []) if not errors else ([], sorted(errors, key=lambda error: error.line or 0))


def _no_engagement(title: str, named: list[Engagement]) -> str:
    if named:
        return f"plusieurs engagements de ce SPASER s'intitulent « {title} » : renommez-en un"
    return f"« {title} » n'est pas un engagement de ce SPASER"


def _unknown(contract_id: str, contracts: list[StoredContract]) -> str:
    if contracts:
        return f"le marché « {contract_id} » a été publié par un autre acheteur que ceux de ce SPASER"
    return f"aucun marché « {contract_id} » dans les données DECP actuelles"


def _title_key(title: str) -> str:
    """`Réduire les déchets`, ` réduire  les déchets ` and `REDUIRE LES DECHETS` name the same engagement."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().split())


def _engagements_by_title(scheme: Scheme) -> dict[str, list[Engagement]]:
    by_title: dict[str, list[Engagement]] = {}
    for engagement in Engagement.objects.filter(axis__scheme=scheme):
        by_title.setdefault(_title_key(engagement.title), []).append(engagement)
    return by_title


def import_csv(scheme: Scheme, data: bytes, filename: str, user, store: Path | None = None):
    """Checks then tags every contract of the file, all or nothing: (contracts tagged, errors)."""
    rows, errors = check_csv(scheme, data, filename, store)
    if errors:
        return 0, errors
    with transaction.atomic():
        tags = [_save(row.engagement, contract, row.note, user) for row in rows for contract in row.contracts]
    return len(tags), []


def template_csv(scheme: Scheme) -> str:
    """The file offered by « Télécharger le modèle »: the header and one example line per engagement (the first
    three), in the French convention a spreadsheet set in French opens and saves as is."""
    out = io.StringIO()
    engagements = Engagement.objects.filter(axis__scheme=scheme).order_by("axis__position", "axis__pk", "position")
    examples = [(engagement.title, "2024-0042", "") for engagement in engagements[:3]] or [("Engagement", "", "")]
    write_csv(out, CONTRACT_TAGS_CSV.names, examples, FRENCH)
    return out.getvalue()
