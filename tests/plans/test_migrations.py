"""Data migrations run on a database holding rows of the previous schema."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


BEFORE, AFTER = ("plans", "0002_snapshot_missing_reason"), ("plans", "0003_partnership")


@pytest.mark.django_db(transaction=True)
def test_partners_added_without_consent_become_pending_invitations():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    owner, partner = (
        old.get_model("organisations", "Organisation").objects.create(siren=siren, name=name)
        for siren, name in [("219000001", "Porteuse"), ("219000002", "Associée sans accord")]
    )
    scheme = old.get_model("plans", "Scheme").objects.create(
        organisation=owner, title="SPASER", slug="spaser", start_year=2024, end_year=2026
    )
    scheme.partners.add(partner)

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])
    new = executor.loader.project_state([AFTER]).apps

    rows = new.get_model("plans", "Partnership").objects.values_list("scheme", "organisation", "status")
    assert list(rows) == [(scheme.pk, partner.pk, "pending")]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
