"""Publishing a scheme: what must be there before anyone can read it, and the two moves (publish, unpublish).

A scheme becomes public only through `publish`, once every required item of its checklist is done; the forms and
the JSON import never publish. Both moves save the scheme, so that `updated_at` changes and every cached public
page (keyed on it, see spaser.www.page_cache) is rendered anew or answers 404.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse

from spaser.formatting import day, number
from spaser.plans.models import Scheme, Status


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    done: bool
    explanation: str  # what is there, or what is missing and why it matters, in French
    fix_url: str
    fix_label: str
    required: bool = True
    applicable: bool = True  # False: the item does not concern this scheme (a legal item for joint schemes only)


class PublishingRefused(Exception):
    """The scheme cannot be published yet; the message names the missing items, in French."""


def checklist(scheme: Scheme) -> list[ChecklistItem]:
    """What a public SPASER must show (the law asks for its adoption and its objectives) and what the national
    directory asks for; items not required are recommended."""
    edit_url = reverse("plans:edit", args=[scheme.pk])
    return [
        ChecklistItem(
            "Date d'adoption",
            scheme.adoption_date is not None,
            f"Adopté le {day(scheme.adoption_date)}."
            if scheme.adoption_date
            else "Indiquez la date à laquelle l'assemblée délibérante a adopté le SPASER.",
            f"{edit_url}#id_adoption_date",
            "Renseigner la date d'adoption",
        ),
        ChecklistItem(
            "Délibération",
            bool(scheme.deliberation.strip()),
            f"{scheme.deliberation}."
            if scheme.deliberation.strip()
            else "Indiquez la référence de la délibération d'adoption (numéro et date), que les lecteurs "
            "pourront retrouver.",
            f"{edit_url}#id_deliberation",
            "Renseigner la délibération",
        ),
        _objectives_item(scheme),
        ChecklistItem(
            "Document du SPASER",
            bool(scheme.document),
            "Le document adopté (PDF) sera téléchargeable depuis la page publique."
            if scheme.document
            else "Déposez le document adopté (PDF) : la loi demande que le schéma soit rendu public.",
            f"{edit_url}#id_document",
            "Déposer le document",
        ),
        ChecklistItem(
            "Fiche de l'annuaire national",
            bool(scheme.population and scheme.purchase_volume),
            "Nombre d'habitants et volume annuel d'achat estimé renseignés."
            if scheme.population and scheme.purchase_volume
            else "Recommandé : indiquez le nombre d'habitants et le volume annuel d'achat estimé, comme dans "
            "l'annuaire des SPASER d'achats-durables.gouv.fr.",
            f"{edit_url}#id_population",
            "Compléter la fiche",
            required=False,
        ),
    ]


def _objectives_item(scheme: Scheme) -> ChecklistItem:
    axes = list(scheme.axes.annotate(objectives=Count("engagements__objectives")).order_by("position", "pk"))
    label = "Au moins un objectif par axe"
    if not axes:
        return ChecklistItem(
            label,
            False,
            "Ce SPASER n'a pas encore d'axe : ajoutez ses axes, puis au moins un objectif chiffré dans chacun.",
            reverse("plans:create_node", args=["axes", scheme.pk]),
            "Ajouter un axe",
        )
    empty = [(rank, axis) for rank, axis in enumerate(axes, start=1) if not axis.objectives]
    if not empty:
        return ChecklistItem(
            label,
            True,
            f"Chacun des {number(len(axes))} axes a au moins un objectif."
            if len(axes) > 1
            else "L'axe a au moins un objectif.",
            scheme.get_absolute_url(),
            "Voir les axes",
        )
    first_rank, first = empty[0]
    names = ", ".join(f"axe {rank} « {axis.title} »" for rank, axis in empty)
    return ChecklistItem(
        label,
        False,
        f"Sans objectif : {names}. Chaque axe doit avoir au moins un objectif chiffré.",
        f"{scheme.get_absolute_url()}#axes-{first.pk}",
        f"Ajouter un objectif à l'axe {first_rank}",
    )


def missing(items: list[ChecklistItem]) -> list[ChecklistItem]:
    """The required items not done yet: publishing waits for them."""
    return [item for item in items if item.required and not item.done]


def publish(scheme: Scheme) -> None:
    if blocking := missing(checklist(scheme)):
        raise PublishingRefused(
            "Ce SPASER ne peut pas encore être publié. À compléter : "
            + " ; ".join(item.label for item in blocking)
            + "."
        )
    scheme.status = Status.PUBLISHED
    scheme.save()


def unpublish(scheme: Scheme) -> None:
    """Back to adopted: publishing required the adoption date, which stays."""
    scheme.status = Status.ADOPTED
    scheme.save()
