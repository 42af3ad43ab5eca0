"""The read-only API: only published schemes, hand-counted indicator values, and a description that matches the code.

Every GET goes through `get`, which validates the response against the schema the OpenAPI document gives for that
route and status: a field or a status the document doesn't describe fails the test that produced it.
"""

import datetime
import re

import pytest
from django.test import Client
from django.urls import resolve, reverse
from django.utils.html import escape
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from spaser.plans.models import ActionStatus, Population, Status
from spaser.plans.steering import REACHED, STATUS_RULE
from spaser.www.api import urls as api_urls, views
from spaser.www.api.views import openapi_document
from tests.indicators.factories import SIREN_A, SIREN_B
from tests.organisations.factories import BuyerAFactory, MembershipFactory, OrganisationFactory
from tests.plans.factories import (
    ActionFactory,
    ManualIndicatorFactory,
    ObjectiveFactory,
    PartnershipFactory,
    PublishedSchemeFactory,
    SchemeFactory,
    TargetFactory,
)


DOCUMENT = openapi_document()
DOCUMENT_URI = "urn:spaser:openapi"
JSON = "application/json; charset=utf-8"
REGISTRY = Registry().with_resource(DOCUMENT_URI, Resource.from_contents(DOCUMENT, default_specification=DRAFT202012))


def openapi_path(route: str) -> str:
    """Django's `api/spaser/<slug:slug>/` as OpenAPI's `/api/spaser/{slug}/`."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def pointer(*parts: str) -> str:
    escaped = (part.replace("~", "~0").replace("/", "~1") for part in parts)
    return f"{DOCUMENT_URI}#/" + "/".join(escaped)


def validator(reference: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": reference}, registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def assert_documented(response) -> None:
    route = openapi_path(resolve(response.request["PATH_INFO"]).route)
    status = str(response.status_code)
    assert status in DOCUMENT["paths"][route]["get"]["responses"], f"{route} answers {status}, undocumented"
    schema = pointer("paths", route, "get", "responses", status, "content", "application/json", "schema")
    validator(schema).validate(response.json())


def get(client, url: str, **query):
    response = client.get(url, query)
    assert response["Content-Type"] == JSON
    assert_documented(response)
    return response


def slugs(response) -> set[str]:
    return {item["slug"] for item in response.json()["results"]}


def add_objective(scheme, code="S1", targets=None, **extra):
    objective = ObjectiveFactory(engagement__axis__scheme=scheme, indicator_code=code, **extra)
    for year, value in (targets or {2026: 30}).items():
        TargetFactory(objective=objective, year=year, value=value)
    return objective


@pytest.fixture
def buyer_a():
    # Created once per test: the factory gets the organisation again but would add its SIRETs twice.
    return BuyerAFactory()


@pytest.fixture
def published(decp_store, buyer_a):
    """Buyer A's published scheme, 2024-2026, one S1 objective (20 % in 2024 → 30 % in 2026) and one action."""
    scheme = PublishedSchemeFactory(
        organisation=buyer_a,
        slug="lyon-fictive-2024",
        population=Population.OVER_200K,
        adoption_date=datetime.date(2024, 2, 12),
        deliberation="DEL-2024-012",
    )
    objective = add_objective(scheme)
    ActionFactory(engagement=objective.engagement, status=ActionStatus.ONGOING, due_date=datetime.date(2025, 6, 30))
    return scheme


@pytest.fixture
def hidden(buyer_a):
    """A draft and an adopted-but-unpublished scheme of buyer A, each with an objective."""
    schemes = [
        SchemeFactory(organisation=buyer_a, slug=f"lyon-fictive-{status}", status=status)
        for status in (Status.DRAFT, Status.ADOPTED)
    ]
    for scheme in schemes:
        add_objective(scheme)
    return schemes


# Only published schemes


def test_the_list_shows_only_published_schemes(client, published, hidden):
    response = get(client, reverse("api:schemes"))

    assert slugs(response) == {published.slug}
    assert response.json()["count"] == 1


@pytest.mark.parametrize("status", [Status.DRAFT, Status.ADOPTED])
@pytest.mark.parametrize("name", ["api:scheme", "api:indicators"])
def test_unpublished_schemes_are_not_found(client, hidden, name, status):
    response = get(client, reverse(name, args=[f"lyon-fictive-{status}"]))

    assert response.status_code == 404
    assert "Aucun SPASER publié" in response.json()["erreur"]


