"""Plain functions turning schemes and dashboard series into the dicts of the API; described in openapi.py."""

from django.db.models import TextChoices
from django.urls import reverse

from spaser.indicators.catalogue import BY_CODE
from spaser.organisations.models import Organisation
from spaser.plans.models import (
    Action,
    ActionStatus,
    Axis,
    Engagement,
    Objective,
    Population,
    PurchaseVolume,
    Scheme,
    Theme,
)
from spaser.plans.steering import STATUS_RULE, ObjectiveSeries, YearPoint


def choice(value: str, choices: type[TextChoices]) -> dict | None:
    """A coded field as {code, label}: programs rely on the code, people read the label."""
    if not value:
        return None
    return {"code": value, "label": choices(value).label}


def iso_date(value) -> str | None:
    return value.isoformat() if value else None


def organisation(item: Organisation) -> dict:
    return {"siren": item.siren, "name": item.name, "buyer_type": item.buyer_type, "fictitious": item.fictitious}


def scheme_urls(scheme: Scheme) -> dict:
    return {
        "api": reverse("api:scheme", args=[scheme.slug]),
        "indicators": reverse("api:indicators", args=[scheme.slug]),
        "page": scheme.public_url(),
    }


def scheme_summary(scheme: Scheme) -> dict:
    return {
        "slug": scheme.slug,
        "title": scheme.title,
        "organisation": organisation(scheme.organisation),
        "partners": [organisation(partner) for partner in scheme.partners],
        "edition": scheme.edition,
        "start_year": scheme.start_year,
        "end_year": scheme.end_year,
        "adoption_date": iso_date(scheme.adoption_date),
        "deliberation": scheme.deliberation,
        "population": choice(scheme.population, Population),
        "purchase_volume": choice(scheme.purchase_volume, PurchaseVolume),
        "mutualised": scheme.mutualised,
        "urls": scheme_urls(scheme),
    }


def scheme_detail(scheme: Scheme) -> dict:
    return scheme_summary(scheme) | {
        "summary": scheme.summary,
        "mutualised_with": scheme.mutualised_with,
        "document": scheme.document_url() if scheme.document else None,
        "axes": [axis(item) for item in scheme.axes.all()],
    }


def axis(item: Axis) -> dict:
    return {
        "title": item.title,
        "theme": choice(item.theme, Theme),
        "description": item.description,
        "engagements": [engagement(child) for child in item.engagements.all()],
    }


def engagement(item: Engagement) -> dict:
    return {
        "title": item.title,
        "description": item.description,
        "objectives": [objective(child) for child in item.objectives.all()],
        "actions": [action(child) for child in item.actions.all()],
    }


def objective(item: Objective) -> dict:
    return {
        "id": item.pk,
        "title": item.title,
        "indicator": indicator(item),
        "baseline": {"year": item.baseline_year, "value": item.baseline_value},
        "targets": [{"year": target.year, "value": target.value} for target in item.targets.all()],
        "deadline_year": item.deadline_year,
    }


def indicator(item: Objective) -> dict:
    if item.manual_indicator_id:
        manual = item.manual_indicator
        return {
            "code": manual.code,
            "label": manual.label,
            "unit": manual.unit,
            "definition": manual.definition,
            "kind": "manual",
        }
    entry = BY_CODE[item.indicator_code]
    return {
        "code": entry.code,
        "label": entry.label,
        "unit": entry.unit,
        "definition": entry.definition,
        "kind": "catalogue",
    }


def action(item: Action) -> dict:
    return {
        "title": item.title,
        "owner": item.owner,
        "status": choice(item.status, ActionStatus),
        "due_date": iso_date(item.due_date),
    }


def scheme_indicators(scheme: Scheme, series: list[ObjectiveSeries]) -> dict:
    names = {item.siren: item.name for item in scheme.all_organisations()}
    return {
        "scheme": {"slug": scheme.slug, "title": scheme.title, "urls": scheme_urls(scheme)},
        "status_rule": STATUS_RULE,
        "objectives": [objective_values(item, names) for item in series],
    }


def objective_values(series: ObjectiveSeries, names: dict[str, str]) -> dict:
    return {
        "objective": {"id": series.objective.pk, "title": series.objective.title},
        "indicator": indicator(series.objective),
        "status": series.status,
        "status_basis": series.verdict.basis,
        "final_target": series.final_target,
        "values": [year_value(point) for point in series.points],
        "per_buyer": [
            {
                "siren": siren,
                "name": names.get(siren, ""),
                "status": series.per_buyer_verdicts[siren].status,
                "status_basis": series.per_buyer_verdicts[siren].basis,
                "values": [year_value(point) for point in points],
            }
            for siren, points in series.per_buyer.items()
        ],
    }


def year_value(point: YearPoint) -> dict:
    return {
        "year": point.year,
        "value": point.value,
        "target": point.target,
        "trajectory": point.trajectory,
        "coverage": point.coverage,
        "contracts": point.contracts,
        "missing": point.missing,
    }
