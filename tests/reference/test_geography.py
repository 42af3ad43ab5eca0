"""COG: régions, départements, communes, EPCI from decoupage-administratif JSON and from the flat CSV copies.

Populations of the fixtures (hand-made, see MANIFEST.md): Ain 800 + 700 + 7 000 = 8 500 (communes actuelles only);
Auvergne-Rhône-Alpes 8 500 + 520 000 = 528 500; Île-de-France 2 100 000 + 90 000 = 2 190 000.
"""

import pytest

from spaser.errors import SpaserError
from tests.reference.conftest import COG, FIXTURES, load, rows


def load_json_cog(store, order=("cog-regions", "cog-departements", "cog-epci", "cog-communes")):
    files = {
        "cog-regions": "regions.json",
        "cog-departements": "departements.json",
        "cog-epci": "epci.json",
        "cog-communes": "communes.json",
    }
    return [load(store, COG / files[kind], kind) for kind in order]


def test_population_of_a_departement_is_the_sum_of_its_communes_actuelles(store):
    load_json_cog(store)

    assert rows(store, "SELECT * FROM departements ORDER BY code") == [
        ("01", "Ain", "84", 8500),
        ("2A", "Corse-du-Sud", "94", 70000),
        ("69", "Rhône", "84", 520000),  # Lyon only: its 1st arrondissement is not counted twice
        ("75", "Paris", "11", 2100000),
        ("93", "Seine-Saint-Denis", "11", 90000),
    ]
    assert rows(store, "SELECT * FROM regions ORDER BY code") == [
        ("11", "Île-de-France", 2190000),
        ("84", "Auvergne-Rhône-Alpes", 528500),
        ("94", "Corse", 70000),
    ]


def test_communes_with_arrondissements_and_former_communes(store):
    reports = load_json_cog(store)

    assert rows(store, "SELECT * FROM communes ORDER BY code_insee") == [
        ("01001", "L'Abergement-Clémenciat", "01", "84", "240012344", 800),
        ("01015", "Arboys en Bugey", "01", "84", "242501237", 700),
        ("01120", "Cordieux", "01", "84", "240012344", None),  # commune associée of Montluel: its EPCI
        ("01262", "Montluel", "01", "84", "240012344", 7000),
        ("01340", "Saint-Bois", "01", "84", "242501237", None),  # commune déléguée of Arboys en Bugey
        ("2A004", "Ajaccio", "2A", "94", "290013572", 70000),
        ("69123", "Lyon", "69", "84", "200900017", 520000),
        ("69381", "Lyon 1er Arrondissement", "69", "84", "200900017", 30000),
        ("75056", "Paris", "75", "11", "200110005", 2100000),
        ("75108", "Paris 8e Arrondissement", "75", "11", "200110005", 35000),
        ("93001", "Aubervilliers", "93", "11", "200110005", 90000),
    ]
    # Arbignieu, commune déléguée, has the code of the commune nouvelle (01015): the commune actuelle wins.
    assert reports[-1].skipped == {"commune déléguée ou associée au code d'une commune actuelle": (1, "entrée n° 4")}
    assert rows(store, "SELECT * FROM communes_parents ORDER BY code_insee") == [
        ("01120", "01262"),
        ("01340", "01015"),
        ("69381", "69123"),
        ("75108", "75056"),
    ]


def test_epci_and_their_members(store):
    report = load_json_cog(store)[2]

    assert (report.rows, report.table, report.version) == (5, "epci", "2026")
    assert rows(store, "SELECT * FROM epci WHERE siren = '200110005'") == [
        ("200110005", "Métropole du Grand Paris (fictive)", "METRO", 2189000)
    ]
    assert rows(store, "SELECT code_insee FROM epci_membres WHERE epci_siren = '200110005' ORDER BY 1") == [
        ("75056",),
        ("93001",),
    ]


def test_communes_loaded_before_the_epci_get_them_afterwards(store):
    load_json_cog(store, order=("cog-communes", "cog-departements"))
    assert rows(store, "SELECT count(epci_siren) FROM communes") == [(0,)]

    load_json_cog(store, order=("cog-epci",))

    assert rows(store, "SELECT epci_siren FROM communes WHERE code_insee = '75108'") == [("200110005",)]
    assert rows(store, "SELECT population FROM departements WHERE code = '01'") == [(8500,)]


def test_flat_csv_copies_give_the_same_tables(store, tmp_path):
    json_store = tmp_path / "json-store"
    load_json_cog(json_store)
    for name, kind in (
        ("cog2026_regions.csv", "cog-regions"),
        ("cog2026_departements.csv", "cog-departements"),
        ("cog2026_epci.csv", "cog-epci"),
        ("cog2026_epci_membres.csv", "cog-epci"),
        ("cog2026_communes.csv", "cog-communes"),
    ):
        report = load(store, name, kind)
        assert report.version == "2026"

    for table in ("regions", "departements", "communes", "communes_parents"):
        query = f"SELECT * FROM {table} ORDER BY ALL"
        assert rows(store, query) == rows(json_store, query), table
    # The CSV copy also lists the Grand Paris' EPT; a commune's EPCI stays the EPCI à fiscalité propre.
    assert rows(store, "SELECT epci_siren FROM epci_membres WHERE code_insee = '93001' ORDER BY 1") == [
        ("200033330",),
        ("200110005",),
    ]
    assert rows(store, "SELECT epci_siren FROM communes WHERE code_insee = '93001'") == [("200110005",)]


def test_membres_csv_is_reported_as_loaded_into_epci_membres(store):
    report = load(store, "cog2026_epci_membres.csv", "cog-epci")

    assert (report.table, report.rows) == ("epci_membres", 8)


def test_invalid_commune_code_names_the_entry_and_field(store):
    with pytest.raises(
        SpaserError,
        match=r"^communes_code_invalide\.json : entrée n° 2, colonne « code » : "
        r"code « 1O15 » invalide\.$",
    ):
        load(store, "communes_code_invalide.json", "cog-communes")


def test_departements_file_given_as_regions(store):
    with pytest.raises(
        SpaserError, match="ce fichier est du type « cog-departements » .* relancez avec --kind cog-departements"
    ):
        load(store, COG / "departements.json", "cog-regions")


def test_communes_csv_given_as_epci(store):
    with pytest.raises(SpaserError, match="« cog-communes »"):
        load(store, FIXTURES / "cog2026_communes.csv", "cog-epci")


def test_cog_year_from_the_npm_package_manifest(store, tmp_path):
    package = tmp_path / "package"
    (package / "data").mkdir(parents=True)
    (package / "package.json").write_text('{"name": "@etalab/decoupage-administratif", "version": "5.3.0"}')
    (package / "data" / "regions.json").write_bytes((COG / "regions.json").read_bytes())

    assert load(store, package / "data" / "regions.json", "cog-regions").version == "2025"
