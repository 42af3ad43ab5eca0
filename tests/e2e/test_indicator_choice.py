"""The indicator catalogue and the objective form in a real browser: the search narrows the list of indicators,
the chosen one's unit is written next to the targets, under the Content-Security-Policy, at 1280 and 375 px
(screenshots under var/screenshots/, not committed)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from spaser.organisations.models import Role
from tests.e2e.test_csp import violations  # noqa: F401 - a fixture
from tests.e2e.test_scenarios import log_in, submit
from tests.organisations.factories import BuyerAFactory, MembershipFactory
from tests.plans.factories import EngagementFactory, SchemeFactory


SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # caret="initial": hiding the caret takes an inline style, which the Content-Security-Policy refuses.
    page.screenshot(path=SCREENSHOTS / f"{name}-{page.viewport_size['width']}.png", full_page=True, caret="initial")


@pytest.fixture(params=[1280, 375], ids=["1280px", "375px"])
def width(request, page):
    page.set_viewport_size({"width": request.param, "height": 900})
    return request.param


def test_the_catalogue_filters_by_theme_without_script(page, decp_store, width, violations):  # noqa: F811
    page.goto("/")
    if width < 992:
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Indicateurs").first.click()
    expect(page.get_by_role("heading", name="Catalogue des indicateurs", level=1)).to_be_visible()
    screenshot(page, "indicateurs")

    page.select_option("select[name=theme]", "environnemental")
    page.get_by_role("button", name="Filtrer").click()

    expect(page.get_by_role("heading", level=3)).to_have_count(5)
    expect(page.get_by_text("85,7\u00a0% des marchés (6 sur 7)").first).to_be_visible()
    assert violations() == []


def test_an_editor_finds_an_indicator_and_sees_its_unit(page, decp_store, width, violations):  # noqa: F811
    editor = MembershipFactory(organisation=BuyerAFactory(), role=Role.EDITOR)
    scheme = SchemeFactory(organisation=editor.organisation, start_year=2024, end_year=2026)
    engagement = EngagementFactory(axis__scheme=scheme)
    log_in(page, editor.user.email)
    page.goto(f"/espace/spaser/objectifs/{engagement.pk}/nouveau/")
    page.fill("input[name=title]", "Plus de concurrence")
    submit(page)
    expect(
        page.get_by_text("Choisissez l'indicateur que cet objectif suit.", exact=True)
    ).to_be_visible()  # by the field
    expect(page.get_by_role("link", name="Indicateur suivi")).to_be_visible()  # and in the error summary
    screenshot(page, "objectif-erreurs")

    page.get_by_label("Rechercher un indicateur").fill("offre")
    expect(page.locator("[data-indicator-option]:visible")).to_have_count(2)
    page.locator("label", has_text="Nombre moyen d'offres reçues").click()
    expect(page.locator("#id_target_2026_helptext")).to_have_text("En offres.")
    expect(page.locator("#id_baseline_value_helptext")).to_have_text("En offres.")
    page.fill("input[name=target_2026]", "3,5")
    screenshot(page, "objectif-recherche")
    submit(page)

    expect(page.get_by_text("Plus de concurrence", exact=True)).to_be_visible()
    assert violations() == []
