"""The annual steering report of a scheme, as a page and as a PDF (private, and public for published schemes)."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from spaser.governance import questionnaires, summary as governance
from spaser.indicators.readers import StoreUnavailable
from spaser.plans import report, steering
from spaser.plans.models import Scheme
from spaser.plans.store_cache import cache_key
from spaser.www import pdf
from spaser.www.plans_views.dashboard_views import dashboard_trail, page_title, private_scheme
from spaser.www.report_chart import svg_chart
from spaser.www.unavailable import RETRY_AFTER_S, UNAVAILABLE


logger = logging.getLogger(__name__)

PDF_TIMEOUT_S = 24 * 3600
PDF_FAILED = (
    "Le PDF du rapport n'a pas pu être produit : {reason} Aucun fichier n'a été créé ; la version HTML du rapport "
    "reste consultable."
)


def report_urls(scheme: Scheme, year: int, public: bool) -> dict:
    if public:
        return {
            "html": reverse("public:report", args=[scheme.slug, year]),
            "pdf": reverse("public:report_pdf", args=[scheme.slug, year]),
            "dashboard": scheme.public_url(),
        }
    return {
        "html": reverse("plans:report", args=[scheme.pk, year]),
        "pdf": reverse("plans:report_pdf", args=[scheme.pk, year]),
        "dashboard": reverse("plans:dashboard", args=[scheme.pk]),
    }


def context(scheme: Scheme, year: int, public: bool) -> dict:
    return {
        "title": page_title(f"Rapport de pilotage {year} — {scheme.title}", public),
        "breadcrumb_data": dashboard_trail(scheme, public),
        "scheme": scheme,
        "year": year,
        "public": public,
        "urls": report_urls(scheme, year, public),
        "years": [(other, report_urls(scheme, other, public)["html"]) for other in scheme.years],
    }


def with_report(scheme: Scheme, year: int, public: bool) -> dict:
    """The context with the report and its charts; raises YearOutsidePeriod or StoreUnavailable."""
    purchases = questionnaires.year_summary(scheme, year, timezone.localdate(), settings.SPASER_STORE_DIR)
    built = report.build(scheme, year, governance.year_summary(scheme, year) + purchases)
    charts = {item.series.objective.pk: svg_chart(item.chart, item.series.unit, year) for item in built.objectives}
    return context(scheme, year, public) | {"report": built, "charts": charts}


def error_page(request, scheme: Scheme, public: bool, heading: str, message: str, status: int, *links):
    dashboard = (report_urls(scheme, scheme.start_year, public)["dashboard"], f"Tableau de bord — {scheme.title}")
    return render(
        request,
        "plans/report_error.html",
        {"heading": heading, "message": message, "code": status, "links": [*links, dashboard]},
        status=status,
    )


def refused(request, scheme: Scheme, public: bool, error: report.YearOutsidePeriod):
    first = report_urls(scheme, scheme.start_year, public)["html"]
    return error_page(
        request, scheme, public, "Année hors de la période", str(error), 404, (first, f"Rapport {scheme.start_year}")
    )


def report_page(request, scheme: Scheme, year: int, public: bool):
    try:
        return render(request, "plans/report.html", with_report(scheme, year, public))
    except report.YearOutsidePeriod as error:
        return refused(request, scheme, public, error)
    except StoreUnavailable as error:
        logger.warning("Store unavailable for %s: %s", request.path, error)
        unavailable = context(scheme, year, public) | {"store_unavailable": UNAVAILABLE}
        return render(request, "plans/report.html", unavailable, status=503)


def pdf_version(scheme: Scheme, year: int, public: bool) -> str:
    """Changes with the scheme's tree, its manual values, its governance and the DECP data: the cached PDF's key."""
    data = steering.data_version(settings.SPASER_STORE_DIR)
    tree = steering.dashboard_version(scheme)
    return cache_key(
        "report-pdf", scheme.pk, year, public, tree, governance.version(scheme), questionnaires.version(scheme), data
    )


def report_pdf(request, scheme: Scheme, year: int, public: bool):
    key = pdf_version(scheme, year, public)
    document = cache.get(key)
    if document is None:
        try:
            html = render_to_string("plans/report_pdf.html", with_report(scheme, year, public), request=request)
            document = pdf.render(html)
        except report.YearOutsidePeriod as error:
            return refused(request, scheme, public, error)
        except (StoreUnavailable, pdf.PdfError) as error:
            return pdf_failed(request, scheme, year, public, error)
        cache.set(key, document, PDF_TIMEOUT_S)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="rapport-{scheme.slug}-{year}.pdf"'
    return response


def pdf_failed(request, scheme: Scheme, year: int, public: bool, error: Exception):
    logger.error("Report PDF failed for %s: %s", request.path, error, exc_info=error)
    store = isinstance(error, StoreUnavailable)
    html = (report_urls(scheme, year, public)["html"], "Version HTML du rapport")
    reason = UNAVAILABLE if store else PDF_FAILED.format(reason=error)
    response = error_page(
        request, scheme, public, "Le PDF du rapport n'a pas pu être produit", reason, 503 if store else 500, html
    )
    if store:
        response["Retry-After"] = str(RETRY_AFTER_S)
    return response


@require_safe
def private_report(request, pk: int, year: int):
    return report_page(request, private_scheme(request, pk), year, public=False)


@require_safe
def private_report_pdf(request, pk: int, year: int):
    return report_pdf(request, private_scheme(request, pk), year, public=False)
