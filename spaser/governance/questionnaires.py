"""The per-purchase questionnaire: the questions a scheme asks every purchase before its consultation (a default set
on first use), the answers, the DECP contract a purchase became, and the platform indicators derived from them."""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Count, F, Max

from spaser.formatting import count, number, percent
from spaser.governance.models import (
    Answer,
    Lever,
    ProjectStatus,
    PurchaseAnswer,
    PurchaseProject,
    PurchaseQuestion,
)
from spaser.indicators import linked_contracts
from spaser.indicators.linked_contracts import Contract
from spaser.indicators.readers import SHARED_STORES, StoreUnavailable
from spaser.plans import steering
from spaser.plans.models import Scheme
from spaser.plans.store_cache import cache_key, computed_once


# The questions of the seed documents (« peut-on exiger des produits recyclés ? … recourir au sourcing ? »).
DEFAULT_QUESTIONS = [
    ("Un sourcing des fournisseurs (dont les structures de l'ESS) a-t-il été fait\u00a0?", Lever.SOURCING),
    ("Un lot ou le marché peut-il être réservé (SIAE, entreprises adaptées, ESS)\u00a0?", Lever.RESERVED),
    ("Une clause sociale (insertion, égalité) est-elle possible\u00a0?", Lever.SOCIAL_CLAUSE),
    ("Un critère environnemental peut-il être pris en compte dans l'analyse des offres\u00a0?", Lever.ENVIRONMENTAL),
    ("Peut-on exiger des produits recyclés ou des matériaux biosourcés\u00a0?", Lever.RECYCLED),
    ("L'allotissement permet-il aux PME de répondre\u00a0?", Lever.SME_LOTS),
]

# Levers whose use the DECP publish, and the considerations that tell it (spaser/indicators/linked_contracts.py).
PUBLISHED_LEVERS = {
    Lever.SOCIAL_CLAUSE: (
        "social",
        "Part des achats où une clause sociale était jugée possible et dont le marché comporte une considération "
        "sociale",
    ),
    Lever.RESERVED: (
        "reserved",
        "Part des achats où une réservation était jugée possible et dont le marché est réservé",
    ),
    Lever.ENVIRONMENTAL: (
        "environmental",
        "Part des achats où un critère environnemental était jugé possible et dont le marché comporte une "
        "considération environnementale",
    ),
}


def questions(scheme: Scheme):
    """The scheme's questions; the default set the first time a scheme has none."""
    if not scheme.purchase_questions.exists():
        PurchaseQuestion.objects.bulk_create(
            PurchaseQuestion(scheme=scheme, text=text, lever=lever, position=position)
            for position, (text, lever) in enumerate(DEFAULT_QUESTIONS, start=1)
        )
    return scheme.purchase_questions.all()


def save_answers(project: PurchaseProject, answers: dict[PurchaseQuestion, str], today: datetime.date) -> None:
    """Replaces the project's answers (a blank one is no answer); the first day every question is answered is the
    day it was questioned."""
    with transaction.atomic():
        project.answers.all().delete()
        PurchaseAnswer.objects.bulk_create(
            PurchaseAnswer(project=project, question=question, answer=answer)
            for question, answer in answers.items()
            if answer
        )
        if project.questioned_on is None and is_complete(project):
            project.questioned_on = today
            project.save(update_fields=["questioned_on", "updated_at"])


def is_complete(project: PurchaseProject) -> bool:
    return not project.scheme.purchase_questions.exclude(answers__project=project).exists()


# Linking a project to the contract it became


class LinkRefused(Exception):
    """Why a value does not name a contract of the scheme's organisation (in French, for the form's field)."""


def contract_for(scheme: Scheme, value: str, store: Path) -> Contract:
    """The organisation's marché whose DECP id or uid is `value`; raises LinkRefused, or StoreUnavailable."""
    with SHARED_STORES.reading(store) as (connection, _):
        found = linked_contracts.find(connection, value)
    organisation = scheme.organisation
    own = [contract for contract in found if contract.siren == organisation.siren]
    if not found:
        raise LinkRefused(
            f"Aucun marché d'identifiant « {value} » dans les DECP : vérifiez l'identifiant (champ id des "
            "données essentielles) ou choisissez un marché proposé."
        )
    if not own:
        buyers = ", ".join(sorted({contract.acheteur_id for contract in found}))
        raise LinkRefused(
            f"Le marché « {value} » a été publié par un autre acheteur (SIRET {buyers}) : un questionnaire de "
            f"{organisation.name} ne peut être lié qu'à un marché de son SIREN {organisation.siren}."
        )
    if len(own) > 1:
        raise LinkRefused(
            f"{count(len(own), 'marché')} de {organisation.name} portent l'identifiant « {value} » : "
            "choisissez le bon parmi les marchés proposés."
        )
    return own[0]


def candidates(project: PurchaseProject, store: Path, limit: int = 10) -> list[Contract]:
    """The organisation's marchés the project may have become (notified from its questioning on, the closest
    objects first), except those already linked to another project of the scheme."""
    taken = set(
        project.scheme.purchase_projects.exclude(pk=project.pk)
        .exclude(contract_uid="")
        .values_list("contract_uid", flat=True)
    )
    words = linked_contracts.object_words(project.title)
    with SHARED_STORES.reading(store) as (connection, _):
        found = linked_contracts.candidates(
            connection, project.scheme.organisation.siren, words, project.questioned_on, limit + len(taken)
        )
    return [contract for contract in found if contract.uid not in taken][:limit]


