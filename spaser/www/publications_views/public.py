"""The public pages of a scheme's biennial publications: their list, one page per period (keyed by its last year,
stable), and its downloads (CSV in both conventions, JSON). Only published and superseded publications show."""

import io
import json

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from spaser.formatting import FRENCH, INTERNATIONAL, write_csv
from spaser.publications import files, preparing
from spaser.publications.models import Status
from spaser.tables import PUBLICATION_CSV
from spaser.www import breadcrumbs
from spaser.www.plans_views.dashboard_views import public_scheme
from spaser.www.publications_views import figures


LIST_TITLE = "Publications biennales"
FORMATS = {"csv": FRENCH, f"{INTERNATIONAL}.csv": INTERNATIONAL, "json": "json"}


def _visible(scheme):
    shown = scheme.publications.filter(status__in=[Status.PUBLISHED, Status.SUPERSEDED])
    return shown.select_related("organisation").order_by("-last_year", "buyer_name", "status", "-published_at")


@login_not_required
@require_safe
def publications(request, slug: str):
    scheme = public_scheme(slug)
    periods: dict[int, list] = {}
    for publication in _visible(scheme):
        periods.setdefault(publication.last_year, []).append(publication)
    context = {
        "title": f"{LIST_TITLE} — {scheme.title}",
        "scheme": scheme,
        "periods": periods,
        "breadcrumb_data": breadcrumbs.scheme_page(scheme, True) | {"current": LIST_TITLE},
    }
    return render(request, "publications/public_list.html", context)


def _period(slug: str, year: int):
    scheme = public_scheme(slug)
    found = list(_visible(scheme).filter(last_year=year))
    if not found:
        raise Http404("Aucune publication pour cette période.")
    return scheme, found


@login_not_required
@require_safe
def publication(request, slug: str, year: int):
    scheme, found = _period(slug, year)
    current = [p for p in found if p.status == Status.PUBLISHED]
    sections = [(p, figures.context(preparing.figures(p))) for p in found]
    list_url = reverse("public:publications", args=[slug])
    context = {
        "title": f"Publication {year - 1}-{year} — {scheme.title}",
        "scheme": scheme,
        "year": year,
        "current": [section for section in sections if section[0] in current],
        "superseded": [section for section in sections if section[0] not in current],
        "files": {name: reverse("public:publication_download", args=[slug, year, name]) for name in FORMATS},
        "breadcrumb_data": breadcrumbs.scheme_page(scheme, True, (list_url, LIST_TITLE)),
    }
    return render(request, "publications/public.html", context)


@login_not_required
@require_safe
def download(request, slug: str, year: int, name: str):
    if name not in FORMATS:
        raise Http404("Format inconnu.")
    scheme, found = _period(slug, year)
    current = [p for p in found if p.status == Status.PUBLISHED]
    if FORMATS[name] == "json":
        payload = {"scheme": scheme.slug, "publications": [files.as_json(p) for p in current]}
        content, kind = json.dumps(payload, ensure_ascii=False, indent=2), "application/json"
    else:
        text = io.StringIO()
        write_csv(text, PUBLICATION_CSV.names, files.csv_rows(current), FORMATS[name])
        content, kind = text.getvalue(), "text/csv; charset=utf-8"
    response = HttpResponse(content.encode("utf-8"), content_type=kind)
    extension = "json" if name == "json" else "csv"
    stem = f"publication-{scheme.slug}-{year - 1}-{year}" + ("" if name in ("csv", "json") else f"-{INTERNATIONAL}")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{extension}"'
    return response
