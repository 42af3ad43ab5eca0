"""Read-only JSON API over published schemes; drafts and adopted-but-unpublished schemes answer 404 everywhere."""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Q
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils.cache import get_conditional_response, set_response_etag
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from spaser.indicators.readers import StoreUnavailable
from spaser.plans.models import Partnership, Scheme
from spaser.plans.steering import dashboard, dashboard_version, require_store
from spaser.plans.store_cache import cache_key, computed_once
from spaser.www.api import serializers
from spaser.www.api.openapi import DOCUMENT
from spaser.www.unavailable import RETRY_AFTER_S


PAGE_SIZE = 50
STORE_UNAVAILABLE = (
    "Données indisponibles : les données de la commande publique (DECP) ne peuvent pas être lues pour le moment ; "
    "réessayez dans quelques minutes."
)
# Published data may sit a minute in shared caches; anything else (404 of an unpublished scheme, errors) none at all.
PUBLISHED_CACHE_CONTROL = "public, max-age=60"
ERROR_CACHE_CONTROL = "private, no-store"


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def json_response(data: dict, status: int = 200) -> JsonResponse:
    # Accented French stays readable in the payload; JSON is UTF-8 anyway.
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def api_endpoint(view):
    """GET and HEAD only, errors as French JSON, open to any origin; published data briefly cacheable.

    The ETag is a hash of the body, so it changes with anything served (the scheme, its organisation, the DECP
    store's values); a client revalidating it gets 304 while nothing changed and 404 once the scheme is unpublished.
    `Access-Control-Allow-Origin: *` is safe here: no endpoint looks at the user, so no response depends on who asks,
    and credentials are never allowed."""
    safe_only = require_safe(view)

    # A POST would otherwise meet the CSRF check (403) before the method check (405); nothing here changes state.
    @login_not_required
    @csrf_exempt
    @wraps(view)
    def endpoint(request, *args, **kwargs):
        try:
            response = safe_only(request, *args, **kwargs)
        except ApiError as error:
            response = json_response({"erreur": error.message}, status=error.status)
        except StoreUnavailable:
            response = json_response({"erreur": STORE_UNAVAILABLE}, status=503)
            response["Retry-After"] = str(RETRY_AFTER_S)
        if isinstance(response, HttpResponseNotAllowed):
            response = json_response(
                {"erreur": "Cette API est en lecture seule : seules les méthodes GET et HEAD sont acceptées."}, 405
            )
            response["Allow"] = "GET, HEAD"
        if response.status_code == 200:
            response["Cache-Control"] = PUBLISHED_CACHE_CONTROL
            set_response_etag(response)
            response = get_conditional_response(request, etag=response["ETag"], response=response)
        else:
            response["Cache-Control"] = ERROR_CACHE_CONTROL
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return endpoint


def published_scheme(slug: str, *related: str) -> Scheme:
    schemes = Scheme.objects.published().with_partners().select_related("organisation").prefetch_related(*related)
    scheme = schemes.filter(slug=slug).first()
    if scheme is None:
        raise ApiError(404, f"Aucun SPASER publié à l'adresse « {slug} ».")
    return scheme


def positive_integer(raw: str, parameter: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise ApiError(400, f"Le paramètre « {parameter} » doit être un entier positif (reçu : « {raw} »).")
    return int(raw)


def filtered(schemes, query):
    if siren := query.get("siren"):
        if not (siren.isdigit() and len(siren) == 9):
            raise ApiError(400, f"Le paramètre « siren » compte exactement 9 chiffres (reçu : « {siren} »).")
        # A buyer finds the schemes it carries and the mutualised ones it takes part in.
        partner_of = Partnership.objects.accepted().filter(organisation__siren=siren).values("scheme")
        schemes = schemes.filter(Q(organisation__siren=siren) | Q(pk__in=partner_of))
    if year := query.get("annee"):
        year = positive_integer(year, "annee")
        schemes = schemes.filter(start_year__lte=year, end_year__gte=year)
    return schemes


def page_link(request, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"{request.path}?{query.urlencode()}"


@api_endpoint
def scheme_list(request):
    schemes = Scheme.objects.published().select_related("organisation").with_partners()
    schemes = filtered(schemes, request.GET).order_by("organisation__name", "-edition", "pk")
    paginator = Paginator(schemes, PAGE_SIZE)
    number = positive_integer(request.GET.get("page") or "1", "page")
    try:
        page = paginator.page(number)
    except EmptyPage:
        raise ApiError(404, f"La page {number} n'existe pas : il y a {paginator.num_pages} page(s).") from None
    return json_response(
        {
            "count": paginator.count,
            "page": number,
            "pages": paginator.num_pages,
            "next": page_link(request, number + 1) if page.has_next() else None,
            "previous": page_link(request, number - 1) if page.has_previous() else None,
            "results": [serializers.scheme_summary(scheme) for scheme in page],
        }
    )


@api_endpoint
def scheme_detail(request, slug: str):
    scheme = published_scheme(
        slug,
        "axes__engagements__objectives__targets",
        "axes__engagements__objectives__manual_indicator",
        "axes__engagements__actions",
    )
    return json_response(serializers.scheme_detail(scheme))


@api_endpoint
def scheme_indicators(request, slug: str):
    scheme = published_scheme(slug)
    require_store(scheme)
    payload = computed_once(
        # The payload names the organisations: a renamed one changes neither the scheme nor the data.
        cache_key(
            "api-indicators", dashboard_version(scheme), [(o.siren, o.name) for o in scheme.all_organisations()]
        ),
        lambda: serializers.scheme_indicators(scheme, dashboard(scheme)),
    )
    return json_response(payload)


@api_endpoint
def openapi_document(request):
    return json_response(DOCUMENT)