def test_unpublished_schemes_are_not_listed_by_buyer_or_year(client, hidden):
    assert get(client, reverse("api:schemes"), siren=SIREN_A, annee=2025).json()["count"] == 0


# Filters and pagination


@pytest.fixture
def three_published(buyer_a):
    other = OrganisationFactory(name="Département fictif")
    carried = PublishedSchemeFactory(organisation=buyer_a, slug="a-2024", start_year=2024, end_year=2026)
    older = PublishedSchemeFactory(organisation=other, slug="dep-2020", start_year=2020, end_year=2023)
    shared = PublishedSchemeFactory(organisation=other, slug="dep-2027", start_year=2027, end_year=2030)
    PartnershipFactory(scheme=shared, organisation=buyer_a, accepted=True)
    return carried, older, shared


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"a-2024", "dep-2020", "dep-2027"}),
        ({"siren": SIREN_A}, {"a-2024", "dep-2027"}),  # carried, and mutualised with partners
        ({"annee": "2023"}, {"dep-2020"}),
        ({"annee": "2024"}, {"a-2024"}),
        ({"siren": SIREN_A, "annee": "2030"}, {"dep-2027"}),
        ({"siren": "999999999"}, set()),
    ],
)
def test_filters(client, three_published, query, expected):
    assert slugs(get(client, reverse("api:schemes"), **query)) == expected


