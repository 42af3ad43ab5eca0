"""`/observatoire/obligation/`: who is probably obliged to adopt a SPASER (L2111-3), by buyer and year."""

import datetime
from dataclasses import asdict

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from spaser.analytics.buyer_types import BUYER_TYPES
from spaser.directory.status import adoption_status
from spaser.formatting import FRENCH
from spaser.indicators.readers import StoreUnavailable
from spaser.observatory import obligation
from spaser.observatory.store import sources
from spaser.tables import OBLIGATION_CSV
from spaser.www.breadcrumbs import observatory_page
from spaser.www.observatory_views.directory import version as directory_version
from spaser.www.observatory_views.reading import observatory, observatory_version, table_file
from spaser.www.page_cache import cached_public_page
from spaser.www.unavailable import unavailable


# The register's page lists the largest buyers first; the files hold every row.
SHOWN = 500


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
    filters = {key: request.GET.get(key, "").strip() for key in ("type", "statut", "q")}
    try:
        with observatory() as connection:
            years = obligation.years(connection)
            try:
                year = int(request.GET.get("annee") or default_year(years) or 0)
            except ValueError:
                year = default_year(years)
            chosen = (year, filters["type"], filters["statut"], filters["q"])
            rows = obligation.rows(connection, *chosen, limit=SHOWN)
            counts = obligation.status_counts(connection, *chosen)
            sources = observatory_sources(connection)
    except StoreUnavailable as error:
        return unavailable(request, "observatory/obligation.html", context, error)
    return render(
        request,
        "observatory/obligation.html",
        context
        | sources
        | filters
        | {
            "years": years,
            "year": year,
            "rows": rows,
            "total": sum(counts.values()),
            "counts": counts,
            "types": BUYER_TYPES,
            "statuses": obligation.STATUSES,
            "threshold": obligation.THRESHOLD,
            "adoptions": adoption_status({row["siren"] for row in rows}, year) if year else {},
        },
    )


@login_not_required
@require_safe
def download(request, file_format: str):
    """The whole register (every year) as CSV (French convention) or Parquet, as OBLIGATION_CSV declares."""
    if file_format not in ("csv", "parquet"):
        raise Http404("Format inconnu : csv ou parquet.")
    convention = "parquet" if file_format == "parquet" else FRENCH
    return table_file(request, f"obligation.{file_format}", convention, obligation.export_sql, OBLIGATION_CSV.names)
