import datetime

from django.core.management import call_command

from spaser.governance.demo import COPIL, COTECH, demo_schemes, load_governance_demo
from spaser.governance.models import Committee, Decision, Meeting
from spaser.organisations.models import Role
from spaser.plans.models import Action, ActionStatus, Status
from tests.organisations.factories import MembershipFactory
from tests.plans.factories import ActionFactory, ObjectiveFactory, SchemeFactory


TODAY = datetime.date(2026, 12, 6)


def demo_scheme():
    scheme = SchemeFactory(
        organisation__fictitious=True, status=Status.PUBLISHED, adoption_date=datetime.date(2024, 3, 28)
    )
    for role in (Role.ADMIN, Role.EDITOR, Role.FACILITATOR, Role.VIEWER):
        MembershipFactory(organisation=scheme.organisation, role=role)
    objective = ObjectiveFactory(engagement__axis__scheme=scheme)
    ActionFactory(engagement=objective.engagement, status=ActionStatus.PLANNED, due_date=datetime.date(2026, 3, 1))
    return scheme


def test_the_demo_governance_has_two_past_meetings_with_minutes_and_decisions_and_reloads_without_duplicates():
    scheme = demo_scheme()
    SchemeFactory(organisation__fictitious=True)  # a draft without adoption date: no meeting can be dated
    assert list(demo_schemes()) == [scheme]

    load_governance_demo(demo_schemes(), TODAY)
    load_governance_demo(demo_schemes(), TODAY)

    assert sorted(Committee.objects.values_list("name", "frequency")) == [
        (COPIL, "semestrielle"),
        (COTECH, "mensuelle"),
    ]
    past = Meeting.objects.filter(date__lt=TODAY)
    assert [(m.committee.name, m.date) for m in past.order_by("date")] == [
        (COPIL, datetime.date(2026, 8, 15)),
        (COTECH, datetime.date(2026, 11, 15)),
    ]
    assert all(meeting.minutes and meeting.attendees.exists() for meeting in past)
    assert Meeting.objects.filter(date=datetime.date(2026, 12, 15), minutes="").count() == 1
    cotech = Committee.objects.get(name=COTECH)
    assert cotech.members.filter(user=None).count() == 3 and cotech.members.exclude(user=None).count() == 3
    created = Action.objects.get(title="Cartographier les SIAE et entreprises adaptées")
    assert Decision.objects.get(created_action=created).deadline == created.due_date == datetime.date(2027, 1, 15)
    assert Action.objects.get(due_date=datetime.date(2026, 3, 1)).status == ActionStatus.ONGOING
    assert Decision.objects.count() == 3


def test_the_command_loads_the_demo_governance(capsys):
    demo_scheme()
    call_command("load_demo_governance")
    assert "Gouvernance de démonstration : 2 comités, 1 SPASER." in capsys.readouterr().out
