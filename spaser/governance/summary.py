"""The governance chapter of a scheme's annual steering report: each committee's meetings and decisions in a year."""

from django.db.models import Count, Max, Q

from spaser.formatting import count, day
from spaser.governance.models import Committee, Decision, DecisionStatus, Meeting
from spaser.plans.models import Scheme


def year_summary(scheme: Scheme, year: int) -> list[str]:
    """One sentence per committee of the scheme, e.g. « Comité technique (COTECH), tous les mois : 3 réunions en
    2026, la dernière le 5 novembre 2026 ; 4 décisions, dont 2 réalisées. »"""
    committees = Committee.objects.filter(scheme=scheme).annotate(
        held=Count("meetings", filter=Q(meetings__date__year=year), distinct=True),
        last=Max("meetings__date", filter=Q(meetings__date__year=year)),
        decided=Count("meetings__decisions", filter=Q(meetings__date__year=year)),
        done=Count(
            "meetings__decisions",
            filter=Q(meetings__date__year=year, meetings__decisions__status=DecisionStatus.DONE),
        ),
    )
    return [_sentence(committee, year) for committee in committees]


def _sentence(committee: Committee, year: int) -> str:
    heading = f"{committee.name} ({committee.get_kind_display()}), {committee.get_frequency_display().lower()}"
    if not committee.held:
        return f"{heading} : aucune réunion en {year}."
    meetings = f"{count(committee.held, 'réunion')} en {year}, la dernière le {day(committee.last)}"
    decisions = f"{count(committee.decided, 'décision')}, dont {count(committee.done, 'réalisée')}"
    return f"{heading} : {meetings} ; {decisions}."


def version(scheme: Scheme) -> str:
    """Changes whenever a committee, a meeting or a decision of the scheme changes: part of the report PDF's key."""
    meetings = Meeting.objects.filter(committee__scheme=scheme).aggregate(last=Max("updated_at"), n=Count("pk"))
    decisions = Decision.history.filter(meeting__committee__scheme=scheme).aggregate(last=Max("history_date"))
    committees = Committee.objects.filter(scheme=scheme).values_list("pk", "name", "kind", "frequency")
    return f"{meetings['last']}-{meetings['n']}-{decisions['last']}-{list(committees)}"
