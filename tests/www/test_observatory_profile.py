"""`/observatoire/acheteurs/<siren>/`: the buyer profile on the hand-counted store of test_profiles.py."""

import datetime
import re

import pytest
from django.urls import reverse

from spaser.directory.models import DirectoryEntry
from spaser.formatting import count, day, percent
from spaser.tables import PROFILES_CSV, PROFILES_PARQUET
from tests.observatory.test_profiles import C1, C2, C4, ONLY_CONCESSION, build_profiles_store
from tests.organisations.factories import OrganisationFactory
from tests.plans.factories import PublishedSchemeFactory
from tests.publications.factories import PublicationFactory
from tests.table_schemas import csv_errors, parquet_errors
from tests.www.test_api import get


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_profiles_store(tmp_path_factory.mktemp("profile-pages"))


@pytest.fixture
def store(built, settings):
    settings.SPASER_STORE_DIR = built
    return built


def profile(client, siren: str, **query) -> str:
    response = client.get(reverse("observatory:profile", args=[siren]), query)
    assert response.status_code == 200
    return re.sub(r"[ \t\n]+", " ", response.content.decode())


def test_the_profile_shows_the_obligation_evidence_the_indicators_and_the_peers(client, store):
    page = profile(client, C2[:9])

    assert page.count("<h1") == 1 and "<h1>COMMUNE 2</h1>" in page
    assert "Données DECP du " in page
    assert "non obligé" in page and "marchés notifiés sous 40 M€" in page  # the register's status and reason
    assert "40\u202f000" in page and count(4, "marché") in page  # 4 marchés of 10 000 €
    # Social, in number: 1 of 4, third of four communes under 1 M€, one left out; peers' median 37,5 %.
    social = re.search(r"au moins une considération sociale.*?</tr>", page).group(0)
    assert percent(0.25) in social and "1 / 4" in social
    assert f"3e sur {count(4, 'acheteur')}" in social and "même type et taille" in page
    assert f"{count(1, 'autre acheteur')} aux données insuffisantes, écartés" in social
    assert percent(0.375) in social and percent(0.5) in social  # the median, the percentile
    assert "Commune" in page and "moins de 1 M€" in page


def test_a_buyer_without_data_enough_is_not_ranked_and_the_years_can_be_chosen(client, store):
    social = re.search(r"au moins une considération sociale.*?</tr>", profile(client, C4[:9])).group(0)
    assert "données insuffisantes" in social and "non classé" in social

    page = profile(client, C1[:9], annee=2025)
    assert '<option value="2025" selected>' in page and f"1er sur {count(1, 'acheteur')}" in page


def test_a_buyer_without_any_marche_shows_no_decp_data_never_not_obliged(client, store):
    page = profile(client, ONLY_CONCESSION[:9])

    assert "Aucune donnée DECP" in page and "aucune donnée DECP" in page
    assert "non obligé" not in page


def test_its_spaser_links_to_the_public_scheme_and_a_directory_buyer_without_decp_has_a_profile(client, store):
    scheme = PublishedSchemeFactory(
        organisation=OrganisationFactory(siren=C1[:9]), title="SPASER de la commune", start_year=2024, end_year=2099
    )
    DirectoryEntry.objects.create(
        siren="200000172", name="SYNDICAT SANS MARCHÉ", structure_type="Syndicat", title="SPASER du syndicat",
        start_year=2020, end_year=2022,
    )  # fmt: skip

    page = profile(client, C1[:9])
    directory_only = profile(client, "200000172")

    assert f'<a href="{scheme.public_url()}">SPASER de la commune</a>' in page and "en vigueur en" in page
    assert "<h1>SYNDICAT SANS MARCHÉ</h1>" in directory_only and "expiré en" in directory_only
    assert "Aucune donnée DECP" in directory_only


def test_an_invalid_or_unknown_siren_is_a_404_in_french(client, store):
    unknown = client.get(reverse("observatory:profile", args=["123456789"]))
    invalid = client.get(reverse("observatory:profile", args=["12345"]))

    assert unknown.status_code == 404 and invalid.status_code == 404


def test_the_register_and_the_directory_link_to_the_profile_and_the_former_page_redirects(client, store):
    url = reverse("observatory:profile", args=[C2[:9]])
    PublishedSchemeFactory(organisation=OrganisationFactory(siren=C2[:9]), start_year=2024)

    old = client.get(reverse("observatory:obligation_buyer", args=[C2[:9]]))

    assert (old.status_code, old["Location"]) == (301, url)
    assert f'href="{url}"' in client.get(reverse("observatory:obligation"), {"annee": 2024}).content.decode()
    assert f'href="{url}"' in client.get(reverse("observatory:directory")).content.decode()


def test_the_national_files_follow_their_published_table_schemas(client, store, tmp_path):
    content = client.get(reverse("observatory:profiles_download", args=["profils.csv"])).content.decode("utf-8-sig")
    parquet = tmp_path / "profils.parquet"
    parquet.write_bytes(client.get(reverse("observatory:profiles_download", args=["profils.parquet"])).content)

    assert csv_errors(content, PROFILES_CSV) == []
    assert f"{C2[:9]};2024;Commune;moins de 1 M€;social;nombre;4;1;4;0,25;4;1;3;0,5;0,375;" in content
    assert parquet_errors(parquet, PROFILES_PARQUET) == []
    assert client.get(reverse("observatory:profiles_download", args=["profils.xlsx"])).status_code == 404


def test_the_api_answers_the_profile_as_its_openapi_document_describes(client, store):
    found = get(client, reverse("api:observatory_profile", args=[C2[:9]])).json()
    without_decp = get(client, reverse("api:observatory_profile", args=[ONLY_CONCESSION[:9]])).json()
    social = next(row for row in found["indicators"] if (row["year"], row["series"], row["measure"]) == (
        2024, "social", "nombre"
    ))  # fmt: skip

    assert (found["name"], found["decp_data"], found["obligation"][-1]["status"]) == ("COMMUNE 2", True, "non obligé")
    assert (social["share"], social["rank"], social["peers"], social["peer_median"]) == (0.25, 3, 4, 0.375)
    assert (without_decp["decp_data"], without_decp["indicators"]) == (False, [])
    assert get(client, reverse("api:observatory_profile", args=["123456789"])).status_code == 404


def test_without_an_observatory_the_profile_answers_503_and_a_year_without_data_shows_the_last_one(
    client, store, settings, tmp_path
):
    assert '<option value="2025" selected>' in profile(client, C1[:9], annee=1990)

    settings.SPASER_STORE_DIR = tmp_path
    response = client.get(reverse("observatory:profile", args=[C1[:9]]))

    assert response.status_code == 503 and response["Retry-After"]


@pytest.mark.django_db
def test_the_profile_says_whether_the_biennial_publication_is_up_to_date(client, store):
    scheme = PublishedSchemeFactory(organisation=OrganisationFactory(siren=C1[:9]), start_year=2024, end_year=2099)
    last_year = datetime.date.today().year - 1
    moment = datetime.datetime(last_year, 1, 15, 12, tzinfo=datetime.UTC)  # due two years later: next 15 January
    PublicationFactory(scheme=scheme, organisation=scheme.organisation, published=True, published_at=moment)
    due = day(datetime.date(last_year + 2, 1, 15))

    published = profile(client, C1[:9])
    never = profile(client, C2[:9])

    assert f'fr-badge--success">à jour</span> — dernière le {day(moment.date())}, prochaine due le {due}.' in published
    assert 'fr-badge--error">non publiée</span>.' in never
