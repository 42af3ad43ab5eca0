"""/observatoire/indicateurs/: the national series by year, in the universe and buyer group chosen on the page,
beside the PNAD targets and, in a table of their own, the OECP's published figures; with their files."""

import json
from itertools import groupby

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from spaser.formatting import FRENCH, INTERNATIONAL, in_percent, rounded
from spaser.indicators.readers import StoreUnavailable
from spaser.observatory import series
from spaser.observatory.published import OECP_FIGURES, PNAD_SOURCE, PNAD_TARGETS
from spaser.observatory.store import sources
from spaser.observatory.vocabulary import COUNTED, GROUPS, MEASURES, NATIONAL, OECP, SUBJECTS, UNIVERSES
from spaser.tables import SERIES_CSV
from spaser.www.breadcrumbs import observatory_page
from spaser.www.observatory_views.reading import observatory, observatory_version, table_file
from spaser.www.page_cache import cached_public_page
from spaser.www.unavailable import unavailable


TITLE = "Séries nationales des achats responsables"
# Stable file names: the CSV in each convention and the Parquet file.
FILES = {
    "series.csv": FRENCH,
    f"series-{INTERNATIONAL}.csv": INTERNATIONAL,
    "series.parquet": "parquet",
}


def chosen(request, name: str, choices: dict, default: str) -> str:
    value = request.GET.get(name, default)
    return value if value in choices else default


def chart(points: list[dict]) -> dict:
    """Attributes of a DSFR Chart <bar-line-chart>: bars for the share with unknown data left out, a line for the
    share over every contract (told apart by their shape), in percent rounded as the table shows them. DSFR Chart
    2.0.4 parses `hline` but does not draw it: the PNAD target is written above the chart and in the table."""

    def shown(values):
        return json.dumps([None if v is None else float(rounded(in_percent(v), 1)) for v in values])

    return {
        "x": json.dumps([str(p["year"]) for p in points]),
        "known": shown([p["known_share"] for p in points]),
        "all": shown([p["all_share"] for p in points]),
    }


def blocks(rows: list[dict]) -> list[dict]:
    """One block a series and measure: its label, its years, its chart and the PNAD target when there is one."""
    found = []
    for (code, measure), points in groupby(rows, key=lambda row: (row["series"], row["measure"])):
        points = list(points)
        target = PNAD_TARGETS.get((code, measure))
        found.append(
            {
                "id": f"{code}-{measure}",
                "label": SUBJECTS[code],
                "measure": MEASURES[measure],
                "unit": "marchés" if measure == COUNTED else "euros",
                "points": points,
                "target": target,
                "chart": chart(points),
            }
        )
    return found


@login_not_required
@require_safe
@cached_public_page(observatory_version)
def page(request):
    universe = chosen(request, "univers", UNIVERSES, OECP)
    group = chosen(request, "groupe", GROUPS, NATIONAL)
    context = {
        "title": TITLE,
        "breadcrumb_data": observatory_page(),
        "universes": UNIVERSES,
        "groups": GROUPS,
        "universe": universe,
        "group": group,
        "published": sorted(OECP_FIGURES, key=lambda f: (f.year, f.buyer_group != NATIONAL, f.series, f.measure)),
        "group_labels": GROUPS,
        "subjects": SUBJECTS,
        "measures": MEASURES,
        "pnad_source": PNAD_SOURCE,
        "targets": PNAD_TARGETS.values(),
        "files": {name: reverse("observatory:series_download", args=[name]) for name in FILES},
    }
    try:
        with observatory() as connection:
            context |= {"blocks": blocks(series.read(connection, universe, group)), "sources": sources(connection)}
    except StoreUnavailable as error:
        return unavailable(request, "observatory/series.html", context, error)
    return render(request, "observatory/series.html", context)


@login_not_required
@require_safe
def download(request, name: str):
    convention = FILES.get(name)
    if convention is None:
        raise Http404("Fichier inconnu.")
    return table_file(request, name, convention, series.export_sql, SERIES_CSV.names)
