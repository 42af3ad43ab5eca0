"""Where a buyer stands with its SPASER: the steps from creating the scheme to publishing its indicators.

`steps` is pure (facts in, steps out) so that every state is tested without a database; `scheme_facts` and
`has_manual_values` read the facts. Who may take a step is the web layer's business (roles), not this module's.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.db.models import Count

from spaser.organisations.models import Organisation
from spaser.plans.models import Action, ManualIndicator, ManualValue, Scheme, Status


class State(StrEnum):
    TODO = "À compléter"
    DONE = "Fait"
    UPCOMING = "À venir"


class Kind(StrEnum):
    SCHEME = "scheme"
    OBJECTIVES = "objectives"
    MANUAL_DATA = "manual_data"
    PUBLISH = "publish"
    BIENNIAL = "biennial"


@dataclass(frozen=True)
class AxisFacts:
    title: str
    objectives: int


@dataclass(frozen=True)
class SchemeFacts:
    published: bool
    axes: tuple[AxisFacts, ...]
    indicators_without_values: tuple[str, ...]  # labels of the manual indicators its objectives follow, still empty


@dataclass(frozen=True)
class Step:
    kind: Kind
    label: str
    state: State
    detail: str


def steps(scheme: SchemeFacts | None, has_manual_values: bool) -> list[Step]:
    """The five steps of an organisation's scheme (`None`: it has none yet), in the order a buyer takes them."""
    return [
        _scheme_step(scheme),
        _objectives_step(scheme),
        _manual_data_step(scheme, has_manual_values),
        _publish_step(scheme),
        Step(
            Kind.BIENNIAL,
            "Publier les indicateurs tous les deux ans",
            State.UPCOMING,
            "Bientôt sur Spaser : publier les indicateurs prévus par la loi depuis votre tableau de bord.",
        ),
    ]


def next_step(all_steps: list[Step]) -> Step | None:
    return next((step for step in all_steps if step.state == State.TODO), None)


def _scheme_step(scheme: SchemeFacts | None) -> Step:
    label = "Créer le SPASER"
    if scheme is None:
        return Step(Kind.SCHEME, label, State.TODO, "Titre, période et document adopté : le point de départ.")
    return Step(Kind.SCHEME, label, State.DONE, "Le SPASER existe.")


def _objectives_step(scheme: SchemeFacts | None) -> Step:
    label = "Fixer des objectifs pour chaque axe"
    if scheme is None or not scheme.axes:
        return Step(Kind.OBJECTIVES, label, State.TODO, "Ajoutez un premier axe, puis ses objectifs chiffrés.")
    empty = [axis.title for axis in scheme.axes if axis.objectives == 0]
    if empty:
        return Step(Kind.OBJECTIVES, label, State.TODO, "Axes sans objectif : " + ", ".join(empty) + ".")
    count = sum(axis.objectives for axis in scheme.axes)
    return Step(Kind.OBJECTIVES, label, State.DONE, f"Chaque axe a au moins un objectif ({count} au total).")


def _manual_data_step(scheme: SchemeFacts | None, has_manual_values: bool) -> Step:
    label = "Saisir ou importer les données hors DECP"
    if scheme is not None and scheme.indicators_without_values:
        names = ", ".join(scheme.indicators_without_values)
        return Step(Kind.MANUAL_DATA, label, State.TODO, f"Indicateurs suivis sans aucune valeur : {names}.")
    if not has_manual_values:
        return Step(
            Kind.MANUAL_DATA,
            label,
            State.TODO,
            "Heures d'insertion, formations, émissions : ce que les données des marchés ne disent pas.",
        )
    return Step(Kind.MANUAL_DATA, label, State.DONE, "Des valeurs sont saisies pour les indicateurs suivis.")


def _publish_step(scheme: SchemeFacts | None) -> Step:
    label = "Publier le SPASER"
    if scheme is not None and scheme.published:
        return Step(Kind.PUBLISH, label, State.DONE, "Le SPASER est en ligne dans l'annuaire public.")
    return Step(Kind.PUBLISH, label, State.TODO, "Le rendre public, avec ses objectifs et leur suivi.")


def scheme_facts(scheme: Scheme) -> SchemeFacts:
    axes = scheme.axes.annotate(objective_count=Count("engagements__objectives")).order_by("position", "pk")
    empty_indicators = (
        ManualIndicator.objects.filter(objectives__engagement__axis__scheme=scheme, values__isnull=True)
        .distinct()
        .order_by("label")
    )
    return SchemeFacts(
        published=scheme.status == Status.PUBLISHED,
        axes=tuple(AxisFacts(axis.title, axis.objective_count) for axis in axes),
        indicators_without_values=tuple(indicator.label for indicator in empty_indicators),
    )


def has_manual_values(organisation: Organisation) -> bool:
    return ManualValue.objects.filter(indicator__organisation=organisation).exists()


def overdue_actions(scheme: Scheme, today: date):
    """The scheme's actions past their due date and not done nor dropped, the oldest first."""
    return Action.objects.overdue(today).filter(engagement__axis__scheme=scheme).order_by("due_date", "pk")
