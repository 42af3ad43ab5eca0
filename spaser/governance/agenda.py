"""A meeting's agenda, generated from the scheme's state: objectives late or without data, actions overdue or due
before the committee's next meeting, manual data entered since its previous meeting, publication due, and the
follow-up of the decisions taken earlier."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Count, F

from spaser.formatting import day
from spaser.governance.calendar import horizon
from spaser.governance.models import Decision, DecisionStatus, Meeting
from spaser.governance.rules import scheme_actions
from spaser.indicators.readers import StoreUnavailable
from spaser.plans import steering
from spaser.plans.models import ActionStatus, ManualImport, ManualValue, Scheme, Status
from spaser.publications.status import biennial_due


TO_DISCUSS = (steering.LATE, steering.INSUFFICIENT, steering.NOT_YET)  # late, or without data to judge
FINISHED = (ActionStatus.DONE, ActionStatus.DROPPED)


@dataclass
class Agenda:
    meeting: Meeting
    previous: Meeting | None  # the committee's meeting before this one: new data are counted since its date
    until: datetime.date | None  # the committee's next meeting: actions due before it are on the agenda
    objectives: list[steering.ObjectiveSeries] = field(default_factory=list)
    objectives_unavailable: str = ""  # why the objectives' statuses cannot be read (DECP store unavailable)
    overdue_actions: list = field(default_factory=list)
    upcoming_actions: list = field(default_factory=list)
    imports: list[ManualImport] = field(default_factory=list)
    entered: list[dict] = field(default_factory=list)  # {"indicator__label", "count"} of values typed one by one
    publication: list[str] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(
            (self.objectives, self.overdue_actions, self.upcoming_actions, self.imports, self.entered)
            + (self.publication, self.decisions)
        )


def build(meeting: Meeting, store: Path | None = None) -> Agenda:
    scheme = meeting.committee.scheme
    previous = meeting.committee.meetings.filter(date__lt=meeting.date).order_by("date").last()
    agenda = Agenda(meeting, previous, horizon(meeting))
    try:
        series = steering.dashboard(scheme, store)
        agenda.objectives = [item for item in series if item.status in TO_DISCUSS]
    except StoreUnavailable:
        agenda.objectives_unavailable = (
            "Les valeurs des indicateurs DECP sont indisponibles pour le moment : les objectifs en retard ou sans "
            "données n'ont pas pu être listés."
        )
    _actions(agenda, scheme)
    _manual_data(agenda, scheme)
    agenda.publication = [item for check in PUBLICATION_CHECKS if (item := check(scheme, meeting.date))]
    agenda.decisions = list(open_decisions(scheme).filter(meeting__date__lt=meeting.date))
    return agenda


def open_decisions(scheme: Scheme):
    """The decisions of the scheme's meetings still followed, the closest deadline first (none last)."""
    return (
        Decision.objects.filter(meeting__committee__scheme=scheme, status=DecisionStatus.OPEN)
        .select_related("meeting__committee", "owner__user", "created_action")
        .prefetch_related("actions", "objectives")
        .order_by(F("deadline").asc(nulls_last=True), "meeting__date", "pk")
    )


def _actions(agenda: Agenda, scheme: Scheme) -> None:
    pending = scheme_actions(scheme).exclude(status__in=FINISHED).exclude(due_date=None).order_by("due_date", "pk")
    agenda.overdue_actions = list(pending.filter(due_date__lt=agenda.meeting.date))
    if agenda.until:
        agenda.upcoming_actions = list(pending.filter(due_date__gte=agenda.meeting.date, due_date__lt=agenda.until))


def _manual_data(agenda: Agenda, scheme: Scheme) -> None:
    """Imports and values typed one by one, of the manual indicators the scheme's objectives follow, dated from the
    previous meeting's day to the day before this one (all of them before a committee's first meeting)."""
    period = {"date__lt": agenda.meeting.date}
    if agenda.previous:
        period["date__gte"] = agenda.previous.date
    followed = {"indicator__objectives__engagement__axis__scheme": scheme}
    imports = ManualImport.objects.filter(**followed, **{f"imported_at__{k}": v for k, v in period.items()})
    agenda.imports = list(imports.select_related("indicator", "imported_by").distinct().order_by("imported_at"))
    typed = ManualValue.objects.filter(**followed, source=None, **{f"entered_at__{k}": v for k, v in period.items()})
    agenda.entered = list(
        typed.values("indicator__label").annotate(count=Count("pk", distinct=True)).order_by("indicator__label")
    )


def adoption_not_published(scheme: Scheme, on: datetime.date) -> str:
    if scheme.status == Status.ADOPTED:
        adopted = f" le {day(scheme.adoption_date)}" if scheme.adoption_date else ""
        return f"Le SPASER a été adopté{adopted} mais n'est pas encore publié : la publication est à faire."
    return ""


# Each check says what publication is due on a date, or "": the scheme's own, then its biennial indicators'.
PUBLICATION_CHECKS: tuple[Callable[[Scheme, datetime.date], str], ...] = (adoption_not_published, biennial_due)
