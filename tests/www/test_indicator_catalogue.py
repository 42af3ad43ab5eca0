"""The public catalogue of indicators: every indicator as the catalogue declares it, with its national coverage
counted by hand on the fixture store (see tests/indicators/test_coverage.py)."""

import html
import os
import re

import pytest
from django.urls import reverse

from spaser.governance.questionnaires import PLATFORM_CATALOGUE
from spaser.indicators.catalogue import CATALOGUE, THEMES
from spaser.indicators.engine import store_coverage
from spaser.www.public_views import indicators
from tests.www.test_store_unavailable import damaged, missing


URL = reverse("public:indicators")


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\u00a0", " ")  # the space joining a unit


def test_every_indicator_is_listed_with_what_the_catalogue_declares(client, decp_store):
    response = client.get(URL)

    body = text(response)
    assert response.status_code == 200
    for indicator in CATALOGUE:
        article = re.search(rf'<article [^>]*id="{indicator.code}".*?</article>', body, re.S).group()
        assert f">{indicator.label}</h3>" in article
        assert f"Code {indicator.code}" in article
        assert indicator.definition in article
        assert f"<dt>Unité</dt><dd>{indicator.unit}</dd>" in article
        assert indicator.source in article
        assert indicator.numerator[1:] in article
    assert f"{len(CATALOGUE)} indicateurs sur {len(CATALOGUE)}" in body


@pytest.mark.parametrize(
    "code, shown",
    [
        ("E1", "85,7 % des marchés (6 sur 7)"),
        ("E2", "71,4 % des marchés (5 sur 7)"),
        ("P6", "33,3 % des marchés (1 sur 3)"),
        ("G5", "100,0 % des marchés (7 sur 7)"),
    ],
)
def test_national_coverage_is_counted_on_the_store(client, decp_store, code, shown):
    body = text(client.get(URL))

    article = re.search(rf'<article [^>]*id="{code}".*?</article>', body, re.S).group()
    assert shown in " ".join(article.split())
    assert "calculée sur les 7 marchés notifiés de 2024 à 2025" in body


def test_a_theme_and_a_search_filter_the_list(client, decp_store):
    environmental = text(client.get(URL, {"theme": "environnemental"}))
    searched = text(client.get(URL, {"q": "offre"}))
    accents = text(client.get(URL, {"q": "reserves"}))

    assert 'id="E3_LES_DEUX"' in environmental and 'id="S1"' not in environmental
    assert f"5 indicateurs sur {len(CATALOGUE)}" in environmental
    assert re.findall(r'<article [^>]*id="(\w+)"', searched) == ["P3", "P3_OFFRE_UNIQUE"]
    assert 'id="S3_RESERVE"' in accents


def test_an_unknown_theme_or_a_search_without_answer_says_so(client, decp_store):
    body = text(client.get(URL, {"q": "licorne"}))

    assert "Aucun indicateur ne correspond à la recherche." in body
    assert f"0 indicateur sur {len(CATALOGUE)}" in body


@pytest.mark.parametrize("breaking", [missing, damaged])
def test_without_a_readable_store_the_catalogue_is_listed_and_says_why_coverage_is_missing(
    client, decp_store, breaking
):
    breaking(decp_store)

    response = client.get(URL)

    body = text(response)
    assert response.status_code == 503
    assert "La couverture des données n'est pas affichée" in body
    assert all(f">{indicator.label}</h3>" in body for indicator in CATALOGUE)


def test_the_catalogue_is_linked_from_every_page(client, decp_store):
    body = client.get(reverse("public:home")).content.decode()

    assert body.count(f'href="{URL}"') == 2  # header navigation and footer


def test_themes_group_the_indicators_in_the_catalogue_order_of_their_theme(client, decp_store):
    body = text(client.get(URL))

    headings = re.findall(r'<h2 id="theme-[\w]+">(.*?)</h2>', body)
    assert headings == [theme.label for theme in THEMES]


def test_the_page_is_kept_until_a_new_store_comes(client, decp_store, real_cache, monkeypatch):
    computed = []

    def counted(connection, refs):
        computed.append(1)
        return store_coverage(connection, refs)

    monkeypatch.setattr(indicators, "store_coverage", counted)
    client.get(URL)
    client.get(URL)  # the page from the cache
    client.get(URL, {"theme": "social"})  # another page, the same coverage from the store cache
    assert len(computed) == 1

    swapped = decp_store / "decp.duckdb"
    os.utime(swapped, ns=(swapped.stat().st_atime_ns, swapped.stat().st_mtime_ns + 10**9))
    client.get(URL)

    assert len(computed) == 2


def test_the_platform_indicators_of_the_purchase_questionnaires_are_described_too(client, decp_store):
    body = text(client.get(URL))

    section = re.search(r'<section [^>]*aria-labelledby="plateforme".*?</section>', body, re.S).group()
    assert [label for label, _, _ in PLATFORM_CATALOGUE][
        0
    ] == "Part des consultations questionnées avant leur lancement"
    for label, numerator, denominator in PLATFORM_CATALOGUE:
        assert f"<strong>{label}</strong> : {numerator}, sur les {denominator}." in section
    assert section.count("<li>") == 4
