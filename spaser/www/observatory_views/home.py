"""/observatoire/: what the national observatory answers, and where."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from spaser.www.breadcrumbs import trail


@login_not_required
@require_safe
def home(request):
    return render(request, "observatory/home.html", {"title": "Observatoire des SPASER", "breadcrumb_data": trail()})
