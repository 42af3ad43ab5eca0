"""Preparing a biennial publication: a draft per buyer of a scheme and period, its figures next to the scheme's
targets, the checklist that must be complete before an administrator publishes it, and publishing, which freezes
the figures and supersedes the previous publication of the same buyer and period.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from spaser.formatting import day
from spaser.indicators.engine import Scope
from spaser.indicators.legal import CATEGORIES
from spaser.indicators.publication import LEGAL_CATALOGUE_VERSION, data_version, legal_figures
from spaser.indicators.readers import SHARED_STORES
from spaser.organisations.models import Organisation
from spaser.plans.models import Objective, Scheme
from spaser.plans.publishing import ChecklistItem, PublishingRefused, missing
from spaser.plans.steering import manual_totals, scheme_objectives, tolerance, trajectory
from spaser.publications.models import Publication, Status


# The law names these two categories: a publication without their targets is not complete.
REQUIRED_TARGETS = ("esus", "inclusif")
NO_TARGET = "pas d'objectif fixé"


@dataclass(frozen=True)
class Figures:
    """What a publication shows: frozen when published, computed anew for a draft."""

    figures: list[dict]  # a LegalFigure's fields, with the category's objective and target of the year
    manual_values: list[dict]
    catalogue_version: str
    data_version: dict

    @property
    def contracts(self) -> int:
        """The buyer's contracts of the two years (each year's count is repeated by every figure of the year)."""
        return sum({row["year"]: row["contracts"] for row in self.figures}.values())


def default_first_year(today: date) -> int:
    """The current and the previous calendar year: « Préparer la publication 2025-2026 » in 2026."""
    return today.year - 1


def prepare(scheme: Scheme, organisation: Organisation, first_year: int, user) -> Publication:
    """The draft of this buyer and period, created when there is none."""
    publication, _ = Publication.objects.get_or_create(
        scheme=scheme,
        organisation=organisation,
        first_year=first_year,
        status=Status.DRAFT,
        defaults={"last_year": first_year + 1, "created_by": user},
    )
    return publication


def figures(publication: Publication, store: Path | None = None) -> Figures:
    """The frozen figures of a published publication; a draft's, computed from the store now (StoreUnavailable
    when it cannot be read)."""
    if not publication.is_draft:
        return Figures(
            publication.figures, publication.manual_values, publication.catalogue_version, publication.data_version
        )
    store = store or settings.SPASER_STORE_DIR
    with SHARED_STORES.reading(store) as (connection, refs):
        legal = legal_figures(connection, refs, Scope(sirens=(publication.organisation.siren,)), publication.years)
        version = data_version(connection, store)
    objectives = _objectives_by_indicator(publication.scheme)
    rows = [figure.as_dict() | _target(objectives.get(figure.code), figure.year, figure.value) for figure in legal]
    return Figures(rows, _manual_values(publication, objectives), LEGAL_CATALOGUE_VERSION, version)


def _objectives_by_indicator(scheme: Scheme) -> dict:
    """{catalogue code or manual indicator id: the scheme's first objective measured by it}."""
    found = {}
    objectives = scheme_objectives(scheme).prefetch_related("targets")
    for objective in objectives.order_by("engagement__axis__position", "engagement__position", "position", "pk"):
        found.setdefault(objective.indicator_code or objective.manual_indicator_id, objective)
    return found


def _target(objective: Objective | None, year: int, value: float | None) -> dict:
    """The objective's target for the year (a share from 0 to 1), or its trajectory's value, and whether the
    value reaches it (with the dashboards' tolerance: a value shown equal to its target reaches it)."""
    if objective is None:
        return {"objective": None, "target": None, "target_basis": NO_TARGET, "reached": None}
    targets = {target.year: target.value for target in objective.targets.all()}
    line = trajectory(objective)  # from the baseline through every target, as on the dashboards
    if year in targets:
        goal, basis = targets[year], f"cible {year}"
    elif objective.baseline_year and year <= objective.baseline_year:
        goal, basis = None, "année de référence de l'objectif, sans cible"
    elif targets and year > max(targets):
        goal, basis = targets[max(targets)], f"cible {max(targets)}, la dernière fixée"
    elif year in line:
        goal, basis = line[year], f"trajectoire {year}"
    else:
        goal, basis = None, f"pas de cible pour {year}"
    reached = None
    if goal is not None and value is not None:
        rising = line[max(line)] >= line[min(line)]
        shown, slack = value * 100, tolerance("%")
        reached = shown >= goal - slack if rising else shown <= goal + slack
    return {
        "objective": objective.title,
        "target": None if goal is None else goal / 100,
        "target_basis": basis,
        "reached": reached,
    }


def _manual_values(publication: Publication, objectives: dict) -> list[dict]:
    """The buyer's own manual indicators (insertion hours…) for the two years, with the scheme's targets."""
    rows = []
    for indicator in publication.organisation.manual_indicators.order_by("label"):
        objective = objectives.get(indicator.pk)
        targets = {target.year: target.value for target in objective.targets.all()} if objective else {}
        totals = manual_totals(indicator)
        for year in publication.years:
            if year in totals:
                rows.append(
                    {
                        "code": indicator.code,
                        "label": indicator.label,
                        "unit": indicator.unit,
                        "year": year,
                        "value": totals[year],
                        "target": targets.get(year),
                    }
                )
    return rows


def checklist(publication: Publication, shown: Figures) -> list[ChecklistItem]:
    """What a complete legal publication needs, each item naming what is missing, in French."""
    scheme = publication.scheme
    edit_url = reverse("plans:edit", args=[scheme.pk])
    # An objective counts once it gives a target (or a trajectory) for one of the two years.
    with_target = {row["category"] for row in shown.figures if row["target"] is not None}
    required = [CATEGORIES[code] for code in REQUIRED_TARGETS if code not in with_target]
    others = [label for code, label in CATEGORIES.items() if code not in with_target and code not in REQUIRED_TARGETS]
    outside = [year for year in publication.years if not scheme.start_year <= year <= scheme.end_year]
    name = f"{publication.organisation.name} (SIREN {publication.organisation.siren})"
    return [
        ChecklistItem(
            "Date d'adoption du SPASER",
            scheme.adoption_date is not None,
            f"Adopté le {day(scheme.adoption_date)}."
            if scheme.adoption_date
            else "La date d'adoption du SPASER manque : la publication est due tous les deux ans à partir d'elle.",
            f"{edit_url}#id_adoption_date",
            "Renseigner la date d'adoption",
        ),
        ChecklistItem(
            "Années dans la période du SPASER",
            not outside,
            f"{publication.period} est dans la période du SPASER ({scheme.start_year} à {scheme.end_year})."
            if not outside
            else f"{' et '.join(map(str, outside))} {'sont' if len(outside) > 1 else 'est'} hors de la période du "
            f"SPASER ({scheme.start_year} à {scheme.end_year}) : préparez la publication d'une autre période, ou "
            "corrigez la période du SPASER.",
            f"{edit_url}#id_start_year",
            "Vérifier la période",
        ),
        ChecklistItem(
            "Objectifs ESUS et employeurs inclusifs",
            not required,
            "La loi demande des objectifs cibles pour les achats auprès des entreprises solidaires d'utilité sociale "
            "et des employeurs de personnes défavorisées : ils sont fixés."
            if not required
            else f"Pas d'objectif ni de cible pour {publication.period} : {' ; '.join(required)}. La loi demande des "
            "objectifs cibles notamment pour ces catégories : ajoutez un objectif sur l'indicateur A2 (ESUS) ou A3 "
            "(employeurs inclusifs), avec ses cibles.",
            scheme.get_absolute_url(),
            "Ajouter les objectifs",
        ),
        ChecklistItem(
            "Objectifs des autres catégories",
            not others,
            "Chaque catégorie a un objectif."
            if not others
            else f"Pas d'objectif ni de cible pour : {' ; '.join(others)}.",
            scheme.get_absolute_url(),
            "Ajouter des objectifs",
            required=False,
        ),
        ChecklistItem(
            "Marchés de l'acheteur dans les DECP",
            shown.contracts > 0,
            f"{shown.contracts} marchés de {name} notifiés en {publication.first_year} et {publication.last_year}."
            if shown.contracts
            else f"Aucun marché de {name} notifié en {publication.first_year} ou {publication.last_year} dans les "
            "DECP : vérifiez le SIREN de l'organisation, ou attendez que ses données soient publiées.",
            reverse("organisations:detail", args=[publication.organisation_id]),
            "Vérifier l'organisation",
        ),
        ChecklistItem(
            "Page publique du SPASER",
            scheme.is_public,
            "La publication paraîtra sur la page publique du SPASER."
            if scheme.is_public
            else "Le SPASER n'est pas publié : publiez-le d'abord, la publication biennale paraît sur sa page "
            "publique.",
            reverse("plans:publish", args=[scheme.pk]),
            "Publier le SPASER",
        ),
    ]


def publish(publication: Publication, user, store: Path | None = None) -> Publication:
    """Freeze the draft's figures and versions; the publication of the same buyer and period it replaces stays
    readable, marked superseded. PublishingRefused, in French, names what is missing."""
    with transaction.atomic():
        locked = Publication.objects.select_for_update().get(pk=publication.pk)
        if not locked.is_draft:
            raise PublishingRefused("Cette publication est déjà publiée : préparez-en une nouvelle pour la remplacer.")
        shown = figures(locked, store)
        if blocking := missing(checklist(locked, shown)):
            raise PublishingRefused(
                "Cette publication ne peut pas encore être publiée. À compléter : "
                + " ; ".join(f"{item.label} ({item.explanation})" for item in blocking)
            )
        previous = list(
            Publication.objects.select_for_update().filter(
                scheme=locked.scheme,
                organisation=locked.organisation,
                first_year=locked.first_year,
                status=Status.PUBLISHED,
            )
        )
        Publication.objects.filter(pk__in=[p.pk for p in previous]).update(status=Status.SUPERSEDED)
        locked.status = Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = user
        locked.siren = locked.organisation.siren
        locked.buyer_name = locked.organisation.name
        locked.figures = shown.figures
        locked.manual_values = shown.manual_values
        locked.catalogue_version = shown.catalogue_version
        locked.data_version = shown.data_version
        locked.save()
        Publication.objects.filter(pk__in=[p.pk for p in previous]).update(superseded_by=locked)
    return locked
