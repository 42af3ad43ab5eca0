"""The steering dashboard of a scheme and the drill-down to the contracts behind a value (private and public)."""

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property

from spaser.formatting import FRENCH, INTERNATIONAL, write_csv
from spaser.indicators.audit import explain
from spaser.indicators.catalogue import BY_CODE, Indicator
from spaser.indicators.engine import DRILL_COLUMNS, DRILL_STATUSES, Filters, Scope, contract_rows
from spaser.indicators.methodology import plain_counting_rules
from spaser.indicators.readers import SHARED_STORES, StoreUnavailable
from spaser.plans import contract_tags, progress, report, steering
from spaser.plans.access import can_edit, can_read_history, require_read
from spaser.plans.models import Objective, Scheme
from spaser.plans.store_cache import versioned
from spaser.tables import INDICATOR_CONTRACTS_CSV
from spaser.www import breadcrumbs
from spaser.www.plans_views import legal_content
from spaser.www.unavailable import unavailable


def private_scheme(request, pk: int) -> Scheme:
    scheme = get_object_or_404(Scheme.objects.select_related("organisation"), pk=pk)
    require_read(request.user, scheme)
    return scheme


def public_scheme(slug: str) -> Scheme:
    return get_object_or_404(Scheme.objects.published().select_related("organisation"), slug=slug)


def chart(series: steering.ObjectiveSeries) -> dict:
    """Attributes of a DSFR Chart <bar-line-chart> (bars and line told apart by their shape, not only their colour).

    DSFR Chart offers no axis title (the unit is written above the chart) and abbreviates thousands « K »."""
    data = steering.chart_data(series)
    return {
        "x": json.dumps([str(year) for year in data.years]),
        "measured": json.dumps(data.measured),
        "trajectory": json.dumps(data.trajectory),
        "unit": data.unit,
        "top": data.top,
    }


class DashboardBody:
    """Computed only when the rendered dashboard is not in the cache for the current version."""

    def __init__(self, scheme: Scheme):
        self.scheme = scheme

    @cached_property
    def series(self) -> list[steering.ObjectiveSeries]:
        return steering.dashboard(self.scheme)

    @cached_property
    def tree(self) -> list:
        by_objective = {item.objective.pk: item for item in self.series}
        axes = self.scheme.axes.prefetch_related("engagements__objectives")
        return [
            (axis, [(e, [by_objective[o.pk] for o in e.objectives.all()]) for e in axis.engagements.all()])
            for axis in axes
        ]

    @cached_property
    def charts(self) -> dict:
        return {item.objective.pk: chart(item) for item in self.series}

    @cached_property
    def counts(self) -> dict:
        counts = {status: sum(1 for item in self.series if item.status == status) for status in steering.STATUS_BADGES}
        return {status: count for status, count in counts.items() if count}


def page_title(text: str, public: bool) -> str:
    """The public and the private version of a page get distinct titles (two tabs of a member tell them apart)."""
    return f"{text} (page publique)" if public else text


def dashboard_trail(scheme: Scheme, public: bool) -> dict:
    """The breadcrumb of a page under a scheme's dashboard (the public scheme page is its dashboard)."""
    if public:
        return breadcrumbs.scheme_page(scheme, public=True)
    return breadcrumbs.scheme_page(scheme, False, (reverse("plans:dashboard", args=[scheme.pk]), "Tableau de bord"))


def dashboard_context(scheme: Scheme, public: bool) -> dict:
    return {
        "title": page_title(scheme.title, public) if public else f"Tableau de bord — {scheme.title}",
        "breadcrumb_data": breadcrumbs.trail((reverse("public:schemes"), "SPASER publiés"))
        if public
        else breadcrumbs.scheme_page(scheme),
        "scheme": scheme,
        "body": DashboardBody(scheme),
        "version": f"{steering.dashboard_version(scheme)}:{public}",
        "status_rule": steering.STATUS_RULE,
        "public": public,
        "legal": legal_content.checklist(scheme) if public else None,
        "report_year": report.latest_year(scheme, timezone.localdate()),
    }


def dashboard_page(request, scheme: Scheme, public: bool, **extra):
    context = dashboard_context(scheme, public) | extra
    try:
        steering.require_store(scheme)
        return render(request, "plans/dashboard.html", context)
    except StoreUnavailable as error:
        return unavailable(request, "plans/dashboard.html", {**context, "body": None}, error)


def dashboard(request, pk: int):
    scheme = private_scheme(request, pk)
    overdue = progress.overdue_actions(scheme, timezone.localdate())
    history_readable = can_read_history(request.user, scheme)
    return dashboard_page(
        request,
        scheme,
        public=False,
        overdue_actions=overdue,
        history_readable=history_readable,
        tagged=tagged_contracts(scheme),
        can_tag=can_edit(request.user, scheme),
    )


def tagged_contracts(scheme: Scheme) -> list[contract_tags.EngagementContracts] | None:
    """Each engagement's tagged contracts, read on every request (a few rows by uid); None when the store is
    unavailable (the rest of the dashboard says so)."""
    try:
        return contract_tags.by_engagement(scheme)
    except StoreUnavailable:
        return None


