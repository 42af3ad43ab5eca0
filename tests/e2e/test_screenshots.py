"""The five main pages at a phone's width (375 px) and a desktop's (1280 px): each fits the width without scrolling
sideways and shows its heading; a full-page screenshot of each is kept under var/screenshots/ (not committed) for
people to look at."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from spaser.organisations.models import Role
from tests.e2e.test_scenarios import log_in
from tests.organisations.factories import BuyerAFactory, MembershipFactory
from tests.plans.factories import ActionFactory, ObjectiveFactory, PublishedSchemeFactory, TargetFactory


SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WIDTHS = (375, 1280)


@pytest.fixture
def editor(decp_store):
    """An editor of buyer A, whose published scheme has an S1 objective with its target and an action."""
    membership = MembershipFactory(organisation=BuyerAFactory(), role=Role.EDITOR)
    scheme = PublishedSchemeFactory(
        organisation=membership.organisation, title="SPASER 2024-2026 de la ville", adoption_date=date(2024, 5, 1)
    )
    objective = ObjectiveFactory(engagement__axis__scheme=scheme)
    TargetFactory(objective=objective, year=2026, value=30)
    ActionFactory(engagement=objective.engagement)
    return membership


def pages(scheme) -> dict[str, tuple[str, str | None]]:
    """name: (address, its main heading, None where its wording is not the point); the last two need a member."""
    return {
        "accueil": ("/", "Piloter et publier les achats responsables"),
        "spaser-publies": ("/spaser/", "SPASER publiés"),
        "tableau-de-bord-public": (scheme.public_url(), scheme.title),
        "mon-espace": ("/espace/", None),
        "spaser-pilotage": (scheme.get_absolute_url(), scheme.title),
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_the_main_pages_fit_the_screen_and_are_kept_as_screenshots(page, editor, width):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    scheme = editor.organisation.schemes.get()
    overflowing = {}
    for number, (name, (address, heading)) in enumerate(pages(scheme).items()):
        if name == "mon-espace":
            log_in(page, editor.user.email)
        page.goto(address)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()  # name=None: any
        page.screenshot(path=SCREENSHOTS / f"{number + 1}-{name}-{width}.png", full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            overflowing[name] = scroll_width
    assert overflowing == {}, f"pages plus larges que l'écran de {width} px : {overflowing}"


def test_the_public_list_is_a_list_of_cards_on_a_phone(page, editor):
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto("/spaser/")

    card = page.locator(".fr-card", has_text="SPASER 2024-2026 de la ville")
    for shown in ("2024–2026", "1re édition", "Part des marchés 2025 avec une considération sociale"):
        expect(card.get_by_text(shown)).to_be_visible()
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
