"""The legal content of a scheme: the elements article L2111-3 asks for, each present or missing with how to fix it."""

from django.shortcuts import render

from spaser.plans.access import can_edit
from spaser.www import breadcrumbs
from spaser.www.plans_views import legal_content
from spaser.www.plans_views.dashboard_views import private_scheme


def legal(request, pk: int):
    scheme = private_scheme(request, pk)
    context = {
        "title": f"Contenu légal — {scheme.title}",
        "breadcrumb_data": breadcrumbs.scheme_page(scheme),
        "scheme": scheme,
        "legal": legal_content.checklist(scheme),
        "can_edit": can_edit(request.user, scheme),
    }
    return render(request, "plans/legal.html", context)
