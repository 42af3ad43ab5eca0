"""Destructive actions of a scheme's page go through a DSFR modal that counts what is deleted with them."""

import pytest
from django.urls import reverse
from lxml import html

from spaser.organisations.models import Role
from tests.organisations.factories import MembershipFactory
from tests.plans.factories import (
    ActionFactory,
    EngagementFactory,
    ManualValueFactory,
    ObjectiveFactory,
    SchemeFactory,
    TargetFactory,
)


@pytest.fixture
def tree():
    scheme = SchemeFactory()
    first = EngagementFactory(axis__scheme=scheme)
    second = EngagementFactory(axis=first.axis)
    objectives = ObjectiveFactory.create_batch(2, engagement=first)
    TargetFactory(objective=objectives[0], year=2025, value=25)
    TargetFactory(objective=objectives[0], year=2026, value=30)
    ActionFactory(engagement=second)
    return scheme, first.axis, first, *objectives


def modal(tree, dialog_id: str):
    (dialog,) = tree.xpath(f"//dialog[@id='{dialog_id}']")
    (trigger,) = tree.xpath(f"//button[@aria-controls='{dialog_id}' and @data-fr-opened='false']")
    return dialog, trigger


def test_each_deletion_is_a_modal_stating_what_goes_with_it(client, tree):
    scheme, axis, engagement, objective, without_targets = tree
    client.force_login(MembershipFactory(organisation=scheme.organisation, role=Role.ADMIN).user)

    page = html.fromstring(client.get(reverse("plans:detail", args=[scheme.pk])).content)

    expected = {
        "supprimer-spaser": "1 axe, 2 engagements, 2 objectifs et 1 action",
        f"supprimer-axes-{axis.pk}": "2 engagements, 2 objectifs et 1 action",
        f"supprimer-engagements-{engagement.pk}": "2 objectifs",
        f"supprimer-objectifs-{objective.pk}": "2 cibles annuelles",
    }
    for dialog_id, contents in expected.items():
        dialog, trigger = modal(page, dialog_id)
        assert dialog.get("class") == "fr-modal"
        title = dialog.xpath(f".//*[@id='{dialog.get('aria-labelledby')}']")[0].text_content()
        assert title.startswith("Supprimer ")
        assert f"Seront aussi supprimés : {contents}." in dialog.text_content().replace("\u00a0", " ")
        (form,) = dialog.xpath(".//form[@method='post']")
        assert form.xpath(".//button[@type='submit']")
    assert "2\u00a0cibles annuelles" in page.text_content()  # counts written by spaser.formatting
    assert "Seront aussi" not in modal(page, f"supprimer-objectifs-{without_targets.pk}")[0].text_content()
    assert page.xpath("//*[@data-confirm]") == []


def test_readers_get_no_deletion_modal(client, tree):
    scheme = tree[0]
    client.force_login(MembershipFactory(organisation=scheme.organisation, role=Role.VIEWER).user)

    page = html.fromstring(client.get(reverse("plans:detail", args=[scheme.pk])).content)

    assert page.xpath("//main//dialog") == []


def test_deleting_a_manual_value_asks_in_a_modal(client):
    value = ManualValueFactory(year=2025, contract_id="2025-0042")
    client.force_login(MembershipFactory(organisation=value.indicator.organisation, role=Role.EDITOR).user)

    page = html.fromstring(client.get(reverse("manual:detail", args=[value.indicator.pk])).content)

    dialog, trigger = modal(page, f"supprimer-valeur-{value.pk}")
    assert trigger.text_content() == "Supprimer la valeur 2025 2025-0042"
    assert "Supprimer la valeur 2025 2025-0042 ?" in dialog.text_content()
    (form,) = dialog.xpath(".//form")
    assert form.get("action") == reverse("manual:value_delete", args=[value.indicator.pk, value.pk])
