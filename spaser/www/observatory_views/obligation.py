"""`/observatoire/obligation/`: who is probably obliged to adopt a SPASER (L2111-3), by buyer and year."""

import datetime
import io
import tempfile
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from spaser.analytics.buyer_types import BUYER_TYPES
from spaser.directory.status import adoption_status
from spaser.errors import SpaserError
from spaser.formatting import write_csv
from spaser.observatory import obligation
from spaser.observatory.store import open_read_only, sources
from spaser.tables import OBLIGATION_CSV
from spaser.www.breadcrumbs import observatory_page
from spaser.www.observatory_views.directory import version as directory_version
from spaser.www.observatory_views.reading import observatory_version
from spaser.www.page_cache import cached_public_page


def _connection():
    try:
        return open_read_only(settings.SPASER_STORE_DIR)
    except SpaserError:
        return None


def observatory_sources(connection) -> dict:
    """The dates of the DECP store and of the refresh the observatory was computed from (its `sources` row)."""
    return asdict(sources(connection))


def default_year(years: list[int]) -> int | None:
    """The last complete calendar year with data, else the last year with data."""
    complete = [year for year in years if year < datetime.date.today().year]
    return (complete or years or [None])[-1]


def register_version(**_) -> tuple:
    """The register crossed with the directory: it changes with either."""
    return observatory_version(), directory_version()


@login_not_required
@require_safe
@cached_public_page(register_version)
def register(request):
    context = {"title": "Registre des acheteurs soumis au SPASER", "breadcrumb_data": observatory_page()}
    connection = _connection()
    if connection is None:
        return render(request, "observatory/obligation.html", context | {"unavailable": True})
    with connection:
        years = obligation.years(connection)
        try:
            year = int(request.GET.get("annee") or default_year(years) or 0)
        except ValueError:
            year = default_year(years)
        filters = {key: request.GET.get(key, "").strip() for key in ("type", "statut", "q")}
        rows = obligation.rows(connection, year, filters["type"], filters["statut"], filters["q"])
        sources = observatory_sources(connection)
    counts = {status: sum(row["status"] == status for row in rows) for status in obligation.STATUSES}
    return render(
        request,
        "observatory/obligation.html",
        context
        | sources
        | filters
        | {
            "years": years,
            "year": year,
            "rows": rows[:500],
            "total": len(rows),
            "counts": counts,
            "types": BUYER_TYPES,
            "statuses": obligation.STATUSES,
            "threshold": obligation.THRESHOLD,
            "adoptions": adoption_status({row["siren"] for row in rows[:500]}, year) if year else {},
        },
    )


@login_not_required
@require_safe
def download(request, file_format: str):
    """The whole register (every year) as CSV (French convention) or Parquet, as OBLIGATION_CSV declares."""
    if file_format not in ("csv", "parquet"):
        raise Http404("Format inconnu : csv ou parquet.")
    connection = _connection()
    if connection is None:
        raise Http404("Observatoire pas encore calculé.")
    with connection:
        refreshed = observatory_sources(connection)["refreshed_at"]
        filename = f"registre-obligation-spaser-{refreshed:%Y-%m-%d}.{file_format}" if refreshed else None
        if file_format == "parquet":
            with tempfile.TemporaryDirectory() as folder:
                target = Path(folder) / "registre.parquet"
                connection.execute(f"COPY ({obligation.export_sql()}) TO '{target}' (FORMAT parquet)")
                content, content_type = target.read_bytes(), "application/vnd.apache.parquet"
        else:
            output = io.StringIO()
            write_csv(output, OBLIGATION_CSV.names, connection.execute(obligation.export_sql()).fetchall())
            content, content_type = output.getvalue(), "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
