"""The annual steering report as a page and as a PDF, private and public (hand counts: tests/plans/test_report.py).

The PDF is read back with pypdf: its text carries the figures the page shows, written the same way.
"""

import datetime
import io
import logging
import re
import tempfile

import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone

from spaser.organisations.models import Role
from spaser.plans import report
from spaser.plans.steering import ChartData
from spaser.www import pdf
from spaser.www.report_chart import nice_top, svg_chart
from tests.governance.factories import MeetingFactory
from tests.organisations.factories import BuyerAFactory, MembershipFactory
from tests.plans.factories import (
    ActionFactory,
    ManualIndicatorFactory,
    ManualValueFactory,
    ObjectiveFactory,
    PublishedSchemeFactory,
    TargetFactory,
)


@pytest.fixture
def scheme(decp_store):
    scheme = PublishedSchemeFactory(organisation=BuyerAFactory(), start_year=2024, end_year=2026)
    social = ObjectiveFactory(
        engagement__axis__scheme=scheme, indicator_code="S1", baseline_value=20, title="Clauses sociales partout"
    )
    TargetFactory(objective=social, year=2026, value=30)
    ActionFactory(engagement=social.engagement, title="Former les acheteurs")
    hours = ManualIndicatorFactory(organisation=scheme.organisation, label="Heures d'insertion réalisées")
    ManualValueFactory(indicator=hours, year=2025, value=1250)
    return scheme


@pytest.fixture
def member(client, scheme):
    client.force_login(MembershipFactory(organisation=scheme.organisation, role=Role.VIEWER).user)


def pdf_of(response) -> pypdf.PdfReader:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return pypdf.PdfReader(io.BytesIO(response.content))


def text_of(reader: pypdf.PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_page_shows_the_years_figures_chart_and_chapters(client, member, scheme):
    html = client.get(reverse("plans:report", args=[scheme.pk, 2025])).content.decode()

    # S1 2025: 100 % measured, trajectory 25 % (from 20 % in 2024 to 30 % in 2026), final target 30 %.
    assert "<dd>100,0\u00a0%</dd>" in html and "<dd>25,0\u00a0%</dd>" in html and "<dd>30,0\u00a0%</dd>" in html
    assert ">atteint</span>" in html
    body = html.split('class="spaser-report"')[1].split("</main>")[0]
    assert "<svg" in body and "<polyline" in body and "<img" not in body  # vector charts, no raster image
    assert "<td>1\u202f250\u00a0heures</td>" in html
    assert "Former les acheteurs" in html
    for chapter in ("Synthèse 2025", "Indicateurs saisis", "Couverture des données et limites", "Gouvernance"):
        assert chapter in html
    assert "Aucune instance de gouvernance renseignée." in html
    assert "Annexe — Méthodologie" in html and "S1 — " in html


def test_pdf_carries_the_pages_figures_title_language_and_fonts(client, member, scheme):
    reader = pdf_of(client.get(reverse("plans:report_pdf", args=[scheme.pk, 2025])))
    text = text_of(reader)

    # Marianne has no narrow no-break space (U+202F, between thousands): Pango draws it with Marianne's space glyph,
    # so the text layer gives that glyph's character, a plain space; the rest is the page's text, to the character.
    for figure in ("100,0\u00a0%", "25,0\u00a0%", "30,0\u00a0%", "1 250\u00a0heures"):
        assert figure in text, figure
    assert "Aucune instance de gouvernance renseignée." in text
    assert reader.metadata.title == f"Rapport de pilotage 2025 — {scheme.title}"
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    names = {font["/BaseFont"] for font in fonts}
    assert names and all("Marianne" in name for name in names), names
    descriptors = [font["/DescendantFonts"][0].get_object()["/FontDescriptor"] for font in fonts]
    assert all("/FontFile2" in d or "/FontFile3" in d for d in descriptors)


def test_public_twin_for_published_schemes(client, scheme):
    page = client.get(reverse("public:report", args=[scheme.slug, 2025]))
    document = pdf_of(client.get(reverse("public:report_pdf", args=[scheme.slug, 2025])))

    assert "<dd>100,0\u00a0%</dd>" in page.content.decode()
    assert "100,0\u00a0%" in text_of(document)
    scheme.status = "adopte"
    scheme.save()
    assert client.get(reverse("public:report", args=[scheme.slug, 2025])).status_code == 404
    assert client.get(reverse("public:report_pdf", args=[scheme.slug, 2025])).status_code == 404


@pytest.mark.parametrize("name", ["plans:report", "plans:report_pdf"])
def test_a_year_outside_the_period_is_a_french_404(client, member, scheme, name):
    response = client.get(reverse(name, args=[scheme.pk, 2031]))

    assert response.status_code == 404
    assert "Pas de rapport pour 2031 : le SPASER" in response.content.decode()
    assert "couvre les années 2024 à 2026" in response.content.decode()


def test_a_failed_rendering_says_why_and_leaves_nothing(
    client, member, scheme, monkeypatch, caplog, real_cache, tmp_path_factory
):
    def broken(*args, **kwargs):
        raise RuntimeError("cairo")

    temporary = tmp_path_factory.mktemp("temporaire")
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    monkeypatch.setattr(pdf.HTML, "write_pdf", broken)
    url = reverse("plans:report_pdf", args=[scheme.pk, 2025])

    with caplog.at_level(logging.ERROR):
        response = client.get(url)

    assert response.status_code == 500
    html = response.content.decode()
    assert "Le PDF du rapport n&#x27;a pas pu être produit : le moteur de mise en page (WeasyPrint) a échoué" in html
    assert "Aucun fichier n&#x27;a été créé" in html
    assert "Report PDF failed" in caplog.text
    assert list(temporary.iterdir()) == []  # the PDF is made in memory: no file, whole or half-written
    monkeypatch.undo()
    assert client.get(url).status_code == 200  # the failure was not kept in the cache


def test_the_pdf_never_fetches_anything_but_static_files(settings):
    html = (
        '<html lang="fr"><head><title>T</title><link rel="stylesheet" href="https://exemple.fr/x.css"></head></html>'
    )

    with pytest.raises(pdf.PdfError, match="ressource extérieure"):
        pdf.render(html)


def test_a_missing_static_file_is_named(settings):
    html = (
        '<html lang="fr"><head><title>T</title><link rel="stylesheet" href="/static/spaser/absent.css"></head></html>'
    )

    with pytest.raises(pdf.PdfError, match="« spaser/absent.css » est introuvable"):
        pdf.render(html)


def test_the_chart_is_drawn_from_zero_to_a_round_top(client, member, scheme):
    html = client.get(reverse("plans:report", args=[scheme.pk, 2025])).content.decode()
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)

    # Ticks at 0, 50 and 100 (%), two bars (2024 and 2025, the report's year dark), the trajectory's three dots.
    assert re.findall(r'text-anchor="end"[^>]*>([^<]+)<', svg) == ["0", "50", "100"]
    assert svg.count("<rect") == 2 and svg.count('fill="#000091"') == 1
    assert svg.count("<circle") == 3


