"""Inclusive structures: one loader per published list, each replacing only its own rows."""

import pytest

from spaser.errors import SpaserError
from tests.reference.conftest import load, rows


def structures(store, source):
    return rows(
        store,
        "SELECT siret, siren, famille, type, nom FROM structures_inclusives WHERE source = ? ORDER BY rowid",
        [source],
    )


def test_finess_extract_keeps_the_esat_category(store):
    report = load(store, "etalab-cs1100507-stock-20260512-0339.csv", "finess-esat")

    # Latin-1 file: "RIVIÈRE" is read right; the hospital (355) and the EHPAD (500) are not ESAT (246).
    assert structures(store, "finess-esat") == [
        (
            "80123456800013",
            "801234568",
            "ESAT",
            "ESAT",
            "ETABLISSEMENT ET SERVICE D'AIDE PAR LE TRAVAIL LES ATELIERS FICTIFS",
        ),
        ("80123456800021", "801234568", "ESAT", "ESAT", "ESAT DE LA RIVIÈRE FICTIVE"),
    ]
    assert report.skipped == {"sans SIRET ni SIREN": (1, "ligne 4")}
    assert report.version == "2026-05-12"


def test_official_esat_list_restores_lost_leading_zeros(store):
    report = load(store, "liste_officielle_esat.csv", "finess-esat")

    assert structures(store, "finess-esat") == [
        ("80123456800013", "801234568", "ESAT", "ESAT", "ESAT LES ATELIERS FICTIFS"),
        ("00542010400035", "005420104", "ESAT", "ESAT", "ESAT DU CANAL FICTIF"),  # written 542010400035
    ]
    assert report.skipped == {"sans SIRET ni SIREN": (1, "ligne 4"), "SIRET en double": (1, "ligne 5")}


def test_marche_export_keeps_the_four_families(store):
    report = load(store, "liste_structures_2026-09-01.csv", "siae")

    assert [row[2:4] for row in structures(store, "siae")] == [
        ("SIAE", "EI"),
        ("SIAE", "ACI"),
        ("SIAE", "AI"),
        ("SIAE", "ETTI"),
        ("SIAE", "EITI"),
        ("GEIQ", "GEIQ"),
        ("EA", "EA"),
        ("EA", "EATT"),
        ("ESAT", "ESAT"),
    ]
    assert structures(store, "siae")[1] == (
        "12345678200010",
        "123456782",
        "SIAE",
        "ACI",
        "ASSOCIATION SOLIDAIRE DU CANAL, EMPLOI ET INSERTION",
    )
    assert report.skipped == {"type hors champ (SEP, OPCS)": (1, "ligne 11")}
    assert report.version == "2026-09-01"


def test_marche_api_json(store):
    report = load(store, "siae_api.json", "siae")

    assert structures(store, "siae") == [
        ("00542010400019", "005420104", "SIAE", "EI", "ATELIERS DU CANAL FICTIF"),
        ("84372109300014", "843721093", "SIAE", "ACI", "CHANTIER FICTIF"),
    ]
    assert report.skipped == {"type hors champ (SEP, OPCS)": (1, "entrée n° 3")}


def test_asp_ea2_flux(store):
    report = load(store, "FLUX_EA2_ITOU_20260105.zip", "ea")

    assert structures(store, "ea") == [
        ("87890123000010", "878901230", "EA", "EA", "ENTREPRISE ADAPTEE FICTIVE"),
        ("87890123000028", "878901230", "EA", "EATT", "INTERIM ADAPTE DU CANAL"),
        # "Entreprise Adaptée en Milieu Pénitentiaire " (trailing space as published) is an EA.
        ("88901234000010", "889012340", "EA", "EA", "ATELIER ADAPTE FICTIF"),
    ]
    assert report.skipped == {"SIRET en double": (1, "ligne 6")}
    assert report.version == "2026-01-05"


def test_asp_ea_contact_list_xlsx(store):
    load(store, "Liste_Contact_EA_20240115.xlsx", "ea")

    assert [row[0] + " " + row[3] for row in structures(store, "ea")] == [
        "87890123000010 EA",
        "88901234000010 EATT",  # a number in the sheet
        "89012345800014 EA",
    ]


