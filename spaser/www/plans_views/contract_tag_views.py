"""DECP contracts tied to a scheme's engagements: each engagement's contracts and their value, tagging a contract
from the drill-down, untagging, and tagging many from a CSV file. Members read; admins and editors tag."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from spaser.formatting import count
from spaser.indicators.readers import StoreUnavailable
from spaser.plans import contract_tags
from spaser.plans.access import can_edit, require_edit
from spaser.plans.models import ContractTag, Engagement, Scheme
from spaser.www import breadcrumbs
from spaser.www.plans_views.dashboard_views import dashboard_trail, private_scheme
from spaser.www.plans_views.forms import ContractTagForm, ContractTagsUploadForm
from spaser.www.unavailable import unavailable


ERRORS_SHOWN = 100


def _editable_scheme(request, pk: int) -> Scheme:
    scheme = get_object_or_404(Scheme.objects.select_related("organisation"), pk=pk)
    require_edit(request.user, scheme)
    return scheme


def engagement_contracts(request, pk: int, engagement_pk: int):
    scheme = private_scheme(request, pk)
    engagement = get_object_or_404(Engagement.objects.select_related("axis"), pk=engagement_pk, axis__scheme=scheme)
    context = {
        "title": f"Marchés rattachés — {engagement.title}",
        "breadcrumb_data": dashboard_trail(scheme, public=False),
        "scheme": scheme,
        "engagement": engagement,
        "can_edit": can_edit(request.user, scheme),
        "vanished_label": contract_tags.VANISHED,
    }
    try:
        context["summary"] = contract_tags.engagement_contracts(engagement)
    except StoreUnavailable as error:
        return unavailable(request, "plans/engagement_contracts.html", context, error)
    return render(request, "plans/engagement_contracts.html", context)


def tag_contract(request, pk: int):
    """The contracts of the scheme's buyers published under `?id=` (from a drill-down row), one to tie."""
    scheme = _editable_scheme(request, pk)
    contract_id = request.GET.get("id", "").strip()
    context = {
        "title": f"Rattacher le marché « {contract_id} » à un engagement",
        "breadcrumb_data": dashboard_trail(scheme, public=False),
        "scheme": scheme,
        "contract_id": contract_id,
    }
    try:
        contracts = contract_tags.candidates(scheme, contract_id) if contract_id else []
        form = ContractTagForm(request.POST or None, scheme=scheme, contracts=contracts)
        if request.method == "POST" and form.is_valid():
            engagement = form.cleaned_data["engagement"]
            contract_tags.tag(engagement, form.cleaned_data["contract"], request.user, form.cleaned_data["note"])
            messages.success(request, f"Marché « {contract_id} » rattaché à l'engagement « {engagement} ».")
            return redirect("plans:engagement_contracts", pk=scheme.pk, engagement_pk=engagement.pk)
    except contract_tags.TagError as error:
        form.add_error("contract", str(error))
    except StoreUnavailable as error:
        return unavailable(request, "plans/tag_contract.html", context, error)
    return render(request, "plans/tag_contract.html", context | {"form": form, "contracts": contracts})


@require_POST
def untag_contract(request, pk: int, engagement_pk: int, tag_pk: int):
    scheme = _editable_scheme(request, pk)
    tag = get_object_or_404(ContractTag, pk=tag_pk, engagement=engagement_pk, engagement__axis__scheme=scheme)
    tag.delete()
    messages.success(request, f"Le marché « {tag.contract_id} » n'est plus rattaché à l'engagement.")
    return redirect("plans:engagement_contracts", pk=scheme.pk, engagement_pk=engagement_pk)


def import_tags(request, pk: int):
    scheme = _editable_scheme(request, pk)
    form = ContractTagsUploadForm(request.POST or None, request.FILES or None)
    context = {
        "title": f"Rattacher des marchés par fichier — {scheme.title}",
        "breadcrumb_data": breadcrumbs.scheme_page(scheme),
        "scheme": scheme,
        "form": form,
    }
    if request.method != "POST" or not form.is_valid():
        return render(request, "plans/import_tags.html", context)
    upload = form.cleaned_data["file"]
    try:
        tagged, errors = contract_tags.import_csv(scheme, upload.read(), upload.name, request.user)
    except StoreUnavailable as error:
        return unavailable(request, "plans/import_tags.html", context, error)
    if errors:
        context |= {"errors": errors[:ERRORS_SHOWN], "error_count": len(errors), "more": len(errors) > ERRORS_SHOWN}
        return render(request, "plans/import_tags.html", context)
    messages.success(
        request, f"Fichier « {upload.name} » importé : {count(tagged, 'marché rattaché', 'marchés rattachés')}."
    )
    return redirect(reverse("plans:dashboard", args=[scheme.pk]) + "#marches-rattaches")


def tags_template(request, pk: int):
    scheme = _editable_scheme(request, pk)
    response = HttpResponse(contract_tags.template_csv(scheme), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-marches-engagements.csv"'
    return response
