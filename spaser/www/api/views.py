"""Read-only JSON API over published schemes; drafts and adopted-but-unpublished schemes answer 404 everywhere.

The operations are declared with django-ninja: their parameters and the schemas of `schemas.py` give both the
responses and the OpenAPI document. `api_endpoint` wraps every route with what the API promises over HTTP (GET and
HEAD only, French errors, any origin, caching).
"""

import json
from functools import cache, wraps

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Q
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.cache import get_conditional_response, set_response_etag
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from ninja import NinjaAPI, Path, Query, Router
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer

from spaser.directory.listing import known_schemes
from spaser.indicators.readers import StoreUnavailable
from spaser.observatory import obligation, series
from spaser.observatory.store import sources
from spaser.plans.models import Partnership, Scheme
from spaser.plans.steering import STATUS_RULE, dashboard, dashboard_version, require_store
from spaser.plans.store_cache import cache_key, computed_once
from spaser.publications import files
from spaser.publications.models import Status as PublicationStatus
from spaser.tables import SERIES_CSV
from spaser.www import breadcrumbs
from spaser.www.api import schemas
from spaser.www.observatory_views.obligation import default_year
from spaser.www.observatory_views.profiles import read_buyer
from spaser.www.observatory_views.reading import observatory
from spaser.www.unavailable import RETRY_AFTER_S


PAGE_SIZE = 50
# Published data may sit a minute in shared caches; anything else (404 of an unpublished scheme, errors) none at all.
PUBLISHED_CACHE_CONTROL = "public, max-age=60"
ERROR_CACHE_CONTROL = "private, no-store"
READ_ONLY = "Cette API est en lecture seule : seules les méthodes GET et HEAD sont acceptées."
STORE_UNAVAILABLE = (
    "Données indisponibles : les données de la commande publique (DECP) ne peuvent pas être lues pour le moment ; "
    "réessayez dans quelques minutes."
)


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class FrenchJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # accented French stays readable; JSON is UTF-8 anyway


API = NinjaAPI(
    title="API Spaser",
    version="1.0.0",
    description=(
        "API en lecture seule des schémas de promotion des achats socialement et écologiquement responsables "
        "(SPASER) publiés sur Spaser : schémas, objectifs et valeurs des indicateurs. Sans authentification ; "
        "réponses en JSON, accessibles depuis tout domaine (CORS) ; les données publiées peuvent être gardées "
        "1 minute en cache et revalidées par leur ETag (réponse 304 si rien n'a changé). Toute autre "
        'méthode que GET ou HEAD reçoit une erreur 405. Les erreurs sont de la forme `{"erreur": "…"}`.'
    ),
    openapi_extra={"info": {"license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"}}},
    servers=[{"url": "/"}],
    renderer=FrenchJSONRenderer(),
    urls_namespace="api",
    openapi_url=None,  # served by `openapi_json`, next to our French documentation page (`documentation`)
    docs_url=None,
)
ROUTER = Router()


def error(request, status: int, message: str):
    return API.create_response(request, {"erreur": message}, status=status)


# Each query parameter's rule, said in French when a value breaks it.
PARAMETER_RULES = {
    "page": "doit être un entier positif",
    "annee": "doit être un entier positif",
    "siren": "compte exactement 9 chiffres",
    "univers": "vaut « oecp » ou « tous »",
    "groupe": "vaut « ensemble », « collectivites », « etat_hopitaux » ou « autres »",
}


@API.exception_handler(ApiError)
def api_error(request, raised: ApiError):
    return error(request, raised.status, raised.message)


@API.exception_handler(StoreUnavailable)
def store_unavailable(request, raised: StoreUnavailable):
    response = error(request, 503, STORE_UNAVAILABLE)
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


@API.exception_handler(ValidationError)
def invalid_parameter(request, raised: ValidationError):
    (first, *_) = raised.errors
    name = first["loc"][-1]
    received = request.GET.get(name, "")
    return error(request, 400, f"Le paramètre « {name} » {PARAMETER_RULES[name]} (reçu : « {received} »).")


def published_scheme(slug: str, *related: str) -> Scheme:
    schemes = Scheme.objects.published().with_partners().select_related("organisation").prefetch_related(*related)
    scheme = schemes.filter(slug=slug).first()
    if scheme is None:
        raise ApiError(404, f"Aucun SPASER publié à l'adresse « {slug} ».")
    return scheme


