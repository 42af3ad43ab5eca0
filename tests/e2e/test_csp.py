"""DSFR and DSFR Chart work under the Content-Security-Policy: no violation, the charts are drawn."""

import pytest
from playwright.sync_api import expect

from spaser.organisations.models import Role
from spaser.plans.models import Status
from tests.e2e.test_scenarios import log_in
from tests.organisations.factories import BuyerAFactory, MembershipFactory
from tests.plans.factories import ObjectiveFactory, TargetFactory


# Injected by the browser before any page script (not itself subject to the policy): keeps every violation.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def violations(page):
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)

    def found() -> list[str]:
        refused = [text for text in console if "Refused to" in text or "Content Security Policy" in text]
        return refused + page.evaluate("window.__violations")

    return found


@pytest.fixture
def scheme(decp_store):
    objective = ObjectiveFactory(engagement__axis__scheme__organisation=BuyerAFactory())
    TargetFactory(objective=objective, year=2026, value=30)
    return objective.engagement.axis.scheme


def test_the_public_scheme_page_draws_its_charts_without_violation(page, scheme, violations):
    scheme.status = Status.PUBLISHED
    scheme.save()
    page.goto(scheme.public_url())

    expect(page.locator("bar-line-chart canvas")).to_be_visible()
    expect(page.locator("#menu-mobile")).to_be_attached()
    assert page.evaluate("document.documentElement.dataset.frJs") == "true"  # the DSFR's script ran
    assert violations() == []


def test_a_private_dashboard_draws_its_charts_without_violation(page, scheme, violations):
    member = MembershipFactory(organisation=scheme.organisation, role=Role.VIEWER)
    log_in(page, member.user.email)
    page.goto(f"/espace/spaser/{scheme.pk}/pilotage/")

    expect(page.locator("bar-line-chart canvas")).to_be_visible()
    assert violations() == []


def test_a_deletion_asks_for_confirmation_in_a_dsfr_modal(page, scheme, violations):
    admin = MembershipFactory(organisation=scheme.organisation, role=Role.ADMIN)
    log_in(page, admin.user.email)
    page.goto(scheme.get_absolute_url())

    page.get_by_role("button", name="Supprimer ce SPASER").click()
    dialog = page.get_by_role("dialog", name=f"Supprimer le SPASER « {scheme.title} » ?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Seront aussi supprimés : 1 axe, 1 engagement et 1 objectif.")
    dialog.get_by_role("button", name="Annuler").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("heading", name=scheme.title, level=1)).to_be_visible()  # nothing deleted

    page.get_by_role("button", name="Supprimer ce SPASER").click()
    dialog.get_by_role("button", name="Supprimer le SPASER").click()
    expect(page.get_by_role("heading", name="Mon espace")).to_be_visible()
    assert violations() == []
