"""Manual indicators of an organisation: list, creation, values typed or imported from a CSV file, provenance.

Reading needs a membership of the indicator's organisation (staff reads everything); writing needs a role of
MANUAL_DATA_ROLES; creating an indicator needs an edit role (administrators and editors).
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from spaser.formatting import count
from spaser.indicators.readers import StoreUnavailable
from spaser.organisations.permissions import (
    MANUAL_DATA_ROLES,
    editable_organisations,
    organisations_of,
    require_role,
)
from spaser.plans import manual
from spaser.plans.models import ManualImport, ManualIndicator, ManualValue
from spaser.www.manual_views import pending
from spaser.www.manual_views.forms import IndicatorForm, UploadForm, ValueForm


VALUES_PER_PAGE = 100
ERRORS_SHOWN = 100
PROGRESS_FROM = 5_000  # lines from which the page shows that the import is running (spaser/static/spaser/import.js)
logger = logging.getLogger(__name__)


def _indicator(pk: int) -> ManualIndicator:
    return get_object_or_404(ManualIndicator.objects.select_related("organisation"), pk=pk)


def _readable(request, pk: int) -> tuple[ManualIndicator, str]:
    indicator = _indicator(pk)
    return indicator, require_role(request.user, indicator.organisation)


def _writable(request, pk: int) -> tuple[ManualIndicator, str]:
    indicator = _indicator(pk)
    return indicator, require_role(request.user, indicator.organisation, MANUAL_DATA_ROLES)


def _breadcrumb(current: str, *links: tuple[str, str]) -> dict:
    return {"links": [{"url": url, "title": title} for url, title in links], "current": current}


def indicator_list(request):
    indicators = list(
        ManualIndicator.objects.filter(organisation__in=organisations_of(request.user)).select_related("organisation")
    )
    totals = manual.yearly_totals(indicators)
    context = {
        "title": "Indicateurs saisis",
        "rows": [(indicator, totals[indicator.pk]) for indicator in indicators],
        "can_create": editable_organisations(request.user).exists(),
        "breadcrumb_data": _breadcrumb("Indicateurs saisis"),
    }
    return render(request, "manual/list.html", context)


def indicator_create(request):
    organisations = editable_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied("Seuls les administrateurs et rédacteurs d'une organisation créent des indicateurs.")
    form = IndicatorForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        indicator = form.save()
        messages.success(request, f"L'indicateur « {indicator.label} » a été créé. Vous pouvez saisir ses valeurs.")
        return redirect("manual:detail", pk=indicator.pk)
    context = {
        "title": "Nouvel indicateur saisi",
        "form": form,
        "breadcrumb_data": _breadcrumb("Nouvel indicateur", (reverse("manual:list"), "Indicateurs saisis")),
    }
    return render(request, "manual/create.html", context)


def indicator_detail(request, pk: int):
    indicator, role = _readable(request, pk)
    return _render_detail(request, indicator, role)


def _render_detail(request, indicator, role, *, value_form=None, upload_form=None, errors=()):
    can_write = role in MANUAL_DATA_ROLES
    context = {
        "title": indicator.label,
        "indicator": indicator,
        "can_write": can_write,
        "accepts_files": manual.accepts_files(indicator),
        "totals": manual.yearly_totals([indicator])[indicator.pk],
        "page": _values_page(request, indicator),
        "year": request.GET.get("annee", ""),
        "imports": indicator.imports.select_related("imported_by").annotate(kept=Count("values"))[:20],
        "entries": indicator.values.filter(source=None).select_related("entered_by").order_by("-entered_at")[:20],
        "value_form": value_form or (ValueForm(indicator=indicator) if can_write else None),
        "upload_form": upload_form or (UploadForm() if can_write else None),
        "progress_from": PROGRESS_FROM,
        "errors": list(errors)[:ERRORS_SHOWN],
        "error_count": len(errors),
        "more_errors": max(0, len(errors) - ERRORS_SHOWN),
        "breadcrumb_data": _breadcrumb(indicator.label, (reverse("manual:list"), "Indicateurs saisis")),
    }
    return render(request, "manual/detail.html", context)


def _values_page(request, indicator: ManualIndicator):
    values = indicator.values.select_related("source", "entered_by").order_by("year", "contract_id")
    year = request.GET.get("annee", "")
    if year.isdigit():
        values = values.filter(year=int(year))
    return Paginator(values, VALUES_PER_PAGE).get_page(request.GET.get("page"))


@require_POST
def value_create(request, pk: int):
    indicator, role = _writable(request, pk)
    form = ValueForm(request.POST, indicator=indicator)
    if not form.is_valid():
        return _render_detail(request, indicator, role, value_form=form)
    value = manual.enter_value(indicator, request.user, **form.cleaned_data)
    where = f"du marché « {value.contract_id} »" if value.contract_id else "globale"
    messages.success(request, f"Valeur {where} pour {value.year} enregistrée.")
    return redirect("manual:detail", pk=indicator.pk)


@require_POST
def file_import(request, pk: int):
    """Checks the file; unknown contract ids are shown for confirmation, the file kept until then."""
    indicator, role = _writable(request, pk)
    if not manual.accepts_files(indicator):
        messages.error(request, "L'import de fichier est réservé aux indicateurs exprimés en heures.")
        return redirect("manual:detail", pk=indicator.pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, indicator, role, upload_form=form)
    upload = form.cleaned_data["file"]
    data = upload.read()
    rows, errors = manual.check_csv(indicator, data, upload.name)
    if errors:
        return _render_detail(request, indicator, role, upload_form=form, errors=errors)
    try:
        unknown = manual.unknown_contract_ids(indicator, rows, settings.SPASER_STORE_DIR)
    except StoreUnavailable:
        messages.warning(
            request,
            "Les données DECP sont indisponibles pour le moment : les identifiants de marché n'ont pas été vérifiés.",
        )
        return _imported(request, indicator, rows, upload.name)
    if not unknown:
        return _imported(request, indicator, rows, upload.name)
    context = {
        "title": f"Confirmer l'import de « {upload.name} »",
        "indicator": indicator,
        "filename": upload.name,
        "rows": len(rows),
        "unknown": unknown[:ERRORS_SHOWN],
        "unknown_count": len(unknown),
        "more_unknown": max(0, len(unknown) - ERRORS_SHOWN),
        "sirets": indicator.organisation.sirets,
        "token": pending.hold(request, indicator, data, upload.name),
        "progress_from": PROGRESS_FROM,
        "breadcrumb_data": _breadcrumb(
            "Confirmer l'import",
            (reverse("manual:list"), "Indicateurs saisis"),
            (reverse("manual:detail", args=[indicator.pk]), indicator.label),
        ),
    }
    return render(request, "manual/confirm_import.html", context)


@require_POST
def import_confirm(request, pk: int):
    """Imports a file kept by `file_import` despite its unknown contract ids, checked again (values may have
    changed meanwhile)."""
    indicator, role = _writable(request, pk)
    held = pending.take(request, indicator, request.POST.get("jeton", ""))
    if held is None:
        messages.error(request, "Ce fichier n'est plus en attente : importez-le de nouveau.")
        return redirect("manual:detail", pk=indicator.pk)
    data, filename = held
    rows, errors = manual.check_csv(indicator, data, filename)
    if errors:
        return _render_detail(request, indicator, role, errors=errors)
    return _imported(request, indicator, rows, filename)


def _imported(request, indicator: ManualIndicator, rows: list[manual.Row], filename: str):
    source = manual.import_values(indicator, rows, filename, request.user)
    messages.success(
        request,
        f"Fichier « {source.filename} » importé : {count(source.rows, 'ligne')}. Les valeurs déjà présentes "
        "pour les mêmes années et marchés ont été remplacées.",
    )
    return redirect("manual:detail", pk=indicator.pk)


@require_POST
def import_undo(request, pk: int, import_pk: int):
    indicator, _ = _writable(request, pk)
    source = get_object_or_404(ManualImport, pk=import_pk, indicator=indicator)
    removed = manual.undo_import(source)
    logger.info(
        "Manual import %s (%s values) of indicator %s undone by user %s",
        source.pk,
        removed,
        indicator.pk,
        request.user.pk,
    )
    messages.success(
        request,
        f"Import du fichier « {source.filename} » annulé : "
        f"{count(removed, 'valeur supprimée', 'valeurs supprimées')}.",
    )
    return redirect("manual:detail", pk=indicator.pk)


@require_POST
def value_delete(request, pk: int, value_pk: int):
    indicator, _ = _writable(request, pk)
    value = get_object_or_404(ManualValue, pk=value_pk, indicator=indicator)
    value.delete()
    where = f"du marché « {value.contract_id} »" if value.contract_id else "globale"
    messages.success(request, f"Valeur {where} pour {value.year} supprimée.")
    return redirect("manual:detail", pk=indicator.pk)


def template_download(request, pk: int):
    _readable(request, pk)
    response = HttpResponse(manual.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-heures-insertion.csv"'
    return response
