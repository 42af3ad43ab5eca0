"""The governance blocks of a scheme's private dashboard: {% governance_followup scheme %} and
{% questionnaire_indicators scheme %}."""

from django import template
from django.conf import settings
from django.utils import timezone

from spaser.governance import questionnaires
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


@register.inclusion_tag("governance/_dashboard_questionnaires.html")
def questionnaire_indicators(scheme):
    """The platform indicators from the per-purchase questionnaires (read from the store: not in the page cache)."""
    return {
        "scheme": scheme,
        "indicators": questionnaires.indicators(scheme, timezone.localdate(), settings.SPASER_STORE_DIR),
    }
