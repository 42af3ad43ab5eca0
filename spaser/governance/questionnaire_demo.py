"""The demo schemes' purchase questionnaires (after `load_demo`): two purchases questioned before their consultation
and linked to marchés of the demo store (one published with a social consideration, one without), a consultation
launched without questionnaire, and one in preparation. Replaced on each load (they are told by their buyer)."""

import datetime
from pathlib import Path

from django.db import transaction

from spaser.governance import questionnaires
from spaser.governance.models import Answer, Lever, ProjectStatus, PurchaseAnswer, PurchaseProject
from spaser.indicators import linked_contracts
from spaser.indicators.linked_contracts import Contract
from spaser.indicators.readers import SHARED_STORES
from spaser.plans.models import Scheme


AWARDED_BUYER = "Direction de la commande publique (démonstration)"
LAUNCHED_BUYER = "Direction des espaces verts (démonstration)"
PREPARING_BUYER = "Direction de la logistique (démonstration)"
DEMO_BUYERS = (AWARDED_BUYER, LAUNCHED_BUYER, PREPARING_BUYER)
YES, NO, NA = Answer.YES, Answer.NO, Answer.NOT_APPLICABLE
# The answers of the two awarded purchases, per lever; the second judged a social clause possible but the marché
# has none: the indicator shows it.
AWARDED_ANSWERS = [
    {Lever.SOURCING: YES, Lever.RESERVED: NO, Lever.SOCIAL_CLAUSE: YES, Lever.ENVIRONMENTAL: YES,
     Lever.RECYCLED: NA, Lever.SME_LOTS: YES},
    {Lever.SOURCING: NO, Lever.RESERVED: NO, Lever.SOCIAL_CLAUSE: YES, Lever.ENVIRONMENTAL: YES,
     Lever.RECYCLED: YES, Lever.SME_LOTS: NA},
]  # fmt: skip


def load_questionnaire_demo(schemes, store: Path, today: datetime.date) -> list[PurchaseProject]:
    """Raises StoreUnavailable when the demo store cannot be read (nothing is changed then)."""
    chosen = {scheme.pk: _contracts(scheme, store) for scheme in schemes}
    projects = []
    with transaction.atomic():
        for scheme in schemes:
            scheme.purchase_projects.filter(buyer__in=DEMO_BUYERS).delete()
            projects += _scheme_projects(scheme, chosen[scheme.pk], today)
    return projects


def _contracts(scheme: Scheme, store: Path) -> list[Contract]:
    """A marché of the organisation published with a social consideration (and an environmental one if any),
    then one published without."""
    with SHARED_STORES.reading(store) as (connection, refs):
        found = linked_contracts.candidates(connection, scheme.organisation.siren, [], None, limit=200)
        published = linked_contracts.published_levers(connection, refs, [contract.uid for contract in found])
    dated = [contract for contract in found if contract.notified and contract.objet]
    with_social = [contract for contract in dated if published.get(contract.uid, {}).get("social") is True]
    both = [contract for contract in with_social if published[contract.uid]["environmental"]]
    without = [contract for contract in dated if published.get(contract.uid, {}).get("social") is False]
    return (both or with_social)[-1:] + without[-1:]


def _scheme_projects(scheme: Scheme, contracts: list[Contract], today: datetime.date) -> list[PurchaseProject]:
    levers = {question.lever: question for question in questionnaires.questions(scheme)}
    projects = []
    for contract, answers in zip(contracts, AWARDED_ANSWERS, strict=False):
        project = PurchaseProject.objects.create(
            scheme=scheme,
            title=contract.objet,
            estimated_amount=round(contract.montant or 0, -3),
            consultation_date=contract.notified - datetime.timedelta(days=90),
            buyer=AWARDED_BUYER,
            status=ProjectStatus.AWARDED,
            questioned_on=contract.notified - datetime.timedelta(days=120),
        )
        _answer(project, levers, answers)
        questionnaires.link(project, contract)
        projects.append(project)
    projects.append(
        PurchaseProject.objects.create(
            scheme=scheme,
            title="Entretien des espaces verts des écoles",
            estimated_amount=85000,
            consultation_date=today - datetime.timedelta(days=30),
            buyer=LAUNCHED_BUYER,
            status=ProjectStatus.LAUNCHED,
        )
    )
    preparing = PurchaseProject.objects.create(
        scheme=scheme,
        title="Fournitures de bureau en papier recyclé",
        estimated_amount=40000,
        consultation_date=today + datetime.timedelta(days=45),
        buyer=PREPARING_BUYER,
    )
    _answer(preparing, levers, {Lever.SOURCING: YES, Lever.RECYCLED: YES, Lever.SME_LOTS: YES})
    return [*projects, preparing]


def _answer(project: PurchaseProject, levers: dict, answers: dict) -> None:
    PurchaseAnswer.objects.bulk_create(
        PurchaseAnswer(project=project, question=levers[lever], answer=answer)
        for lever, answer in answers.items()
        if lever in levers
    )
