"""The public list of published schemes: search, filters and their counts, order, headline figures per card, and
its page cache keyed by the query string."""

import re
from datetime import UTC, date, datetime

import duckdb
import pytest
from django.urls import reverse

from spaser.analytics.classes import refresh_classes
from spaser.plans.models import Scheme
from spaser.www.public_views.views import PAGE_SIZE
from tests.indicators.factories import B1, SIREN_B
from tests.organisations.factories import BuyerAFactory, OrganisationFactory
from tests.plans.factories import (
    ObjectiveFactory,
    PartnershipFactory,
    PublishedSchemeFactory,
    SchemeFactory,
    TargetFactory,
)


URL = reverse("public:schemes")


@pytest.fixture
def located_store(decp_store):
    """The hand-counted store with places named: buyer A in Lyon (Auvergne-Rhône-Alpes), buyer B moved to Paris
    (Île-de-France), then classified as an import with its reference store does."""
    connection = duckdb.connect(str(decp_store / "reference.duckdb"))
    connection.execute(
        "CREATE OR REPLACE TABLE communes AS SELECT * FROM (VALUES ('69123', 'Lyon', '69', '84'), "
        "('01053', 'Bourg-en-Bresse', '01', '84'), ('75056', 'Paris', '75', '11')) "
        "t(code_insee, nom, departement, region)"
    )
    connection.execute(
        "CREATE TABLE regions AS SELECT * FROM (VALUES ('84', 'Auvergne-Rhône-Alpes'), ('11', 'Île-de-France')) "
        "t(code, nom)"
    )
    connection.execute("UPDATE etablissements SET code_commune = '75056' WHERE siret = ?", [B1])
    connection.close()
    refresh_classes(decp_store)
    return decp_store


@pytest.fixture
def schemes(located_store) -> dict[str, Scheme]:
    """Lyon's (adopted in May 2024, one S1 objective reached), the Ain département's (adopted in January 2025, 2nd
    edition, mutualised, 2022-2024) and that of a commune without contracts (not adopted yet, with a partner); and a
    draft. Published in the order Ain, Lyon, the commune: the commune's first, Ain's last."""
    quiet = PublishedSchemeFactory(
        title="SPASER sans marché", start_year=2025, end_year=2027, published_at=datetime(2024, 1, 5, tzinfo=UTC)
    )
    lyon = PublishedSchemeFactory(
        organisation=BuyerAFactory(),
        title="SPASER de la ville",
        adoption_date=date(2024, 5, 1),
        published_at=datetime(2024, 6, 3, tzinfo=UTC),
    )
    TargetFactory(objective=ObjectiveFactory(engagement__axis__scheme=lyon), year=2026, value=30)
    ain = PublishedSchemeFactory(
        organisation=OrganisationFactory(siren=SIREN_B, name="Département fictif", buyer_type="Département"),
        title="SPASER départemental",
        start_year=2022,
        end_year=2024,
        edition=2,
        mutualised=True,
        adoption_date=date(2025, 1, 10),
        published_at=datetime(2025, 2, 1, tzinfo=UTC),
    )
    PartnershipFactory(scheme=quiet, organisation__siren="219999999", accepted=True)
    SchemeFactory(organisation=quiet.organisation, title="SPASER en brouillon")
    return {"lyon": lyon, "ain": ain, "quiet": quiet}


def listed(client, query: dict | None = None) -> list[str]:
    """The titles of the cards, in their order."""
    content = client.get(URL, query or {}).content.decode()
    return re.findall(r'<h3 class="fr-card__title"><a href="[^"]+">([^<]+)</a>', content)


def text(client, query: dict | None = None) -> str:
    content = client.get(URL, query or {}).content.decode()
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", content)).replace("&#x27;", "'")


