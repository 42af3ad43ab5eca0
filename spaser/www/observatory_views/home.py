"""/observatoire/: what the national observatory answers, and where, with the data version it was computed from."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from spaser.indicators.readers import StoreUnavailable
from spaser.observatory.store import sources
from spaser.www.breadcrumbs import trail
from spaser.www.observatory_views.reading import observatory, observatory_version
from spaser.www.page_cache import cached_public_page


@login_not_required
@require_safe
@cached_public_page(observatory_version)
def home(request):
    try:
        with observatory() as connection:
            found = sources(connection)
    except StoreUnavailable:
        found = None  # the page only links to the others, which say so
    context = {"title": "Observatoire des SPASER", "breadcrumb_data": trail(), "sources": found}
    return render(request, "observatory/home.html", context)
