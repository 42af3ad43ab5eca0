import datetime

import factory

from spaser.governance import questionnaires
from spaser.governance.models import (
    CalendarFeed,
    Committee,
    CommitteeKind,
    CommitteeMember,
    Decision,
    Frequency,
    Meeting,
    PurchaseAnswer,
    PurchaseProject,
)
from tests.organisations.factories import UserFactory
from tests.plans.factories import SchemeFactory


class CommitteeFactory(factory.django.DjangoModelFactory):
    """A monthly COTECH; `steering=True` makes it a half-yearly COPIL."""

    class Meta:
        model = Committee

    scheme = factory.SubFactory(SchemeFactory)
    name = "Comité technique achats responsables"
    kind = CommitteeKind.COTECH
    frequency = Frequency.MONTHLY

    class Params:
        steering = factory.Trait(
            name="Comité de pilotage du SPASER", kind=CommitteeKind.COPIL, frequency=Frequency.HALF_YEARLY
        )


class CommitteeMemberFactory(factory.django.DjangoModelFactory):
    """A person outside the platform; `inside=True` a user of the platform (give it the scheme's member)."""

    class Meta:
        model = CommitteeMember

    committee = factory.SubFactory(CommitteeFactory)
    name = "Claire Dubois"
    organisation_name = "CRESS"
    email = ""

    class Params:
        inside = factory.Trait(user=factory.SubFactory(UserFactory), name="", organisation_name="")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    date = datetime.date(2025, 3, 31)

    class Params:
        held = factory.Trait(minutes="Point sur les clauses sociales.", place="Salle du conseil")


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = "Former les acheteurs aux clauses sociales avant l'été."
    deadline = datetime.date(2025, 6, 30)


class PurchaseProjectFactory(factory.django.DjangoModelFactory):
    """A project to be consulted on 1 June 2025, not yet questioned nor linked."""

    class Meta:
        model = PurchaseProject

    scheme = factory.SubFactory(SchemeFactory)
    title = "Nettoyage des bâtiments administratifs"
    estimated_amount = 120000
    consultation_date = datetime.date(2025, 6, 1)
    buyer = "Direction des bâtiments"


PROJECT_PAGES = ("governance:project_edit", "governance:project_delete", "governance:project_contract",
                 "governance:project_unlink")  # fmt: skip
QUESTION_PAGES = ("governance:question_edit", "governance:question_delete")


def matrix_arguments(name: str, scheme) -> dict:
    """The URL arguments of a governance page of `scheme`, for the permission matrix (objects made once)."""
    committee = Committee.objects.filter(scheme=scheme).first() or CommitteeFactory(scheme=scheme)
    member = committee.members.first() or CommitteeMemberFactory(committee=committee)
    meeting = committee.meetings.first() or MeetingFactory(committee=committee)
    decision = meeting.decisions.first() or DecisionFactory(meeting=meeting, owner=member)
    feed, _ = CalendarFeed.objects.get_or_create(scheme=scheme)
    project = scheme.purchase_projects.first() or PurchaseProjectFactory(scheme=scheme)
    question = questionnaires.questions(scheme).first()
    ids = {"pk": scheme.pk}
    return {
        "governance:committee_edit": {**ids, "committee_pk": committee.pk},
        "governance:committee_delete": {**ids, "committee_pk": committee.pk},
        "governance:member_add": {**ids, "committee_pk": committee.pk},
        "governance:member_delete": {**ids, "committee_pk": committee.pk, "member_pk": member.pk},
        "governance:meeting_create": {**ids, "committee_pk": committee.pk},
        "governance:meeting": {**ids, "meeting_pk": meeting.pk},
        "governance:meeting_edit": {**ids, "meeting_pk": meeting.pk},
        "governance:meeting_delete": {**ids, "meeting_pk": meeting.pk},
        "governance:decision_create": {**ids, "meeting_pk": meeting.pk},
        "governance:decision_edit": {**ids, "decision_pk": decision.pk},
        "governance:decision_delete": {**ids, "decision_pk": decision.pk},
        "governance:calendar": {**ids, "token": feed.token},
        **dict.fromkeys(PROJECT_PAGES, {**ids, "project_pk": project.pk}),
        **dict.fromkeys(QUESTION_PAGES, {**ids, "question_pk": question.pk}),
    }.get(name, ids)


def answer(project: PurchaseProject, answers: dict) -> None:
    """Answers the project's questions of the given levers (the scheme's default questions)."""
    by_lever = {question.lever: question for question in questionnaires.questions(project.scheme)}
    for lever, value in answers.items():
        PurchaseAnswer.objects.create(project=project, question=by_lever[lever], answer=value)