def test_geiq_federation_export_restores_lost_zeros(store):
    report = load(store, "geiq_export_2025.xlsx", "geiq")

    assert structures(store, "geiq") == [
        ("86789012100017", "867890121", "GEIQ", "GEIQ", "GEIQ FICTIF DU BTP"),
        ("00542010400043", "005420104", "GEIQ", "GEIQ", "GEIQ FICTIF DU CANAL"),  # 542010400043 in Excel
    ]
    assert report.skipped == {"sans SIRET ni SIREN": (1, "ligne 4")}


def test_geiq_label_api_with_antennas(store):
    report = load(store, "geiq_labels.json", "geiq")

    assert [row[0] for row in structures(store, "geiq")] == ["86789012100017", "86789012100025", "00542010400043"]
    assert report.skipped == {"sans SIRET ni SIREN": (1, "entrée n° 1, antenne n° 2")}


def test_each_list_replaces_only_its_own_rows(store):
    load(store, "liste_structures_2026-09-01.csv", "siae")
    load(store, "geiq_labels.json", "geiq")
    load(store, "siae_api.json", "siae")

    counts = rows(store, "SELECT source, count(*) FROM structures_inclusives GROUP BY 1 ORDER BY 1")

    assert counts == [("geiq", 3), ("siae", 2)]


def test_invalid_siret_names_line_and_column(store):
    with pytest.raises(SpaserError) as raised:
        load(store, "liste_structures_siret_invalide.csv", "siae")

    assert str(raised.value).startswith(
        "liste_structures_siret_invalide.csv : ligne 3, colonne « Siret » : SIRET « 12345678200011 » invalide"
    )


def test_unknown_kind_is_an_error(store):
    with pytest.raises(
        SpaserError,
        match=r"^liste_structures_type_inconnu\.csv : ligne 3, colonne « Type de "
        r"structure » : type de structure « XYZ » inconnu",
    ):
        load(store, "liste_structures_type_inconnu.csv", "siae")


def test_windows_1252_export_is_refused(store):
    with pytest.raises(
        SpaserError,
        match=r"^liste_structures_windows1252\.csv : ligne 1 : caractères qui ne sont "
        r"pas de l'UTF-8",
    ):
        load(store, "liste_structures_windows1252.csv", "siae")


def test_ea2_flux_without_footer_is_truncated(store):
    with pytest.raises(
        SpaserError,
        match=r"^EA2_ITOU_sans_pied\.txt : fin du fichier : pied « Z\|ASP\|EA\| » "
        r"absent, le fichier est tronqué\.$",
    ):
        load(store, "EA2_ITOU_sans_pied.txt", "ea")


@pytest.mark.parametrize(
    ("name", "kind", "right_kind"),
    [
        ("liste_structures_2026-09-01.csv", "geiq", "siae"),
        ("siae_api.json", "geiq", "siae"),
        ("geiq_export_2025.xlsx", "siae", "geiq"),
        ("FLUX_EA2_ITOU_20260105.zip", "finess-esat", "ea"),
        ("etalab-cs1100507-stock-20260512-0339.csv", "ea", "finess-esat"),
    ],
)
def test_a_list_given_with_the_wrong_kind_names_the_right_one(store, name, kind, right_kind):
    with pytest.raises(SpaserError, match=f"relancez avec --kind {right_kind}\\.$"):
        load(store, name, kind)


def test_a_row_with_only_a_siren_is_kept_for_the_whole_legal_unit(store, tmp_path):
    listing = tmp_path / "siae.csv"
    listing.write_text("siret,siren,kind,name\n,123456782,ACI,CHANTIER FICTIF\n,,EI,SANS IDENTIFIANT\n")

    report = load(store, listing, "siae")

    assert structures(store, "siae") == [(None, "123456782", "SIAE", "ACI", "CHANTIER FICTIF")]
    assert report.skipped == {"sans SIRET ni SIREN": (1, "ligne 3")}
