"""Manual data in a real browser: a long import shows that it runs, and an import is undone from its DSFR modal."""

from playwright.sync_api import expect

from spaser.organisations.models import Role
from tests.e2e.test_scenarios import log_in
from tests.organisations.factories import BuyerAFactory, MembershipFactory
from tests.plans.factories import ManualIndicatorFactory


HEADER = "annee;identifiant_marche;heures_prevues;heures_realisees;personnes\n"
LINES = 5_001


def submit_and_see_progress(page, button: str) -> None:
    """Clicks the form's button with its sending held back (a page navigating hides its state from Playwright),
    checks the progress block, then sends the form."""
    form = "document.querySelector('form[data-spaser-progress-from]')"
    page.evaluate(f"{form}.addEventListener('submit', (event) => event.preventDefault(), {{once: true}})")
    page.get_by_role("button", name=button).click()
    progress = page.locator("[data-spaser-progress]")
    expect(progress).to_be_visible()
    expect(progress).to_contain_text("Import de 5\u202f001 lignes en cours")
    expect(page.get_by_role("button", name=button)).to_be_disabled()
    page.evaluate(f"{form}.submit()")


def test_a_long_import_shows_its_progress_and_is_undone_from_its_modal(page, decp_store, tmp_path):
    facilitator = MembershipFactory(organisation=BuyerAFactory(), role=Role.FACILITATOR)
    indicator = ManualIndicatorFactory(organisation=facilitator.organisation, label="Heures d'insertion")
    csv_file = tmp_path / "heures.csv"
    csv_file.write_text(HEADER + "".join(f"2024;X-{n};;1;\n" for n in range(LINES)), encoding="utf-8")
    log_in(page, facilitator.user.email)
    page.goto(f"/espace/indicateurs-saisis/{indicator.pk}/")

    page.set_input_files("input[type=file]", csv_file)
    submit_and_see_progress(page, "Importer le fichier")
    expect(page.get_by_role("heading", name="5\u202f001 identifiants de marché introuvables")).to_be_visible()
    submit_and_see_progress(page, "Importer quand même")
    expect(page.get_by_text("Fichier « heures.csv » importé : 5\u202f001\u00a0lignes")).to_be_visible()

    page.get_by_role("button", name="Annuler l'import").click()
    modal = page.get_by_role("dialog")
    expect(modal).to_be_visible()
    expect(modal).to_contain_text("5\u202f001 valeurs qui en viennent encore")
    modal.get_by_role("button", name="Annuler l'import et supprimer 5\u202f001 valeurs").click()

    expect(
        page.get_by_text("Import du fichier « heures.csv » annulé : 5\u202f001\u00a0valeurs supprimées.")
    ).to_be_visible()
    assert indicator.values.count() == 0
