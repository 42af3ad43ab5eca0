"""axe-core (pinned, fetched by `make install` into var/vendor/) on a page of every type: no serious or critical
violation. A new kind of page gets its line in PAGES: a URL name of the permission matrix (with its arguments
there) or a path, and who opens it."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from spaser.observatory.refresh import refresh
from tests.www.test_permission_matrix import arguments, world  # noqa: F401 (fixture)


AXE = Path(settings.BASE_DIR) / "var" / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}

# (URL name, or the path of a missing page (404), and the persona of tests/www/test_permission_matrix.py who opens it)
PAGES = [
    ("public:home", "anonymous"),
    ("public:schemes", "anonymous"),
    ("public:scheme", "anonymous"),
    ("public:contracts", "anonymous"),
    ("public:audit", "anonymous"),
    ("public:report", "anonymous"),
    ("public:api", "anonymous"),
    ("public:indicators", "anonymous"),
    ("public:publications", "anonymous"),
    ("public:publication", "anonymous"),
    ("observatory:home", "anonymous"),
    ("observatory:series", "anonymous"),
    ("observatory:obligation", "anonymous"),
    ("observatory:profile", "anonymous"),
    ("observatory:directory", "anonymous"),
    ("observatory:directory_import", "staff"),
    ("observatory:directory_edit", "staff"),
    ("public:accessibility", "anonymous"),
    ("public:legal", "anonymous"),
    ("public:personal_data", "anonymous"),
    ("api:docs", "anonymous"),
    ("accounts:login", "anonymous"),
    ("accounts:password_reset", "anonymous"),
    ("accounts:invitation", "anonymous"),
    ("/page-qui-n-existe-pas/", "anonymous"),
    ("organisations:home", "owner_admin"),
    ("organisations:home", "staff"),
    ("organisations:detail", "owner_admin"),
    ("organisations:list", "staff"),
    ("organisations:create", "staff"),
    ("accounts:password_change", "owner_viewer"),
    ("plans:create", "owner_editor"),
    ("plans:detail", "owner_editor"),
    ("plans:detail", "accepted_partner_member"),
    ("plans:edit", "owner_editor"),
    ("plans:publish", "owner_admin"),
    ("publications:list", "owner_editor"),
    ("publications:detail", "owner_admin"),
    ("plans:dashboard", "owner_viewer"),
    ("plans:legal", "owner_editor"),
    ("plans:contracts", "owner_viewer"),
    ("plans:audit", "owner_viewer"),
    ("plans:history", "owner_viewer"),
    ("plans:engagement_contracts", "owner_viewer"),
    ("plans:tag_contract", "owner_editor"),
    ("plans:import_tags", "owner_editor"),
    ("plans:action", "owner_facilitator"),
    ("plans:report", "owner_viewer"),
    ("plans:create_node", "owner_editor"),
    ("plans:edit_node", "owner_editor"),
    ("plans:partnership", "pending_partner_admin"),
    ("exchange:import", "owner_admin"),
    ("governance:index", "owner_editor"),
    ("governance:meeting", "owner_editor"),
    ("governance:meeting_edit", "owner_editor"),
    ("governance:decision_create", "owner_editor"),
    ("governance:questionnaires", "owner_facilitator"),
    ("governance:project_edit", "owner_facilitator"),
    ("governance:project_contract", "owner_facilitator"),
    ("manual:list", "owner_facilitator"),
    ("manual:create", "owner_admin"),
    ("manual:detail", "owner_facilitator"),
]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} manque : lancez `make install`.", pytrace=False)
    return AXE.read_text()


def sign_in(page, live_server, user) -> None:
    page.context.clear_cookies()
    if user is None:
        return
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def blocking_violations(page, axe_source: str) -> list[str]:
    # Evaluated through the DevTools protocol: the page's Content-Security-Policy stays in force for its own scripts.
    page.evaluate(axe_source)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — {node['target']}"
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"][:3]
    ]


def test_no_page_type_has_a_serious_or_critical_violation(page, live_server, world, axe_source):  # noqa: F811
    refresh(settings.SPASER_STORE_DIR)  # the observatory's pages read their tables
    found = {}
    for target, persona in PAGES:
        sign_in(page, live_server, world.users[persona])
        url = target if target.startswith("/") else reverse(target, kwargs=arguments(target, world))
        response = page.goto(url)
        assert response.status == (404 if target.startswith("/") else 200), url
        assert page.url.endswith(url), f"{persona} sent from {url} to {page.url}"
        page.wait_for_load_state("networkidle")
        if violations := blocking_violations(page, axe_source):
            found[f"{url} ({persona})"] = violations
    assert found == {}


def test_the_display_settings_dialog_opens_and_switches_to_the_dark_theme(page):
    page.goto(reverse("public:home"))

    page.get_by_role("button", name="Paramètres d'affichage").click()
    dialog = page.get_by_role("dialog", name="Paramètres d'affichage")
    expect(dialog).to_be_visible()
    dialog.get_by_text("Thème sombre").click()

    expect(page.locator("html")).to_have_attribute("data-fr-theme", "dark")


def test_the_skip_link_to_the_content_is_the_first_stop_and_leads_to_the_main_region(page):
    page.goto(reverse("public:home"))

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Contenu")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")

    assert page.evaluate("location.hash") == "#contenu"
    expect(page.locator("main#contenu")).to_be_in_viewport()
