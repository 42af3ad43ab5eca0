import datetime
import json

import duckdb
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import html

from spaser.directory.models import DirectoryEntry, DirectoryImport, Source
from spaser.formatting import FRENCH, day
from spaser.observatory.store import source_versions, version_date
from spaser.plans.directory import Place
from spaser.tables import DIRECTORY_CSV, DIRECTORY_EXPORT_CSV, DIRECTORY_EXPORT_PARQUET
from tests.directory.factories import DirectoryEntryFactory
from tests.directory.test_importing import csv_of, line
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.plans.factories import PublishedSchemeFactory, SchemeFactory
from tests.publications.factories import PublicationFactory
from tests.table_schemas import SCHEMAS, csv_errors, parquet_errors
from tests.www.test_api import get


YEAR = 2026  # the page's « en vigueur » year is the current one: the tests freeze it


@pytest.fixture(autouse=True)
def this_year(monkeypatch):
    monkeypatch.setattr("spaser.www.observatory_views.directory.timezone.localdate", lambda: datetime.date(YEAR, 6, 1))


@pytest.fixture
def three_sources():
    region = OrganisationFactory(siren="200052264", name="Région Grand Est", buyer_type="Région", fictitious=False)
    scheme = PublishedSchemeFactory(organisation=region, title="SPASER ORCHIDÉE", start_year=2022, end_year=2026)
    # The same scheme in an imported file: listed once, as published on the platform
    DirectoryEntryFactory(imported=True, siren="200052264", name="Région Grand Est", start_year=2022)
    DirectoryEntryFactory(imported=True, start_year=2019, end_year=2022, title="Première édition")
    DirectoryEntryFactory(
        siren="243300001", name="Agglo Exemple", structure_type="Communauté d'agglomération", end_year=None
    )
    SchemeFactory(title="Brouillon invisible")
    return scheme


def results(response) -> list[tuple[str, str]]:
    return [(item.listed.name, item.listed.source) for item in response.context["results"]]


@pytest.mark.django_db
def test_the_three_sources_are_told_apart_and_a_scheme_shows_once(client, three_sources):
    response = client.get(reverse("observatory:directory"))

    assert results(response) == [
        ("Agglo Exemple", "saisi par l'équipe"),
        ("Commune Exemple (fictive)", "importé"),
        ("Région Grand Est", "publié sur la plateforme"),
    ]
    page = response.content.decode()
    assert "Brouillon invisible" not in page
    assert f'href="{three_sources.public_url()}"' in page
    assert 'fr-badge--purple-glycine">importé' in page and 'fr-badge--green-emeraude">saisi par l&#x27;équipe' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"statut": "expire"}, ["Commune Exemple (fictive)"]),
        ({"statut": "en-vigueur"}, ["Agglo Exemple", "Région Grand Est"]),
        ({"categorie": "Autres EPCI"}, ["Agglo Exemple"]),
        ({"annee": "2020"}, ["Commune Exemple (fictive)"]),
        ({"source": "importé"}, ["Commune Exemple (fictive)"]),
        ({"q": "grand est"}, ["Région Grand Est"]),
        ({"q": "243300001"}, ["Agglo Exemple"]),
    ],
)
def test_search_and_filters(client, three_sources, query, expected):
    response = client.get(reverse("observatory:directory"), query)

    assert [name for name, _ in results(response)] == expected


@pytest.mark.django_db
def test_counts_by_rtes_category_beside_the_rtes_count(client, three_sources):
    categories = client.get(reverse("observatory:directory")).context["categories"]

    assert [(tally.name, tally.schemes, tally.in_force, tally.reference) for tally in categories] == [
        ("Régions", 1, 1, 10),
        ("Départements", 0, 0, 14),
        ("Métropoles", 0, 0, 7),
        ("Autres EPCI", 1, 1, 12),
        ("Communes", 1, 0, 18),
        ("Autres acheteurs", 0, 0, None),
    ]


@pytest.mark.django_db
def test_the_csv_export_follows_its_published_schema(client, three_sources):
    response = client.get(reverse("observatory:directory_csv"), {"source": "importé"})
    content = response.content.decode("utf-8")

    assert csv_errors(content, DIRECTORY_EXPORT_CSV, FRENCH) == []
    assert content.count("\n") == 2 and "Commune Exemple (fictive)" in content


@pytest.mark.django_db
def test_the_parquet_export_follows_its_published_schema_and_dates_its_data(
    client, three_sources, decp_store, tmp_path
):
    decp_date = version_date(source_versions(decp_store)["decp"])
    parquet = tmp_path / "annuaire.parquet"

    response = client.get(reverse("observatory:directory_parquet"))
    parquet.write_bytes(response.content)

    assert response["Content-Type"] == "application/vnd.apache.parquet"
    assert parquet_errors(parquet, DIRECTORY_EXPORT_PARQUET) == []
    rows = duckdb.sql(f"SELECT siren, annee_fin, source, decp_date FROM '{parquet}' ORDER BY siren").fetchall()
    assert len(rows) == 3 and {row[3] for row in rows} == {decp_date}
    assert ("243300001", None, "saisi par l'équipe", decp_date) in rows  # no end: null, not an empty string
    page = client.get(reverse("observatory:directory")).content.decode()
    assert f"Données DECP du {day(decp_date)}." in page
    assert f'href="{reverse("observatory:directory_parquet")}"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("table", [DIRECTORY_CSV, DIRECTORY_EXPORT_CSV, DIRECTORY_EXPORT_PARQUET])