def test_published_schemes_only_the_most_recently_published_first(client, schemes):
    assert listed(client) == ["SPASER départemental", "SPASER de la ville", "SPASER sans marché"]
    assert "3\u00a0SPASER publiés sur la plateforme" in text(client)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "paris"}, ["SPASER départemental"]),  # the town of buyer B, in no name nor title
        ({"q": "LYON"}, ["SPASER de la ville"]),
        ({"q": SIREN_B}, ["SPASER départemental"]),
        ({"q": "sans marche"}, ["SPASER sans marché"]),  # every word, accents ignored
        ({"q": "ville paris"}, []),
        ({"q": "219999999"}, ["SPASER sans marché"]),  # a partner's SIREN
        ({"type": "Département"}, ["SPASER départemental"]),
        ({"type": "Commune"}, ["SPASER de la ville", "SPASER sans marché"]),
        ({"region": "84"}, ["SPASER de la ville"]),
        ({"region": "11"}, ["SPASER départemental"]),
        ({"annee": "2025"}, ["SPASER de la ville", "SPASER sans marché"]),
        ({"annee": "2022"}, ["SPASER départemental"]),
        ({"edition": "2"}, ["SPASER départemental"]),
        ({"mutualise": "oui"}, ["SPASER départemental"]),
        ({"mutualise": "non"}, ["SPASER de la ville", "SPASER sans marché"]),
        ({"type": "Commune", "annee": "2024", "mutualise": "non"}, ["SPASER de la ville"]),
        ({"region": "99", "edition": "x"}, ["SPASER départemental", "SPASER de la ville", "SPASER sans marché"]),
    ],
)
def test_search_and_filters(client, schemes, query, expected):
    assert listed(client, query) == expected


def test_counts_of_the_results_and_of_each_choice(client, schemes):
    page = text(client, {"type": "Commune"})

    assert "2\u00a0résultats pour cette recherche" in page
    assert "1\u00a0résultat pour cette recherche" in text(client, {"q": "paris"})
    assert "0\u00a0résultat pour cette recherche" in text(client, {"q": "introuvable"})
    for choice in ("Commune (2)", "Département (1)", "Auvergne-Rhône-Alpes (1)", "Île-de-France (1)", "2026 (2)"):
        assert choice in page, choice
    assert "1re édition (2)" in page and "2e édition (1)" in page and "Oui (1)" in page


def test_each_card_shows_the_headline_figures_and_why_one_is_missing(client, schemes):
    page = text(client)

    # Lyon (buyer A): S1 100 % in 2025 reaches the 30 % target; no environmental consideration in 2025.
    assert "1\u00a0objectif, dont 100,0\u00a0% atteints ou en bonne voie (1 sur 1 évalués)" in page
    assert "Part des marchés 2025 avec une considération sociale : 100,0\u00a0%" in page
    assert "Part des marchés 2025 avec une considération environnementale : 0,0\u00a0%" in page
    # The Ain (buyer B): one 2024 contract, with an environmental clause only.
    assert "Part des marchés 2024 avec une considération environnementale : 100,0\u00a0%" in page
    assert "Taux de considérations sociale et environnementale non calculés : aucun marché de la période" in page
    assert "Commune · Lyon, Auvergne-Rhône-Alpes · adopté le 1er mai 2024" in page
    assert "Département · Paris, Île-de-France" in page
    assert "Commune · lieu inconnu des données de référence" in page


def test_without_a_readable_store_the_list_says_why_its_figures_are_missing(client, schemes, settings, tmp_path):
    settings.SPASER_STORE_DIR = tmp_path / "absent"

    page = text(client)

    assert listed(client) == ["SPASER départemental", "SPASER de la ville", "SPASER sans marché"]
    assert page.count("non calculés : données de la commande publique momentanément indisponibles") == 3
    assert "atteints ou en bonne voie" not in page and "pas encore mesurable" not in page


@pytest.mark.usefixtures("real_cache")
def test_the_cached_page_is_kept_per_query_string(client, schemes):
    assert listed(client, {"q": "paris"}) == ["SPASER départemental"]
    Scheme.objects.filter(pk=schemes["ain"].pk).update(title="SPASER retitré")  # no version follows this

    assert listed(client, {"q": "paris"}) == ["SPASER départemental"]
    assert listed(client, {"q": "paris", "type": ""}) == ["SPASER retitré"]
    assert listed(client, {"q": "lyon"}) == ["SPASER de la ville"]

    schemes["quiet"].save()  # a published scheme changed: every query is rendered anew
    assert listed(client, {"q": "paris"}) == ["SPASER retitré"]


def test_pages_of_results_keep_the_search(client, decp_store):
    PublishedSchemeFactory.create_batch(PAGE_SIZE + 1, organisation=BuyerAFactory())  # one scope: computed once
    PublishedSchemeFactory(title="SPASER d'un autre type", organisation__buyer_type="Région")

    first = client.get(URL, {"type": "Commune"}).content.decode()

    assert f"{PAGE_SIZE + 1}\u00a0résultats pour cette recherche" in text(client, {"type": "Commune"})
    assert 'href="?type=Commune&amp;page=2"' in first and "Page 1 sur 2" in first
    assert len(listed(client, {"type": "Commune", "page": "2"})) == 1
