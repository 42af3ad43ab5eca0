"""Every page that reads the analytics store says « données indisponibles » when it is missing or damaged (503),
and keeps the rest of the page."""

import pytest
from django.urls import reverse

from spaser.organisations.models import Organisation, Role
from spaser.www.unavailable import RETRY_AFTER_S, UNAVAILABLE
from tests.organisations.factories import BuyerAFactory, MembershipFactory, UserFactory
from tests.plans.factories import ObjectiveFactory, PublishedSchemeFactory, TargetFactory
from tests.www.test_api import assert_documented


def missing(store):
    (store / "decp.duckdb").unlink()


def damaged(store):
    (store / "decp.duckdb").write_bytes(b"\x00garbage, not a DuckDB file\xff" * 4096)


@pytest.fixture(params=[missing, damaged], ids=["missing", "damaged"])
def broken_store(request, decp_store):
    request.param(decp_store)
    return decp_store


@pytest.fixture
def objective(client):
    membership = MembershipFactory(organisation=BuyerAFactory(), role=Role.VIEWER)
    client.force_login(membership.user)
    scheme = PublishedSchemeFactory(organisation=membership.organisation, start_year=2024, end_year=2026)
    item = ObjectiveFactory(engagement__axis__scheme=scheme, indicator_code="S1", baseline_value=20)
    TargetFactory(objective=item, year=2026, value=30)
    return item


def pages(objective) -> dict[str, str]:
    scheme = objective.engagement.axis.scheme
    value = [objective.pk, 2024]
    return {
        "dashboard": reverse("plans:dashboard", args=[scheme.pk]),
        "drill-down": reverse("plans:contracts", args=[scheme.pk, *value]),
        "drill-down CSV": reverse("plans:contracts", args=[scheme.pk, *value]) + "?format=csv",
        "audit": reverse("plans:audit", args=[scheme.pk, *value]),
        "public scheme": reverse("public:scheme", args=[scheme.slug]),
        "public drill-down": reverse("public:contracts", args=[scheme.slug, *value]),
        "public drill-down CSV": reverse("public:contracts", args=[scheme.slug, *value]) + "?format=csv",
        "public audit": reverse("public:audit", args=[scheme.slug, *value]),
    }


PAGES = [
    "dashboard", "drill-down", "drill-down CSV", "audit",
    "public scheme", "public drill-down", "public drill-down CSV", "public audit",
]  # fmt: skip


@pytest.mark.parametrize("page", PAGES)
def test_a_page_says_the_data_are_unavailable_and_keeps_the_rest(client, objective, broken_store, page):
    response = client.get(pages(objective)[page])

    body = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == str(RETRY_AFTER_S)
    assert response["Content-Type"].startswith("text/html")
    assert "Données indisponibles" in body and UNAVAILABLE.replace("'", "&#x27;") in body
    assert objective.engagement.axis.scheme.title in body  # the rest of the page is there


def test_the_same_pages_answer_200_with_the_store(client, objective, decp_store):
    assert list(pages(objective)) == PAGES
    for page, url in pages(objective).items():
        response = client.get(url)
        assert response.status_code == 200, page
        assert "Données indisponibles" not in response.content.decode(), page


def test_the_api_says_the_data_are_unavailable_in_json(client, objective, broken_store):
    scheme = objective.engagement.axis.scheme

    response = client.get(reverse("api:indicators", args=[scheme.slug]))

    assert response.status_code == 503 and response["Cache-Control"] == "private, no-store"
    assert response.json()["erreur"].startswith("Données indisponibles")
    assert_documented(response)
    # The scheme itself does not read the store.
    assert client.get(reverse("api:scheme", args=[scheme.slug])).status_code == 200


def test_no_organisation_is_created_without_the_directory(client, broken_store):
    client.force_login(UserFactory(is_staff=True))

    response = client.post(reverse("organisations:create"), {"siren": "123456789", "name": "Ville"})

    assert response.status_code == 503 and "Données indisponibles" in response.content.decode()
    assert "Ajouter une organisation" in response.content.decode()
    assert not Organisation.objects.filter(siren="123456789").exists()


def test_a_dashboard_without_decp_objective_needs_no_store(client, objective, decp_store):
    missing(decp_store)
    objective.delete()

    response = client.get(reverse("public:scheme", args=[objective.engagement.axis.scheme.slug]))

    assert response.status_code == 200 and "Données indisponibles" not in response.content.decode()
