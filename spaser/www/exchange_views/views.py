"""A SPASER as a JSON file: export for those who read it, import by administrators and editors.

The format is declared in spaser.plans.exchange_format and checked by spaser.plans.exchange_validation; these
views only read the file and report the errors.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header

from spaser.organisations.permissions import EDIT_ROLES, editable_organisations, require_role
from spaser.plans import partnerships
from spaser.plans.access import require_read
from spaser.plans.exchange import export_scheme, import_scheme
from spaser.plans.exchange_format import schema_json
from spaser.plans.exchange_validation import ExchangeInvalid
from spaser.plans.models import Scheme
from spaser.www.exchange_views.forms import ImportForm
from spaser.www.plans_views.partnership_views import answer_url


ERRORS_SHOWN = 100


def export(request, pk: int):
    scheme = get_object_or_404(Scheme.objects.select_related("organisation"), pk=pk)
    require_read(request.user, scheme)  # whoever reads the scheme, accepted partners included
    content = json.dumps(export_scheme(scheme), indent=2, ensure_ascii=False) + "\n"
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=f"{scheme.slug}.json")
    return response


@login_not_required
def schema(request):
    """The JSON Schema of the exchange format, public: other tools write files for the platform with it."""
    return HttpResponse(schema_json(), content_type="application/schema+json; charset=utf-8")


def import_file(request):
    organisations = editable_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied("Seuls les administrateurs et rédacteurs d'une organisation importent un SPASER.")
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None, organisations=organisations)
    errors = []
    if posted and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        require_role(request.user, organisation, EDIT_ROLES)
        try:
            scheme = import_scheme(form.document, organisation, user=request.user)
        except ExchangeInvalid as invalid:
            errors = invalid.errors
        else:
            messages.success(request, f"Le SPASER « {scheme.title} » a été importé comme brouillon.")
            for partnership in scheme.partnerships.pending().select_related("scheme__organisation", "organisation"):
                partnerships.notify(partnership, answer_url(request, partnership))
                messages.info(request, partnerships.invitation_notice(partnership))
            return redirect(reverse("plans:detail", args=[scheme.pk]))
    context = {
        "title": "Importer un SPASER",
        "form": form,
        "submit_label": "Importer",
        "filename": request.FILES["file"].name if errors else "",
        "errors": errors[:ERRORS_SHOWN],
        "more_errors": max(0, len(errors) - ERRORS_SHOWN),
        "breadcrumb_data": {
            "links": [{"url": reverse("organisations:home"), "title": "Mon espace"}],
            "current": "Importer un SPASER",
        },
    }
    return render(request, "exchange/import.html", context)
