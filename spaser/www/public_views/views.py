"""Pages anyone reads without an account: published schemes only, never drafts."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from spaser.plans.models import Scheme
from spaser.www.plans_views.dashboard_views import audit as audit_page, dashboard_page, drill_down, public_scheme


@login_not_required
def home(request):
    published = Scheme.objects.published().select_related("organisation")
    context = {"title": "Accueil", "latest": published.order_by("-updated_at")[:6], "count": published.count()}
    return render(request, "public/home.html", context)


@login_not_required
def schemes(request):
    published = Scheme.objects.published().select_related("organisation").with_partners()
    query = request.GET.get("q", "").strip()
    if query:
        published = published.filter(
            Q(title__icontains=query) | Q(organisation__name__icontains=query) | Q(organisation__siren=query)
        )
    buyer_type = request.GET.get("type", "")
    if buyer_type:
        published = published.filter(organisation__buyer_type=buyer_type)
    types = (
        Scheme.objects.published()
        .exclude(organisation__buyer_type="")
        .values_list("organisation__buyer_type", flat=True)
    )
    context = {
        "title": "SPASER publiés",
        "page": Paginator(published.order_by("organisation__name"), 30).get_page(request.GET.get("page")),
        "query": query,
        "buyer_type": buyer_type,
        "types": sorted(set(types)),
    }
    return render(request, "public/schemes.html", context)


@login_not_required
def scheme(request, slug: str):
    return dashboard_page(request, public_scheme(slug), public=True)


@login_not_required
def contracts(request, slug: str, objective_pk: int, year: int):
    return drill_down(request, public_scheme(slug), objective_pk, year, public=True)


@login_not_required
def api(request):
    return render(request, "public/api.html", {"title": "Données ouvertes et API"})


@login_not_required
def audit(request, slug: str, objective_pk: int, year: int):
    return audit_page(request, public_scheme(slug), objective_pk, year, public=True)