def test_pages_link_to_each_other_and_keep_the_filters(client, three_published, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    url = reverse("api:schemes")

    first = get(client, url, siren=SIREN_A).json()
    second = get(client, url, siren=SIREN_A, page=2).json()

    assert (first["count"], first["pages"], first["previous"]) == (2, 2, None)
    assert first["next"] == f"{url}?siren={SIREN_A}&page=2"
    assert (second["previous"], second["next"]) == (f"{url}?siren={SIREN_A}&page=1", None)
    assert [item["slug"] for item in first["results"] + second["results"]] == ["dep-2027", "a-2024"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [({"page": "0"}, "page"), ({"page": "deux"}, "page"), ({"annee": "2O24"}, "annee"), ({"siren": "123"}, "siren")],
)
def test_bad_parameters_are_explained_in_french(client, query, parameter):
    response = get(client, reverse("api:schemes"), **query)

    assert response.status_code == 400
    assert f"« {parameter} »" in response.json()["erreur"]


def test_a_page_past_the_last_is_not_found(client, published):
    response = get(client, reverse("api:schemes"), page=2)

    assert response.status_code == 404
    assert response.json() == {"erreur": "La page 2 n'existe pas : il y a 1 page(s)."}


# Content


def test_list_item(client, published):
    (item,) = get(client, reverse("api:schemes")).json()["results"]

    assert item["organisation"] == {
        "siren": SIREN_A,
        "name": "Ville de Lyon fictive",
        "buyer_type": "Commune",
        "fictitious": True,
    }
    assert item["population"] == {"code": "plus-200000", "label": "Plus de 200 000"}
    assert item["purchase_volume"] is None
    assert (item["adoption_date"], item["deliberation"]) == ("2024-02-12", "DEL-2024-012")
    assert item["urls"] == {
        "api": "/api/spaser/lyon-fictive-2024/",
        "indicators": "/api/spaser/lyon-fictive-2024/indicateurs/",
        "page": "/spaser/lyon-fictive-2024/",
    }


def test_detail_has_the_whole_tree(client, published):
    hours = ManualIndicatorFactory(organisation=published.organisation, code="heures")
    engagement = published.axes.get().engagements.get()
    ObjectiveFactory(engagement=engagement, indicator_code="", manual_indicator=hours, baseline_value=None)

    scheme = get(client, reverse("api:scheme", args=[published.slug])).json()

    (axis,) = scheme["axes"]
    assert axis["theme"] == {"code": "social", "label": "Achats socialement responsables"}
    (engagement,) = axis["engagements"]
    catalogue, manual = engagement["objectives"]
    assert catalogue["indicator"]["code"] == "S1"
    assert (catalogue["indicator"]["kind"], catalogue["indicator"]["unit"]) == ("catalogue", "%")
    assert catalogue["baseline"] == {"year": 2024, "value": 20}
    assert (catalogue["targets"], catalogue["deadline_year"]) == ([{"year": 2026, "value": 30}], 2026)
    assert manual["indicator"] == {
        "code": "heures",
        "label": "Heures d'insertion réalisées",
        "unit": "heures",
        "definition": "",
        "kind": "manual",
    }
    assert engagement["actions"] == [
        {
            "title": "Former les acheteurs aux clauses d'insertion",
            "owner": "Direction de la commande publique",
            "status": {"code": "en-cours", "label": "En cours"},
            "due_date": "2025-06-30",
        }
    ]


def test_indicator_values_are_the_hand_counts(client, published):
    # tests/indicators/factories.py: buyer A's S1 is 3 of 4 marchés in 2024 and 1 of 1 in 2025.
    body = get(client, reverse("api:indicators", args=[published.slug])).json()

    (objective,) = body["objectives"]
    assert body["status_rule"] == STATUS_RULE
    assert [(v["year"], v["value"]) for v in objective["values"]] == [(2024, 75.0), (2025, 100.0), (2026, None)]
    assert [v["target"] for v in objective["values"]] == [None, None, 30]
    assert (objective["status"], objective["final_target"], objective["per_buyer"]) == (REACHED, 30, [])


def test_mutualised_scheme_has_values_per_buyer(client, published):
    partner = OrganisationFactory(siren=SIREN_B, name="Commune B fictive")
    PartnershipFactory(scheme=published, organisation=partner, accepted=True)
    published.mutualised = True
    published.save()

    (objective,) = get(client, reverse("api:indicators", args=[published.slug])).json()["objectives"]

    # 2024: A 3 of 4, B 0 of 1 → together 3 of 5.
    assert objective["values"][0]["value"] == pytest.approx(60.0)
    buyers = {buyer["siren"]: buyer for buyer in objective["per_buyer"]}
    assert buyers[SIREN_B]["name"] == "Commune B fictive"
    assert [v["value"] for v in buyers[SIREN_A]["values"]] == [75.0, 100.0, None]
    assert buyers[SIREN_B]["values"][0]["value"] == pytest.approx(0.0)


# HTTP behaviour


def api_urls_of(slug: str) -> list[str]:
    return [
        reverse("api:schemes"),
        reverse("api:scheme", args=[slug]),
        reverse("api:indicators", args=[slug]),
        reverse("api:openapi"),
    ]


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_and_head_are_allowed(published, method):
    client = Client(enforce_csrf_checks=True)  # the method check must come first, not the CSRF one

    for url in api_urls_of(published.slug):
        response = getattr(client, method)(url)

        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD"
        validator(pointer("components", "schemas", "Error")).validate(response.json())


def test_head_answers_like_get(client, published):
    for url in api_urls_of(published.slug):
        head, get = client.head(url), client.get(url)

        assert head.status_code == 200, url
        assert head["Content-Type"] == get["Content-Type"] == JSON, url
        assert head["Cache-Control"] == "public, max-age=60", url
        assert head["ETag"] == get["ETag"], url


def test_published_data_is_open_to_any_origin_and_briefly_cacheable(client, published):
    for url in api_urls_of(published.slug):
        response = client.get(url)

        assert response["Access-Control-Allow-Origin"] == "*", url
        assert "Access-Control-Allow-Credentials" not in response, url
        assert response["Cache-Control"] == "public, max-age=60", url


def test_the_answer_is_the_same_whoever_asks(client, published):
    anonymous = {url: client.get(url)["ETag"] for url in api_urls_of(published.slug)}
    client.force_login(MembershipFactory(organisation=published.organisation).user)

    assert {url: client.get(url)["ETag"] for url in api_urls_of(published.slug)} == anonymous


def test_no_error_is_kept_in_any_cache(client, hidden):
    for url in [reverse("api:scheme", args=["lyon-fictive-draft"]), reverse("api:schemes") + "?page=0"]:
        response = client.get(url)

        assert response.status_code in (400, 404), url
        assert response["Cache-Control"] == "private, no-store", url
        assert response["Access-Control-Allow-Origin"] == "*", url


def test_an_unchanged_answer_is_revalidated_with_its_etag(client, published):
    for url in api_urls_of(published.slug):
        etag = client.get(url)["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})

        assert again.status_code == 304, url
        assert again["ETag"] == etag, url
        assert again["Cache-Control"] == "public, max-age=60", url


def test_the_etag_changes_with_the_scheme(client, published):
    url = reverse("api:scheme", args=[published.slug])
    etag = client.get(url)["ETag"]
    published.title = "SPASER renommé"
    published.save()

    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
    assert client.get(url)["ETag"] != etag


def test_unpublishing_ends_every_cached_answer(client, published):
    urls = [reverse("api:scheme", args=[published.slug]), reverse("api:indicators", args=[published.slug])]
    etags = {url: client.get(url)["ETag"] for url in urls}
    listed = client.get(reverse("api:schemes"))
    published.status = Status.ADOPTED
    published.save()

    for url in urls:
        revalidated = client.get(url, headers={"If-None-Match": etags[url]})
        assert revalidated.status_code == 404, url
        assert revalidated["Cache-Control"] == "private, no-store", url
    relisted = client.get(reverse("api:schemes"), headers={"If-None-Match": listed["ETag"]})
    assert relisted.status_code == 200
    assert relisted["ETag"] != listed["ETag"]
    assert relisted.json()["count"] == 0


# The OpenAPI document


def test_the_document_is_served(client):
    response = client.get(reverse("api:openapi"))

    assert response.status_code == 200
    assert response.json() == DOCUMENT
    assert (DOCUMENT["openapi"], DOCUMENT["info"]["title"], DOCUMENT["servers"]) == (
        "3.1.0",
        "API Spaser",
        [{"url": "/"}],
    )


def test_the_index_lists_every_operation_and_links_to_the_documents(client):
    response = client.get(reverse("api:index"))

    assert (response.status_code, response["Content-Type"]) == (200, JSON)
    index = response.json()
    assert (index["documentation"], index["openapi"]) == (reverse("api:docs"), reverse("api:openapi"))
    assert [entry["chemin"] for entry in index["points_d_acces"]] == list(DOCUMENT["paths"])
    assert index["points_d_acces"][0]["resume"] == "Liste des SPASER publiés"


def test_the_documentation_page_reads_the_document_in_french_without_script(client):
    response = client.get(reverse("api:docs"))

    page = response.content.decode()
    assert response.status_code == 200
    for route, item in DOCUMENT["paths"].items():
        assert f"<code>GET {route}</code> — {escape(item['get']['summary'])}" in page
    for name in DOCUMENT["components"]["schemas"]:
        assert f'id="objet-{name}"' in page
    assert "Paramètres" in page and "Réponses" in page
    assert "`" not in page  # descriptions are CommonMark: their code spans are shown as code
    assert "<script>" not in page  # the content security policy allows no inline script


def test_every_route_is_described_and_every_description_is_routed():
    prefix = reverse("api:openapi").removesuffix("openapi.json")
    routes = {openapi_path(prefix.lstrip("/") + str(pattern.pattern)) for pattern in api_urls.urlpatterns}

    documents = {reverse(name) for name in ("api:index", "api:openapi", "api:docs")}
    assert routes - documents == set(DOCUMENT["paths"])


def all_refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for child in node.values():
            yield from all_refs(child)
    elif isinstance(node, list):
        for child in node:
            yield from all_refs(child)


def test_every_reference_resolves_and_every_component_is_used():
    resolver = REGISTRY.resolver(DOCUMENT_URI)
    refs = set(all_refs(DOCUMENT))

    for ref in refs:
        resolver.lookup(DOCUMENT_URI + ref)  # raises when the target is missing
    assert {f"#/components/schemas/{name}" for name in DOCUMENT["components"]["schemas"]} == refs


def test_component_schemas_are_valid_json_schemas():
    for schema in DOCUMENT["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_operation_is_complete():
    operation_ids = []
    for path, item in DOCUMENT["paths"].items():
        operation = item["get"]
        operation_ids.append(operation["operationId"])
        declared = {parameter["name"] for parameter in operation["parameters"] if parameter["in"] == "path"}
        assert declared == set(re.findall(r"{(\w+)}", path)), path
        assert "200" in operation["responses"], path
        for status, response in operation["responses"].items():
            assert response["description"], path
            if status != "304":  # a revalidation has no body
                assert "schema" in response["content"]["application/json"], path
    assert len(operation_ids) == len(set(operation_ids))


def test_queries_do_not_grow_with_the_number_of_schemes(client, three_published, django_assert_num_queries):
    # The count, the page of schemes with their organisations, their partners.
    with django_assert_num_queries(3):
        client.get(reverse("api:schemes"))


def test_detail_queries_do_not_grow_with_the_tree(client, published, django_assert_num_queries):
    for _ in range(3):
        add_objective(published)
    # The scheme, partners, axes, engagements, objectives, targets, actions (manual indicators: none to fetch).
    with django_assert_num_queries(7):
        client.get(reverse("api:scheme", args=[published.slug]))