def missing_contracts(scheme: Scheme, store: Path) -> set[str]:
    """The uids the scheme's projects are linked to that the store no longer has, kept per store version; raises
    StoreUnavailable."""
    uids = sorted(set(scheme.purchase_projects.exclude(contract_uid="").values_list("contract_uid", flat=True)))
    if not uids:
        return set()

    def read() -> set[str]:
        with SHARED_STORES.reading(store) as (connection, _):
            return set(uids) - linked_contracts.present(connection, uids)

    return computed_once(cache_key("linked-missing", _store_version(store), *uids), read)


def _store_version(store: Path) -> str:
    version = steering.data_version(store)
    if version is None:
        raise StoreUnavailable(f"{store} : aucun entrepôt DECP ici.")
    return version


def link(project: PurchaseProject, contract: Contract) -> None:
    project.contract_uid, project.contract_label = contract.uid, contract.label
    project.save(update_fields=["contract_uid", "contract_label", "updated_at"])


# Platform indicators

QUESTIONED = "Part des consultations questionnées avant leur lancement"
# What the public catalogue says of each platform indicator: (label, what is counted, over what).
LEVER_RULE = (
    "achats jugés favorables à ce levier (réponse « oui ») dont le marché lié le met en œuvre selon les DECP",
    "achats jugés favorables à ce levier, liés à un marché dont les DECP renseignent les considérations",
)
PLATFORM_CATALOGUE = (
    (
        QUESTIONED,
        "projets d'achat dont toutes les questions ont une réponse au plus tard à la date de leur consultation",
        "projets d'achat dont la date de consultation est passée (projets abandonnés exclus)",
    ),
    *((label, *LEVER_RULE) for _, label in PUBLISHED_LEVERS.values()),
)


@dataclass(frozen=True)
class PlatformIndicator:
    label: str
    numerator: int
    denominator: int
    universe: str  # what the denominator counts, in French: « aucun <universe> » when there is none
    unavailable: bool = False  # the DECP store could not be read

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def sentence(self) -> str:
        """« 2 sur 3 (66,7 %) » or why there is no value."""
        if self.unavailable:
            return "données DECP indisponibles pour le moment"
        if not self.denominator:
            return f"données insuffisantes : aucun {self.universe}"
        return f"{number(self.numerator)} sur {number(self.denominator)} ({percent(self.value)})"


def indicators(scheme: Scheme, today: datetime.date, store: Path, year: int | None = None) -> list[PlatformIndicator]:
    """Share of consultations questioned before they were launched; per lever the DECP publish, share of the
    purchases where the lever was judged possible whose linked contract carries it."""
    projects = scheme.purchase_projects.exclude(status=ProjectStatus.ABANDONED)
    if year is not None:
        projects = projects.filter(consultation_date__year=year)
    launched = projects.filter(consultation_date__lte=today)
    questioned = launched.filter(questioned_on__lte=F("consultation_date")).count()
    result = [
        PlatformIndicator(
            QUESTIONED,
            questioned,
            launched.count(),
            "projet d'achat dont la date de consultation est passée",
        )
    ]
    return result + _lever_indicators(projects, store)


def _published_levers(uids: list[str], store: Path) -> dict[str, dict[str, bool | None]]:
    """What the DECP publish of the linked marchés, kept per store version (a scan of the store otherwise)."""
    if not uids:
        return {}

    def read() -> dict[str, dict[str, bool | None]]:
        with SHARED_STORES.reading(store) as (connection, refs):
            return linked_contracts.published_levers(connection, refs, uids)

    return computed_once(cache_key("linked-levers", _store_version(store), *uids), read)


def _lever_indicators(projects, store: Path) -> list[PlatformIndicator]:
    possible = {
        lever: set(
            projects.filter(answers__question__lever=lever, answers__answer=Answer.YES)
            .exclude(contract_uid="")
            .values_list("contract_uid", flat=True)
        )
        for lever in PUBLISHED_LEVERS
    }
    try:
        published, unavailable = _published_levers(sorted(set().union(*possible.values())), store), False
    except StoreUnavailable:
        published, unavailable = {}, True
    result = []
    for lever, (fact, label) in PUBLISHED_LEVERS.items():
        known = [published[uid][fact] for uid in possible[lever] if published.get(uid, {}).get(fact) is not None]
        result.append(
            PlatformIndicator(
                label,
                sum(known),
                len(known),
                "achat jugé favorable à ce levier et lié à un marché dont les DECP renseignent les considérations",
                unavailable,
            )
        )
    return result


def year_summary(scheme: Scheme, year: int, today: datetime.date, store: Path) -> list[str]:
    """The steering report's sentences on the questionnaires of the purchases consulted in `year` (none when the
    scheme has no questionnaire)."""
    if not scheme.purchase_projects.exists():
        return []
    return [
        f"Questionnaires d'achat, consultations de {year} — {indicator.label.lower()} : {indicator.sentence}."
        for indicator in indicators(scheme, today, store, year)
    ]


def version(scheme: Scheme) -> str:
    """Changes whenever a questionnaire of the scheme does: part of the report PDF's key."""
    projects = scheme.purchase_projects.aggregate(last=Max("updated_at"), n=Count("pk"))
    return f"{projects['last']}-{projects['n']}"
