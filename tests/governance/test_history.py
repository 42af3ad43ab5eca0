import datetime

import pytest

from spaser.governance.models import DecisionStatus
from spaser.plans import history
from tests.governance.factories import DecisionFactory
from tests.organisations.factories import UserFactory


pytestmark = pytest.mark.django_db


def test_a_decisions_follow_up_is_in_its_schemes_history_and_nowhere_else():
    decision = DecisionFactory(status=DecisionStatus.OPEN, deadline=datetime.date(2027, 3, 31))
    elsewhere = DecisionFactory()
    decision.status, decision._history_user = DecisionStatus.DONE, UserFactory(first_name="Alex", last_name="Dupont")
    decision.save()
    scheme = decision.meeting.scheme

    entries = history.entries(history.entry_keys(scheme, "decisions"))

    assert [(entry.kind.label, entry.verb, entry.author) for entry in entries][0] == (
        "Décision",
        "modification",
        "Alex Dupont",
    )
    assert [(c.field, c.before, c.after) for c in entries[0].changes] == [("suivi", "À suivre", "Réalisée")]
    assert len(entries) == 2
    assert elsewhere.meeting.scheme != scheme
