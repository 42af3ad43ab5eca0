import datetime

import pytest

from spaser.plans import history
from spaser.plans.manual import import_csv, undo_import
from spaser.plans.models import ActionStatus, ManualValue
from tests.organisations.factories import UserFactory
from tests.plans.factories import ActionFactory, ManualIndicatorFactory, SchemeFactory, TargetFactory


pytestmark = pytest.mark.django_db

CSV = "annee;identifiant_marche;heures_prevues;heures_realisees;personnes\n2024;M-1;100;120;2\n2024;M-2;50;40;1\n"


def all_entries(scheme, kind=None) -> list[history.Entry]:
    return history.entries(history.entry_keys(scheme, kind))


def test_a_change_by_a_user_tells_who_when_and_before_after_with_field_names():
    action = ActionFactory(status=ActionStatus.PLANNED, due_date=datetime.date(2026, 3, 1))
    user = UserFactory(first_name="Alex", last_name="Dupont")
    action.status, action.due_date = ActionStatus.ONGOING, datetime.date(2026, 6, 15)
    action._history_user = user
    action.save()

    latest = all_entries(action.scheme, "actions")[0]

    assert (latest.kind.label, latest.verb, latest.author, latest.label) == (
        "Action",
        "modification",
        "Alex Dupont",
        action.title,
    )
    assert latest.when == action.history.latest().history_date
    assert [(change.field, change.before, change.after) for change in latest.changes] == [
        ("état", "À lancer", "En cours"),
        ("échéance", "1er mars 2026", "15 juin 2026"),
    ]


def test_the_history_gathers_the_tree_newest_first_and_filters_by_kind():
    target = TargetFactory(value=30.5)
    scheme = target.objective.scheme
    target.value = 35
    target.save()
    target.delete()

    kinds = [(entry.kind.slug, entry.verb) for entry in all_entries(scheme)]
    targets = all_entries(scheme, "cibles")

    assert kinds[:3] == [("cibles", "suppression"), ("cibles", "modification"), ("cibles", "ajout")]
    assert {"spaser", "axes", "engagements", "objectifs"} <= {kind for kind, _ in kinds}
    assert [(c.field, c.before, c.after) for c in targets[1].changes] == [("cible", "30,50", "35")]
    assert targets[0].changes == [] and targets[0].label == "cible 2026"


def test_another_schemes_changes_are_not_shown():
    scheme = SchemeFactory()
    ActionFactory(title="Action d'un autre SPASER")

    assert {entry.label for entry in all_entries(scheme)} == {scheme.title}


def test_a_file_import_and_its_undo_are_one_entry_each_by_their_author():
    indicator = ManualIndicatorFactory()
    scheme = SchemeFactory(organisation=indicator.organisation)
    user = UserFactory(first_name="Alex", last_name="Dupont")
    source, errors = import_csv(indicator, CSV.encode(), "heures-2024.csv", user)
    assert errors == [] and ManualValue.objects.filter(source=source).count() == 2

    source._history_user = user
    undo_import(source)

    imports = [(e.verb, e.label, e.author) for e in all_entries(scheme) if e.kind.slug in {"imports", "valeurs"}]
    assert imports == [
        ("suppression", "heures-2024.csv", "Alex Dupont"),
        ("ajout", "heures-2024.csv", "Alex Dupont"),
    ]
    added = all_entries(scheme, "imports")[1]
    assert ("lignes importées", "—", "2") in [(c.field, c.before, c.after) for c in added.changes]


def test_a_value_typed_in_a_form_is_its_own_entry():
    value = ManualIndicatorFactory().values.create(year=2024, value=1250.5)
    scheme = SchemeFactory(organisation=value.indicator.organisation)

    entry = all_entries(scheme, "valeurs")[0]

    assert (entry.verb, entry.label) == ("ajout", "2024")
    assert ("valeur réalisée", "—", "1\u202f250,50") in [(c.field, c.before, c.after) for c in entry.changes]