def measured_objective(scheme: Scheme, objective_pk: int, year: int) -> tuple[Objective, Indicator]:
    """An objective of the scheme measured from the DECP, for a year of its dashboard."""
    objective = get_object_or_404(Objective, pk=objective_pk, engagement__axis__scheme=scheme)
    if objective.manual_indicator_id or year not in steering.scheme_years(scheme):
        raise Http404("Pas de détail par marché pour cet indicateur ou cette année.")
    return objective, BY_CODE[objective.indicator_code]


def drill_down(request, scheme: Scheme, objective_pk: int, year: int, public: bool):
    objective, indicator = measured_objective(scheme, objective_pk, year)
    context = {
        "title": page_title(f"Marchés {year} — {indicator.label} — {scheme.title}", public),
        "breadcrumb_data": dashboard_trail(scheme, public),
        "scheme": scheme,
        "objective": objective,
        "indicator": indicator,
        "year": year,
        "public": public,
        "can_tag": not public and can_edit(request.user, scheme),
    }
    try:
        rows_key, rows, current = contracts_of(steering.scheme_sirens(scheme), year, indicator)
    except StoreUnavailable as error:
        return unavailable(request, "plans/contracts.html", context, error)
    response = _drill_down_response(request, scheme, indicator, year, rows, rows_key, context)
    if not current:  # the previous store's rows, about to be replaced: no cache keeps them
        patch_cache_control(response, no_store=True)
    return response


def _drill_down_response(request, scheme, indicator, year, rows, rows_key, context) -> HttpResponse:
    if request.GET.get("format") == "csv":
        convention = INTERNATIONAL if request.GET.get("convention") == INTERNATIONAL else FRENCH
        return _csv(rows, f"{scheme.slug}-{indicator.code}-{year}.csv", convention)
    status = request.GET.get("statut")
    shown = [row for row in rows if row[STATUS] == status] if status else rows
    context = context | {
        "rows_key": rows_key,
        "all_rows": len(rows),
        "page": Paginator(shown, 100).get_page(request.GET.get("page")),
        "totals": {label: sum(1 for row in rows if row[STATUS] == label) for label in DRILL_STATUSES},
        "status": status,
    }
    return render(request, "plans/contracts.html", context)


def contracts_of(sirens: tuple[str, ...], year: int, indicator: Indicator) -> tuple[str, list[tuple], bool]:
    """The contracts behind a value, cached per version of the data (a query over the whole store otherwise);
    those of the previous store while a new one's are computed. With a key that names them (the rendered table
    is cached under it), and whether they are the current store's."""
    store = settings.SPASER_STORE_DIR
    version = steering.data_version(store)
    if version is None:
        raise StoreUnavailable(f"{store} : aucun entrepôt DECP ici.")
    SHARED_STORES.handle(store)  # a damaged store is unavailable, even with the previous rows at hand

    def query() -> list[tuple]:
        with SHARED_STORES.reading(store) as (connection, refs):
            return contract_rows(connection, refs, Scope(sirens=sirens), Filters(years=(year,)), indicator)

    served, rows = versioned(("contracts", sirens, year, indicator.code), version, query)
    return f"{served}:{','.join(sirens)}:{year}:{indicator.code}", rows, served == version


STATUS = DRILL_COLUMNS.index("status")


def _csv(rows, filename: str, convention: str) -> HttpResponse:
    """The contracts as the DECP give them: amounts unrounded, in the French or the international convention."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_csv(response, INDICATOR_CONTRACTS_CSV.names, rows, convention)
    return response


def contracts(request, pk: int, objective_pk: int, year: int):
    return drill_down(request, private_scheme(request, pk), objective_pk, year, public=False)


def audit(request, scheme: Scheme, objective_pk: int, year: int, public: bool):
    """How one value was computed: definition, SQL, counts, data version, and the status it gives."""
    objective, indicator = measured_objective(scheme, objective_pk, year)
    context = {
        "title": page_title(f"Détail du calcul {year} — {indicator.label} — {scheme.title}", public),
        "breadcrumb_data": dashboard_trail(scheme, public),
        "scheme": scheme,
        "objective": objective,
        "indicator": indicator,
        "year": year,
        "counting_rules": plain_counting_rules(),
        "status_rule": steering.STATUS_RULE,
        "public": public,
    }
    store = settings.SPASER_STORE_DIR
    try:
        with SHARED_STORES.reading(store) as (connection, refs):
            explanation = explain(connection, refs, store, steering.scheme_sirens(scheme), year, indicator)
        series = next(item for item in steering.dashboard(scheme) if item.objective.pk == objective.pk)
    except StoreUnavailable as error:
        return unavailable(request, "plans/audit.html", context, error)
    context |= {
        "explanation": explanation,
        "series": series,
        "point": next(point for point in series.points if point.year == year),
    }
    return render(request, "plans/audit.html", context)


def private_audit(request, pk: int, objective_pk: int, year: int):
    return audit(request, private_scheme(request, pk), objective_pk, year, public=False)
