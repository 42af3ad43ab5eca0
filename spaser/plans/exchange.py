"""Export and import of a SPASER as a JSON document in the exchange format declared in `exchange_format`.

Round trip: for a valid document D and an organisation O, `export_scheme(import_scheme(D, O))` equals D except
- `scheme.status`, always "draft": an imported scheme is adopted and published again on the platform;
- `scheme.organisations`: O first, then the partners that accepted: the import never attaches an organisation, it
  invites (pending `Partnership`) every partner of D whose SIREN is known on the platform (O excepted); once they
  accept they follow O in the platform's order (by name) with the platform's names; unknown partners are appended
  to `scheme.mutualised_with` as "Nom (SIREN 123456789)";
- optional fields D omits appear with their defaults, and targets are listed by year;
- a manual indicator whose code O already uses keeps O's label (its unit must be the same, or the import fails).
"""

import logging

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from spaser.organisations.models import Organisation
from spaser.plans import exchange_format as fmt, partnerships
from spaser.plans.exchange_validation import ExchangeInvalid, conflicts_with, validate
from spaser.plans.models import (
    Action,
    Axis,
    Engagement,
    ManualIndicator,
    Objective,
    Scheme,
    Status,
    Target,
    unique_slug,
)


logger = logging.getLogger(__name__)

__all__ = ["export_scheme", "import_scheme"]


# Export


def export_scheme(scheme: Scheme) -> dict:
    """The document of a scheme; positions become the order of the lists."""
    axes = scheme.axes.prefetch_related(
        "engagements__objectives__targets", "engagements__objectives__manual_indicator", "engagements__actions"
    )
    document = fmt.Document(
        format=fmt.FORMAT,
        version=fmt.VERSION,
        scheme=_export_header(scheme),
        axes=[_export_axis(axis) for axis in axes],
    )
    return document.model_dump(mode="json")


def _export_header(scheme: Scheme) -> fmt.Scheme:
    return fmt.Scheme(
        title=scheme.title,
        edition=scheme.edition,
        start_year=scheme.start_year,
        end_year=scheme.end_year,
        status=str(scheme.status),
        adoption_date=scheme.adoption_date,
        deliberation=scheme.deliberation,
        summary=scheme.summary,
        population=str(scheme.population),
        purchase_volume=str(scheme.purchase_volume),
        mutualised=scheme.mutualised,
        mutualised_with=scheme.mutualised_with,
        organisations=[fmt.Organisation(siren=o.siren, name=o.name) for o in scheme.all_organisations()],
    )


def _export_axis(axis: Axis) -> fmt.Axis:
    return fmt.Axis(
        title=axis.title,
        theme=str(axis.theme),
        description=axis.description,
        engagements=[_export_engagement(engagement) for engagement in axis.engagements.all()],
    )


def _export_engagement(engagement: Engagement) -> fmt.Engagement:
    return fmt.Engagement(
        title=engagement.title,
        description=engagement.description,
        objectives=[_export_objective(objective) for objective in engagement.objectives.all()],
        actions=[_export_action(action) for action in engagement.actions.all()],
    )


def _export_objective(objective: Objective) -> fmt.Objective:
    return fmt.Objective(
        title=objective.title,
        indicator=_export_indicator(objective),
        baseline_year=objective.baseline_year,
        baseline_value=objective.baseline_value,
        deadline_year=objective.deadline_year,
        targets=[fmt.Target(year=target.year, value=target.value) for target in objective.targets.all()],
    )


def _export_indicator(objective: Objective) -> fmt.Indicator:
    manual = objective.manual_indicator
    if manual is None:
        return fmt.Indicator(catalogue=objective.indicator_code)
    return fmt.Indicator(manual=fmt.ManualIndicator(code=manual.code, label=manual.label, unit=str(manual.unit)))


def _export_action(action: Action) -> fmt.Action:
    return fmt.Action(title=action.title, owner=action.owner, status=str(action.status), due_date=action.due_date)


# Import