def page_link(request, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"{request.path}?{query.urlencode()}"


NOT_FOUND = (
    "Aucun SPASER publié à cette adresse (les brouillons et les SPASER adoptés non publiés n'existent pas pour l'API)."
)
SLUG = Path(..., description="Identifiant du SPASER, tel que donné par la liste (`slug`).")


# Every 200 carries an ETag; a GET with `If-None-Match` giving it back answers 304 while the data is unchanged.
NOT_MODIFIED = "Rien n'a changé depuis la réponse dont l'en-tête `If-None-Match` donne l'ETag."


def described(descriptions: dict[int, str]) -> dict:
    """French descriptions of an operation's responses (django-ninja would give the English HTTP phrases)."""
    return {
        "responses": {status: {"description": text} for status, text in {**descriptions, 304: NOT_MODIFIED}.items()}
    }


@ROUTER.get(
    "/spaser/",
    response={200: schemas.SchemePage, 400: schemas.Error, 404: schemas.Error},
    url_name="schemes",
    operation_id="listerSpaser",
    summary="Liste des SPASER publiés",
    description=(
        "Les SPASER publiés, 50 par page. Les brouillons et les SPASER adoptés mais non publiés n'y figurent pas."
    ),
    openapi_extra=described(
        {
            200: "Une page de SPASER publiés.",
            400: "Paramètre invalide (page, siren ou année).",
            404: "Page au-delà de la dernière.",
        }
    ),
)
def scheme_list(
    request,
    page: int = Query(1, ge=1, description="Numéro de page, à partir de 1."),
    siren: str | None = Query(
        None, pattern=r"^\d{9}$", description="SPASER portés par cet acheteur ou mutualisés avec lui."
    ),
    annee: int | None = Query(None, ge=1, description="SPASER dont la période couvre cette année."),
):
    schemes = Scheme.objects.published().select_related("organisation").with_partners()
    if siren:
        # A buyer finds the schemes it carries and the mutualised ones it takes part in.
        partner_of = Partnership.objects.accepted().filter(organisation__siren=siren).values("scheme")
        schemes = schemes.filter(Q(organisation__siren=siren) | Q(pk__in=partner_of))
    if annee:
        schemes = schemes.filter(start_year__lte=annee, end_year__gte=annee)
    paginator = Paginator(schemes.order_by("organisation__name", "-edition", "pk"), PAGE_SIZE)
    try:
        found = paginator.page(page)
    except EmptyPage:
        raise ApiError(404, f"La page {page} n'existe pas : il y a {paginator.num_pages} page(s).") from None
    return {
        "count": paginator.count,
        "page": page,
        "pages": paginator.num_pages,
        "next": page_link(request, page + 1) if found.has_next() else None,
        "previous": page_link(request, page - 1) if found.has_previous() else None,
        "results": list(found),
    }


@ROUTER.get(
    "/spaser/{slug}/",
    response={200: schemas.SchemeDetail, 404: schemas.Error},
    url_name="scheme",
    operation_id="lireSpaser",
    summary="Un SPASER publié",
    description=(
        "Le SPASER avec ses axes, engagements, objectifs chiffrés (indicateur, référence, cibles, échéance) "
        "et actions (direction pilote, état, échéance)."
    ),
    openapi_extra=described({200: "Le SPASER et son arborescence.", 404: NOT_FOUND}),
)
def scheme_detail(request, slug: str = SLUG):
    return published_scheme(
        slug,
        "axes__engagements__objectives__targets",
        "axes__engagements__objectives__manual_indicator",
        "axes__engagements__actions",
    )


@ROUTER.get(
    "/spaser/{slug}/indicateurs/",
    response={200: schemas.SchemeIndicators, 404: schemas.Error, 503: schemas.Error},
    url_name="indicators",
    operation_id="lireIndicateursSpaser",
    summary="Valeurs des indicateurs d'un SPASER publié",
    description=(
        "Pour chaque objectif : valeur réalisée, cible, trajectoire et couverture des données par année, "
        "statut et règle de calcul du statut ; pour un SPASER mutualisé, aussi acheteur par acheteur. "
        "Les indicateurs du catalogue sont calculés sur les données essentielles de la commande publique (DECP)."
    ),
    openapi_extra=described(
        {
            200: "Les valeurs des indicateurs.",
            404: NOT_FOUND,
            503: "Données DECP momentanément illisibles (réessayer après `Retry-After`).",
        }
    ),
)
def scheme_indicators(request, slug: str = SLUG):
    scheme = published_scheme(slug)
    require_store(scheme)
    names = {item.siren: item.name for item in scheme.all_organisations()}

    def payload() -> dict:
        values = {
            "scheme": scheme,
            "status_rule": STATUS_RULE,
            "objectives": [schemas.ObjectiveValues.of(series, names) for series in dashboard(scheme)],
        }
        return schemas.SchemeIndicators.model_validate(values).model_dump(mode="json")

    # The payload names the organisations: a renamed one changes neither the scheme nor the data. It is cached as
    # dumped, already checked against its schema: answered as is, not validated again.
    key = cache_key("api-indicators", dashboard_version(scheme), sorted(names.items()))
    return API.create_response(request, computed_once(key, payload), status=200)


@ROUTER.get(
    "/spaser/{slug}/publications/",
    response={200: schemas.SchemePublications, 404: schemas.Error},
    url_name="publications",
    operation_id="lirePublicationsSpaser",
    summary="Publications biennales d'un SPASER publié",
    description=(
        "Pour chaque acheteur du SPASER et chaque période de deux années civiles : les taux réels d'achats "
        "responsables (article L2111-3) en nombre et en valeur, à côté des cibles, avec leur couverture, leur règle "
        "de comptage et les versions des définitions et des données, figés à la publication ; les publications "
        "remplacées restent listées. Les brouillons n'y figurent pas."
    ),
    openapi_extra=described({200: "Les publications biennales.", 404: NOT_FOUND}),
)
def scheme_publications(request, slug: str = SLUG):
    scheme = published_scheme(slug)
    shown = scheme.publications.exclude(status=PublicationStatus.DRAFT).order_by("-last_year", "buyer_name", "-pk")
    return {"scheme": scheme, "publications": [files.as_json(publication) for publication in shown]}


UNIVERSE = Query(None, description="« oecp » (recensement OECP) ou « tous » (tous les marchés) ; les deux sinon.")
GROUP = Query(None, description="Groupe d'acheteurs (« ensemble » : tous les acheteurs) ; chacun sinon.")


@ROUTER.get(
    "/observatoire/indicateurs/",
    response={200: schemas.ObservatorySeries, 400: schemas.Error, 503: schemas.Error},
    url_name="observatory_series",
    operation_id="lireSeriesObservatoire",
    summary="Séries nationales des achats responsables",
    description=(
        "Par année de notification, univers (recensement OECP ou tous les marchés) et groupe d'acheteurs : part "
        "des marchés, en nombre et en valeur, avec une considération sociale, environnementale, réservés, attribués "
        "à une ESUS, à un employeur inclusif, à une PME ; chacune avec ses deux dénominateurs (donnée inconnue "
        "exclue ou incluse). Calculées une fois par version des données ; mêmes champs que les fichiers CSV et "
        "Parquet de /observatoire/indicateurs/."
    ),
    openapi_extra=described(
        {
            200: "Les séries demandées.",
            400: "Paramètre invalide (univers ou groupe).",
            503: "Observatoire pas encore calculé ou illisible (réessayer après `Retry-After`).",
        }
    ),
)
def observatory_series(
    request,
    univers: schemas.ObservatoryUniverse | None = UNIVERSE,
    groupe: schemas.ObservatoryGroup | None = GROUP,
):
    with observatory() as connection:
        found = sources(connection)
        rows = [
            dict(zip(SERIES_CSV.names, row, strict=True))
            for row in series.export_rows(connection, found.decp_date)
            if univers in (None, row[1]) and groupe in (None, row[2])
        ]
    return {"decp_date": found.decp_date, "refreshed_at": found.refreshed_at, "results": rows}


@ROUTER.get(
    "/observatoire/obligation/",
    response={200: schemas.ObligationPage, 400: schemas.Error, 503: schemas.Error},
    url_name="obligation",
    operation_id="lireRegistreObligation",
    summary="Registre des acheteurs soumis au SPASER",
    description=(
        "Pour chaque acheteur (SIREN) et année civile : montant des marchés notifiés publiés dans les DECP, "
        "dépenses comptables quand elles sont importées, statut (obligé probable, incertain, non obligé, aucune "
        "donnée DECP) et son motif. Sans filtre d'année ni de SIREN, la dernière année complète."
    ),
    openapi_extra=described(
        {
            200: "Les lignes du registre, du plus gros montant au plus petit.",
            400: "Paramètre invalide.",
            503: "Registre pas encore calculé ou illisible (réessayer après `Retry-After`).",
        }
    ),
)
def obligation_register(
    request,
    annee: int | None = Query(None, ge=1990, description="Année civile."),
    siren: str | None = Query(None, pattern=r"^\d{9}$", description="Un acheteur, toutes ses années."),
    statut: str = Query(
        "", description="« obligé probable », « incertain », « non obligé » ou « aucune donnée DECP »."
    ),
    type: str = Query("", description="Type d'acheteur (« Région », « Hôpital »…)."),
):
    with observatory() as connection:  # StoreUnavailable → 503 with Retry-After, as every store-backed operation
        year = annee or (None if siren else default_year(obligation.years(connection)))
        rows = obligation.rows(connection, year, type, statut, siren=siren or "")
        decp_date = sources(connection).decp_date
    return {"decp_date": decp_date, "count": len(rows), "results": rows}


@ROUTER.get(
    "/observatoire/acheteurs/{siren}/",
    response={200: schemas.BuyerProfile, 404: schemas.Error, 503: schemas.Error},
    url_name="observatory_profile",
    operation_id="lireProfilAcheteur",
    summary="Profil d'un acheteur dans l'observatoire",
    description=(
        "Pour un acheteur (SIREN) : ses lignes du registre de l'obligation, ses SPASER connus de l'annuaire et, par "
        "année, les parts des séries de l'observatoire (donnée inconnue exclue) avec son rang, son centile et la "
        "médiane des acheteurs de même type et de même tranche de montant de marchés notifiés ; les acheteurs aux "
        "données insuffisantes sont écartés des rangs et des médianes. `decp_data` est faux quand l'acheteur n'a "
        "aucun marché dans les DECP."
    ),
    openapi_extra=described(
        {
            200: "Le profil de l'acheteur.",
            404: "SIREN invalide ou inconnu de l'observatoire et de l'annuaire.",
            503: "Observatoire pas encore calculé ou illisible (réessayer après `Retry-After`).",
        }
    ),
)
def observatory_profile(request, siren: str = Path(..., description="SIREN de l'acheteur (9 chiffres).")):
    if not (siren.isdigit() and len(siren) == 9):
        raise ApiError(404, f"« {siren} » n'est pas un SIREN : 9 chiffres attendus.")
    buyer = read_buyer(siren)
    if buyer is None:
        raise ApiError(404, f"Aucun acheteur connu de l'observatoire avec le SIREN {siren}.")
    return {
        "siren": siren,
        "name": buyer.name,
        "decp_data": buyer.decp_contracts > 0,
        "decp_date": buyer.sources.decp_date,
        "obligation": buyer.register,
        "schemes": buyer.schemes,
        "indicators": buyer.indicators,
    }


@ROUTER.get(
    "/annuaire/",
    response={200: schemas.Directory, 400: schemas.Error},
    url_name="directory",
    operation_id="lireAnnuaire",
    summary="Annuaire des SPASER",
    description=(
        "Tous les SPASER connus de la plateforme : publiés sur la plateforme (avec leurs partenaires), importés de "
        "l'annuaire national des SPASER ou saisis par l'équipe de la plateforme ; champ `source`. Un SPASER importé "
        "qui décrit un SPASER publié (même acheteur, même première année) n'y figure qu'une fois, publié."
    ),
    openapi_extra=described({200: "Les SPASER de l'annuaire.", 400: "Paramètre invalide (siren ou année)."}),
)
def directory(
    request,
    siren: str | None = Query(
        None, pattern=r"^\d{9}$", description="SPASER portés par cet acheteur ou mutualisés avec lui."
    ),
    annee: int | None = Query(None, ge=1, description="SPASER en vigueur cette année."),
):
    schemes = [
        listed
        for listed in known_schemes()
        if (siren is None or siren in listed.sirens) and (annee is None or listed.in_force(annee))
    ]
    return {"count": len(schemes), "results": schemes}


API.add_router("", ROUTER)


# HTTP behaviour of every route


def json_response(data: dict, status: int = 200) -> JsonResponse:
    """The answer of the routes django-ninja does not build, in the same JSON as its own."""
    return JsonResponse(
        data,
        status=status,
        content_type=API.get_content_type(),
        json_dumps_params=FrenchJSONRenderer.json_dumps_params,
    )


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
        response = safe_only(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            response = json_response({"erreur": READ_ONLY}, 405)
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


def as_get(view):
    """HEAD is a GET whose body the server drops, as Django's class-based views treat it."""

    @wraps(view)
    def answer(request, *args, **kwargs):
        if request.method == "HEAD":
            request.method = "GET"
        return view(request, *args, **kwargs)

    return answer


def operation_urls() -> list[URLPattern]:
    """The routes django-ninja builds from the operations, wrapped by `api_endpoint` (its root view excepted)."""
    patterns, _, _ = API.urls
    return [
        path(str(pattern.pattern), api_endpoint(as_get(pattern.callback)), name=pattern.name)
        for pattern in patterns
        if pattern.name != "api-root"
    ]


# The document, its French reading and the index


@cache
def openapi_document() -> dict:
    """The document as served: through JSON, where django-ninja's integer status codes become strings."""
    return json.loads(json.dumps(API.get_openapi_schema(path_prefix="/api")))


@api_endpoint
def openapi_json(request):
    return json_response(openapi_document())


@api_endpoint
def index(request):
    document = openapi_document()
    return json_response(
        {
            "titre": document["info"]["title"],
            "version": document["info"]["version"],
            "documentation": reverse("api:docs"),
            "openapi": reverse("api:openapi"),
            "points_d_acces": [
                {"chemin": route, "resume": operation["get"]["summary"]}
                for route, operation in document["paths"].items()
            ],
        }
    )


def _schema_name(reference: str) -> str:
    return reference.rsplit("/", 1)[-1]


def _fields(schema: dict) -> list[dict]:
    """The rows of a component's table: name, type as read by a person, whether it may be null, description."""
    rows = []
    for name, field in schema.get("properties", {}).items():
        kinds = field.get("anyOf", [field])
        shown = [
            _schema_name(kind["$ref"])
            if "$ref" in kind
            else f"liste de {_schema_name(kind['items']['$ref'])}"
            if kind.get("type") == "array" and "$ref" in kind.get("items", {})
            else kind.get("type", "")
            for kind in kinds
            if kind.get("type") != "null"
        ]
        rows.append(
            {
                "name": name,
                "type": " ou ".join(shown),
                "nullable": any(kind.get("type") == "null" for kind in kinds),
                "values": field.get("enum") or next((kind["enum"] for kind in kinds if "enum" in kind), None),
                "description": field.get("description", ""),
            }
        )
    return rows


def _response_row(status: str, response: dict) -> dict:
    content = response.get("content")  # none for a response without body, such as a 304
    schema = _schema_name(content["application/json"]["schema"]["$ref"]) if content else ""
    return {"status": status, "description": response["description"], "schema": schema}


@login_not_required
@require_safe
def documentation(request):
    """The OpenAPI document read in French, without script: routes, parameters, responses and objects."""
    document = openapi_document()
    operations = [
        {
            "path": route,
            **item["get"],
            "responses": [_response_row(status, response) for status, response in item["get"]["responses"].items()],
        }
        for route, item in document["paths"].items()
    ]
    components = [
        {"name": name, "description": schema.get("description", ""), "fields": _fields(schema)}
        for name, schema in document["components"]["schemas"].items()
    ]
    context = {
        "title": "Documentation de l'API",
        "breadcrumb_data": breadcrumbs.trail((reverse("public:api"), "Données ouvertes et API")),
        "info": document["info"],
        "operations": operations,
    }
    return render(request, "api/docs.html", context | {"components": components})
