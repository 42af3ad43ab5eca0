"""The application database round-trips through the commands README.md documents for its backup and restore."""

import json

import pytest
from django.core.management import call_command

from spaser.organisations.models import Membership
from spaser.plans.models import IndicatorSnapshot, Scheme
from tests.organisations.factories import MembershipFactory
from tests.plans.factories import (
    ActionFactory,
    ManualIndicatorFactory,
    ManualValueFactory,
    ObjectiveFactory,
    PublishedSchemeFactory,
    TargetFactory,
)


# README.md, « The store and the database »: the same arguments.
BACKUP = [
    "dumpdata", "--natural-foreign", "--natural-primary", "--indent", "1", "--exclude", "contenttypes",
    "--exclude", "auth.permission", "--exclude", "sessions", "--exclude", "admin.logentry",
]  # fmt: skip


def dump(path) -> list:
    call_command(*BACKUP, output=str(path), verbosity=0)
    return sorted(json.loads(path.read_text()), key=lambda row: (row["model"], json.dumps(row, sort_keys=True)))


# Committed rows, as in production: PostgreSQL refuses the flush's TRUNCATE inside a test's open transaction.
@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_gives_the_same_content(tmp_path):
    membership = MembershipFactory()
    scheme = PublishedSchemeFactory(organisation=membership.organisation)
    objective = ObjectiveFactory(engagement__axis__scheme=scheme, indicator_code="S1")
    TargetFactory(objective=objective, year=2026, value=30)
    ActionFactory(engagement=objective.engagement)
    ManualValueFactory(indicator=ManualIndicatorFactory(organisation=membership.organisation), year=2025, value=12)
    IndicatorSnapshot.objects.create(
        scope="x@2025", data_version="v", buyer="x", year=2025, code="S1", numerator=1, value=0.5, contracts=2
    )
    before = dump(tmp_path / "before.json")

    call_command("flush", interactive=False, verbosity=0)
    assert not Scheme.objects.exists() and not Membership.objects.exists()
    call_command("loaddata", str(tmp_path / "before.json"), verbosity=0)

    assert dump(tmp_path / "after.json") == before
    assert {row["model"] for row in before} >= {
        "auth.user", "organisations.membership", "plans.scheme", "plans.target", "plans.manualvalue",
        "plans.indicatorsnapshot",
    }  # fmt: skip
    assert Membership.objects.get().user.password == membership.user.password  # logins survive
