"""The main journeys in a real browser: an editor builds a scheme and sees its dashboard drawn; anyone reads it."""

from playwright.sync_api import expect

from spaser.organisations.models import Role
from spaser.plans.models import Scheme, Status
from tests.organisations.factories import BuyerAFactory, MembershipFactory


PASSWORD = "mot-de-passe-de-test"


def log_in(page, email: str) -> None:
    page.goto("/compte/connexion/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:has-text('Enregistrer'), form button[type=submit]")
    expect(page.get_by_role("heading", name="Mon espace")).to_be_visible()


def submit(page) -> None:
    page.locator("main form button[type=submit]").last.click()


def test_an_editor_builds_a_scheme_and_sees_its_dashboard_drawn(page, decp_store):
    editor = MembershipFactory(organisation=BuyerAFactory(), role=Role.EDITOR)
    log_in(page, editor.user.email)

    page.get_by_role("link", name="Nouveau SPASER").click()
    page.fill("input[name=title]", "SPASER 2024-2026")
    page.fill("input[name=start_year]", "2024")
    page.fill("input[name=end_year]", "2026")
    submit(page)
    expect(page.get_by_role("heading", name="SPASER 2024-2026")).to_be_visible()

    page.get_by_role("link", name="Ajouter un axe").click()
    page.fill("input[name=title]", "Achats socialement responsables")
    page.select_option("select[name=theme]", "social")
    submit(page)
    page.get_by_role("link", name="Ajouter un engagement").click()
    page.fill("input[name=title]", "Généraliser les clauses sociales")
    submit(page)
    page.get_by_role("link", name="Ajouter un objectif").click()
    page.fill("input[name=title]", "30 % de marchés avec une considération sociale")
    page.locator("label", has_text="Part des marchés avec au moins une considération sociale").click()
    page.fill("input[name=baseline_year]", "2024")
    page.fill("input[name=baseline_value]", "20")
    page.fill("input[name=target_2026]", "30")
    submit(page)
    expect(page.get_by_text("30 % de marchés avec une considération sociale", exact=True)).to_be_visible()

    page.get_by_role("link", name="Tableau de bord").click()
    expect(page.locator("bar-line-chart canvas")).to_be_visible()
    # S1 of buyer A (tests/indicators/factories.py): 75 % in 2024, 100 % in 2025 → the 2026 target of 30 % is met.
    expect(page.get_by_text("atteint", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="75,0\u00a0%")).to_be_visible()


def test_a_published_scheme_is_public_without_login(page, decp_store):
    editor = MembershipFactory(organisation=BuyerAFactory(), role=Role.EDITOR)
    from tests.plans.factories import ObjectiveFactory, TargetFactory

    objective = ObjectiveFactory(engagement__axis__scheme__organisation=editor.organisation)
    TargetFactory(objective=objective, year=2026, value=30)
    scheme = objective.engagement.axis.scheme
    Scheme.objects.filter(pk=scheme.pk).update(status=Status.PUBLISHED)

    page.goto("/spaser/")
    page.get_by_role("link", name=scheme.title).click()

    expect(page.get_by_role("heading", name=scheme.title)).to_be_visible()
    expect(page.locator("bar-line-chart canvas")).to_be_visible()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()


def test_an_administrator_publishes_after_the_preview_and_unpublishes_through_the_dialog(page, decp_store):
    from tests.plans.factories import ObjectiveFactory, SchemeFactory

    admin = MembershipFactory(organisation=BuyerAFactory(), role=Role.ADMIN)
    scheme = SchemeFactory(organisation=admin.organisation, ready_to_publish=True, title="SPASER à publier")
    ObjectiveFactory(engagement__axis__scheme=scheme, title="Objectif de l'aperçu")
    log_in(page, admin.user.email)

    page.goto(scheme.get_absolute_url())
    page.get_by_role("link", name="Publier").click()
    expect(page.get_by_text("Aperçu — non publié")).to_be_visible()
    expect(page.get_by_role("heading", name="Objectif de l'aperçu")).to_be_visible()
    page.get_by_role("button", name="Publier ce SPASER").click()
    expect(page.get_by_text("SPASER publié : sa page publique est visible de tous")).to_be_visible()

    page.get_by_role("button", name="Dépublier").click()
    dialog = page.get_by_role("dialog", name="Dépublier « SPASER à publier » ?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Dépublier").click()

    expect(page.get_by_text("SPASER dépublié")).to_be_visible()
    scheme.refresh_from_db()
    assert scheme.status == Status.ADOPTED
