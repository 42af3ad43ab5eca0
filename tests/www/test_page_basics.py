"""RGAA basics on every page the permission matrix opens with a 200: skip links and their targets, the footer's
mandatory links, one <h1>, a breadcrumb (except on the home page) and a <title> no other page shares."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from lxml import html

from tests.plans.factories import ObjectiveFactory
from tests.www.test_permission_matrix import MATRIX, PERSONAS, arguments, world  # noqa: F401 (fixture)


SKIP_LINKS = ["#contenu", "#header-navigation", "#footer"]
FOOTER_LINKS = {
    "Accessibilité : non conforme": "public:accessibility",
    "Mentions légales": "public:legal",
    "Données personnelles": "public:personal_data",
}
NOT_HTML = {
    "public:document",
    "manual:template",
    "plans:tags_template",
    "exchange:export",
    "exchange:schema",
    "admin:index",
    "observatory:obligation_download",
    "observatory:series_download",
    "observatory:profiles_download",
    "observatory:directory_csv",
    "observatory:directory_parquet",
    "observatory:directory_schema",
    "observatory:directory_template",
    "governance:calendar",
    "public:publication_download",
    "plans:report_pdf",
    "public:report_pdf",
}


def html_pages() -> list[tuple[str, str]]:
    """(URL name, first persona who reads it) for every page that answers GET with HTML."""
    pages = []
    for name, statuses in sorted(MATRIX.items()):
        readers = [persona for persona in PERSONAS if statuses["GET"].get(persona) == 200]
        if readers and name not in NOT_HTML and not name.startswith("api:") or name == "api:docs":
            pages.append((name, readers[0]))
    return pages


def fetch(client, world, name: str, persona: str):  # noqa: F811
    client.logout()
    if world.users[persona] is not None:
        client.force_login(world.users[persona])
    response = client.get(reverse(name, kwargs=arguments(name, world)))
    assert response.status_code == 200, name
    return html.fromstring(response.content)


def check_basics(tree, name: str) -> str:
    skip_links = tree.xpath("//div[@class='fr-skiplinks']//a/@href")
    assert skip_links == SKIP_LINKS, name
    for target in SKIP_LINKS:
        assert tree.xpath(f"//*[@id='{target[1:]}']"), f"{name}: no target {target}"
    footer = {link.text_content().strip(): link.get("href") for link in tree.xpath("//footer//a")}
    for label, url_name in FOOTER_LINKS.items():
        assert footer.get(label) == reverse(url_name), f"{name}: footer link {label}"
    assert tree.xpath("//footer//button[@aria-controls='fr-theme-modal']"), name
    assert tree.xpath("//dialog[@id='fr-theme-modal']//*[@id='fr-display']"), name
    assert tree.xpath("//*[@dsfr]") == [], f"{name}: stray dsfr attribute"
    for upload in tree.xpath("//input[@type='file']"):
        assert upload.getparent().get("class", "").startswith("fr-upload-group"), f"{name}: bare file input"
    headings = tree.xpath("//h1")
    assert len(headings) == 1, f"{name}: {len(headings)} h1"
    if name != "public:home" and not name.startswith("/"):  # URLs given as such here are error pages
        assert tree.xpath("//nav[contains(@class, 'fr-breadcrumb')]//a[@aria-current='page']"), f"{name}: breadcrumb"
    title = tree.findtext(".//title").strip()
    assert title.endswith(" — Spaser"), f"{name}: {title}"
    ambiguous = {text: urls for text, urls in link_targets(tree).items() if len(urls) > 1}
    assert ambiguous == {}, f"{name}: links named alike lead to different pages"
    return title


def link_targets(tree) -> dict[str, set[str]]:
    """Where the links of a given accessible name lead (text, completed by its title, or its aria-label)."""
    targets = {}
    for link in tree.xpath("//a[@href]"):
        text = " ".join(f"{link.text_content()} {link.get('title', '')}".split())
        targets.setdefault(link.get("aria-label") or text, set()).add(link.get("href").split("#")[0])
    return targets


def test_every_page_has_the_basics_and_its_own_title(client, world):  # noqa: F811
    # Two objectives with the same indicator: their per-year links must still say which objective they are about.
    ObjectiveFactory(engagement=world.objective.engagement, indicator_code="S1", title="Deuxième objectif")
    titles, failures = {}, []
    for name, persona in html_pages():
        try:
            titles.setdefault(check_basics(fetch(client, world, name, persona), name), []).append(name)
        except AssertionError as error:  # every page's defect at once
            failures.append(str(error))
    assert failures == []
    assert {title: names for title, names in titles.items() if len(names) > 1} == {}
    assert len(titles) > 25


@pytest.mark.parametrize(
    ("url", "title"),
    [("/page-qui-n-existe-pas/", "Page non trouvée — Spaser")],
)
def test_error_pages_have_the_basics(client, url, title):
    response = client.get(url)
    tree = html.fromstring(response.content)

    assert check_basics(tree, url) == title


def test_the_accessibility_statement_states_its_status_and_the_recourse(client):
    text = html.fromstring(client.get(reverse("public:accessibility")).content).text_content()

    assert "non conforme" in text
    assert "Défenseur des droits" in text
    assert "axe-core" in text


def test_the_personal_data_page_names_the_login_attempts_and_their_limits(client, settings):
    settings.AXES_FAILURE_LIMIT = 7
    text = " ".join(html.fromstring(client.get(reverse("public:personal_data")).content).text_content().split())

    assert "Tentatives de connexion" in text
    assert "7 échecs bloquent" in text
    assert "CNIL" in text


def test_the_login_page_has_a_heading_a_title_and_a_login_button(client):
    tree = html.fromstring(client.get(reverse("accounts:login")).content)

    assert [h1.text_content() for h1 in tree.xpath("//h1")] == ["Connexion"]
    assert tree.findtext(".//title") == "Connexion — Spaser"
    assert [b.text_content() for b in tree.xpath("//main//button[@type='submit']")] == ["Se connecter"]


def breadcrumb(tree) -> list[str]:
    return [link.text_content().strip() for link in tree.xpath("//nav[contains(@class, 'fr-breadcrumb')]//a")]


def test_breadcrumbs_lead_back_through_the_space_or_the_published_list(client, world):  # noqa: F811
    scheme = world.scheme
    private = breadcrumb(fetch(client, world, "plans:contracts", "owner_viewer"))
    public = breadcrumb(fetch(client, world, "public:contracts", "anonymous"))
    objective_form = breadcrumb(fetch(client, world, "plans:edit_node", "owner_editor"))

    head = ["Accueil", "Mon espace", str(scheme.organisation), scheme.title]
    assert private[:-1] == [*head, "Tableau de bord"]
    assert public[:-1] == ["Accueil", "SPASER publiés", scheme.title]
    assert objective_form == [*head, f"Modifier « {world.objective} »"]


def test_every_chart_keeps_its_table_and_says_what_its_shapes_mean(client, world):  # noqa: F811
    for name, persona in (("public:scheme", "anonymous"), ("plans:dashboard", "owner_viewer")):
        tree = fetch(client, world, name, persona)
        charts = tree.xpath("//bar-line-chart")
        assert charts, name
        for chart in charts:
            card = chart.xpath("ancestor::section[1]")[0]
            assert card.xpath(".//table/caption"), name
            assert "Barres : valeur mesurée ; ligne : trajectoire vers la cible ; en %" in card.text_content()
            assert chart.get("y-bar-max") == chart.get("y-line-max") == "100"


def test_the_self_contained_500_page_keeps_the_skip_links_and_footer_statements():
    tree = html.fromstring(render_to_string("500.html"))

    assert tree.xpath("//div[@class='fr-skiplinks']//a/@href") == ["#contenu", "#footer"]
    assert tree.xpath("//main[@id='contenu']") and tree.xpath("//footer[@id='footer']")
    footer = {link.text_content(): link.get("href") for link in tree.xpath("//footer//a")}
    assert footer == {label: reverse(url_name) for label, url_name in FOOTER_LINKS.items()}
