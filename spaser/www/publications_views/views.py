"""A scheme's biennial publications in the organisations' space: the list, preparing the drafts of its buyers,
a draft with its checklist and figures, publishing by an administrator of the scheme's organisation."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from spaser.indicators.readers import StoreUnavailable
from spaser.organisations.models import Role
from spaser.organisations.permissions import require_role, role_in
from spaser.plans.access import can_edit, require_edit, require_read
from spaser.plans.publishing import PublishingRefused, missing
from spaser.publications import preparing
from spaser.publications.models import Publication
from spaser.tables import FIRST_YEAR, LAST_YEAR
from spaser.www import breadcrumbs
from spaser.www.plans_views.dashboard_views import private_scheme
from spaser.www.publications_views import figures
from spaser.www.unavailable import unavailable


PUBLISHERS = {Role.ADMIN}
LIST_TITLE = "Publications biennales"


def _periods(scheme, today) -> list[int]:
    """First years of the periods offered: from the year before the scheme's start to the current one."""
    last = max(scheme.end_year, today.year)
    return list(range(max(FIRST_YEAR, scheme.start_year - 1), min(last, LAST_YEAR - 1) + 1))


@require_safe
def scheme_publications(request, pk: int):
    scheme = private_scheme(request, pk)
    today = timezone.localdate()
    default = preparing.default_first_year(today)
    context = {
        "title": f"Préparer et publier les publications biennales — {scheme.title}",
        "scheme": scheme,
        "publications": scheme.publications.select_related("organisation", "published_by"),
        "may_prepare": can_edit(request.user, scheme),
        "default_first_year": default,
        "periods": [(year, f"{year}-{year + 1}") for year in _periods(scheme, today)],
        "breadcrumb_data": breadcrumbs.scheme_page(scheme) | {"current": LIST_TITLE},
    }
    return render(request, "publications/list.html", context)


@require_POST
def prepare(request, pk: int):
    scheme = private_scheme(request, pk)
    require_edit(request.user, scheme)
    try:
        first_year = int(request.POST.get("first_year", ""))
    except ValueError:
        first_year = preparing.default_first_year(timezone.localdate())
    if not FIRST_YEAR <= first_year < LAST_YEAR:
        messages.error(
            request, f"Période refusée : la première année doit être entre {FIRST_YEAR} et {LAST_YEAR - 1}."
        )
        return redirect("publications:list", pk=scheme.pk)
    drafts = [
        preparing.prepare(scheme, organisation, first_year, request.user)
        for organisation in scheme.all_organisations()
    ]
    messages.success(
        request,
        f"Publication {first_year}-{first_year + 1} en préparation pour {len(drafts)} acheteur"
        f"{'s' if len(drafts) > 1 else ''} : vérifiez chaque brouillon avant de le publier.",
    )
    if len(drafts) == 1:
        return redirect("publications:detail", pk=drafts[0].pk)
    return redirect("publications:list", pk=scheme.pk)


def _publication(request, pk: int) -> Publication:
    publication = get_object_or_404(Publication.objects.select_related("scheme__organisation", "organisation"), pk=pk)
    require_read(request.user, publication.scheme)
    return publication


@require_safe
def detail(request, pk: int):
    publication = _publication(request, pk)
    scheme = publication.scheme
    list_url = reverse("publications:list", args=[scheme.pk])
    context = {
        "title": f"Publication {publication.period} — {publication.organisation.name}",
        "publication": publication,
        "scheme": scheme,
        "may_publish": role_in(request.user, scheme.organisation) in PUBLISHERS,
        "breadcrumb_data": breadcrumbs.scheme_page(scheme, False, (list_url, LIST_TITLE)),
    }
    try:
        shown = preparing.figures(publication)
    except StoreUnavailable as error:
        return unavailable(request, "publications/detail.html", context, error)
    items = preparing.checklist(publication, shown) if publication.is_draft else []
    context |= figures.context(shown) | {"checklist": items, "missing": missing(items)}
    response = render(request, "publications/detail.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_POST
def publish(request, pk: int):
    publication = _publication(request, pk)
    require_edit(request.user, publication.scheme)
    require_role(request.user, publication.scheme.organisation, PUBLISHERS)
    try:
        published = preparing.publish(publication, request.user)
    except PublishingRefused as error:
        messages.error(request, str(error))
    except StoreUnavailable:
        messages.error(request, "Les données DECP ne peuvent pas être lues pour le moment : réessayez plus tard.")
    else:
        messages.success(
            request, f"Publication {published.period} de {published.buyer_name} publiée : ses chiffres sont figés."
        )
    return redirect("publications:detail", pk=publication.pk)
