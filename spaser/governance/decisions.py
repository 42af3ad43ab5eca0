"""What a decision does to the scheme's actions: it may create one, and set the state or due date of those it
names. Changes go through the plans' Action model, so that they are the scheme's own."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from spaser.governance.models import Decision
from spaser.plans.models import Action, ActionStatus, Engagement


@dataclass(frozen=True)
class NewAction:
    engagement: Engagement
    title: str
    owner: str  # the plans' « direction pilote »


def apply(decision: Decision, new_action: NewAction | None = None) -> None:
    """Create the decision's action (linked to it, due at its deadline) and write the new state or due date on the
    actions it names; the scheme is marked changed (its dashboard cache follows)."""
    with transaction.atomic():
        if new_action:
            last = new_action.engagement.actions.aggregate(last=Max("position"))["last"] or 0
            action = Action.objects.create(
                engagement=new_action.engagement,
                title=new_action.title,
                owner=new_action.owner,
                status=ActionStatus.PLANNED,
                due_date=decision.deadline,
                position=last + 1,
            )
            decision.created_action = action
            decision.save(update_fields=["created_action"])
            decision.actions.add(action)
        changes = _changes(decision.action_status, decision.action_due_date)
        if changes:
            for action in decision.actions.exclude(pk=getattr(decision.created_action, "pk", None)):
                for name, value in changes.items():
                    setattr(action, name, value)
                action.save(update_fields=list(changes))
        if new_action or changes:
            decision.meeting.committee.scheme.touch()


def _changes(status: str, due_date: datetime.date | None) -> dict:
    return {name: value for name, value in (("status", status), ("due_date", due_date)) if value}
