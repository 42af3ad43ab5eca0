import datetime

import pytest

from spaser.governance import summary
from spaser.governance.models import DecisionStatus
from tests.governance.factories import CommitteeFactory, DecisionFactory, MeetingFactory


pytestmark = pytest.mark.django_db


def test_each_committee_says_its_meetings_and_decisions_of_the_year():
    cotech = CommitteeFactory()
    copil = CommitteeFactory(steering=True, scheme=cotech.scheme)
    CommitteeFactory()  # another scheme's
    march = MeetingFactory(committee=cotech, date=datetime.date(2025, 3, 31))
    MeetingFactory(committee=cotech, date=datetime.date(2025, 11, 5))
    MeetingFactory(committee=cotech, date=datetime.date(2024, 12, 2))  # another year
    DecisionFactory(meeting=march, status=DecisionStatus.DONE)
    DecisionFactory(meeting=march)
    DecisionFactory(meeting=MeetingFactory(committee=copil, date=datetime.date(2024, 6, 1)))

    sentences = summary.year_summary(cotech.scheme, 2025)

    assert sentences == [
        "Comité technique achats responsables (Comité technique (COTECH)), tous les mois : 2\u00a0réunions en 2025, "
        "la dernière le 5 novembre 2025 ; 2\u00a0décisions, dont 1\u00a0réalisée.",
        "Comité de pilotage du SPASER (Comité de pilotage (COPIL)), tous les six mois : aucune réunion en 2025.",
    ]


def test_the_version_changes_with_a_meeting_or_a_decision():
    meeting = MeetingFactory()
    scheme = meeting.committee.scheme
    before = summary.version(scheme)
    DecisionFactory(meeting=meeting)
    after_decision = summary.version(scheme)
    MeetingFactory(committee=meeting.committee, date=datetime.date(2025, 9, 1))

    assert len({before, after_decision, summary.version(scheme)}) == 3
