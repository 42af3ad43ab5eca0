"""The demo schemes' governance (after `load_demo`, which rebuilds their trees): a monthly COTECH and a half-yearly
COPIL as in Seine-Saint-Denis, partner representatives as in Strasbourg, two past meetings with minutes, attendance
and decisions (one creating an action, one changing an action), and the next COTECH planned. Replaced on each load."""

import datetime

from django.db import transaction
from django.utils import timezone

from spaser.governance import decisions
from spaser.governance.calendar import add_months
from spaser.governance.models import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    Decision,
    DecisionStatus,
    Frequency,
    Meeting,
)
from spaser.governance.rules import check_meeting_date, scheme_actions, scheme_objectives
from spaser.organisations.models import Role
from spaser.plans.models import Action, ActionStatus, Engagement, Scheme


COTECH = "Comité technique achats responsables"
COPIL = "Comité de pilotage du SPASER"
PARTNERS = [  # fictitious people of the kind of partners the seed documents name (CRESS, facilitators, ADEME)
    ("Claire Dubois (fictive)", "CRESS de la région Exemple", "claire.dubois@cress.example"),
    ("Karim Benali (fictif)", "Maison de l'emploi Exemple, facilitateur des clauses sociales", ""),
    ("Anne Lefèvre (fictive)", "Direction régionale de l'ADEME", ""),
]
ROLES_SEATED = (Role.ADMIN, Role.EDITOR, Role.FACILITATOR)


def demo_schemes():
    """The fictitious demo schemes that were adopted (a meeting cannot precede the adoption)."""
    return Scheme.objects.filter(organisation__fictitious=True, adoption_date__isnull=False).select_related(
        "organisation"
    )


def load_governance_demo(schemes, today: datetime.date | None = None) -> list[Committee]:
    today = today or timezone.localdate()
    committees = []
    with transaction.atomic():
        for scheme in schemes:
            former = Committee.objects.filter(scheme=scheme, name__in=[COTECH, COPIL])
            created = Decision.objects.filter(meeting__committee__in=former).values("created_action")
            Action.objects.filter(pk__in=created).delete()  # gone already when load_demo rebuilt the tree
            former.delete()
            committees += _scheme_governance(scheme, today)
    return committees


def _scheme_governance(scheme: Scheme, today: datetime.date) -> list[Committee]:
    staff = [
        membership.user
        for role in ROLES_SEATED
        for membership in scheme.organisation.memberships.filter(role=role).select_related("user")
    ]
    cotech = Committee.objects.create(
        scheme=scheme, name=COTECH, kind=CommitteeKind.COTECH, frequency=Frequency.MONTHLY
    )
    copil = Committee.objects.create(
        scheme=scheme, name=COPIL, kind=CommitteeKind.COPIL, frequency=Frequency.HALF_YEARLY
    )
    cotech_members = [CommitteeMember.objects.create(committee=cotech, user=user) for user in staff]
    cotech_members += [
        CommitteeMember.objects.create(committee=cotech, name=name, organisation_name=organisation, email=email)
        for name, organisation, email in PARTNERS
    ]
    copil_members = [CommitteeMember.objects.create(committee=copil, user=user) for user in staff[:2]]
    copil_members.append(
        CommitteeMember.objects.create(
            committee=copil, name="Jean Morel (fictif)", organisation_name="Vice-président délégué aux achats"
        )
    )

    copil_day = _meeting_day(scheme, add_months(today, -4, 15))
    cotech_day = _meeting_day(scheme, add_months(today, -1, 15))
    steering = _meeting(
        copil,
        copil_day,
        copil_members,
        "Bilan du semestre présenté par la direction de la commande publique : la part des marchés avec une "
        "considération sociale progresse, les heures d'insertion restent en deçà de la trajectoire. Le comité "
        "demande un plan d'action sur les clauses d'insertion et lance l'action de formation des acheteurs.",
    )
    technical = _meeting(
        cotech,
        cotech_day,
        cotech_members[:4] + cotech_members[-1:],
        "Revue des consultations des trois prochains mois avec les directions prescriptrices. La CRESS présente "
        "les structures de l'insertion par l'activité économique du territoire ; le facilitateur propose des "
        "clauses pour les marchés de travaux.",
    )
    Meeting.objects.create(committee=cotech, date=add_months(cotech_day, 1), start_time=datetime.time(9, 30))

    objectives = list(scheme_objectives(scheme).order_by("engagement__axis__position", "position"))
    planned = scheme_actions(scheme).filter(status=ActionStatus.PLANNED).order_by("due_date").first()
    first = Decision.objects.create(
        meeting=steering,
        text="Lancer sans attendre l'action de formation des acheteurs et présenter un plan pour les heures "
        "d'insertion au prochain comité de pilotage.",
        owner=copil_members[0],
        deadline=add_months(copil_day, 6),
        action_status=ActionStatus.ONGOING if planned else "",
    )
    first.objectives.set(objectives[:1])
    if planned:
        first.actions.add(planned)
    decisions.apply(first)
    engagement = Engagement.objects.filter(axis__scheme=scheme).order_by("axis__position", "position").first()
    sourcing = Decision.objects.create(
        meeting=technical,
        text="Cartographier les structures d'insertion et entreprises adaptées du territoire avant les "
        "consultations de travaux.",
        owner=cotech_members[len(staff)],
        deadline=add_months(cotech_day, 2),
    )
    decisions.apply(
        sourcing,
        decisions.NewAction(engagement, "Cartographier les SIAE et entreprises adaptées", "Direction de l'économie"),
    )
    Decision.objects.create(
        meeting=technical,
        text="Ajouter une clause d'insertion au marché de nettoyage des bâtiments.",
        owner=cotech_members[0],
        deadline=cotech_day,
        status=DecisionStatus.DONE,
    )
    return [cotech, copil]


def _meeting_day(scheme: Scheme, day: datetime.date) -> datetime.date:
    return day if check_meeting_date(scheme, day) is None else scheme.adoption_date


def _meeting(committee: Committee, day: datetime.date, present: list[CommitteeMember], minutes: str) -> Meeting:
    meeting = Meeting.objects.create(
        committee=committee, date=day, start_time=datetime.time(14, 0), place="Salle du conseil", minutes=minutes
    )
    meeting.attendees.set(present)
    return meeting
