"""A scheme's change history, read from the tables django-simple-history fills: who, when, before → after.

The scheme's tree (axes, engagements, objectives, targets, actions) and its organisation's manual data are
gathered across the historical tables in one query ordered by date, so that the page paginates in the database.
Values typed one by one have one entry each; a file import is one entry (its ManualImport), as is its undo.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Value

from spaser.formatting import MISSING, day, moment, number
from spaser.plans.models import (
    Action,
    Axis,
    ContractTag,
    Engagement,
    ManualImport,
    ManualIndicator,
    ManualValue,
    Objective,
    Scheme,
    Target,
)


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str  # filter option and entry heading
    model: type[models.Model]


KINDS = {
    kind.slug: kind
    for kind in (
        Kind("spaser", "SPASER", Scheme),
        Kind("axes", "Axe", Axis),
        Kind("engagements", "Engagement", Engagement),
        Kind("objectifs", "Objectif", Objective),
        Kind("cibles", "Cible", Target),
        Kind("actions", "Action", Action),
        Kind("indicateurs", "Indicateur saisi", ManualIndicator),
        Kind("valeurs", "Valeur saisie", ManualValue),
        Kind("imports", "Import de fichier", ManualImport),
        Kind("marches", "Marché rattaché", ContractTag),
    )
}
# Kinds of the apps above this one (governance's decisions): registered by their AppConfig.ready() with the
# historical rows that belong to a scheme.
SchemeRecords = Callable[[Scheme], models.QuerySet]
REGISTERED: dict[str, SchemeRecords] = {}


def register(kind: Kind, records: SchemeRecords) -> None:
    KINDS[kind.slug] = kind
    REGISTERED[kind.slug] = records


# Links to the parent and bookkeeping: the entry's heading and author already say them.
HIDDEN_FIELDS = {"id", "scheme", "axis", "engagement", "objective", "indicator", "organisation", "source"}
HIDDEN_FIELDS |= {"entered_by", "imported_by", "tagged_by"}
VERBS = {"+": "ajout", "~": "modification", "-": "suppression"}
DONE = {"+": "Ajouté", "~": "Modifié", "-": "Supprimé"}


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    kind: Kind
    label: str
    verb: str
    done: str  # « Modifié » par X le …
    author: str
    when: datetime
    changes: list[Change]


def _records(scheme: Scheme) -> dict[str, models.QuerySet]:
    """The historical rows of each kind that belong to the scheme, or to its organisation's manual data."""
    axes = Axis.history.filter(scheme_id=scheme.pk).values("id")
    engagements = Engagement.history.filter(axis_id__in=axes).values("id")
    objectives = Objective.history.filter(engagement_id__in=engagements).values("id")
    indicators = ManualIndicator.history.filter(organisation_id=scheme.organisation_id).values("id")
    return {
        "spaser": Scheme.history.filter(id=scheme.pk),
        "axes": Axis.history.filter(scheme_id=scheme.pk),
        "engagements": Engagement.history.filter(axis_id__in=axes),
        "objectifs": Objective.history.filter(engagement_id__in=engagements),
        "cibles": Target.history.filter(objective_id__in=objectives),
        "actions": Action.history.filter(engagement_id__in=engagements),
        "indicateurs": ManualIndicator.history.filter(organisation_id=scheme.organisation_id),
        # Values from a file are told by the import's entry, not one by one.
        "valeurs": ManualValue.history.filter(indicator_id__in=indicators, source_id__isnull=True),
        "imports": ManualImport.history.filter(indicator_id__in=indicators),
        "marches": ContractTag.history.filter(engagement_id__in=engagements),
        **{slug: records(scheme) for slug, records in REGISTERED.items()},
    }


def entry_keys(scheme: Scheme, kind: str | None = None):
    """(history_id, history_date, kind) of every entry, newest first, as one query to paginate."""
    querysets = [
        records.order_by().annotate(kind=Value(slug)).values_list("history_id", "history_date", "kind")
        for slug, records in _records(scheme).items()
        if kind in (None, slug)
    ]
    return querysets[0].union(*querysets[1:], all=True).order_by("-history_date", "-history_id")


def entries(keys) -> list[Entry]:
    """The entries of a page of `entry_keys`, in its order, each with its changes field by field."""
    ids_by_kind: dict[str, list[int]] = {}
    for history_id, _, kind in keys:
        ids_by_kind.setdefault(kind, []).append(history_id)
    records = {}
    for kind, ids in ids_by_kind.items():
        for record in KINDS[kind].model.history.filter(history_id__in=ids).select_related("history_user"):
            records[kind, record.history_id] = _entry(KINDS[kind], record)
    return [records[kind, history_id] for history_id, _, kind in keys]


def _entry(kind: Kind, record) -> Entry:
    return Entry(
        kind,
        _label(record),
        VERBS[record.history_type],
        DONE[record.history_type],
        author(record.history_user),
        record.history_date,
        _changes(record),
    )


def author(user) -> str:
    if user is None:
        return "un traitement automatique ou un compte supprimé"
    return user.get_full_name() or user.email


def _label(record) -> str:
    model = record.instance_type
    if model is Target:
        return f"cible {record.year}"
    if model is ManualValue:
        return f"{record.year} {record.contract_id}".strip()
    if model is ManualImport:
        return record.filename
    return str(record.instance)


def _changes(record) -> list[Change]:
    fields = [field for field in record.instance_type._meta.fields if field.name not in HIDDEN_FIELDS]
    if record.history_type == "-":
        return []
    previous = record.prev_record if record.history_type == "~" else None
    if previous is None:  # a new node: its rank among its siblings tells nothing
        fields = [field for field in fields if field.name != "position"]
    changes = []
    for field in fields:
        if field.name not in {f.name for f in record._meta.fields}:
            continue  # excluded from the history (dates of creation and update)
        after = _shown(record, field)
        before = _shown(previous, field) if previous is not None else None
        if before != after and (previous is not None or after != MISSING):
            changes.append(Change(str(field.verbose_name), before or MISSING, after))
    return changes


def _shown(record, field) -> str:
    """A field's value as the page writes it: choice labels, related objects by name, French numbers and dates."""
    value = getattr(record, field.attname)
    if value is None or value == "":
        return MISSING
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.related_model is get_user_model():
        return author(get_user_model().objects.filter(pk=value).first())
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"n° {value} (supprimé)"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return day(value)
    if isinstance(value, float):
        return number(value, 0 if value.is_integer() else 2)
    if isinstance(value, int) and field.name != "year" and not field.name.endswith("_year"):
        return number(value)
    return str(value)