def test_the_dashboards_link_to_the_report(client, member, scheme):
    private = client.get(reverse("plans:dashboard", args=[scheme.pk])).content.decode()
    client.logout()
    public = client.get(scheme.public_url()).content.decode()

    year = report.latest_year(scheme, timezone.localdate())
    assert reverse("plans:report", args=[scheme.pk, year]) in private
    assert reverse("public:report", args=[scheme.slug, year]) in public


@pytest.mark.parametrize(("top", "nice"), [(100, 100), (37, 50), (7960, 10_000), (3, 5), (1, 1), (0.3, 0.5)])
def test_the_charts_top_is_a_round_number_at_or_above_the_values(top, nice):
    assert nice_top(top) == pytest.approx(nice)


def test_a_trajectory_with_unknown_years_is_drawn_in_stretches():
    data = ChartData([2022, 2023, 2024, 2025, 2026], [None] * 5, [None, 10.0, 12.0, None, 20.0], "%", 100)

    chart = svg_chart(data, "%", 2024)

    assert len(chart.lines) == 1 and len(chart.dots) == 3  # 2023–2024 joined; 2026 a lone dot


def test_the_governance_chapter_tells_the_committees_meetings_of_the_year(client, member, scheme):
    MeetingFactory(committee__scheme=scheme, date=datetime.date(2025, 3, 31))

    html = client.get(reverse("plans:report", args=[scheme.pk, 2025])).content.decode()

    assert "Aucune instance de gouvernance renseignée." not in html
    assert "1\u00a0réunion en 2025, la dernière le 31 mars 2025 ; 0\u00a0décision, dont 0\u00a0réalisée." in html


def test_the_cached_public_report_follows_a_new_meeting(client, scheme):
    url = reverse("public:report", args=[scheme.slug, 2025])
    before = client.get(url).content.decode()
    MeetingFactory(committee__scheme=scheme, date=datetime.date(2025, 3, 31))

    after = client.get(url).content.decode()

    assert "Aucune instance de gouvernance renseignée." in before
    assert "1\u00a0réunion en 2025, la dernière le 31 mars 2025" in after
