"""`/observatoire/obligation/`: the register of the hand-counted store (tests/observatory/test_obligation.py)."""

import re

import duckdb
import pytest
from django.urls import reverse

from spaser.tables import OBLIGATION_CSV, OBLIGATION_PARQUET
from tests.observatory.test_obligation import AUTRE, COMMUNE, DEPARTEMENT, HOPITAL, REGION, build_obligation_store
from tests.organisations.factories import OrganisationFactory
from tests.plans.factories import PublishedSchemeFactory
from tests.table_schemas import csv_errors, parquet_errors
from tests.www.test_api import get


@pytest.fixture
def store(tmp_path, settings):
    settings.SPASER_STORE_DIR = build_obligation_store(tmp_path)
    return settings.SPASER_STORE_DIR


def test_the_register_shows_the_last_complete_year_with_both_methods_and_the_evidence(client, store):
    page = client.get(reverse("observatory:obligation")).content.decode()

    assert '<option value="2025" selected>' in page
    assert "DÉPARTEMENT EXEMPLE" in page and "10\u202f000\u202f000" in page  # 2025: one marché of 10 M€
    assert "aucun marché publié cette année" in page  # the commune in 2025
    assert "Données DECP du " in page
    assert "Marché de défense ou de sécurité" in page  # the biases are on the page


def test_filters_by_status_type_and_name_or_siren(client, store):
    url = reverse("observatory:obligation")

    probable = client.get(url, {"annee": 2024, "statut": "obligé probable"}).content.decode()
    assert "DÉPARTEMENT EXEMPLE" in probable and "RÉGION EXEMPLE" not in probable
    assert "60\u202f000\u202f000" in probable and "1\u202f000\u202f000" in probable  # DECP and balances side by side
    hospitals = client.get(url, {"annee": 2024, "type": "Hôpital"}).content.decode()
    assert "HÔPITAL EXEMPLE" in hospitals and "79\u202f999\u202f500" in hospitals and "COMMUNE" not in hospitals
    by_siren = client.get(url, {"annee": 2024, "q": AUTRE[:9]}).content.decode()
    assert "SOCIÉTÉ EXEMPLE" in by_siren and "(type incertain)" in by_siren and "COMMUNE" not in by_siren
    assert "COMMUNE EXEMPLE" in client.get(url, {"annee": 2024, "q": "commune"}).content.decode()


def test_a_buyer_profile_shows_its_history_and_an_unknown_siren_is_404(client, store):
    page = client.get(reverse("observatory:profile", args=[REGION[:9]])).content.decode()

    assert "<h1>RÉGION EXEMPLE</h1>" in page
    assert "seuil franchi grâce aux maximums des accords-cadres" in page and "25\u202f000\u202f000" in page
    assert re.findall(r'<th scope="row">(\d{4})</th>', page) == ["2025", "2024"]
    assert client.get(reverse("observatory:profile", args=["123456789"])).status_code == 404


def test_the_downloads_follow_their_published_table_schemas(client, store, tmp_path):
    response = client.get(reverse("observatory:obligation_download", args=["csv"]))
    content = response.content.decode("utf-8-sig")

    assert csv_errors(content, OBLIGATION_CSV) == []
    assert f"{DEPARTEMENT[:9]};2024;DÉPARTEMENT EXEMPLE;Département;non;60000000;0;2;0;1;1000000;obligé probable" in (
        content
    )
    assert f"{COMMUNE[:9]};2025;" in content and f"{HOPITAL};2024;" in content
    parquet = tmp_path / "registre.parquet"
    parquet.write_bytes(client.get(reverse("observatory:obligation_download", args=["parquet"])).content)
    assert parquet_errors(parquet, OBLIGATION_PARQUET) == []


def test_the_api_answers_the_register_as_its_openapi_document_describes(client, store):
    url = reverse("api:obligation")

    last_year = get(client, url).json()
    by_buyer = get(client, url, siren=HOPITAL).json()
    probable = get(client, url, annee=2024, statut="obligé probable").json()

    assert {row["year"] for row in last_year["results"]} == {2025} and last_year["decp_date"]
    assert [(row["year"], row["status"]) for row in by_buyer["results"]] == [
        (2025, "aucune donnée DECP"),
        (2024, "incertain"),
    ]
    assert [(row["siren"], row["contracts_amount"]) for row in probable["results"]] == [(DEPARTEMENT[:9], 60_000_000)]
    assert get(client, url, siren="12345").status_code == 400


def spaser_cells(page: str) -> dict[str, str]:
    """{siren: the text of its row's last cell, the SPASER column}."""
    cells = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        if siren := re.search(r"acheteurs/(\d{9})/", row):
            last = re.findall(r"<td>(.*?)</td>", row, re.S)[-1]
            cells[siren.group(1)] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", last)).strip()
    return cells


def test_the_register_says_which_buyers_have_a_spaser_in_force_with_the_proof(client, store):
    PublishedSchemeFactory(
        organisation=OrganisationFactory(siren=DEPARTEMENT[:9]), title="SPASER du département", start_year=2024
    )
    PublishedSchemeFactory(
        organisation=OrganisationFactory(siren=REGION[:9]), title="Ancien SPASER", start_year=2020, end_year=2022
    )

    cells = spaser_cells(client.get(reverse("observatory:obligation"), {"annee": 2024}).content.decode())

    assert cells[DEPARTEMENT[:9]] == "En vigueur SPASER du département (2024–2026)"
    assert cells[REGION[:9]] == "Expiré Ancien SPASER (2020–2022)"
    assert cells[COMMUNE[:9]] == "Absent"


def test_without_an_observatory_the_api_says_so_in_french_and_when_to_retry(client, tmp_path, settings):
    settings.SPASER_STORE_DIR = tmp_path

    response = client.get(reverse("api:obligation"))

    assert response.status_code == 503 and response["Retry-After"]
    assert "erreur" in response.json()


def test_without_an_observatory_the_pages_and_files_answer_503_in_french(client, tmp_path, settings):
    settings.SPASER_STORE_DIR = tmp_path

    register = client.get(reverse("observatory:obligation"))
    buyer = client.get(reverse("observatory:profile", args=[REGION[:9]]))
    download = client.get(reverse("observatory:obligation_download", args=["parquet"]))

    for response in (register, buyer, download):
        assert response.status_code == 503 and response["Retry-After"] == "300"
    for page in (register, buyer):
        assert "Données indisponibles" in page.content.decode()
        assert "ne peuvent pas être lues pour le moment" in page.content.decode()
    assert "observatoire pas encore calculé" in download.content.decode()


def test_the_files_carry_the_date_of_their_data(client, store, tmp_path):
    decp_date = client.get(reverse("observatory:obligation")).context["decp_date"]
    content = client.get(reverse("observatory:obligation_download", args=["csv"])).content.decode("utf-8-sig")
    parquet = tmp_path / "registre.parquet"
    parquet.write_bytes(client.get(reverse("observatory:obligation_download", args=["parquet"])).content)

    assert content.splitlines()[0].endswith(";decp_date")
    assert all(line.endswith(f";{decp_date:%d/%m/%Y}") for line in content.splitlines()[1:])
    assert duckdb.sql(f"SELECT DISTINCT decp_date FROM '{parquet}'").fetchall() == [(decp_date,)]
