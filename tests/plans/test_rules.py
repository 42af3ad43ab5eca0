"""The scheme's rules, written once: the web form and the JSON import give the same French message."""

import json
from pathlib import Path

from spaser.organisations.models import Role
from spaser.plans.exchange_validation import validate
from spaser.plans.rules import check_period
from spaser.www.plans_views.forms import SchemeForm
from tests.organisations.factories import MembershipFactory


REVERSED = "La dernière année (2024) précède la première (2026) : elle doit lui être égale ou postérieure."


def test_a_period_may_be_one_year_but_never_reversed():
    assert check_period(2024, 2024) is None
    assert check_period(2026, 2024) == REVERSED


def test_the_form_and_the_json_import_say_the_same_about_a_reversed_period():
    organisation = MembershipFactory(role=Role.EDITOR).organisation
    form = SchemeForm(
        {"organisation": organisation.pk, "title": "T", "edition": 1, "start_year": 2026, "end_year": 2024},
        organisations=type(organisation).objects.all(),
    )
    document = json.loads((Path(__file__).parents[1] / "fixtures/exchange/good_minimal.json").read_text("utf-8"))
    document["scheme"].update(start_year=2026, end_year=2024)

    assert form.errors["end_year"] == [REVERSED]
    assert [(error.place, error.message) for error in validate(document)] == [("SPASER › dernière année", REVERSED)]
