"""/observatoire/indicateurs/, its files and its API operation, on the hand-counted store (tests/observatory/
test_series.py counts the figures: 2024, collectivités, all contracts: 3 social of 5 known, of 6)."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils.html import escape

from spaser.formatting import INTERNATIONAL
from spaser.observatory.published import OECP_FIGURES
from spaser.observatory.refresh import refresh
from spaser.tables import SERIES_CSV, SERIES_PARQUET
from tests.table_schemas import csv_errors, parquet_errors
from tests.www.test_api import get


PAGE = reverse("observatory:series")


@pytest.fixture
def observatory_store(decp_store):
    refresh(decp_store)
    return decp_store


def block(content: str, anchor: str) -> str:
    """The section of one series and measure on the page."""
    start = content.index(f'id="{anchor}"')
    return content[start : content.index("</section>", start)]


def test_the_page_shows_both_denominators_in_the_universe_chosen(client, observatory_store):
    every = client.get(PAGE, {"univers": "tous", "groupe": "collectivites"}).content.decode()
    social = block(every, "social-nombre")
    # 2024: 3 of the 5 contracts publishing their considerations (60 %), of all 6 (50 %); 2025: M6 alone.
    assert "<td>60,0\xa0%</td>" in social
    assert "<td>50,0\xa0%</td>" in social
    assert 'y-bar="[60.0, 100.0]" y-line="[50.0, 100.0]"' in social
    assert "Cible PNAD 2025 : 30,0\xa0%" in social and "<td>30,0\xa0%</td>" in social
    assert "Donnée inconnue exclue" in every and "Donnée inconnue incluse" in every

    oecp = client.get(PAGE, {"univers": "oecp", "groupe": "collectivites"}).content.decode()
    # From 2024 the OECP universe leaves out M4 (30 000 €), the contract without considerations: 3 of 5 both ways.
    assert 'y-bar="[60.0, 100.0]" y-line="[60.0, 100.0]"' in block(oecp, "social-nombre")
    assert "hline" not in block(oecp, "pme-nombre")


def test_an_unknown_choice_falls_back_to_the_oecp_universe_and_every_buyer(client, observatory_store):
    response = client.get(PAGE, {"univers": "autre", "groupe": "?"})

    assert response.status_code == 200
    assert response.context["universe"] == "oecp" and response.context["group"] == "ensemble"


def test_a_group_without_contracts_says_so(client, observatory_store):
    content = client.get(PAGE, {"groupe": "etat_hopitaux"}).content.decode()

    assert "Aucun marché de ce groupe d'acheteurs dans cet univers." in content


def test_the_oecp_figures_are_in_their_own_table_with_their_source(client, observatory_store):
    content = client.get(PAGE).content.decode()
    published = content[content.index('id="chiffres-oecp"') :]

    assert len(OECP_FIGURES) == published.count("<tr>") - 1
    assert "<td>12,5\xa0%</td>" in published  # 2019, social by count
    assert escape(OECP_FIGURES[0].source_url) in published
    assert "chiffres-oecp" not in content[: content.index('id="chiffres-oecp"') - 40]


def test_the_page_says_its_data_date(client, observatory_store):
    content = client.get(PAGE).content.decode()

    assert "Données DECP du " in content and "séries calculées le " in content


def test_without_an_observatory_the_page_answers_503_with_its_explanations(client, decp_store):
    response = client.get(PAGE)

    assert response.status_code == 503
    assert "Données indisponibles" in response.content.decode()
    assert "Chiffres publiés par l'OECP" in response.content.decode()


@pytest.mark.parametrize(
    "name, convention", [("series.csv", "francaise"), ("series-internationale.csv", INTERNATIONAL)]
)
def test_the_csv_files_follow_their_schema(client, observatory_store, name, convention):
    response = client.get(reverse("observatory:series_download", args=[name]))

    assert response.status_code == 200
    content = response.content.decode("utf-8")
    assert csv_errors(content, SERIES_CSV, convention) == []
    separator = ";" if convention == "francaise" else ","
    rows = list(io.StringIO(content.lstrip("\ufeff")))
    # 2 years × 2 universes × 2 groups (collectivités, ensemble) × 12 series.
    assert len(rows) == 1 + 2 * 2 * 2 * 12
    assert rows[0].strip().split(separator) == list(SERIES_CSV.names)
    assert "observatoire-series" in response["Content-Disposition"]


def test_the_parquet_file_follows_its_schema(client, observatory_store, tmp_path):
    response = client.get(reverse("observatory:series_download", args=["series.parquet"]))

    path = tmp_path / "series.parquet"
    path.write_bytes(response.content)
    assert parquet_errors(path, SERIES_PARQUET) == []


def test_an_unknown_file_is_404(client, observatory_store):
    assert client.get(reverse("observatory:series_download", args=["series.xlsx"])).status_code == 404


def test_the_api_serves_the_series_as_documented(client, observatory_store):
    url = reverse("api:observatory_series")
    response = get(client, url, univers="tous", groupe="collectivites")

    body = response.json()
    social = next(
        row for row in body["results"] if (row["year"], row["series"], row["measure"]) == (2024, "social", "nombre")
    )
    assert (social["numerator"], social["known_denominator"], social["all_denominator"]) == (3, 5, 6)
    assert (social["known_share"], social["all_share"]) == (0.6, 0.5)
    assert datetime.date.fromisoformat(body["decp_date"])
    assert len(get(client, url).json()["results"]) == 2 * 2 * 2 * 12
    assert get(client, url, univers="ailleurs").status_code == 400


def test_the_api_without_an_observatory_answers_503(client, decp_store):
    assert get(client, reverse("api:observatory_series")).status_code == 503
