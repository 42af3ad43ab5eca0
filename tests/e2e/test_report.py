"""The steering report in the browser at a phone's and a desktop's width, and its PDF's first pages as images: all
kept under var/screenshots/ (not committed) for people to look at. The PDF pages are drawn by PDFium (pypdfium2),
the engine of Chromium's own PDF viewer."""

import pypdfium2
import pytest
from playwright.sync_api import expect

from tests.e2e.test_scenarios import log_in
from tests.e2e.test_screenshots import SCREENSHOTS, WIDTHS, editor  # noqa: F401 (fixture)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_report_fits_the_screen_and_draws_its_charts(page, editor, width):  # noqa: F811
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    scheme = editor.organisation.schemes.get()
    log_in(page, editor.user.email)
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(f"/espace/spaser/{scheme.pk}/rapport/2025/")

    expect(page.get_by_role("heading", level=1, name=f"Rapport de pilotage 2025 — {scheme.title}")).to_be_visible()
    chart = page.locator("figure.report-chart svg").first
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] <= width
    page.screenshot(path=SCREENSHOTS / f"rapport-2025-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_pdf_first_pages_are_kept_as_images(page, editor):  # noqa: F811
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    scheme = editor.organisation.schemes.get()
    log_in(page, editor.user.email)

    response = page.request.get(f"/espace/spaser/{scheme.pk}/rapport/2025.pdf")

    assert response.ok and response.headers["content-type"] == "application/pdf"
    document = pypdfium2.PdfDocument(response.body())
    assert len(document) >= 2
    for number in range(2):
        width, height = document[number].get_size()
        assert round(width / 72 * 25.4) == 210 and round(height / 72 * 25.4) == 297  # A4, in millimetres
        image = document[number].render(scale=1.5).to_pil()
        image.save(SCREENSHOTS / f"rapport-2025-pdf-page-{number + 1}.png")
        assert image.convert("L").getextrema()[0] < 64  # something dark is drawn: text, not a blank page