def test_the_schemas_are_served_as_published(client, table):
    response = client.get(reverse("observatory:directory_schema", args=[table.name]))

    assert response.json() == json.loads((SCHEMAS / f"{table.name}.json").read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_the_api_lists_every_source_and_filters_by_siren_and_year(client, three_sources):
    everything = get(client, reverse("api:directory")).json()
    shared = get(client, reverse("api:directory"), siren="243300001", annee=2040).json()

    assert everything["count"] == 3
    assert {item["source"] for item in everything["results"]} == {
        "publié sur la plateforme",
        "importé",
        "saisi par l'équipe",
    }
    assert [item["end_year"] for item in shared["results"]] == [None]
    assert get(client, reverse("api:directory"), siren="12").status_code == 400


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True))
    return client


def upload(client, content: bytes):
    file = SimpleUploadedFile("annuaire.csv", content, content_type="text/csv")
    return client.post(reverse("observatory:directory_import"), {"file": file}, follow=True)


@pytest.mark.django_db
def test_staff_import_a_file_whole_and_undo_it(staff_client):
    response = upload(staff_client, csv_of(line(), line(siren="243300001")))

    assert "« annuaire.csv » importé : 2 fiche(s) ajoutée(s)." in response.content.decode()
    assert DirectoryEntry.objects.filter(source=Source.IMPORTED).count() == 2
    staff_client.post(reverse("observatory:directory_undo", args=[DirectoryImport.objects.get().pk]))
    assert DirectoryEntry.objects.count() == 0


@pytest.mark.django_db
def test_a_wrong_file_shows_its_errors_by_line_and_stores_nothing(staff_client):
    response = upload(staff_client, csv_of(line(), line(start="2025", end="2024", edition="2")))

    assert "Ligne 3, colonne « annee_fin » : la période se termine en 2024, avant de commencer en 2025" in (
        response.content.decode()
    )
    assert DirectoryEntry.objects.count() == 0 and DirectoryImport.objects.count() == 0


@pytest.mark.django_db
def test_the_template_is_offered_to_anyone(client):
    response = client.get(reverse("observatory:directory_template"))

    assert csv_errors(response.content.decode("utf-8"), DIRECTORY_CSV, FRENCH) == []


@pytest.mark.django_db
def test_staff_enter_an_entry_and_a_wrong_period_or_siren_is_refused(staff_client):
    url = reverse("observatory:directory_add")
    fields = {"siren": "180000994", "name": "Établissement public Exemple", "start_year": 2025}

    wrong = staff_client.post(url, {**fields, "siren": "180000995", "end_year": 2024})
    staff_client.post(url, fields)

    assert wrong.context["form"].errors == {
        "siren": ["SIREN invalide (clé de Luhn) : 180000995."],
        "end_year": ["La période se termine en 2024, avant de commencer en 2025."],
    }
    entry = DirectoryEntry.objects.get()
    assert (entry.source, entry.end_year, entry.population) == (Source.STAFF, None, "")


@pytest.mark.django_db
def test_regions_and_departments_come_from_the_buyers_head_office(client, three_sources, monkeypatch):
    places = {"243300001": Place("33063", "Bordeaux", "75", "Nouvelle-Aquitaine")}
    monkeypatch.setattr("spaser.www.observatory_views.directory.published.places", lambda sirens: places)

    response = client.get(reverse("observatory:directory"), {"departement": "33"})

    assert [name for name, _ in results(response)] == ["Agglo Exemple"]
    assert [(tally.name, tally.schemes) for tally in response.context["regions"]] == [("Nouvelle-Aquitaine", 1)]
    assert json.loads(response.context["map_data"])["33"] == 1


@pytest.mark.django_db
def test_each_buyer_shows_whether_its_biennial_publication_is_up_to_date(client, three_sources):
    moment = datetime.datetime(2025, 1, 15, 12, tzinfo=datetime.UTC)
    PublicationFactory(
        scheme=three_sources, organisation=three_sources.organisation, published=True, published_at=moment
    )

    rows = html.fromstring(client.get(reverse("observatory:directory")).content).xpath("//table[caption]//tbody/tr")
    badges = {
        (row.xpath("th/a/text()") or row.xpath("th/text()"))[0].strip(): " ".join(
            row.xpath("td")[-1].text_content().split()
        )
        for row in rows
    }

    assert badges["Région Grand Est"] == "à jourprochaine due le 15 janvier 2027"  # a badge, then a line
    assert badges["Agglo Exemple"] == "non publiée"
