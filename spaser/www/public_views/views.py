"""Pages anyone reads without an account: published schemes only, never drafts."""

import mimetypes
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from spaser.governance import questionnaires, summary as governance
from spaser.plans import directory, steering
from spaser.plans.access import can_read
from spaser.plans.models import Scheme
from spaser.publications.status import last_publication
from spaser.www.page_cache import cached_public_page
from spaser.www.plans_views import report_views
from spaser.www.plans_views.dashboard_views import audit as audit_page, dashboard_page, drill_down, public_scheme
from spaser.www.public_views.forms import SchemeSearchForm


PAGE_SIZE = 24


def published_version() -> tuple:
    """Publishing, unpublishing or editing any published scheme (its tree and partners touch it) changes it."""
    published = Scheme.objects.published()
    return tuple(published.aggregate(last=Max("updated_at"), count=Count("pk")).values())


def scheme_version(slug: str, **_) -> tuple:
    """404 for what is not published; otherwise changes with the scheme's dashboard, the DECP data, its biennial
    publications and the day (the legal summary's due dates), its governance and questionnaires (the report)."""
    scheme = public_scheme(slug)
    return (
        steering.dashboard_version(scheme),
        steering.data_version(settings.SPASER_STORE_DIR),
        last_publication(scheme),
        timezone.localdate(),
        governance.version(scheme),
        questionnaires.version(scheme),
    )


@login_not_required
@cached_public_page(published_version)
def home(request):
    published = Scheme.objects.published().select_related("organisation")
    context = {
        "title": "Accueil",
        "latest": published.order_by("-published_at", "-created_at")[:6],
        "count": published.count(),
    }
    return render(request, "public/home.html", context)


@login_not_required
@cached_public_page(directory.version)
def schemes(request):
    entries = directory.published_entries()
    form = SchemeSearchForm(request.GET, entries)
    results = form.results()
    criteria = request.GET.copy()
    criteria.pop("page", None)
    context = {
        "title": "SPASER publiés",
        "form": form,
        "published": len(entries),
        "page": Paginator(results, PAGE_SIZE).get_page(request.GET.get("page")),
        "criteria": criteria.urlencode(),
    }
    return render(request, "public/schemes.html", context)


@login_not_required
@cached_public_page(scheme_version)
def scheme(request, slug: str):
    return dashboard_page(request, public_scheme(slug), public=True)


@login_not_required
@cached_public_page(scheme_version)
def contracts(request, slug: str, objective_pk: int, year: int):
    return drill_down(request, public_scheme(slug), objective_pk, year, public=True)


@login_not_required
@require_safe
@cached_public_page(scheme_version)
def report(request, slug: str, year: int):
    return report_views.report_page(request, public_scheme(slug), year, public=True)


@login_not_required
@require_safe
def report_pdf(request, slug: str, year: int):
    return report_views.report_pdf(request, public_scheme(slug), year, public=True)


@login_not_required
def api(request):
    return render(request, "public/api.html", {"title": "Données ouvertes et API"})


INFORMATION_PAGES = {
    "accessibility": "Déclaration d'accessibilité",
    "legal": "Mentions légales",
    "personal_data": "Données personnelles",
}


@login_not_required
@require_safe
def information_page(request, page: str):
    """The statements every public service site links from its footer (accessibility, legal notice, personal data)."""
    context = {
        "title": INFORMATION_PAGES[page],
        "operator": settings.SPASER_OPERATOR,
        "hosting": settings.SPASER_HOSTING,
        "contact_email": settings.SPASER_CONTACT_EMAIL,
        "login_failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "invitation_days": settings.SPASER_INVITATION_DAYS,
    }
    return render(request, f"public/{page}.html", context)


@login_not_required
def audit(request, slug: str, objective_pk: int, year: int):
    return audit_page(request, public_scheme(slug), objective_pk, year, public=True)


@login_not_required
@require_safe
def document(request, slug: str):
    """A scheme's PDF: anyone's once the scheme is published, before that only its organisations' members'.

    A scheme the user may not read answers 404, as its public page does: its address reveals nothing."""
    scheme = get_object_or_404(Scheme.objects.exclude(document=""), slug=slug)
    if not (scheme.is_public or can_read(request.user, scheme)):
        raise Http404("Aucun document publié à cette adresse.")
    name = PurePath(scheme.document.name).name
    try:
        content = scheme.document.open("rb")
    except FileNotFoundError:
        raise Http404("Le document de ce SPASER n'est plus disponible.") from None
    response = FileResponse(
        content,
        as_attachment=True,
        filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # A shared cache must not keep a document that its scheme's unpublishing withdraws.
    response["Cache-Control"] = "public, max-age=60" if scheme.is_public else "private, no-store"
    return response
