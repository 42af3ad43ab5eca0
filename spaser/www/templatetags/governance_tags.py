"""The governance block of a scheme's private dashboard: {% governance_followup scheme %}."""

from django import template
from django.utils import timezone

from spaser.governance.agenda import open_decisions
from spaser.governance.calendar import next_meeting


register = template.Library()


@register.inclusion_tag("governance/_dashboard_followup.html")
def governance_followup(scheme):
    today = timezone.localdate()
    decisions = list(open_decisions(scheme))
    return {
        "scheme": scheme,
        "committees": [(committee, next_meeting(committee, today)) for committee in scheme.committees.all()],
        "decisions": decisions,
        "late": [decision for decision in decisions if decision.deadline and decision.deadline < today],
    }