def import_scheme(document: object, organisation: Organisation, user=None) -> Scheme:
    """A new draft scheme of `organisation` built from the document, or ExchangeInvalid and nothing stored.

    The partners of the document known on the platform are invited (pending), never attached: see `partnerships`.
    """
    errors = validate(document) or conflicts_with(document, organisation)
    if errors:
        raise ExchangeInvalid(errors)
    valid = fmt.Document.model_validate(document)
    with transaction.atomic():
        scheme = _create_scheme(valid.scheme, organisation, user)
        for position, axis in enumerate(valid.axes):
            _create_axis(scheme, position, axis)
    logger.info("Scheme %s imported into organisation %s by user %s", scheme.pk, organisation.pk, user and user.pk)
    return scheme


def _partners(
    entries: list[fmt.Organisation], owner: Organisation
) -> tuple[list[Organisation], list[fmt.Organisation]]:
    """The organisations of the platform among the entries (the owner excepted), and the entries it does not know."""
    known = {o.siren: o for o in Organisation.objects.filter(siren__in=[entry.siren for entry in entries])}
    partners = {entry.siren: known[entry.siren] for entry in entries if entry.siren in known}
    partners.pop(owner.siren, None)
    return list(partners.values()), [entry for entry in entries if entry.siren not in known]


def _mutualised_with(text: str, unknown: list[fmt.Organisation]) -> str:
    joined = ", ".join([part for part in [text, *(f"{o.name} (SIREN {o.siren})" for o in unknown)] if part])
    limit = fmt.MUTUALISED_WITH_LENGTH
    return joined if len(joined) <= limit else joined[: limit - 1] + "…"


def _create_scheme(header: fmt.Scheme, organisation: Organisation, invited_by) -> Scheme:
    # The document's first organisation is the one that wrote it: the importer owns the copy.
    partners, unknown = _partners(header.organisations[1:], organisation)
    scheme = Scheme.objects.create(
        organisation=organisation,
        title=header.title,
        slug=unique_slug(f"{organisation.name} {header.title}"),
        edition=header.edition,
        start_year=header.start_year,
        end_year=header.end_year,
        status=Status.DRAFT,
        adoption_date=header.adoption_date,
        deliberation=header.deliberation,
        summary=header.summary,
        population=header.population,
        purchase_volume=header.purchase_volume,
        mutualised=header.mutualised,
        mutualised_with=_mutualised_with(header.mutualised_with, unknown),
    )
    for partner in partners:
        partnerships.propose(scheme, partner, invited_by)
    return scheme


def _create_axis(scheme: Scheme, position: int, data: fmt.Axis) -> None:
    axis = Axis.objects.create(
        scheme=scheme, title=data.title, theme=data.theme, description=data.description, position=position
    )
    for index, engagement in enumerate(data.engagements):
        _create_engagement(axis, index, engagement)


def _create_engagement(axis: Axis, position: int, data: fmt.Engagement) -> None:
    engagement = Engagement.objects.create(
        axis=axis, title=data.title, description=data.description, position=position
    )
    for index, objective in enumerate(data.objectives):
        _create_objective(engagement, index, objective)
    for index, action in enumerate(data.actions):
        Action.objects.create(
            engagement=engagement,
            title=action.title,
            owner=action.owner,
            status=action.status,
            due_date=action.due_date,
            position=index,
        )


def _create_objective(engagement: Engagement, position: int, data: fmt.Objective) -> None:
    objective = Objective.objects.create(
        engagement=engagement,
        title=data.title,
        indicator_code=data.indicator.catalogue or "",
        manual_indicator=_manual_indicator(engagement.axis.scheme.organisation, data.indicator.manual),
        baseline_year=data.baseline_year,
        baseline_value=data.baseline_value,
        deadline_year=data.deadline_year,
        position=position,
    )
    bulk_create_with_history(
        [Target(objective=objective, year=target.year, value=target.value) for target in data.targets], Target
    )


def _manual_indicator(organisation: Organisation, data: fmt.ManualIndicator | None) -> ManualIndicator | None:
    if data is None:
        return None
    indicator, _ = ManualIndicator.objects.get_or_create(
        organisation=organisation, code=data.code, defaults={"label": data.label, "unit": data.unit}
    )
    return indicator
